from . import (
    ir_http,
    ir_http_credentials,
    mcp_call,
    mcp_key_policy,
    mcp_oauth_client,
    mcp_oauth_code,
    mcp_oauth_token,
    mcp_rate_counter,
    mcp_tool,
    res_config_settings,
    res_users,
    res_users_apikeys_description,
)
