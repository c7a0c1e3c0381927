"""``aggregate_records``: group records and compute measures with ``_read_group``."""

import datetime

from odoo.fields import Domain
from odoo.models import BaseModel

from .base import ToolError, ToolExecutor
from .generic_read import DOMAIN_PROPERTY, _with_model
from .paging import (
    CURSOR_PROPERTY,
    budget_note,
    fit_to_budget,
    make_cursor,
    read_cursor,
)
from .records import get_model, parse_domain, serialize_value, visible_fields
from .schemas import filters_domain

MAX_GROUP_BY = 3
MAX_MEASURES = 10
GRANULARITIES = ("day", "week", "month", "quarter", "year")
AGGREGATORS = ("sum", "avg", "min", "max", "count_distinct")
NUMERIC_TYPES = ("integer", "float", "monetary")
GROUPABLE_TYPES = (
    "char",
    "boolean",
    "selection",
    "many2one",
    "many2many",
    "date",
    "datetime",
    "integer",
)


class AggregateRecordsExecutor(ToolExecutor):
    kind = "aggregate_records"
    label = "Aggregate records"
    category = "analytics"
    summary = (
        "Group the records of a model matching an Odoo domain and compute measures "
        'per group, like a pivot table: group_by ["partner_id", "date_order:month"], '
        'measures ["amount_total:sum"]. Each group carries its count. Without '
        "group_by, one row covers all matching records."
    )

    def input_schema(self, tool):
        return _with_model(
            tool,
            {
                "domain": DOMAIN_PROPERTY,
                "group_by": {
                    "type": "array",
                    "maxItems": MAX_GROUP_BY,
                    "uniqueItems": True,
                    "items": {
                        "type": "string",
                        "pattern": r"^[a-z_][a-z0-9_]*(:(%s))?$"
                        % "|".join(GRANULARITIES),
                    },
                    "description": "Fields to group by (at most 3); dates may name a "
                    f"period: field:{'|'.join(GRANULARITIES)} (default month).",
                    "default": [],
                },
                "measures": {
                    "type": "array",
                    "maxItems": MAX_MEASURES,
                    "uniqueItems": True,
                    "items": {
                        "type": "string",
                        "pattern": r"^[a-z_][a-z0-9_]*:(%s)$" % "|".join(AGGREGATORS),
                    },
                    "description": "Measures as field:aggregator, aggregator one of "
                    f"{', '.join(AGGREGATORS)}; sum and avg take numeric fields.",
                    "default": [],
                },
                "limit": {
                    "type": "integer",
                    "minimum": 1,
                    "maximum": tool.max_limit,
                    "default": tool.default_limit,
                    "description": f"Groups to return (default {tool.default_limit}, "
                    f"at most {tool.max_limit}), largest count first.",
                },
                "cursor": CURSOR_PROPERTY,
            },
        )

    def output_schema(self, tool):
        return {
            "type": "object",
            "properties": {
                "model": {"type": "string"},
                "group_by": {"type": "array", "items": {"type": "string"}},
                "measures": {"type": "array", "items": {"type": "string"}},
                "groups": {
                    "type": "array",
                    "description": "One object per group: each group_by value "
                    "(many2one as [id, name], a period as the date it starts on), "
                    "count, and each measure.",
                    "items": {
                        "type": "object",
                        "properties": {"count": {"type": "integer"}},
                        "required": ["count"],
                    },
                },
                "has_more": {"type": "boolean"},
                "next_cursor": {
                    "anyOf": [{"type": "string"}, {"type": "null"}],
                    "description": "Pass it as cursor, with the other arguments "
                    "unchanged, for the next groups.",
                },
                "note": {"type": "string"},
                "tz": {"type": "string", "description": "Time zone in which datetime "
                       "periods are cut."},
            },
            "required": ["model", "group_by", "measures", "groups", "has_more",
                         "next_cursor"],
        }

    def execute(self, tool, env, arguments):
        model = get_model(env, tool, arguments.get("model"))
        domain = parse_domain(model, arguments.get("domain"))
        domain &= Domain(filters_domain(model, arguments.get("filters")))
        available = visible_fields(model)
        group_by = [
            self._check_group_by(model, available, spec)
            for spec in arguments.get("group_by") or []
        ]
        measures = [
            self._check_measure(model, available, spec)
            for spec in arguments.get("measures") or []
        ]
        limit = arguments.get("limit") or tool.default_limit
        signed_query = {"model": model._name, "domain": arguments.get("domain") or [],
                        "filters": arguments.get("filters") or {},
                        "group_by": group_by, "measures": measures}
        offset = 0
        if arguments.get("cursor"):
            offset, _last = read_cursor(env, tool, signed_query, arguments["cursor"])

        try:
            rows = model._read_group(
                domain,
                group_by,
                ["__count", *measures],
                offset=offset,
                limit=limit + 1,
                # The group values break ties of counts: pages keep one order.
                order=", ".join(["__count desc", *group_by]) if group_by else None,
            )
        except ValueError as error:
            raise ToolError(f"Cannot aggregate {model._name}: {error}") from error

        groups = []
        for row in rows[:limit]:
            group = {}
            for spec, value in zip(group_by, row, strict=False):
                group[spec] = self._group_value(model, spec, value)
            group["count"] = row[len(group_by)]
            for spec, value in zip(measures, row[len(group_by) + 1 :], strict=True):
                group[spec] = value
            groups.append(group)
        result = {
            "model": model._name,
            "group_by": group_by,
            "measures": measures,
            "has_more": False,
            "next_cursor": None,
        }
        if any(model._fields[spec.partition(":")[0]].type == "datetime"
               for spec in group_by):
            result["tz"] = env.tz.zone

        # Cut at a group boundary to the byte budget, as record lists are.
        def note(kept):
            return budget_note(kept, len(groups), tool.response_budget, unit="groups",
                               remedy="group by fewer fields")

        # The longest the answer around the groups can get, as record lists
        # reckon it: a cursor and the note.
        kept = fit_to_budget(
            {**result, "next_cursor": "x" * 64, "note": note(len(groups))},
            groups, tool.response_budget)
        if kept < len(groups):
            result["note"] = note(kept)
        if kept < len(groups) or len(rows) > limit:
            result["has_more"] = True
            result["next_cursor"] = make_cursor(env, tool, signed_query, offset + kept, 0)
        result["groups"] = groups[:kept]
        return result

    def _check_group_by(self, model, available, spec):
        name, _sep, granularity = spec.partition(":")
        description = available.get(name)
        if description is None:
            raise ToolError(
                f"group_by: unknown or hidden field {name!r} on {model._name}."
            )
        if description["type"] not in GROUPABLE_TYPES or not description.get("store"):
            raise ToolError(
                f"group_by: cannot group by {name!r} ({description['type']}, "
                f"{'stored' if description.get('store') else 'not stored'})."
            )
        if description["type"] in ("date", "datetime"):
            return f"{name}:{granularity or 'month'}"
        if granularity:
            raise ToolError(f"group_by: {name!r} is not a date; drop ':{granularity}'.")
        return name

    def _check_measure(self, model, available, spec):
        name, _sep, aggregator = spec.partition(":")
        description = available.get(name)
        if description is None or not description.get("store"):
            raise ToolError(
                f"measures: unknown, hidden or not stored field {name!r} "
                f"on {model._name}."
            )
        if aggregator in ("sum", "avg") and description["type"] not in NUMERIC_TYPES:
            raise ToolError(
                f"measures: {aggregator} needs a numeric field; {name!r} is "
                f"{description['type']}."
            )
        if aggregator in ("min", "max") and description["type"] not in (
            *NUMERIC_TYPES,
            "date",
            "datetime",
        ):
            raise ToolError(
                f"measures: {aggregator} needs a number or a date; {name!r} is "
                f"{description['type']}."
            )
        return spec

    def _group_value(self, model, spec, value):
        """A group's value in the records' compact form: many2one as [id, name];
        a period of a datetime as the local date it starts on (``_read_group``
        cuts periods in the user's time zone, named by the result's ``tz``)."""
        if isinstance(value, BaseModel):
            return [value.id, value.display_name] if value else None
        field_type = model._fields[spec.partition(":")[0]].type
        if field_type == "datetime" and isinstance(value, datetime.datetime):
            return value.date().isoformat()
        return serialize_value(value, field_type)
