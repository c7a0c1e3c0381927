from . import (
    ir_http,
    ir_model_fields,
    ir_model_fields_selection,
    mcp_call,
    mcp_tool,
    mcp_tool_playground,
    res_users,
    res_users_apikeys_description,
)
