"""What authenticated an MCP request, and what that credential may do.

Built by the ``mcp_bearer`` auth method (``models/ir_http_credentials.py``) and
handed by the controller to the dispatcher; plain data, no Odoo objects.
"""

from dataclasses import dataclass

SCOPE_WRITE = "mcp:write"


@dataclass(frozen=True)
class McpCredential:
    """An MCP key (``kind="key"``) or an OAuth access token (``kind="oauth"``)."""

    kind: str
    key_id: int | None = None
    grant_id: int | None = None
    client_id: int | None = None
    scopes: frozenset = frozenset()
    read_only: bool = False
    tool_ids: frozenset | None = None
    resource_metadata_url: str | None = None

    @property
    def may_write(self):
        if self.kind == "oauth":
            return SCOPE_WRITE in self.scopes
        return not self.read_only

    def rate_subjects(self, uid):
        """The counters one call of user ``uid`` with this credential adds to."""
        subjects = [("user", f"user:{uid}")]
        if self.kind == "key" and self.key_id:
            subjects.append(("credential", f"key:{self.key_id}"))
        elif self.kind == "oauth" and self.client_id:
            subjects.append(("credential", f"client:{self.client_id}:user:{uid}"))
        return subjects
