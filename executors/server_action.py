"""Custom tools backed by a server action, defined entirely in the Odoo UI.

The admin writes the tool's input schema on the tool record and picks an
``ir.actions.server``; the validated arguments reach the action through its
context as ``mcp_arguments`` (``env.context["mcp_arguments"]`` in Python code),
and the action runs as the caller, with Odoo's own checks on who may run it.
An argument named ``ids``, when the schema declares it, gives the records the
action runs on (``records`` in its code).
"""

import json

import jsonschema

from .base import ToolExecutor
from .method import to_json

EMPTY_SCHEMA = {"type": "object", "properties": {}, "additionalProperties": False}


def parse_custom_schema(text):
    """The admin's schema text as a dict; ValueError with a reason when it is
    not JSON, not a valid JSON Schema (2020-12) or not an object schema."""
    if not (text or "").strip():
        return dict(EMPTY_SCHEMA)
    try:
        schema = json.loads(text)
    except ValueError as error:
        raise ValueError(f"The input schema is not valid JSON: {error}") from error
    if not isinstance(schema, dict) or schema.get("type") != "object":
        raise ValueError(
            'The input schema must be an object schema: {"type": "object", ...}.'
        )
    try:
        jsonschema.Draft202012Validator.check_schema(schema)
    except jsonschema.SchemaError as error:
        raise ValueError(
            f"The input schema is not a valid JSON Schema: {error.message}"
        ) from error
    return schema


class ServerActionExecutor(ToolExecutor):
    kind = "server_action"
    label = "Run a server action"
    category = "write"
    read_only = False
    idempotent = False

    def check_configuration(self, tool):
        action = tool.sudo().server_action_id  # the tool's own configuration
        if not action:
            raise ValueError("A server-action tool needs a server action.")
        parse_custom_schema(tool.custom_schema_text)

    def describe(self, tool):
        action = tool.sudo().server_action_id  # the tool's own configuration
        if not action:
            return ""
        return (
            f"Runs the Odoo action {action.name!r} on {action.model_id.model}, with "
            "your own access rights."
        )

    def input_schema(self, tool):
        try:
            return parse_custom_schema(tool.custom_schema_text)
        except ValueError:
            return dict(EMPTY_SCHEMA)  # refused on save; never offered half-valid

    def output_schema(self, tool):
        return {
            "type": "object",
            "properties": {
                "action": {"type": "string"},
                "result": {
                    "description": "The value the action returned, as JSON "
                    "(false when it returned nothing)."
                },
            },
            "required": ["action", "result"],
        }

    def execute(self, tool, env, arguments):
        # sudo: read the tool's configuration; run() below checks the caller
        configured = tool.sudo().server_action_id
        action = env["ir.actions.server"].browse(configured.id)
        context = {
            "active_model": configured.model_id.model,
            "mcp_arguments": arguments,
            "mcp_tool": tool.name,
        }
        if isinstance(arguments.get("ids"), list):
            context.update(
                active_ids=arguments["ids"],
                active_id=arguments["ids"][0] if arguments["ids"] else False,
            )
        result = action.with_context(**context).run()
        return {"action": configured.name, "result": to_json(result)}
