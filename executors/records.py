"""Helpers shared by the record tools: model lookup, visible fields, domains and
the compact JSON form of records.

Everything here runs in the caller's environment: a field the user's groups hide
is never described nor read, and access checks are the ORM's own.
"""

import datetime
import re

from odoo.fields import Domain

from .base import ToolError

# Fields whose values are secrets whatever the user's rights: never described,
# read or filtered on through MCP.
SENSITIVE_FIELD_PATTERN = re.compile(
    r"(^|_)(password|passwd|secret|token|api_key|apikey|signature|totp|otp|"
    r"private_key|credential)s?($|_)",
    re.IGNORECASE,
)
# Fields chosen when a caller names none, if the model has them (beside the
# record's name and required fields).
USUAL_FIELDS = (
    "state", "date", "date_order", "partner_id", "user_id", "company_id",
    "amount_total", "currency_id", "email", "phone", "ref", "default_code",
    "list_price", "qty_available", "stage_id", "expected_revenue",
)
DEFAULT_FIELD_CAP = 12
ORDER_PATTERN = re.compile(r"^\s*([a-z_][a-z0-9_]*)(\s+(asc|desc))?\s*$", re.IGNORECASE)
# Identify a record; never narrowed away by a tool's allowed fields.
ALWAYS_ALLOWED_FIELDS = ("id", "display_name")
FIELD_ATTRIBUTES = ["type", "string", "required", "readonly", "selection", "relation", "help", "store"]


def is_sensitive(field_name):
    return bool(SENSITIVE_FIELD_PATTERN.search(field_name))


def get_model(env, tool, model_name):
    """The caller's recordset for ``model_name``, checked for read access.

    A tool bound to one model ignores the argument and uses its own model; a
    tool limited to some models refuses the others. The recordset carries the
    tool's field policy in its context (see ``visible_fields``).
    """
    if tool.model_name:
        model_name = tool.model_name
    if not model_name:
        raise ToolError("The 'model' argument is required, e.g. \"res.partner\".")
    allowed_models = tool._allowed_model_names()
    if allowed_models and model_name not in allowed_models:
        raise ToolError(
            f"This tool does not work on {model_name!r}; it is limited to: "
            f"{', '.join(allowed_models)}."
        )
    if model_name not in env.registry:
        raise ToolError(
            f"Unknown model {model_name!r}. Call list_models to find the technical name."
        )
    model = env[model_name]
    if model._abstract or model._transient:
        raise ToolError(f"Model {model_name!r} holds no stored records.")
    model.check_access("read")
    return model.with_context(**tool._field_policy_context(model_name))


def visible_fields(model):
    """``fields_get`` of the fields the caller may see, secrets left out.

    ``fields_get`` already drops the fields a group hides from the user. A tool
    may narrow the rest through the context set by ``get_model``:
    ``mcp_allowed_fields`` (None: all) and ``mcp_hidden_fields``.
    """
    described = model.fields_get(attributes=FIELD_ATTRIBUTES)
    allowed = model.env.context.get("mcp_allowed_fields")
    hidden = model.env.context.get("mcp_hidden_fields") or ()
    return {
        name: description
        for name, description in described.items()
        if not is_sensitive(name)
        and name not in hidden
        and (allowed is None or name in allowed or name in ALWAYS_ALLOWED_FIELDS)
    }


def resolve_fields(model, requested):
    """The field names to read: the requested ones checked, or smart defaults."""
    available = visible_fields(model)
    if requested:
        unknown = [name for name in requested if name not in available]
        if unknown:
            raise ToolError(
                f"Unknown or hidden field(s) on {model._name}: {', '.join(unknown)}. "
                "Call describe_model to list the fields you may read."
            )
        return list(dict.fromkeys(requested))
    tool_defaults = model.env.context.get("mcp_default_fields")
    if tool_defaults:
        return [name for name in tool_defaults if name in available]
    return default_fields(model, available)


def default_fields(model, available):
    """A short, useful set of fields when the caller names none."""
    chosen = ["display_name"]
    rec_name = model._rec_name
    if rec_name in available and rec_name not in chosen:
        chosen.append(rec_name)
    candidates = [name for name in USUAL_FIELDS if name in available]
    candidates += sorted(
        name
        for name, description in available.items()
        if description.get("required") and description.get("store")
        and description["type"] not in ("binary", "one2many", "many2many", "html")
        and not name.startswith(("create_", "write_"))
    )
    for name in candidates:
        if len(chosen) >= DEFAULT_FIELD_CAP:
            break
        if name not in chosen:
            chosen.append(name)
    return chosen


def parse_domain(model, domain):
    """Turn a JSON domain into a checked ``Domain`` or explain what is wrong."""
    try:
        parsed = Domain(domain or [])
        for condition in parsed.iter_conditions():
            path = condition.field_expr
            if any(is_sensitive(part) for part in path.split(".")):
                raise ToolError(f"Filtering on {path!r} is not allowed.")
            if _outside_field_policy(model, path.split(".")):
                raise ToolError(
                    f"Filtering on {path!r} is not allowed by this tool: the field "
                    "is hidden from it.")
        parsed.validate(model)
    except ToolError:
        raise
    except (ValueError, TypeError, KeyError) as error:
        raise ToolError(
            f"Invalid domain for {model._name}: {error}. A domain is a list of "
            '[field, operator, value] conditions, e.g. [["state", "=", "sale"]].'
        ) from error
    return parsed


def _outside_field_policy(model, path):
    """Whether the tool's own field policy (not the user's rights) hides a field
    along ``path`` (a list of field names, relations followed)."""
    tool_id = model.env.context.get("mcp_tool_id")
    if not tool_id:
        return False
    tool = model.env["mcp.tool"].browse(tool_id)
    for field_name in path:
        policy = tool._field_policy_context(model._name)
        allowed = policy["mcp_allowed_fields"]
        if field_name in policy["mcp_hidden_fields"] or (
            allowed is not None and field_name not in allowed + ALWAYS_ALLOWED_FIELDS
        ):
            return True
        field = model._fields.get(field_name)
        if field is None or not field.relational:
            return False
        model = model.env[field.comodel_name]
    return False


def parse_order(model, order):
    """Check an ``order`` such as "date_order desc, id" against visible fields."""
    if not order:
        return None
    available = visible_fields(model)
    parts = []
    for chunk in order.split(","):
        match = ORDER_PATTERN.match(chunk)
        if not match or (match.group(1) not in available and match.group(1) != "id"):
            raise ToolError(
                f"Invalid order {order!r}: use comma-separated field names of "
                f"{model._name}, each optionally followed by asc or desc."
            )
        if match.group(1) != "id" and not available[match.group(1)].get("store"):
            raise ToolError(f"Cannot order by {match.group(1)!r}: it is not stored.")
        parts.append(f"{match.group(1)} {(match.group(3) or 'asc').lower()}")
    return ", ".join(parts)


def serialize_value(value, field_type):
    """The JSON form of one value from ``read()``."""
    if field_type == "many2one":
        return {"id": value[0], "name": value[1]} if value else None
    if field_type in ("one2many", "many2many"):
        return list(value or [])
    if field_type == "binary":
        return None if not value else f"<binary, {len(value)} characters of base64>"
    if value is False and field_type != "boolean":
        return None
    if isinstance(value, datetime.datetime):
        return value.isoformat(timespec="seconds") + "Z"
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value


def serialize_records(records, field_names):
    """Records as a list of dicts with ``id`` first, in the order of ``records``."""
    types = {name: records._fields[name].type for name in field_names}
    rows = records.read(field_names)
    return [
        {"id": row["id"], **{name: serialize_value(row[name], types[name]) for name in field_names}}
        for row in rows
    ]
