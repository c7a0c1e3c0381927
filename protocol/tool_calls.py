"""One ``tools/call``: find the tool, validate the arguments, run it in a
savepoint as the caller, map failures to results, and record the call."""

import json
import logging
import time

from odoo.service.model import PG_CONCURRENCY_EXCEPTIONS_TO_RETRY

from ..executors.schemas import validation_problems
from .errors import INVALID_PARAMS, McpProtocolError, tool_failure_message

_logger = logging.getLogger(__name__)

# Arguments longer than this (as JSON) are stored truncated in the audit log.
AUDIT_ARGUMENTS_MAX_CHARS = 4000


class ToolCallRunner:
    def __init__(self, env, version, remote_addr=None, client_name=None):
        self.env = env
        self.version = version
        self.remote_addr = remote_addr
        self.client_name = client_name

    def run(self, name, arguments):
        started = time.monotonic()
        tool = self.env["mcp.tool"]._get_callable_tools().filtered(lambda t: t.name == name)
        if not tool:
            self._record(name, None, arguments, "protocol_error", "Unknown tool", started)
            raise McpProtocolError(
                INVALID_PARAMS, f"Unknown tool: {name!r}. Call tools/list for the tools "
                "available to you.", http_status=400 if self._stateless else 200)

        problems = self._validate(tool, arguments)
        if problems:
            message = "Invalid arguments: " + "; ".join(problems)
            self._record(name, tool, arguments, "tool_error", message, started)
            return self._error_result(message)

        try:
            with self.env.cr.savepoint():
                data = tool._executor().execute(tool, self.env, arguments)
        except PG_CONCURRENCY_EXCEPTIONS_TO_RETRY:
            raise  # Odoo retries the whole request on a fresh transaction
        except Exception as exception:  # noqa: BLE001 - mapped in one place below
            message = tool_failure_message(exception)
            if message is None:
                _logger.exception(
                    "MCP tool %s failed for %s (#%s)", name, self.env.user.login, self.env.uid)
                self._record(name, tool, arguments, "server_error", repr(exception), started)
                return self._error_result(
                    "Internal error while running the tool; it has been logged. "
                    "Nothing was changed.")
            self._record(name, tool, arguments, "tool_error", message, started)
            return self._error_result(message)

        self._record(name, tool, arguments, "success", None, started)
        return {
            "content": [{"type": "text", "text": json.dumps(data, ensure_ascii=False, default=str)}],
            "structuredContent": data,
            "isError": False,
        }

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

    def _record(self, name, tool, arguments, outcome, error_message, started):
        duration_ms = int((time.monotonic() - started) * 1000)
        _logger.info(
            "MCP tools/call %s by %s (#%s): %s in %d ms",
            name, self.env.user.login, self.env.uid, outcome, duration_ms,
        )
        stored_arguments = arguments
        if len(json.dumps(arguments, default=str)) > AUDIT_ARGUMENTS_MAX_CHARS:
            stored_arguments = {"_truncated": json.dumps(arguments, default=str)[
                :AUDIT_ARGUMENTS_MAX_CHARS]}
        self.env["mcp.call"].create({
            "user_id": self.env.uid,
            "tool_id": tool.id if tool else False,
            "tool_name": name,
            "method": "tools/call",
            "arguments": stored_arguments,
            "outcome": outcome,
            "error_message": error_message,
            "duration_ms": duration_ms,
            "protocol_version": self.version,
            "client_name": self.client_name,
            "remote_addr": self.remote_addr,
        })
