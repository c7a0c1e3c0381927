import copy
import json
import logging
import re

from odoo import api, fields, models, tools
from odoo.exceptions import ValidationError
from odoo.addons.base.models.ir_model import MODULE_UNINSTALL_FLAG

from ..executors import EXECUTORS
from ..executors.records import is_sensitive_field
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
        compute="_compute_description",
        inverse="_inverse_description",
        help="What clients read: generated from the tool's configuration unless "
        "overridden.",
    )
    description_override = fields.Text(
        translate=True,
        help="Written by the admin for the model that will call the tool; replaces "
        "the generated description. Empty: the description is generated.",
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
    model_ids = fields.Many2many(
        "ir.model",
        "mcp_tool_allowed_model_rel",
        "tool_id",
        "model_id",
        string="Allowed Models",
        help="For a tool without a target model: the models it may work on. "
        "Empty: any model the caller may read.",
    )
    allowed_field_ids = fields.Many2many(
        "ir.model.fields",
        "mcp_tool_allowed_field_rel",
        "tool_id",
        "field_id",
        string="Allowed Fields",
        help="Fields the tool may read, filter on and write, per model. A model "
        "with none listed here keeps every field the caller may see.",
    )
    hidden_field_ids = fields.Many2many(
        "ir.model.fields",
        "mcp_tool_hidden_field_rel",
        "tool_id",
        "field_id",
        string="Hidden Fields",
        help="Fields the tool never shows nor accepts. Secrets (passwords, tokens, "
        "keys, signatures) and fields a group hides from the caller are always hidden.",
    )
    default_field_ids = fields.Many2many(
        "ir.model.fields",
        "mcp_tool_default_field_rel",
        "tool_id",
        "field_id",
        string="Default Fields",
        help="Fields returned when the caller names none. Empty: a short set chosen "
        "from the model.",
    )
    method_name = fields.Char(
        string="Method",
        help="Model-method tools: the one public method of the target model the tool "
        "calls, e.g. action_confirm.",
    )
    server_action_id = fields.Many2one(
        "ir.actions.server",
        string="Server Action",
        ondelete="restrict",
        help="Server-action tools: the action run with the caller's rights; the "
        "arguments are in its context as mcp_arguments.",
    )
    custom_schema_text = fields.Text(
        string="Custom Input Schema",
        default='{\n  "type": "object",\n  "properties": {},\n  '
        '"additionalProperties": false\n}',
        help="Server-action tools: the JSON Schema (2020-12) of the arguments, "
        "checked on save.",
    )
    confirmation_policy = fields.Selection(
        [("none", "None"), ("confirm", "Ask the user to confirm"),
         ("approval", "Needs a manager's approval")],
        required=True,
        default="none",
        help="How a call must be confirmed before it runs. Only 'None' is enforced "
        "today; the others are reserved for the write-safety work.",
    )
    default_limit = fields.Integer(default=20, help="Records returned when the caller gives no limit.")
    max_limit = fields.Integer(default=200, help="Largest limit a caller may ask for.")
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

    @api.constrains("kind", "model_id", "method_name", "server_action_id",
                    "custom_schema_text")
    def _check_kind_configuration(self):
        for tool in self.filtered("kind"):
            try:
                tool._executor().check_configuration(tool)
            except ValueError as error:
                raise ValidationError(
                    self.env._("Tool %(name)s: %(problem)s", name=tool.name,
                               problem=error.args[0])
                ) from error

    @api.constrains("kind", "category", "read_only_hint", "destructive_hint")
    def _check_write_kinds(self):
        for tool in self.filtered("kind"):
            executor = tool._executor()
            if executor.always_writes and (
                tool.category != "write" or tool.read_only_hint
                or executor.destructive and not tool.destructive_hint
            ):
                raise ValidationError(self.env._(
                    "Tool %(name)s writes data: its category must be Write, it cannot "
                    "be marked read-only, and a destructive kind stays marked "
                    "destructive.", name=tool.name))

    @api.constrains("model_id", "model_ids", "allowed_field_ids", "hidden_field_ids",
                    "default_field_ids")
    def _check_field_policy(self):
        for tool in self:
            models_allowed = tool.model_id | tool.model_ids
            for field in tool.allowed_field_ids | tool.default_field_ids:
                if is_sensitive_field(field.model, field.name):
                    raise ValidationError(self.env._(
                        "Field %(field)s holds secrets: no tool may expose it.",
                        field=field.name))
                if models_allowed and field.model_id not in models_allowed:
                    raise ValidationError(self.env._(
                        "Field %(field)s belongs to %(model)s, which tool %(tool)s "
                        "does not work on.", field=field.name, model=field.model,
                        tool=tool.name))

    @api.model
    def _executor_defaults(self, kind):
        """The category and annotations a tool of ``kind`` starts with."""
        executor = EXECUTORS[kind]
        return {
            "category": executor.category,
            "read_only_hint": executor.read_only,
            "destructive_hint": executor.destructive,
            "idempotent_hint": executor.idempotent,
        }

    @api.onchange("kind")
    def _onchange_kind(self):
        """A new kind brings its usual category and annotations."""
        if self.kind:
            self.update(self._executor_defaults(self.kind))

    @api.depends("kind", "model_id", "model_ids", "allowed_field_ids",
                 "hidden_field_ids", "method_name", "server_action_id",
                 "description_override")
    def _compute_description(self):
        for tool in self:
            tool.description = tool.description_override or (
                tool._executor().describe(tool) if tool.kind else "")

    def _inverse_description(self):
        for tool in self:
            generated = tool._executor().describe(tool) if tool.kind else ""
            written = (tool.description or "").strip()
            tool.description_override = written if written and written != generated else False

    @api.depends("kind", "model_id", "model_ids", "allowed_field_ids",
                 "hidden_field_ids", "default_limit", "max_limit", "method_name",
                 "custom_schema_text", "category", "read_only_hint")
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

    def _default_field_names(self, model_name):
        """The default fields configured for ``model_name`` (may be empty)."""
        self.ensure_one()
        config = self.sudo()  # the tool's own configuration
        return [field.name for field in config.default_field_ids if field.model == model_name]

    def _executor(self):
        self.ensure_one()
        return EXECUTORS[self.kind]

    def _allowed_model_names(self):
        """Technical names of the models an unbound tool is limited to (may be empty)."""
        self.ensure_one()
        return sorted(self.sudo().model_ids.mapped("model"))  # the tool's own configuration

    def _field_policy_context(self, model_name):
        """The tool's field policy for ``model_name``, as the context keys read by
        ``executors.records.visible_fields`` and ``resolve_fields``."""
        self.ensure_one()
        config = self.sudo()  # the tool's own configuration

        def names(field_records):
            return tuple(f.name for f in field_records if f.model == model_name)

        return {
            "mcp_tool_id": self.id,
            "mcp_allowed_fields": tuple(sorted(names(config.allowed_field_ids))) or None,
            "mcp_hidden_fields": names(config.hidden_field_ids),
        }

    # ------------------------------------------------------------------
    # Cache: the catalog is computed once per set of groups and language
    # ------------------------------------------------------------------

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if vals.get("kind") in EXECUTORS:
                # what the form's onchange does, for tools made by code or RPC
                for key, value in self._executor_defaults(vals["kind"]).items():
                    vals.setdefault(key, value)
        tools_created = super().create(vals_list)
        self.env.registry.clear_cache()  # the cached catalog (other workers too)
        return tools_created

    def write(self, vals):
        result = super().write(vals)
        if "description" in vals:
            # the inverse changed the override: recompute what clients read
            self.invalidate_recordset(["description"])
        self.env.registry.clear_cache()  # the cached catalog (other workers too)
        return result

    def unlink(self):
        result = super().unlink()
        self.env.registry.clear_cache()  # the cached catalog (other workers too)
        return result

    @api.model
    def _invalidate_catalog_for_models(self, model_names):
        """Drop the cached catalog when a tool is bound to one of ``model_names``,
        whose fields just changed (its schema lists them: a new ``x_`` field
        shows up on the next tools/list)."""
        if not model_names:
            return
        if self.env.context.get(MODULE_UNINSTALL_FLAG):
            self.env.registry.clear_cache()  # tables may be gone: do not query
            return
        # sudo: this addon's own configuration, whoever edits the fields
        targeted = self.sudo().with_context(active_test=False).search_count(
            [("model_id.model", "in", list(set(model_names)))], limit=1)
        if targeted:
            self.env.registry.clear_cache()  # signalled to the other workers by Odoo

    # ------------------------------------------------------------------
    # Catalog: what a user may list and call
    # ------------------------------------------------------------------

    @api.model
    def _get_callable_tools(self, domain=()):
        """Active tools (matching ``domain``) the current user may call, in a
        stable order.

        The record rule already hides tools of other groups from plain users;
        managers may read every tool, so the group check is made here as well.
        """
        user_groups = self.env.user.all_group_ids
        tools = self.search(list(domain))
        return tools.filtered(lambda t: not t.group_ids or t.group_ids & user_groups)

    @api.model
    def _get_catalog(self):
        """The ``tools/list`` definitions for the current user, from the cache.

        Schemas depend on the fields the user's groups may see, descriptions on
        the language: both are in the key. Callers get their own copy.
        """
        group_ids = tuple(sorted(self.env.user.all_group_ids.ids))
        catalog = self._get_catalog_cached(group_ids, self.env.lang or "en_US")
        return copy.deepcopy([definition for _name, definition in catalog])

    @api.model
    def _get_cached_input_schema(self, name):
        group_ids = tuple(sorted(self.env.user.all_group_ids.ids))
        catalog = dict(self._get_catalog_cached(group_ids, self.env.lang or "en_US"))
        definition = catalog.get(name)
        return copy.deepcopy(definition["inputSchema"]) if definition else None

    @api.model
    @tools.ormcache("group_ids", "lang")
    def _get_catalog_cached(self, group_ids, lang):
        tools_found = self.with_context(lang=lang)._get_callable_tools()
        _logger.debug("MCP catalog computed for groups %s (%s): %d tools",
                      group_ids, lang, len(tools_found))
        return tuple((tool.name, tool._to_mcp_tool()) for tool in tools_found)

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

    def action_open_playground(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Playground"),
            "res_model": "mcp.tool.playground",
            "view_mode": "form",
            "target": "new",
            "context": {"default_tool_id": self.id},
        }

    def action_view_calls(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("mcp_gateway.mcp_call_action")
        action["domain"] = [("tool_id", "=", self.id)]
        return action
