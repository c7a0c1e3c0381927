from . import (
    test_auth,
    test_compact_results,
    test_key_policy,
    test_oauth,
    test_protocol,
    test_protocol_features,
    test_request_state,
    test_tool_catalog,
    test_tool_contracts,
    test_tool_kinds,
    test_tools_access,
)
