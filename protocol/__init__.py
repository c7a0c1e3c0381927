"""The MCP protocol layer: JSON-RPC framing, revision negotiation for both eras,
and the methods a client may call. Plain Python over an Odoo environment; the
HTTP controller feeds it bytes and headers and sends back what it answers."""

from .dispatcher import McpDispatcher, McpHttpAnswer

__all__ = ["McpDispatcher", "McpHttpAnswer"]
