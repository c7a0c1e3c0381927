"""Helpers shared by the record tools: model lookup, visible fields, domains and
the compact JSON form of records.

Everything here runs in the caller's environment: a field the user's groups hide
is never described nor read, and access checks are the ORM's own.
"""

import logging
import re

from lxml import etree

from odoo.exceptions import AccessError
from odoo.fields import Domain

from .base import ToolError
from .serialize import serialize_records, serialize_value  # noqa: F401 - moved there

_logger = logging.getLogger(__name__)

# Fields whose values are secrets whatever the user's rights: never described,
# read or filtered on through MCP.
SENSITIVE_FIELD_PATTERN = re.compile(
    r"(^|_)(password|passwd|pass|pwd|passphrase|secret|token|api_key|apikey|"
    r"access_key|secret_key|signature|totp|otp|private_key|credential)s?($|_)",
    re.IGNORECASE,
)
# Secrets that a name does not give away: system parameters hold
# ``database.secret`` (which signs sessions, cursors and request states) and
# integration passwords.
SENSITIVE_MODEL_FIELDS = {("ir.config_parameter", "value")}
# Models whose every record is a credential: never listed, described or read.
SECRET_MODELS = frozenset({
    "res.users.apikeys", "auth_totp.device", "mcp.oauth.token", "mcp.oauth.code",
})
# Default fields when a caller names none: the first field of each group that
# the model has, in this order (see ``default_fields``).
USUAL_STATE_FIELDS = ("state", "stage_id")
KEY_DATE_FIELDS = ("date_order", "invoice_date", "date", "date_deadline",
                   "scheduled_date", "date_planned", "date_start")
USUAL_PARTNER_FIELDS = ("partner_id",)
USUAL_AMOUNT_FIELDS = ("amount_total", "expected_revenue", "list_price", "price_total")
# Small on purpose: 20 sale orders with their six default fields take about
# 4 KB of JSON (see the README); callers name fields when they need more.
DEFAULT_FIELD_CAP = 6
# Field types left out of the default set: heavy, or lines better read apart.
DEFAULT_SKIPPED_TYPES = ("binary", "html", "one2many", "many2many", "properties",
                         "properties_definition", "json")
ORDER_PATTERN = re.compile(r"^\s*([a-z_][a-z0-9_]*)(\s+(asc|desc))?\s*$", re.IGNORECASE)
# Identify a record; never narrowed away by a tool's allowed fields.
ALWAYS_ALLOWED_FIELDS = ("id", "display_name")
FIELD_ATTRIBUTES = ["type", "string", "required", "readonly", "selection", "relation", "help", "store"]
# What reading records needs: no labels nor help, whose translations cost time.
RECORD_FIELD_ATTRIBUTES = ["type", "required", "selection", "relation", "store"]


def is_sensitive(field_name):
    """Whether a field (or an argument) of this name holds secrets, on any model."""
    return bool(SENSITIVE_FIELD_PATTERN.search(field_name))


def is_sensitive_field(model_name, field_name):
    """Whether ``field_name`` of ``model_name`` holds secrets."""
    return (is_sensitive(field_name)
            or (model_name, field_name) in SENSITIVE_MODEL_FIELDS)


def is_secret_model(model_name):
    return model_name in SECRET_MODELS


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
    if is_secret_model(model_name):
        raise ToolError(f"Model {model_name!r} holds credentials: it is not reachable "
                        "through MCP.")
    model = env[model_name]
    if model._abstract or model._transient:
        raise ToolError(f"Model {model_name!r} holds no stored records.")
    model.check_access("read")
    return model.with_context(**tool._field_policy_context(model_name))


def visible_fields(model, attributes=FIELD_ATTRIBUTES):
    """``fields_get`` of the fields the caller may see, secrets left out.

    ``fields_get`` already drops the fields a group hides from the user. A tool
    may narrow the rest through the context set by ``get_model``:
    ``mcp_allowed_fields`` (None: all) and ``mcp_hidden_fields``.
    """
    described = model.fields_get(attributes=attributes)
    allowed = model.env.context.get("mcp_allowed_fields")
    hidden = model.env.context.get("mcp_hidden_fields") or ()
    return {
        name: description
        for name, description in described.items()
        if not is_sensitive_field(model._name, name)
        and name not in hidden
        and (allowed is None or name in allowed or name in ALWAYS_ALLOWED_FIELDS)
    }


def resolve_fields(model, requested, tool=None, domain=None, available=None):
    """The field names to read: the requested ones checked, or smart defaults
    for the records ``domain`` matches. ``available``: ``visible_fields(model)``
    when the caller has it already."""
    available = available or visible_fields(model)
    if requested:
        unknown = [name for name in requested if name not in available]
        if unknown:
            raise ToolError(
                f"Unknown or hidden field(s) on {model._name}: {', '.join(unknown)}. "
                "Call describe_model to list the fields you may read."
            )
        return list(dict.fromkeys(requested))
    return default_fields(model, available, tool, domain)


def default_fields(model, available, tool=None, domain=None):
    """A short, useful set of fields when the caller names none.

    The tool's own ``default_fields`` when set (those the caller may see);
    otherwise, up to ``DEFAULT_FIELD_CAP`` of: the record's name, its state,
    one key date, the partner, the amount, the company (only when the matching
    records belong to several companies: otherwise it repeats one value), then
    the columns the model's default list view shows this user, then, for a
    model without a list view of its own, its required fields. Lines (x2many),
    binaries, html and currency fields (monetary values carry their currency)
    are left to callers who name them.
    """
    configured = tool and tool._default_field_names(model._name)
    if configured:
        return [name for name in configured if name in available] or ["display_name"]

    def fits(name):
        description = available.get(name)
        return (
            description is not None
            and description["type"] not in DEFAULT_SKIPPED_TYPES
            and description.get("relation") != "res.currency"
            and (name != "company_id" or spans_companies(model, domain))
        )

    rec_name = model._rec_name if model._rec_name in available else "display_name"
    candidates = [rec_name]
    for group in (USUAL_STATE_FIELDS, KEY_DATE_FIELDS, USUAL_PARTNER_FIELDS,
                  USUAL_AMOUNT_FIELDS):
        candidates += [name for name in group if fits(name)][:1]
    candidates.append("company_id")
    view_fields = list_view_fields(model)
    candidates += view_fields
    if len(view_fields) <= 1:
        candidates += sorted(
            name
            for name, description in available.items()
            if description.get("required") and description.get("store")
            and not name.startswith(("create_", "write_"))
        )
    chosen = []
    for name in dict.fromkeys(candidates):
        if len(chosen) >= DEFAULT_FIELD_CAP:
            break
        if name == "display_name" or fits(name):
            chosen.append(name)
    return chosen


def spans_companies(model, domain):
    """Whether the records matching ``domain`` belong to several companies."""
    if domain is None or "company_id" not in model._fields or len(model.env.companies) < 2:
        return False
    groups = model._read_group(domain, ["company_id"], limit=2)
    return len(groups) > 1


def list_view_fields(model):
    """Columns of the model's default list view as the caller sees it: fields
    hidden by groups, optional columns hidden by default and columns made
    invisible are left out."""
    try:
        arch = model.get_view(view_type="list")["arch"]
    except (AccessError, ValueError) as error:
        _logger.debug("No list view for %s: %s", model._name, error)
        return []
    names = []
    for node in etree.fromstring(arch).iterchildren("field"):
        invisible = (node.get("column_invisible") or "").strip()
        if node.get("optional") == "hide" or invisible not in ("", "0", "False"):
            continue
        if node.get("widget") in ("handle", "list_activity"):
            continue
        names.append(node.get("name"))
    return names


SUBDOMAIN_OPERATORS = ("any", "not any", "any!", "not any!")


def _check_filtered_fields(model, domain):
    """Refuse conditions on secret fields or fields the tool hides, including
    those inside the sub-domains of ``any`` / ``not any`` on related models."""
    for condition in domain.iter_conditions():
        path = condition.field_expr.split(".")
        if _path_is_sensitive(model, path):
            raise ToolError(f"Filtering on {condition.field_expr!r} is not allowed.")
        if _outside_field_policy(model, path):
            raise ToolError(
                f"Filtering on {condition.field_expr!r} is not allowed by this tool: the "
                "field is hidden from it.")
        if condition.operator in SUBDOMAIN_OPERATORS and isinstance(
                condition.value, (Domain, list, tuple)):
            comodel = _comodel_at(model, path)
            if comodel is not None:
                _check_filtered_fields(comodel, Domain(condition.value))


def _path_is_sensitive(model, path):
    """Whether a field path crosses a secret field or ends in a secret model."""
    for field_name in path:
        if is_sensitive_field(model._name, field_name):
            return True
        field = model._fields.get(field_name)
        if field is None or not field.relational:
            return False
        if is_secret_model(field.comodel_name):
            return True
        model = model.env[field.comodel_name]
    return False


def _comodel_at(model, path):
    """The model a relational ``path`` of ``model`` leads to, or None."""
    for field_name in path:
        field = model._fields.get(field_name)
        if field is None or not field.relational:
            return None
        model = model.env[field.comodel_name]
    return model


def parse_domain(model, domain):
    """Turn a JSON domain into a checked ``Domain`` or explain what is wrong."""
    try:
        parsed = Domain(domain or [])
        _check_filtered_fields(model, parsed)
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


def parse_order(model, order, available=None):
    """Check an ``order`` such as "date_order desc, id" against visible fields."""
    if not order:
        return None
    available = available or visible_fields(model)
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
