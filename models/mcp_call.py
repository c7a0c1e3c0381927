from odoo import fields, models


class McpCall(models.Model):
    """The audit trail: one record per MCP request that reached a tool or failed
    on the way there.

    A call is recorded in the request's own transaction, after the tool's work
    has been committed to or rolled back from its savepoint, so a failed call
    leaves its record and nothing else. Nobody may create or change these records
    through the ORM's access rights, not even a manager: only the dispatcher
    writes them (see ``ToolCallRunner._record``), so a user cannot add calls
    that never happened.
    """

    _name = "mcp.call"
    _description = "MCP Call"
    _order = "id desc"
    _rec_name = "tool_name"

    user_id = fields.Many2one(
        "res.users", required=True, readonly=True, index=True, ondelete="cascade",
        default=lambda self: self.env.user,
    )
    tool_id = fields.Many2one("mcp.tool", readonly=True, index=True, ondelete="set null")
    tool_name = fields.Char(readonly=True, required=True)
    method = fields.Char(readonly=True, help="The MCP method, e.g. tools/call.")
    arguments = fields.Json(readonly=True)
    outcome = fields.Selection(
        [
            ("success", "Success"),
            ("input_required", "Input Required"),
            ("tool_error", "Tool Error"),
            ("protocol_error", "Protocol Error"),
            ("server_error", "Server Error"),
        ],
        required=True,
        readonly=True,
        index=True,
    )
    error_message = fields.Text(readonly=True)
    duration_ms = fields.Integer(string="Duration (ms)", readonly=True)
    protocol_version = fields.Char(readonly=True)
    client_name = fields.Char(readonly=True)
    remote_addr = fields.Char(string="IP Address", readonly=True)
