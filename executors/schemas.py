"""JSON Schemas generated from Odoo's field metadata, and the way back: checking
arguments against them and turning JSON values into ORM values.

Everything starts from ``visible_fields`` (``fields_get`` in the caller's env,
secrets and the tool's hidden fields left out), so a custom ``x_`` field shows up
with no code and a field a group hides never does.
"""

import datetime

import jsonschema

from odoo.fields import Command

from .base import ToolError
from .records import visible_fields

# Fields the ORM maintains itself: never written through a tool.
MAGIC_FIELDS = {
    "id",
    "display_name",
    "create_uid",
    "create_date",
    "write_uid",
    "write_date",
}
# Field types a tool can take as a plain JSON value.
WRITABLE_TYPES = {
    "char",
    "text",
    "html",
    "integer",
    "float",
    "monetary",
    "boolean",
    "date",
    "datetime",
    "selection",
    "many2one",
    "many2many",
}
FILTER_TYPES = WRITABLE_TYPES - {"html", "text"}
DATE_PATTERN = r"^\d{4}-\d{2}-\d{2}$"
DATETIME_PATTERN = (
    r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})?$"
)
# Candidates listed when a name matches several records.
NAME_CANDIDATES_SHOWN = 10
MAX_VALIDATION_PROBLEMS = 10

ID_OR_NAME = {
    "anyOf": [
        {"type": "integer", "minimum": 1},
        {"type": "string", "minLength": 1},
    ],
}


def field_value_schema(description, nullable=True):
    """The JSON Schema of one field's value, from its ``fields_get`` entry."""
    field_type = description["type"]
    schema = {"title": description.get("string") or ""}
    if field_type in ("char", "text", "html"):
        schema["type"] = "string"
    elif field_type == "integer":
        schema["type"] = "integer"
    elif field_type in ("float", "monetary"):
        schema["type"] = "number"
    elif field_type == "boolean":
        schema["type"] = "boolean"
        nullable = False
    elif field_type == "date":
        schema.update(type="string", format="date", pattern=DATE_PATTERN)
    elif field_type == "datetime":
        schema.update(
            type="string",
            format="date-time",
            pattern=DATETIME_PATTERN,
            description="ISO 8601; without an offset, UTC.",
        )
    elif field_type == "selection":
        schema["enum"] = [value for value, _label in description.get("selection") or ()]
        if nullable:
            schema["enum"].append(None)
        return schema
    elif field_type == "many2one":
        branches = ID_OR_NAME["anyOf"] + ([{"type": "null"}] if nullable else [])
        schema.update(
            anyOf=branches,
            description=f"Id or name of a {description.get('relation')} record.",
        )
        return schema
    elif field_type == "many2many":
        schema.update(
            type="array",
            items=ID_OR_NAME,
            uniqueItems=True,
            description=(
                f"Ids or names of {description.get('relation')} records; "
                "replaces the current ones."
            ),
        )
        return schema
    else:
        return None
    if nullable:
        schema = {
            "anyOf": [
                {k: v for k, v in schema.items() if k != "title"},
                {"type": "null"},
            ],
            "title": schema["title"],
        }
    return schema


def writable_fields(model):
    """Visible fields a tool may write: not read-only, of a type JSON carries."""
    return {
        name: description
        for name, description in visible_fields(model).items()
        if name not in MAGIC_FIELDS
        and description["type"] in WRITABLE_TYPES
        and not description.get("readonly")
    }


def values_schema(model, for_create):
    """The schema of ``values`` for creating or updating records of ``model``.

    On create, a required field without a default is a required property.
    """
    properties = {}
    described = writable_fields(model)
    for name, description in sorted(described.items()):
        schema = field_value_schema(
            description, nullable=not description.get("required")
        )
        if schema is not None:
            properties[name] = schema
    schema = {"type": "object", "properties": properties, "additionalProperties": False}
    if for_create:
        required = [name for name in properties if described[name].get("required")]
        defaults = model.default_get(required) if required else {}
        required = [name for name in required if name not in defaults]
        if required:
            schema["required"] = required
    else:
        schema["minProperties"] = 1
    return schema


def filters_schema(model):
    """Equality filters on the model's visible, stored fields, typed per field."""
    properties = {}
    for name, description in sorted(visible_fields(model).items()):
        if description["type"] not in FILTER_TYPES or not description.get("store"):
            continue
        if description["type"] == "many2many":
            schema = {
                **ID_OR_NAME,
                "title": description.get("string") or "",
                "description": f"Id or name of a linked "
                f"{description.get('relation')} record.",
            }
        else:
            schema = field_value_schema(description)
        if schema is not None:
            properties[name] = schema
    return {
        "type": "object",
        "description": "Equality filters, combined with AND and with the domain: "
        "{field: value}; null matches an empty field, relational fields take an "
        "id or a name.",
        "properties": properties,
        "additionalProperties": False,
    }


def validation_problems(schema, instance, where=""):
    """What is wrong with ``instance``, one line per problem naming the path and
    the rule, e.g. ``values/x_priority: 'urgent' is not one of [...] (rule: enum)``.
    ``where`` prefixes the path when ``instance`` is part of the arguments."""
    validator = jsonschema.Draft202012Validator(
        schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
    )
    problems = []
    errors = validator.iter_errors(instance)
    for error in sorted(errors, key=lambda e: [str(part) for part in e.path]):
        path = "/".join(str(part) for part in (where, *error.path) if part != "")
        if error.validator == "anyOf" and error.context:
            # e.g. a nullable date: report the branch that explains the value
            error = min(error.context, key=lambda e: e.validator == "type")
        problems.append(
            f"{path or 'arguments'}: {error.message} (rule: {error.validator})"
        )
    return problems[:MAX_VALIDATION_PROBLEMS]


def check_values(schema, values, where):
    problems = validation_problems(schema, values, where)
    if problems:
        raise ToolError("Invalid arguments: " + "; ".join(problems))


def resolve_record(comodel, value, field_label):
    """The id of the ``comodel`` record named by ``value`` (an id or a name).

    A name must match one record: exactly (case-insensitive) first, else by
    part of its name. Several matches or none are errors the caller can fix.
    """
    if isinstance(value, int):
        # Searched, not browsed: a record the caller's rules hide is as absent
        # as one that does not exist (no probing of ids).
        if not comodel.search_count([("id", "=", value)], limit=1):
            raise ToolError(
                f"{field_label}: no {comodel._name} record with id {value} that you "
                "may see."
            )
        return value
    found = comodel.name_search(
        value, operator="=ilike", limit=NAME_CANDIDATES_SHOWN + 1
    )
    if not found:
        found = comodel.name_search(
            value, operator="ilike", limit=NAME_CANDIDATES_SHOWN + 1
        )
    if len(found) == 1:
        return found[0][0]
    if not found:
        raise ToolError(
            f"{field_label}: no {comodel._name} record is named {value!r}. "
            "Search for it first, or pass its id."
        )
    shown = "; ".join(
        f"id {rid}: {name}" for rid, name in found[:NAME_CANDIDATES_SHOWN]
    )
    more = " (and more)" if len(found) > NAME_CANDIDATES_SHOWN else ""
    raise ToolError(
        f"{field_label}: the name {value!r} matches several {comodel._name} records; "
        f"pass one of their ids instead. Candidates: {shown}{more}."
    )


def to_orm_value(model, name, value):
    """One validated JSON value as the ORM takes it in ``create``/``write``/domains."""
    field = model._fields[name]
    if value is None:
        return False
    if field.type == "many2one":
        return resolve_record(model.env[field.comodel_name], value, name)
    if field.type == "many2many":
        if isinstance(value, list):
            comodel = model.env[field.comodel_name]
            return [
                Command.set([resolve_record(comodel, item, name) for item in value])
            ]
        return resolve_record(model.env[field.comodel_name], value, name)
    if field.type == "date":
        return datetime.date.fromisoformat(value)
    if field.type == "datetime":
        moment = datetime.datetime.fromisoformat(value)
        if moment.tzinfo:
            moment = moment.astimezone(datetime.UTC).replace(tzinfo=None)
        return moment
    return value


def to_orm_values(model, values):
    return {name: to_orm_value(model, name, value) for name, value in values.items()}


def filters_domain(model, filters):
    """The domain of equality ``filters`` (already validated)."""
    return [
        (
            name,
            "in"
            if value is not None and model._fields[name].type == "many2many"
            else "=",
            to_orm_value(model, name, value),
        )
        for name, value in (filters or {}).items()
    ]


def tool_model(tool, env=None):
    """The bound model of ``tool`` in ``env`` (default: the tool's env), with the
    tool's field policy in its context."""
    env = env or tool.env
    return env[tool.model_name].with_context(
        **tool._field_policy_context(tool.model_name)
    )


def bound_model_schema(tool, schema):
    """Specialise a generic schema for a tool bound to one model: ``fields``
    lists the field names the caller may read, and a tool taking a ``domain``
    also takes typed equality ``filters``."""
    model = tool_model(tool)
    properties = schema["properties"]
    if "fields" in properties:
        properties["fields"] = {
            **properties["fields"],
            "items": {"type": "string", "enum": sorted(visible_fields(model))},
        }
    if "domain" in properties:
        properties["filters"] = filters_schema(model)
    return schema
