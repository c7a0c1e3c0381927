import json
import logging
import re

from odoo import api, fields, models
from odoo.exceptions import ValidationError

from ..executors import EXECUTORS
from ..protocol.tool_policy import extend_input_schema

_logger = logging.getLogger(__name__)

# MCP 2025-11-25: tool names are 1 to 128 characters of [A-Za-z0-9_.-].
TOOL_NAME_PATTERN = re.compile(r"^[A-Za-z0-9_.\-]{1,128}$")
# Below this, one record of an ordinary model no longer fits in an answer.
MIN_RESPONSE_BUDGET = 1000


class McpTool(models.Model):
    """One tool offered to MCP clients: what it does, for whom, with which contract.

    The behaviour lives in the executor named by ``kind`` (see ``executors/``);
    the record holds what an admin tunes: name, wording, target model, limits,
    annotations and the groups allowed to call it.
    """

    _name = "mcp.tool"
    _description = "MCP Tool"
    _order = "sequence, name, id"

    name = fields.Char(
        required=True,
        help="Technical name the MCP client calls, e.g. search_records.",
    )
    title = fields.Char(translate=True, help="Human-readable name shown by clients.")
    description = fields.Text(
        translate=True,
        help="What the tool does, written for the model that will call it.",
    )
    category = fields.Selection(
        [("read", "Read"), ("write", "Write"), ("analytics", "Analytics")],
        required=True,
        default="read",
    )
    kind = fields.Selection(
        selection="_selection_kind",
        required=True,
        help="The executor that runs the tool.",
    )
    model_id = fields.Many2one(
        "ir.model",
        string="Target Model",
        ondelete="cascade",
        help="Restrict the tool to this model. Empty: any model the caller may read.",
    )
    model_name = fields.Char(related="model_id.model", string="Model Name")
    default_limit = fields.Integer(default=20, help="Records returned when the caller gives no limit.")
    max_limit = fields.Integer(default=200, help="Largest limit a caller may ask for.")
    default_fields = fields.Char(
        help="Comma-separated field names returned when the caller names none, "
        "e.g. name,partner_id,amount_total. Empty: chosen per model (name, list "
        "view columns, state, partner, dates, amounts).",
    )
    response_budget = fields.Integer(
        string="Response Budget (bytes)",
        default=24000,
        help="Largest JSON text a list answer may take. Longer answers stop at a "
        "record boundary, say what was left out and give a cursor for the rest.",
    )
    input_schema = fields.Json(
        compute="_compute_input_schema",
        help="JSON Schema of the arguments, generated from the tool's configuration.",
    )
    input_schema_text = fields.Text(compute="_compute_input_schema", string="Input Schema (JSON)")
    read_only_hint = fields.Boolean(string="Read-only", default=True)
    destructive_hint = fields.Boolean(string="Destructive", default=False)
    idempotent_hint = fields.Boolean(string="Idempotent", default=True)
    open_world_hint = fields.Boolean(string="Open World", default=False)
    group_ids = fields.Many2many(
        "res.groups",
        string="Allowed Groups",
        help="Only members of these groups see and call the tool. Empty: every MCP user.",
    )
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    call_count = fields.Integer(compute="_compute_call_count", string="Calls")

    _name_unique = models.UniqueIndex(
        "(name) WHERE active IS TRUE",
        "Two active tools cannot share a name.",
    )

    @api.model
    def _selection_kind(self):
        return [(key, executor.label) for key, executor in EXECUTORS.items()]

    @api.constrains("name")
    def _check_name(self):
        for tool in self:
            if not TOOL_NAME_PATTERN.match(tool.name or ""):
                raise ValidationError(
                    self.env._(
                        "Tool name %(name)r is invalid: use 1 to 128 letters, digits, "
                        "'_', '-' or '.'.",
                        name=tool.name,
                    )
                )

    @api.constrains("default_limit", "max_limit")
    def _check_limits(self):
        for tool in self:
            if tool.max_limit < 1 or not 1 <= tool.default_limit <= tool.max_limit:
                raise ValidationError(
                    self.env._("Limits must satisfy 1 <= default limit <= max limit.")
                )

    @api.constrains("response_budget")
    def _check_response_budget(self):
        for tool in self:
            if tool.response_budget < MIN_RESPONSE_BUDGET:
                raise ValidationError(
                    self.env._(
                        "The response budget must be at least %(minimum)s bytes.",
                        minimum=MIN_RESPONSE_BUDGET,
                    )
                )

    @api.constrains("default_fields", "model_id")
    def _check_default_fields(self):
        for tool in self.filtered(lambda t: t.model_id and t.default_fields):
            unknown = [
                name for name in tool._default_field_names()
                if name not in self.env[tool.model_id.model]._fields
            ]
            if unknown:
                raise ValidationError(
                    self.env._(
                        "Unknown default field(s) on %(model)s: %(fields)s.",
                        model=tool.model_id.model, fields=", ".join(unknown),
                    )
                )

    @api.depends("kind", "model_id", "default_limit", "max_limit", "category",
                 "read_only_hint")
    def _compute_input_schema(self):
        for tool in self:
            schema = tool._executor().input_schema(tool) if tool.kind else {}
            schema = extend_input_schema(tool, schema)  # write tools: "company"
            tool.input_schema = schema
            tool.input_schema_text = json.dumps(schema, indent=2)

    def _compute_call_count(self):
        counts = dict(
            self.env["mcp.call"]._read_group(
                [("tool_id", "in", self.ids)], ["tool_id"], ["__count"]
            )
        )
        for tool in self:
            tool.call_count = counts.get(tool, 0)

    def _default_field_names(self):
        """The configured default field names, in order, without blanks."""
        self.ensure_one()
        names = (name.strip() for name in (self.default_fields or "").split(","))
        return list(dict.fromkeys(name for name in names if name))

    def _executor(self):
        self.ensure_one()
        return EXECUTORS[self.kind]

    # ------------------------------------------------------------------
    # Catalog: what a user may list and call
    # ------------------------------------------------------------------

    @api.model
    def _get_callable_tools(self):
        """Active tools the current user may call, in a stable order.

        The record rule already hides tools of other groups from plain users;
        managers may read every tool, so the group check is made here as well.
        """
        user_groups = self.env.user.all_group_ids
        tools = self.search([])
        return tools.filtered(lambda t: not t.group_ids or t.group_ids & user_groups)

    def _to_mcp_tool(self):
        """The tool as an MCP ``Tool`` object (a plain dict)."""
        self.ensure_one()
        definition = {
            "name": self.name,
            "title": self.title or self.name,
            "description": self.description or "",
            "inputSchema": self.input_schema,
            "annotations": {
                "title": self.title or self.name,
                "readOnlyHint": self.read_only_hint,
                "destructiveHint": self.destructive_hint,
                "idempotentHint": self.idempotent_hint,
                "openWorldHint": self.open_world_hint,
            },
        }
        output_schema = self._executor().output_schema(self)
        if output_schema:
            definition["outputSchema"] = output_schema
        return definition

    def action_view_calls(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("mcp_gateway.mcp_call_action")
        action["domain"] = [("tool_id", "=", self.id)]
        return action
