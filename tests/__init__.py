from . import test_auth, test_key_policy, test_oauth, test_protocol, test_tools_access, test_tool_catalog
