from . import (
    ir_http,
    mcp_call,
    mcp_session,
    mcp_tool,
    res_users,
    res_users_apikeys_description,
)
