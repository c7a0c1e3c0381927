"""The generic read tools: discover models and fields, search, read and count."""

from odoo.fields import Domain

from .base import ToolError, ToolExecutor
from .paging import (
    CURSOR_PROPERTY,
    aggregate_hint,
    budget_note,
    fit_to_budget,
    make_cursor,
    read_cursor,
    stable_order,
)
from .records import (
    RECORD_FIELD_ATTRIBUTES,
    get_model,
    is_secret_model,
    parse_domain,
    parse_order,
    resolve_fields,
    visible_fields,
)
from .schemas import bound_model_schema, filters_domain
from .serialize import EMPTY_NOTE, X2MANY_PREVIEW, RecordSerializer

LIST_MODELS_CAP = 100
# Resource links (odoo://model/id) added beside the text, one per record.
RESOURCE_LINK_CAP = 10

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


PAGE_PROPERTIES = {
    "total": {"type": "integer", "minimum": 0,
              "description": "Records (or models) matching the whole query."},
    "count": {"type": "integer", "minimum": 0, "description": "Items in this answer."},
    "has_more": {"type": "boolean"},
    # anyOf rather than a type list: portable to single-type schema dialects.
    "next_cursor": {"anyOf": [{"type": "string"}, {"type": "null"}],
                    "description": "Pass as cursor, with the same arguments, for "
                    "the next page; null on the last page."},
    "note": {"type": "string",
             "description": "What the answer left out and what to do about it."},
}
PAIR = {"type": "array", "minItems": 2, "maxItems": 2}
COMPACT_VALUE = {"anyOf": [
    {"type": "string"}, {"type": "number"}, {"type": "boolean"},
    {**PAIR, "description": "many2one: [id, name] of the related record.",
     "prefixItems": [{"type": "integer"}, {"type": "string"}]},
    {**PAIR, "description": "monetary: [amount, ISO currency code].",
     "prefixItems": [{"type": "number"}, {"type": "string"}]},
    {"type": "object", "description": f"one2many / many2many: how many, and the "
     f"first {X2MANY_PREVIEW} ids; relations[field] says how to read them all.",
     "properties": {"count": {"type": "integer", "minimum": 1},
                    "ids": {"type": "array", "items": {"type": "integer"},
                            "maxItems": X2MANY_PREVIEW}},
     "required": ["count", "ids"], "additionalProperties": False},
    {"type": "array", "items": {"type": "object"},
     "description": "properties: the record's properties as Odoo reads them."},
    {"type": "object", "description": "json fields, as Odoo stores them."},
]}
RECORDS_OUTPUT_SCHEMA = {
    "type": "object",
    "properties": {
        "model": {"type": "string"},
        **PAGE_PROPERTIES,
        "tz": {"type": "string", "description": "Time zone of every datetime value "
               "(ISO 8601 local time); domains still take UTC."},
        "labels": {"type": "object", "description": "Per selection field, the label "
                   "of each value present in the records.",
                   "additionalProperties": {"type": "object",
                                            "additionalProperties": {"type": "string"}}},
        "relations": {"type": "object", "description": "Per x2many field, the model "
                      "holding its lines and the domain reading them all (\"<id>\" "
                      "is the record's id).",
                      "additionalProperties": {"type": "object",
                                               "properties": {"model": {"type": "string"}},
                                               "required": ["model"]}},
        "records": {"type": "array", "description": "id first, then every requested "
                    "field that holds a value: a field left out is empty.",
                    "items": {"type": "object", "properties": {"id": {"type": "integer"}},
                              "required": ["id"], "additionalProperties": COMPACT_VALUE}},
    },
    "required": ["model", "records", "total", "count", "has_more", "next_cursor"],
    "additionalProperties": False,
}


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
            "cursor": CURSOR_PROPERTY,
        })

    def output_schema(self, tool):
        return _object_schema({
            **PAGE_PROPERTIES,
            "models": {"type": "array", "items": _object_schema({
                "model": {"type": "string"}, "name": {"type": "string"}},
                ("model", "name"))},
        }, ("models", "total", "count", "has_more", "next_cursor"))

    def execute(self, tool, env, arguments):
        query = (arguments.get("query") or "").strip().lower()
        found = []
        for name in tool._allowed_model_names() or sorted(env.registry):
            model = env[name]
            if model._abstract or model._transient or is_secret_model(name):
                continue
            label = model._description or name
            if query and query not in name.lower() and query not in label.lower():
                continue
            if model.has_access("read"):
                found.append({"model": name, "name": label})

        signed_query = {"query": query}
        offset = 0
        if arguments.get("cursor"):
            offset, _last = read_cursor(env, tool, signed_query, arguments["cursor"])
        page = found[offset:offset + LIST_MODELS_CAP]
        result = {"total": len(found), "count": len(page), "has_more": False,
                  "next_cursor": None}
        longest_note = f"Models {offset + 1} to {offset + len(page)} of {len(found)}: " + "x" * 80
        kept = fit_to_budget({**result, "next_cursor": "x" * 64, "note": longest_note},
                             page, tool.response_budget)
        page = page[:kept]
        end = offset + len(page)
        result.update(count=len(page), has_more=end < len(found))
        if result["has_more"]:
            result["next_cursor"] = make_cursor(env, tool, signed_query, end, 0)
            result["note"] = (
                f"Models {offset + 1} to {end} of {len(found)}: call again with "
                "next_cursor for more, or pass a more specific query."
            )
        result["models"] = page
        return result


# Selection values a whole-model description shows per field.
SELECTION_PREVIEW = 25


class DescribeModelExecutor(ToolExecutor):
    kind = "describe_model"
    label = "Describe a model"
    summary = (
        "List the fields of one model that you may read: type, label, whether "
        "required or read-only, selection values and related model. Custom fields "
        "(x_...) are included. Use it before filtering or choosing fields."
    )

    def input_schema(self, tool):
        return _with_model(tool, {
            "fields": {
                "type": "array", "items": {"type": "string"}, "uniqueItems": True,
                "description": "Describe only these fields, each with all its "
                f"selection values (a whole model shows {SELECTION_PREVIEW} at most).",
            },
        })

    def execute(self, tool, env, arguments):
        model = get_model(env, tool, arguments.get("model"))
        available = visible_fields(model)
        requested = arguments.get("fields")
        if requested:
            unknown = [name for name in requested if name not in available]
            if unknown:
                raise ToolError(f"Unknown or hidden field(s) on {model._name}: "
                                f"{', '.join(unknown)}.")
            available = {name: available[name] for name in requested}
        fields_out, cut = {}, []
        for name, description in sorted(available.items()):
            entry = {"type": description["type"], "label": description.get("string")}
            for flag in ("required", "readonly"):
                if description.get(flag):
                    entry[flag] = True
            selection = description.get("selection") or []
            if selection:
                # A long selection (time zones: ~600) would flood the answer.
                if not requested and len(selection) > SELECTION_PREVIEW:
                    entry["selection_count"] = len(selection)
                    selection = selection[:SELECTION_PREVIEW]
                    cut.append(name)
                entry["selection"] = [
                    {"value": value, "label": label} for value, label in selection
                ]
            if description.get("relation"):
                entry["relation"] = description["relation"]
            if not description.get("store"):
                entry["stored"] = False
            fields_out[name] = entry
        result = {"model": model._name, "name": model._description,
                  "fields": fields_out}
        if cut:
            result["note"] = (
                f"Selections of {', '.join(cut)} show their first {SELECTION_PREVIEW} "
                "values (selection_count says how many); call describe_model with "
                "fields=[...] to list them all.")
        return result


class RecordListExecutor(ToolExecutor):
    """What the tools returning records share: the output schema, the compact
    rows cut to the byte budget, and the resource links."""

    def output_schema(self, tool):
        return RECORDS_OUTPUT_SCHEMA

    def resource_links(self, tool, data):
        model_name = data.get("model")
        links = []
        for row in data.get("records", ())[:RESOURCE_LINK_CAP]:
            label = next((value for key, value in row.items()
                          if key in ("name", "display_name") and isinstance(value, str)),
                         f"{model_name} #{row['id']}")
            links.append({
                "type": "resource_link",
                "uri": f"odoo://{model_name}/{row['id']}",
                "name": label,
                "mimeType": "application/json",
            })
        return links

    def _page(self, env, tool, model, records, field_names, available, total,
              signed_query, offset, notes=()):
        """The answer for ``records``, the page of ``signed_query`` starting at
        ``offset`` (``total`` records in all): the rows that fit the tool's
        budget, the legends they need, the cursor to the next page and notes
        on what was left out."""
        serializer = RecordSerializer(model, field_names, available)
        rows = serializer.rows(records)
        notes = [note for note in notes if note]
        result = {"model": model._name, "total": total, "count": len(rows),
                  "has_more": False, "next_cursor": None}
        # The longest the answer around the rows can get: every legend, a
        # cursor, and all the notes it may carry.
        envelope = {**result, **serializer.legend(rows), "next_cursor": "x" * 64,
                    "note": " ".join([*notes, budget_note(len(rows), len(rows),
                                                          tool.response_budget),
                                      EMPTY_NOTE])}
        kept = fit_to_budget(envelope, rows, tool.response_budget)
        if kept < len(rows):
            notes.append(budget_note(kept, len(rows), tool.response_budget))
        rows = rows[:kept]

        end = offset + len(rows)
        result["count"] = len(rows)
        result["has_more"] = end < total
        if result["has_more"]:
            result["next_cursor"] = make_cursor(env, tool, signed_query, end, rows[-1]["id"])
        result.update(serializer.legend(rows))
        if rows:
            notes.append(EMPTY_NOTE)
        if notes:
            result["note"] = " ".join(notes)
        result["records"] = rows
        return result


class SearchRecordsExecutor(RecordListExecutor):
    kind = "search_records"
    label = "Search records"
    summary = (
        "Search records of a model with an Odoo domain given as JSON, e.g. "
        '[["state", "=", "sale"], ["amount_total", ">", 1000]]. Returns compact '
        "records (a short default set of fields unless you name them; a field left "
        "out is empty), the total number of matches, and next_cursor while more "
        "pages exist: call again with the same arguments plus cursor. Many2one values "
        'are [id, name], lines {"count", "ids"} (relations says how to read them '
        "all), amounts [amount, currency code], selections their value (labels gives "
        'the label); datetimes are local time in the zone named by "tz", but domains '
        "take UTC. For totals over many records use aggregate_records."
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
            "offset": {"type": "integer", "minimum": 0,
                       "description": "Matching records to skip before the first one "
                       "returned. Later pages come from next_cursor."},
            "order": {"type": "string",
                      "description": 'Sort order, e.g. "date_order desc, id". '
                      "Default: the model's own order."},
            "cursor": CURSOR_PROPERTY,
        })

    def execute(self, tool, env, arguments):
        model = get_model(env, tool, arguments.get("model"))
        domain = parse_domain(model, arguments.get("domain"))
        domain &= Domain(filters_domain(model, arguments.get("filters")))
        available = visible_fields(model, RECORD_FIELD_ATTRIBUTES)
        field_names = resolve_fields(model, arguments.get("fields"), tool, domain, available)
        order = stable_order(model, parse_order(model, arguments.get("order"), available))
        limit = arguments.get("limit") or tool.default_limit
        signed_query = {"model": model._name, "domain": arguments.get("domain") or [],
                        "filters": arguments.get("filters") or {},
                        "order": order, "fields": field_names}

        offset, last_id, note = arguments.get("offset") or 0, None, None
        if arguments.get("cursor"):
            # The cursor knows where its page starts: an offset repeated from the
            # first call (as the cursor asks for the other arguments) is spent.
            offset, last_id = read_cursor(env, tool, signed_query, arguments["cursor"])
        if last_id:
            # One record more, before the page: the last one of the previous page
            # must still be there, else the matching set changed in between.
            records = model.search(domain, offset=offset - 1, limit=limit + 1, order=order)
            if records[:1].id == last_id:
                records = records[1:]
            else:
                records = model.search(domain, offset=offset, limit=limit, order=order)
                note = ("The matching records changed since the previous page: some "
                        "may be repeated or missed. Omit the cursor to start over.")
        else:
            records = model.search(domain, offset=offset, limit=limit, order=order)

        if len(records) < limit and (records or not offset):
            total = offset + len(records)
        else:
            total = model.search_count(domain)
        return self._page(env, tool, model, records, field_names, available, total,
                          signed_query, offset, (note, aggregate_hint(total, limit)))


class ReadRecordsExecutor(RecordListExecutor):
    kind = "read_records"
    label = "Read records by id"
    summary = (
        "Read records of a model by their ids, with the fields you name (or a short "
        "default set), in the same compact form as search_records. Fails with the "
        "missing ids if a record does not exist. A long answer stops at its byte "
        "budget and gives next_cursor: call again with the same ids plus cursor."
    )

    def input_schema(self, tool):
        return _with_model(tool, {
            "ids": {
                "type": "array", "minItems": 1, "maxItems": tool.max_limit,
                "items": {"type": "integer", "minimum": 1}, "uniqueItems": True,
                "description": "Database ids of the records to read.",
            },
            "fields": FIELDS_PROPERTY,
            "cursor": CURSOR_PROPERTY,
        }, ("ids",))

    def execute(self, tool, env, arguments):
        model = get_model(env, tool, arguments.get("model"))
        ids = arguments["ids"]
        available = visible_fields(model, RECORD_FIELD_ATTRIBUTES)
        field_names = resolve_fields(model, arguments.get("fields"), tool,
                                     [("id", "in", ids)], available)
        signed_query = {"model": model._name, "ids": ids, "fields": field_names}
        offset = 0
        if arguments.get("cursor"):
            offset, _last = read_cursor(env, tool, signed_query, arguments["cursor"])

        records = model.browse(ids[offset:])
        missing = sorted(set(records.ids) - set(records.exists().ids))
        if missing:
            raise ToolError(
                f"No {model._name} record with id(s) {missing}: deleted or never existed."
            )
        return self._page(env, tool, model, records, field_names, available, len(ids),
                          signed_query, offset)


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
