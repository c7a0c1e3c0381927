"""One ``tools/call``: find the tool, validate the arguments, run it in a
savepoint as the caller, map failures to results, and record the call."""

import json
import logging
import time

from odoo.service.model import PG_CONCURRENCY_EXCEPTIONS_TO_RETRY

from ..executors.records import is_sensitive
from ..executors.schemas import validation_problems
from ..executors import InputRequired, MissingClientCapability, ToolResult
from . import tool_policy
from .errors import (
    INVALID_PARAMS,
    MISSING_CLIENT_CAPABILITY,
    McpProtocolError,
    tool_failure_message,
)
from .interaction import build_context, input_required_result

_logger = logging.getLogger(__name__)

# Arguments longer than this (as JSON) are stored truncated in the audit log.
AUDIT_ARGUMENTS_MAX_CHARS = 4000


class ToolCallRunner:
    def __init__(self, env, version, remote_addr=None, client_name=None, credential=None):
        self.env = env
        self.version = version
        self.remote_addr = remote_addr
        self.client_name = client_name
        self.credential = credential

    def run(self, name, arguments, params=None):
        """Run tool ``name``; ``params`` are the request's (for the stateless
        era's ``_meta``, ``inputResponses`` and ``requestState``)."""
        started = time.monotonic()
        tool = self.env["mcp.tool"]._get_callable_tools([("name", "=", name)])
        tool = tool_policy.visible_tools(self.credential, tool)
        if not tool:
            self._record(name, None, arguments, "protocol_error", "Unknown tool", started)
            raise McpProtocolError(
                INVALID_PARAMS, f"Unknown tool: {name!r}. Call tools/list for the tools "
                "available to you.", http_status=400 if self._stateless else 200)

        # Scope, read-only keys and rate limits (see tool_policy.py).
        try:
            tool_policy.check_call(self.env, self.credential, tool)
        except tool_policy.HttpRefusal as refusal:
            self._record(name, tool, arguments, "protocol_error", str(refusal), started)
            raise
        except tool_policy.CallRefused as refused:
            self._record(name, tool, arguments, "tool_error", str(refused), started)
            return self._error_result(str(refused))

        problems = self._validate(tool, arguments)
        if problems:
            message = "Invalid arguments: " + "; ".join(problems)
            self._record(name, tool, arguments, "tool_error", message, started)
            return self._error_result(message)

        try:
            tool_env, tool_arguments, company = tool_policy.company_env(
                self.env, tool, arguments)
        except tool_policy.CallRefused as refused:
            self._record(name, tool, arguments, "tool_error", str(refused), started)
            return self._error_result(str(refused))

        executor = tool._executor()
        status = 400 if self._stateless else 200
        interactive = getattr(executor, "interactive", False)
        try:
            context = build_context(
                self.env, params or {}, f"tool:{name}", self._stateless, status)
        except McpProtocolError as error:
            self._record(name, tool, arguments, "protocol_error", error.message, started)
            raise
        try:
            with self.env.cr.savepoint():
                if interactive:
                    data = executor.execute(tool, tool_env, tool_arguments, context)
                else:
                    data = executor.execute(tool, tool_env, tool_arguments)
                if isinstance(data, InputRequired):
                    data = self._input_required(name, context, data)
        except PG_CONCURRENCY_EXCEPTIONS_TO_RETRY:
            raise  # Odoo retries the whole request on a fresh transaction
        except MissingClientCapability as missing:
            self._record(name, tool, arguments, "protocol_error", str(missing), started)
            if not self._stateless:
                return self._error_result(
                    "This tool needs client capabilities that this protocol revision "
                    f"cannot use here: {', '.join(sorted(missing.required))}.")
            raise McpProtocolError(
                MISSING_CLIENT_CAPABILITY,
                f"Missing required client capabilities: {', '.join(sorted(missing.required))}.",
                data={"requiredCapabilities": missing.required}, http_status=400,
            ) from None
        except Exception as exception:  # noqa: BLE001 - mapped in one place below
            message = tool_failure_message(exception)
            if message is None:
                _logger.exception(
                    "MCP tool %s failed for %s (#%s)", name, self.env.user.login, self.env.uid)
                # The kind of fault only: its text may quote code or data, and
                # the caller may read their own calls; the log has the rest.
                fault = f"{type(exception).__name__} (see the server log)"
                self._record(name, tool, arguments, "server_error", fault, started)
                return self._error_result(
                    "Internal error while running the tool; it has been logged. "
                    "Nothing was changed.")
            self._record(name, tool, arguments, "tool_error", message, started)
            return self._error_result(message)

        if isinstance(data, dict) and data.get("resultType") == "input_required":
            self._record(name, tool, arguments, "input_required", None, started)
            return data
        if isinstance(data, ToolResult):
            outcome = "tool_error" if data.is_error else "success"
            self._record(name, tool, arguments, outcome, None, started)
            result = {"content": data.content, "isError": data.is_error}
            if data.structured is not None:
                result["structuredContent"] = data.structured
            return tool_policy.report_company(result, company)
        self._record(name, tool, arguments, "success", None, started)
        # Compact separators: the text is what a model reads, every byte counts.
        text = json.dumps(data, ensure_ascii=False, separators=(",", ":"), default=str)
        result = {
            "content": [{"type": "text", "text": text}, *executor.resource_links(tool, data)],
            "structuredContent": data,
            "isError": False,
        }
        return tool_policy.report_company(result, company)

    def _input_required(self, name, context, needed):
        if not self._stateless:
            raise MissingClientCapability({"inputRequests": {}})
        return input_required_result(self.env, f"tool:{name}", context, needed)

    @property
    def _stateless(self):
        return self.version >= "2026-07-28"

    def _validate(self, tool, arguments):
        """Problems of ``arguments`` against the tool's schema, named by path."""
        if not isinstance(arguments, dict):
            return ["arguments must be an object"]
        # The schema clients were given (cached catalog); computed if not cached yet.
        schema = self.env["mcp.tool"]._get_cached_input_schema(tool.name) or tool.input_schema
        return validation_problems(schema, arguments)

    def _error_result(self, message):
        return {"content": [{"type": "text", "text": message}], "isError": True}

    def _record(self, name, tool, arguments, outcome, error_message, started,
                method="tools/call"):
        duration_ms = int((time.monotonic() - started) * 1000)
        _logger.info(
            "MCP %s %s by %s (#%s): %s in %d ms",
            method, name, self.env.user.login, self.env.uid, outcome, duration_ms,
        )
        stored_arguments = _redacted(arguments)
        if len(json.dumps(stored_arguments, default=str)) > AUDIT_ARGUMENTS_MAX_CHARS:
            stored_arguments = {"_truncated": json.dumps(stored_arguments, default=str)[
                :AUDIT_ARGUMENTS_MAX_CHARS]}
        # sudo: the audit log is this addon's own record of what happened; no
        # user has create rights on it, so none can add calls that never ran.
        # Its user is the caller, set explicitly.
        self.env["mcp.call"].sudo().create({
            "user_id": self.env.uid,
            "tool_id": tool.id if tool else False,
            "tool_name": name,
            "method": method,
            "arguments": stored_arguments,
            "outcome": outcome,
            "error_message": error_message,
            "duration_ms": duration_ms,
            "protocol_version": self.version,
            "client_name": self.client_name,
            "remote_addr": self.remote_addr,
        })


def _redacted(value):
    """``value`` with the values of secret-looking keys (passwords, tokens...)
    replaced, so the audit log never stores a secret a caller sent."""
    if isinstance(value, dict):
        return {key: "<redacted>" if isinstance(key, str) and is_sensitive(key)
                else _redacted(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_redacted(item) for item in value]
    return value
