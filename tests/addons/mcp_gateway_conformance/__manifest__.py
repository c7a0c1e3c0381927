{
    "name": "MCP Gateway: conformance fixtures (tests only)",
    "summary": "Tools, resources and prompts the official MCP conformance suite "
    "expects. Installed only in test databases.",
    "version": "19.0.1.0.0",
    "category": "Hidden",
    "license": "LGPL-3",
    "depends": ["mcp_gateway"],
    "data": ["data/mcp_tool_fixtures.xml"],
    "installable": True,
}
