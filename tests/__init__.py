from . import test_auth, test_protocol, test_tools_access, test_tool_catalog
from . import test_compact_results
