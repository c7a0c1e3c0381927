"""The generic read tools: discover models and fields, search, read and count."""

from odoo.fields import Domain

from .base import ToolError, ToolExecutor
from .records import (
    get_model,
    parse_domain,
    parse_order,
    resolve_fields,
    serialize_records,
    visible_fields,
)
from .schemas import bound_model_schema, filters_domain

LIST_MODELS_CAP = 100

MODEL_PROPERTY = {
    "type": "string",
    "description": 'Technical model name, e.g. "res.partner" or "sale.order".',
    "minLength": 1,
}
DOMAIN_PROPERTY = {
    "type": "array",
    "description": (
        "Odoo domain as JSON: a list of [field, operator, value] conditions, "
        'optionally with "&", "|", "!" prefix operators, e.g. '
        '[["state", "=", "sale"], ["amount_total", ">", 1000]]. Empty: all records.'
    ),
    "items": {"anyOf": [{"type": "array", "minItems": 3, "maxItems": 3},
                        {"type": "string", "enum": ["&", "|", "!"]}]},
    "default": [],
}
FIELDS_PROPERTY = {
    "type": "array",
    "description": "Field names to return. Omit for a short default set; "
    "describe_model lists them all.",
    "items": {"type": "string", "minLength": 1},
    "uniqueItems": True,
}


def _object_schema(properties, required=()):
    schema = {"type": "object", "properties": properties, "additionalProperties": False}
    if required:
        schema["required"] = list(required)
    return schema


def _with_model(tool, properties, required=()):
    """Add the ``model`` argument unless the tool is bound to one model.

    A tool limited to some models offers them as an ``enum``; a tool bound to
    one model lists that model's field names in ``fields`` (see ``schemas``).
    """
    if tool.model_name:
        return bound_model_schema(tool, _object_schema(properties, required))
    model_property = MODEL_PROPERTY
    if tool._allowed_model_names():
        model_property = {**MODEL_PROPERTY, "enum": tool._allowed_model_names()}
    return _object_schema({"model": model_property, **properties}, ("model", *required))


class ListModelsExecutor(ToolExecutor):
    kind = "list_models"
    label = "List models"
    summary = (
        'Find Odoo models you may read, by part of their technical name or label '
        '(e.g. "invoice", "sale.order"). Returns each model\'s technical name and '
        "label. Use it first when you do not know which model holds the data."
    )

    def input_schema(self, tool):
        return _object_schema({
            "query": {
                "type": "string",
                "description": "Part of a technical name or label, e.g. \"sale\" or "
                "\"invoice\". Omit to list every model you may read.",
            },
        })

    def execute(self, tool, env, arguments):
        query = (arguments.get("query") or "").strip().lower()
        found = []
        for name in tool._allowed_model_names() or sorted(env.registry):
            model = env[name]
            if model._abstract or model._transient:
                continue
            label = model._description or name
            if query and query not in name.lower() and query not in label.lower():
                continue
            if model.has_access("read"):
                found.append({"model": name, "name": label})
        result = {"models": found[:LIST_MODELS_CAP], "count": len(found)}
        if len(found) > LIST_MODELS_CAP:
            result["note"] = (
                f"Only the first {LIST_MODELS_CAP} of {len(found)} models are listed; "
                "pass a more specific query."
            )
        return result


class DescribeModelExecutor(ToolExecutor):
    kind = "describe_model"
    label = "Describe a model"
    summary = (
        "List the fields of one model that you may read: type, label, whether "
        "required or read-only, selection values and related model. Custom fields "
        "(x_...) are included. Use it before filtering or choosing fields."
    )

    def input_schema(self, tool):
        return _with_model(tool, {})

    def execute(self, tool, env, arguments):
        model = get_model(env, tool, arguments.get("model"))
        fields_out = {}
        for name, description in sorted(visible_fields(model).items()):
            entry = {"type": description["type"], "label": description.get("string")}
            for flag in ("required", "readonly"):
                if description.get(flag):
                    entry[flag] = True
            if description.get("selection"):
                entry["selection"] = [
                    {"value": value, "label": label} for value, label in description["selection"]
                ]
            if description.get("relation"):
                entry["relation"] = description["relation"]
            if not description.get("store"):
                entry["stored"] = False
            fields_out[name] = entry
        return {"model": model._name, "name": model._description, "fields": fields_out}


class SearchRecordsExecutor(ToolExecutor):
    kind = "search_records"
    label = "Search records"
    summary = (
        "Search records of a model with an Odoo domain given as JSON, e.g. "
        '[["state", "=", "sale"], ["amount_total", ">", 1000]]. Returns the matching '
        "records (a short default set of fields unless you name them), the total "
        'number of matches and whether more pages exist (use offset). Many2one values '
        'are {"id", "name"}.'
    )

    def input_schema(self, tool):
        return _with_model(tool, {
            "domain": DOMAIN_PROPERTY,
            "fields": FIELDS_PROPERTY,
            "limit": {
                "type": "integer", "minimum": 1, "maximum": tool.max_limit,
                "default": tool.default_limit,
                "description": f"Records to return (default {tool.default_limit}, "
                f"at most {tool.max_limit}).",
            },
            "offset": {"type": "integer", "minimum": 0, "default": 0,
                       "description": "Records to skip, for paging."},
            "order": {"type": "string",
                      "description": 'Sort order, e.g. "date_order desc, id". '
                      "Default: the model's own order."},
        })

    def execute(self, tool, env, arguments):
        model = get_model(env, tool, arguments.get("model"))
        domain = parse_domain(model, arguments.get("domain"))
        domain &= Domain(filters_domain(model, arguments.get("filters")))
        field_names = resolve_fields(model, arguments.get("fields"))
        order = parse_order(model, arguments.get("order"))
        limit = arguments.get("limit") or tool.default_limit
        offset = arguments.get("offset") or 0

        records = model.search(domain, limit=limit, offset=offset, order=order)
        total = len(records) + offset if len(records) < limit else model.search_count(domain)
        return {
            "model": model._name,
            "records": serialize_records(records, field_names),
            "count": len(records),
            "total": total,
            "offset": offset,
            "has_more": offset + len(records) < total,
        }


class ReadRecordsExecutor(ToolExecutor):
    kind = "read_records"
    label = "Read records by id"
    summary = (
        "Read records of a model by their ids, with the fields you name (or a short "
        "default set). Fails with the missing ids if a record does not exist."
    )

    def input_schema(self, tool):
        return _with_model(tool, {
            "ids": {
                "type": "array", "minItems": 1, "maxItems": tool.max_limit,
                "items": {"type": "integer", "minimum": 1}, "uniqueItems": True,
                "description": "Database ids of the records to read.",
            },
            "fields": FIELDS_PROPERTY,
        }, ("ids",))

    def execute(self, tool, env, arguments):
        model = get_model(env, tool, arguments.get("model"))
        field_names = resolve_fields(model, arguments.get("fields"))
        records = model.browse(arguments["ids"])
        missing = sorted(set(records.ids) - set(records.exists().ids))
        if missing:
            raise ToolError(
                f"No {model._name} record with id(s) {missing}: deleted or never existed."
            )
        return {"model": model._name, "records": serialize_records(records, field_names)}


class CountRecordsExecutor(ToolExecutor):
    kind = "count_records"
    label = "Count records"
    category = "analytics"
    summary = (
        "Count the records of a model matching an Odoo domain given as JSON, without "
        "reading them. Use it to size a question before searching."
    )

    def input_schema(self, tool):
        return _with_model(tool, {"domain": DOMAIN_PROPERTY})

    def execute(self, tool, env, arguments):
        model = get_model(env, tool, arguments.get("model"))
        domain = parse_domain(model, arguments.get("domain"))
        domain &= Domain(filters_domain(model, arguments.get("filters")))
        return {"model": model._name, "count": model.search_count(domain)}
