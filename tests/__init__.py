from . import (
    test_auth,
    test_protocol,
    test_tool_catalog,
    test_tool_contracts,
    test_tool_kinds,
    test_tools_access,
)
