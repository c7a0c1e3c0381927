"""Protocol revisions this server speaks, per era."""

# Reached through the initialize handshake (Streamable HTTP, JSON responses only).
HANDSHAKE_VERSIONS = ("2025-03-26", "2025-06-18", "2025-11-25")
LATEST_HANDSHAKE_VERSION = HANDSHAKE_VERSIONS[-1]
# Stateless revisions: every request carries its version in ``_meta``.
MODERN_VERSIONS = ("2026-07-28",)
# What server/discover advertises and every unsupported-version error repeats.
SUPPORTED_VERSIONS = MODERN_VERSIONS + tuple(reversed(HANDSHAKE_VERSIONS))
# A request after initialize without MCP-Protocol-Version is taken as this one.
DEFAULT_HEADERLESS_VERSION = "2025-03-26"
# The batching of JSON-RPC messages existed only in this revision.
BATCHING_VERSIONS = ("2025-03-26",)

META_PROTOCOL_VERSION = "io.modelcontextprotocol/protocolVersion"
META_CLIENT_CAPABILITIES = "io.modelcontextprotocol/clientCapabilities"
META_CLIENT_INFO = "io.modelcontextprotocol/clientInfo"
META_SERVER_INFO = "io.modelcontextprotocol/serverInfo"
META_LOG_LEVEL = "io.modelcontextprotocol/logLevel"


# List methods whose items gained ``title`` in 2025-06-18, and the list's key.
LISTED_ITEMS = {
    "prompts/list": "prompts",
    "resources/list": "resources",
    "resources/templates/list": "resourceTemplates",
}


def at_least(version, minimum):
    """Whether ``version`` is ``minimum`` or newer (all revisions are dates)."""
    return version >= minimum


def downgrade_result(method, version, result):
    """Remove from ``result`` what ``version`` does not define.

    The wire types validate the legacy revisions against the 2025-11-25 schema,
    so fields added in 2025-06-18 (``structuredContent``, ``outputSchema``,
    ``title``, resource links) and 2025-11-25 (``icons``) are taken out here.
    """
    if at_least(version, "2025-11-25"):
        return result
    if method == "tools/list":
        for tool in result.get("tools", ()):
            tool.pop("icons", None)
            if not at_least(version, "2025-06-18"):
                tool.pop("title", None)
                tool.pop("outputSchema", None)
    elif method == "tools/call" and not at_least(version, "2025-06-18"):
        result.pop("structuredContent", None)
        result["content"] = [
            block for block in result.get("content", ()) if block.get("type") != "resource_link"
        ]
    elif method in LISTED_ITEMS:
        for item in result.get(LISTED_ITEMS[method], ()):
            item.pop("icons", None)
            if not at_least(version, "2025-06-18"):
                item.pop("title", None)
    elif method == "initialize":
        result.get("serverInfo", {}).pop("icons", None)
        if not at_least(version, "2025-06-18"):
            result.get("serverInfo", {}).pop("title", None)
    return result
