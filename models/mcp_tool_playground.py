import json
import logging

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.http import request
from odoo.modules.module import get_manifest

from ..protocol import McpDispatcher
from ..protocol import versions

_logger = logging.getLogger(__name__)

PLAYGROUND_CLIENT = "Odoo playground"
BLANK_VALUES = {
    "string": "",
    "integer": 0,
    "number": 0,
    "boolean": False,
    "array": [],
    "object": {},
}


class McpToolPlayground(models.TransientModel):
    """Try a tool from the Odoo UI, as oneself, through the same dispatcher an
    MCP client reaches: same validation, same savepoint, same audit record, and
    the JSON-RPC answer shown exactly as it would be sent."""

    _name = "mcp.tool.playground"
    _description = "MCP Tool Playground"

    tool_id = fields.Many2one(
        "mcp.tool",
        string="Tool",
        required=True,
        ondelete="cascade",
        domain=[("active", "=", True)],
    )
    tool_description = fields.Text(related="tool_id.description", string="Description")
    input_schema_text = fields.Text(
        related="tool_id.input_schema_text", string="Input Schema"
    )
    arguments_text = fields.Text(
        string="Arguments (JSON)",
        default="{}",
        help='The tool\'s arguments as a JSON object, e.g. {"model": "res.partner"}.',
    )
    protocol_version = fields.Char(
        default=versions.LATEST_HANDSHAKE_VERSION, readonly=True
    )
    response_text = fields.Text(string="Response", readonly=True)
    is_error = fields.Boolean(readonly=True)

    @api.onchange("tool_id")
    def _onchange_tool_id(self):
        """Start from the tool's required arguments, with blank values of their type."""
        if not self.tool_id or (self.arguments_text or "{}").strip() not in ("{}", ""):
            return
        schema = self.tool_id.input_schema or {}
        properties = schema.get("properties", {})
        skeleton = {
            name: properties.get(name, {}).get(
                "default", BLANK_VALUES.get(properties.get(name, {}).get("type"))
            )
            for name in schema.get("required", ())
        }
        self.arguments_text = json.dumps(skeleton, indent=2)

    def action_run(self):
        self.ensure_one()
        try:
            arguments = json.loads(self.arguments_text or "{}")
        except ValueError as error:
            raise UserError(
                self.env._("The arguments are not valid JSON: %s", error)
            ) from error

        body = {
            "jsonrpc": "2.0",
            "id": 1,
            "method": "tools/call",
            "params": {
                "name": self.tool_id.name,
                "arguments": arguments,
            },
        }
        dispatcher = McpDispatcher(
            self.env,
            {"MCP-Protocol-Version": self.protocol_version},
            server_version=get_manifest("mcp_gateway").get("version", "0"),
            remote_addr=request.httprequest.remote_addr if request else None,
            client_name=PLAYGROUND_CLIENT,
        )
        answer = dispatcher.handle(json.dumps(body))
        payload = answer.payload or {}
        _logger.info(
            "MCP playground: %s ran %s", self.env.user.login, self.tool_id.name
        )
        self.write(
            {
                "response_text": json.dumps(payload, indent=2, ensure_ascii=False),
                "is_error": "error" in payload
                or payload.get("result", {}).get("isError", False),
            }
        )
        return {
            "type": "ir.actions.act_window",
            "res_model": self._name,
            "res_id": self.id,
            "view_mode": "form",
            "target": "new",
            "name": self.env._("Playground"),
        }
