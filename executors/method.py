"""Model-method tools: call one public method of one model, chosen by the admin.

The tool record names the model and the method; the client passes only record
ids and the method's keyword arguments. The method is looked up the way Odoo's
JSON-2 API does (``get_public_method``: no ``_private`` name, no
``@api.private``), and the arguments are bound to its signature before it runs.
"""

import inspect
import json

from odoo.exceptions import AccessError
from odoo.models import BaseModel
from odoo.service.model import get_public_method

from .base import ToolError, ToolExecutor
from .records import get_model


def public_method(model, name):
    """The unbound public method ``name`` of ``model``; ValueError when there is
    none or it is private (a configuration error, reported on save)."""
    try:
        return get_public_method(model, name)
    except AttributeError as error:
        raise ValueError(error.args[0]) from error
    except AccessError as error:  # a _private or @api.private method
        raise ValueError(
            f"{model._name}.{name} is private and cannot be offered as a tool."
        ) from error


def _is_model_method(method):
    """``@api.model`` methods run on the model, not on records."""
    return bool(getattr(method, "_api_model", False))


def _keyword_parameters(method):
    """The method's named parameters after ``self`` (no ``*args``/``**kwargs``)."""
    parameters = list(inspect.signature(method).parameters.values())[1:]
    return [
        parameter
        for parameter in parameters
        if parameter.kind in (parameter.POSITIONAL_OR_KEYWORD, parameter.KEYWORD_ONLY)
    ]


def to_json(value):
    """A method's return value as JSON: recordsets become ids, the rest is made
    JSON-safe (dates and other objects as strings)."""
    if isinstance(value, BaseModel):
        return value.ids
    return json.loads(json.dumps(value, default=str))


class ModelMethodExecutor(ToolExecutor):
    kind = "model_method"
    label = "Call a model method"
    category = "write"
    read_only = False
    idempotent = False

    def check_configuration(self, tool):
        if not tool.model_name or not tool.method_name:
            raise ValueError(
                "A model-method tool needs a target model and a method name."
            )
        public_method(tool.env[tool.model_name], tool.method_name)

    def describe(self, tool):
        if not tool.model_name or not tool.method_name:
            return ""
        method = tool.env[tool.model_name]
        target = (
            "the model"
            if _is_model_method(getattr(type(method), tool.method_name, None))
            else "the records given by ids"
        )
        return (
            f"Calls {tool.model_name}.{tool.method_name}() on {target}, with your "
            "own access rights. Arguments are the method's keyword arguments."
        )

    def input_schema(self, tool):
        if not tool.model_name or not tool.method_name:
            return {"type": "object", "additionalProperties": False}
        try:
            method = public_method(tool.env[tool.model_name], tool.method_name)
        except ValueError:
            # refused on save; a method made private later must not break the catalog
            return {"type": "object", "additionalProperties": False}
        properties, required = {}, []
        if not _is_model_method(method):
            properties["ids"] = {
                "type": "array",
                "minItems": 1,
                "maxItems": tool.max_limit,
                "uniqueItems": True,
                "items": {"type": "integer", "minimum": 1},
                "description": f"Ids of the {tool.model_name} records to call it on.",
            }
            required.append("ids")
        keywords, keywords_required = {}, []
        for parameter in _keyword_parameters(method):
            entry = {"description": f"Argument {parameter.name!r} of the method."}
            if parameter.default is parameter.empty:
                keywords_required.append(parameter.name)
            else:
                entry["description"] += f" Default: {parameter.default!r}."
            keywords[parameter.name] = entry
        if keywords:
            properties["arguments"] = {
                "type": "object",
                "properties": keywords,
                "additionalProperties": False,
                "description": "Keyword arguments of the method.",
            }
            if keywords_required:
                properties["arguments"]["required"] = keywords_required
                required.append("arguments")
        schema = {
            "type": "object",
            "properties": properties,
            "additionalProperties": False,
        }
        if required:
            schema["required"] = required
        return schema

    def output_schema(self, tool):
        return {
            "type": "object",
            "properties": {
                "model": {"type": "string"},
                "method": {"type": "string"},
                "result": {
                    "description": "What the method returned, as JSON "
                    "(records as a list of ids)."
                },
            },
            "required": ["model", "method", "result"],
        }

    def execute(self, tool, env, arguments):
        # The model and the method come from the tool record, never from the caller.
        model = get_model(env, tool, tool.model_name)
        try:
            method = public_method(model, tool.method_name)
        except ValueError as error:
            raise ToolError(f"This tool is misconfigured: {error}") from error
        if _is_model_method(method):
            records = model
        else:
            records = model.browse(arguments.get("ids") or [])
            missing = sorted(set(records.ids) - set(records.exists().ids))
            if missing:
                raise ToolError(f"No {model._name} record with id(s) {missing}.")
            records.check_access("read")
        keywords = arguments.get("arguments") or {}
        try:
            inspect.signature(method).bind(records, **keywords)
        except TypeError as error:
            raise ToolError(
                f"Arguments do not fit {model._name}.{tool.method_name}: " f"{error}"
            ) from error
        result = method(records, **keywords)
        return {
            "model": model._name,
            "method": tool.method_name,
            "result": to_json(result),
        }
