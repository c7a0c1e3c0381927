"""The generic write tools: create, update and delete records.

Shipped inactive: an admin turns them on, ideally bound to one model or a few.
Values are checked against a schema generated from the model's fields (for a
tool bound to one model the client sees that schema; otherwise it is applied at
run time), relational values may be names, and the ORM checks access as for
any other write of the caller.
"""

from .base import ToolError, ToolExecutor
from .generic_read import _with_model
from .records import get_model
from .schemas import check_values, to_orm_values, tool_model, values_schema

IDS_DESCRIPTION = "Database ids of the records."


def _ids_property(tool):
    return {
        "type": "array",
        "minItems": 1,
        "maxItems": tool.max_limit,
        "uniqueItems": True,
        "items": {"type": "integer", "minimum": 1},
        "description": IDS_DESCRIPTION,
    }


def _values_property(tool, for_create):
    """Typed per field for a bound tool; a free object checked at run time otherwise."""
    if tool.model_name:
        schema = values_schema(tool_model(tool), for_create)
    else:
        schema = {"type": "object", "minProperties": 0 if for_create else 1}
    schema["description"] = (
        "Field values: {field: value}. Relational fields take ids or exact names; "
        "dates are YYYY-MM-DD, datetimes ISO 8601 (UTC unless an offset is given)."
    )
    return schema


def _result_schema(properties):
    return {
        "type": "object",
        "properties": {"model": {"type": "string"}, **properties},
        "required": ["model", *properties],
    }


IDS_RESULT = {"type": "array", "items": {"type": "integer"}}


def _existing(model, ids):
    records = model.browse(ids)
    missing = sorted(set(ids) - set(records.exists().ids))
    if missing:
        raise ToolError(
            f"No {model._name} record with id(s) {missing}: deleted or never "
            "existed, or hidden from you."
        )
    return records


def _orm_values(model, values, for_create):
    """Check ``values`` against the model's schema and convert them."""
    check_values(values_schema(model, for_create), values, "values")
    return to_orm_values(model, values)


class CreateRecordExecutor(ToolExecutor):
    kind = "create_record"
    label = "Create a record"
    category = "write"
    read_only = False
    always_writes = True
    idempotent = False
    summary = (
        "Create one record with the given field values and return its id and "
        "name. describe_model lists the fields."
    )

    def input_schema(self, tool):
        return _with_model(tool, {"values": _values_property(tool, True)}, ("values",))

    def output_schema(self, tool):
        return _result_schema(
            {"id": {"type": "integer"}, "display_name": {"type": "string"}}
        )

    def execute(self, tool, env, arguments):
        model = get_model(env, tool, arguments.get("model"))
        model.check_access("create")
        record = model.create(_orm_values(model, arguments["values"], for_create=True))
        return {
            "model": model._name,
            "id": record.id,
            "display_name": record.display_name,
        }


class UpdateRecordsExecutor(ToolExecutor):
    kind = "update_records"
    label = "Update records"
    category = "write"
    read_only = False
    always_writes = True
    # Overwritten values are lost: a destructive update in MCP's sense.
    destructive = True
    summary = (
        "Set the given field values on the records with the given ids (the same "
        "values on each). Returns the ids updated."
    )

    def input_schema(self, tool):
        return _with_model(
            tool,
            {
                "ids": _ids_property(tool),
                "values": _values_property(tool, False),
            },
            ("ids", "values"),
        )

    def output_schema(self, tool):
        return _result_schema({"ids": IDS_RESULT, "updated": {"type": "integer"}})

    def execute(self, tool, env, arguments):
        model = get_model(env, tool, arguments.get("model"))
        model.check_access("write")
        values = _orm_values(model, arguments["values"], for_create=False)
        records = _existing(model, arguments["ids"])
        records.write(values)
        return {"model": model._name, "ids": records.ids, "updated": len(records)}


class DeleteRecordsExecutor(ToolExecutor):
    kind = "delete_records"
    label = "Delete records"
    category = "write"
    read_only = False
    always_writes = True
    destructive = True
    summary = (
        "Delete the records with the given ids, for good. Odoo refuses records "
        "that other data still needs; archive those instead if the model allows."
    )

    def input_schema(self, tool):
        return _with_model(tool, {"ids": _ids_property(tool)}, ("ids",))

    def output_schema(self, tool):
        return _result_schema({"ids": IDS_RESULT, "deleted": {"type": "integer"}})

    def execute(self, tool, env, arguments):
        model = get_model(env, tool, arguments.get("model"))
        model.check_access("unlink")
        records = _existing(model, arguments["ids"])
        ids = records.ids
        records.unlink()
        return {"model": model._name, "ids": ids, "deleted": len(ids)}
