"""JSON-RPC dispatch for both eras of MCP over one HTTP endpoint.

The legacy era (2025-03-26 to 2025-11-25) opens with ``initialize``; later
requests name their revision in the ``MCP-Protocol-Version`` header. The
stateless era (2026-07-28) has no handshake: every request carries its revision
and the client's capabilities in ``params._meta`` and repeats the method (and
tool, resource or prompt name) in headers. Both eras share the method handlers.
"""

import base64
import json
import logging
from dataclasses import dataclass, field

import pydantic
from mcp_types import methods as wire_methods

from odoo.service.model import PG_CONCURRENCY_EXCEPTIONS_TO_RETRY

from . import versions
from .errors import (
    HEADER_MISMATCH,
    INTERNAL_ERROR,
    INVALID_PARAMS,
    INVALID_REQUEST,
    METHOD_NOT_FOUND,
    PARSE_ERROR,
    UNSUPPORTED_PROTOCOL_VERSION,
    McpProtocolError,
)
from .features import FeatureMethods
from .tool_calls import ToolCallRunner
from .tool_policy import HttpRefusal, visible_tools

_logger = logging.getLogger(__name__)

SERVER_NAME = "odoo-mcp-gateway"
SERVER_TITLE = "Odoo MCP Gateway"
INSTRUCTIONS = (
    "Tools over an Odoo database, run with the permissions of the connected user. "
    "Start with list_models and describe_model to learn model and field names; "
    "search_records takes an Odoo domain as JSON; count_records before reading "
    "large sets. Results are compact JSON: many2one values are [id, name], "
    "amounts [amount, currency], and a field left out is empty."
)
# Methods whose target is repeated in the Mcp-Name header (stateless era).
NAMED_METHODS = {"tools/call": "name", "resources/read": "uri", "prompts/get": "name"}
# Results that the stateless era lets a client cache (with ttlMs and cacheScope).
CACHEABLE_METHODS = {
    "server/discover", "tools/list", "prompts/list", "resources/list",
    "resources/templates/list", "resources/read",
}
LIST_TTL_MS = 60_000


@dataclass
class McpHttpAnswer:
    """What the controller sends: a status, a JSON body or none, extra headers."""

    status: int
    payload: object = None
    headers: dict = field(default_factory=dict)


class McpDispatcher(FeatureMethods):
    """Answers one HTTP request's worth of MCP messages for ``env``'s user."""

    def __init__(self, env, headers, server_version, remote_addr=None, credential=None,
                 client_name=None):
        self.env = env
        self.client_name = client_name
        self.credential = credential
        self.headers = headers
        self.server_version = server_version
        self.remote_addr = remote_addr
        self.stateless = False
        self.session = env["mcp.session"]
        self.answer_headers = {}
        self.handlers = {
            "initialize": self._handle_initialize,
            "ping": self._handle_ping,
            "server/discover": self._handle_discover,
            "tools/list": self._handle_tools_list,
            "tools/call": self._handle_tools_call,
            "resources/list": self._handle_resources_list,
            "resources/templates/list": self._handle_resource_templates_list,
            "resources/read": self._handle_resources_read,
            "resources/subscribe": self._handle_resources_subscribe,
            "resources/unsubscribe": self._handle_resources_subscribe,
            "prompts/list": self._handle_prompts_list,
            "prompts/get": self._handle_prompts_get,
            "completion/complete": self._handle_completion_complete,
            "logging/setLevel": self._handle_logging_set_level,
        }

    # ------------------------------------------------------------------
    # Framing
    # ------------------------------------------------------------------

    def handle(self, body):
        try:
            return self._handle_body(body)
        except HttpRefusal as refusal:
            return McpHttpAnswer(refusal.status, refusal.payload, refusal.headers)

    def _handle_body(self, body):
        try:
            message = json.loads(body)
        except (ValueError, UnicodeDecodeError):
            return self._error_answer(None, McpProtocolError(
                PARSE_ERROR, "Parse error: the body is not valid JSON.", http_status=400))

        if isinstance(message, list):
            return self._handle_batch(message)
        answer = self._handle_message(message)
        return answer or McpHttpAnswer(202)

    def _handle_batch(self, messages):
        header_version = self.headers.get("MCP-Protocol-Version")
        if header_version and header_version not in versions.BATCHING_VERSIONS or not messages:
            return self._error_answer(None, McpProtocolError(
                INVALID_REQUEST,
                "JSON-RPC batches are not accepted in this protocol revision.",
                http_status=400))
        answers = [self._handle_message(message) for message in messages]
        payload = [answer.payload for answer in answers if answer]
        return McpHttpAnswer(200, payload) if payload else McpHttpAnswer(202)

    def _handle_message(self, message):
        """One JSON-RPC message: an answer, or None for a notification or response."""
        if not isinstance(message, dict) or message.get("jsonrpc") != "2.0":
            return self._error_answer(None, McpProtocolError(
                INVALID_REQUEST, "Invalid request: not a JSON-RPC 2.0 message.",
                http_status=400))
        request_id = message.get("id")
        method = message.get("method")
        if method is None:
            if "result" in message or "error" in message:
                return None  # a client's response: nothing to answer
            return self._error_answer(request_id, McpProtocolError(
                INVALID_REQUEST, "Invalid request: 'method' is missing.", http_status=400))
        if not isinstance(method, str) or (
            "id" in message and not isinstance(request_id, (str, int))
            or isinstance(request_id, bool)
        ):
            return self._error_answer(request_id, McpProtocolError(
                INVALID_REQUEST, "Invalid request: bad 'method' or 'id'.", http_status=400))
        params = message.get("params")
        if params is not None and not isinstance(params, dict):
            return self._error_answer(request_id, McpProtocolError(
                INVALID_PARAMS, "Invalid params: 'params' must be an object.",
                http_status=400))
        self.stateless = self._is_stateless(method, params)
        if not self.stateless and method != "initialize":
            try:
                self._check_session()
                self._check_handshake_version()
            except McpProtocolError as error:
                return self._error_answer(request_id, error)
        if "id" not in message:
            return None  # notifications (initialized, cancelled, ...) need no answer

        # Each message in a savepoint of its own: a server fault undoes that
        # message only, not the earlier messages of a batch nor their audit rows.
        savepoint = self.env.cr.savepoint()
        try:
            if self.stateless:
                result = self._dispatch_stateless(method, params or {})
            else:
                result = self._dispatch_handshake(method, params)
        except McpProtocolError as error:
            savepoint.close(rollback=False)  # keeps the audit row of a refused call
            return self._error_answer(request_id, error)
        except HttpRefusal:
            savepoint.close(rollback=False)
            raise  # an HTTP answer of its own (see handle)
        except PG_CONCURRENCY_EXCEPTIONS_TO_RETRY:
            raise  # Odoo retries the whole request on a fresh transaction
        except Exception:  # noqa: BLE001 - a server fault: logged, never shown
            _logger.exception("MCP %s failed for %s (#%s)", method, self.env.user.login,
                              self.env.uid)
            savepoint.close(rollback=True)
            return self._error_answer(request_id, McpProtocolError(
                INTERNAL_ERROR, "Internal error; the server log has the details."))
        savepoint.close(rollback=False)
        return McpHttpAnswer(200, {"jsonrpc": "2.0", "id": request_id, "result": result},
                             headers=self.answer_headers)

    def _check_session(self):
        """A legacy request naming a session must name a live one of this user.

        Sessions are optional: a request without ``Mcp-Session-Id`` is served.
        """
        session_id = self.headers.get("Mcp-Session-Id")
        if not session_id:
            return
        self.session = self.env["mcp.session"]._find_live(session_id)
        if not self.session:
            raise McpProtocolError(
                INVALID_REQUEST, "Session not found or expired; initialize a new one.",
                http_status=404)

    def _handshake_version(self):
        """The revision of a legacy request after ``initialize``."""
        return (
            self.headers.get("MCP-Protocol-Version")
            or self.session.protocol_version
            or versions.DEFAULT_HEADERLESS_VERSION
        )

    def _check_handshake_version(self):
        """A legacy request (notifications included) must name a revision we speak."""
        version = self._handshake_version()
        if version not in versions.HANDSHAKE_VERSIONS:
            raise _unsupported_version(version)

    def _error_answer(self, request_id, error):
        payload = {"jsonrpc": "2.0", "id": request_id, "error": error.to_error()}
        return McpHttpAnswer(error.http_status, payload)

    # ------------------------------------------------------------------
    # Eras
    # ------------------------------------------------------------------

    def _is_stateless(self, method, params):
        """Which era serves this request.

        Stateless when ``MCP-Protocol-Version`` names a stateless revision or
        the body carries the stateless envelope (its revision or the client's
        capabilities in ``_meta``); there an unknown revision or a header that
        disagrees with the body is refused, and ``initialize`` does not exist.
        Legacy otherwise, where an unknown header revision is refused (other
        ``io.modelcontextprotocol/*`` keys, such as a task's, stay legacy).
        """
        if self.headers.get("MCP-Protocol-Version") in versions.MODERN_VERSIONS:
            return True
        meta = (params or {}).get("_meta")
        envelope = (versions.META_PROTOCOL_VERSION, versions.META_CLIENT_CAPABILITIES)
        return isinstance(meta, dict) and any(key in meta for key in envelope)

    def _dispatch_handshake(self, method, params):
        if method == "initialize":
            version = versions.LATEST_HANDSHAKE_VERSION
        else:
            version = self._handshake_version()  # checked in _handle_message
        handler = self._validated_handler(method, version, params, not_found_status=200)
        result = handler(version, params or {})
        return self._serialize(method, version, result)

    def _dispatch_stateless(self, method, params):
        meta = params.get("_meta")
        missing = [
            key for key in (versions.META_PROTOCOL_VERSION, versions.META_CLIENT_CAPABILITIES)
            if not isinstance(meta, dict) or key not in meta
        ]
        if missing:
            raise McpProtocolError(
                INVALID_PARAMS,
                f"Invalid params: _meta must carry {', '.join(missing)}.",
                http_status=400)
        version = meta[versions.META_PROTOCOL_VERSION]
        # Headers first: a client that disagrees with itself is told so.
        self._check_stateless_headers(method, version, params)
        self._check_log_level(params)
        if version not in versions.MODERN_VERSIONS:
            raise _unsupported_version(version)
        handler = self._validated_handler(method, version, params, not_found_status=404)
        result = handler(version, params)
        result.setdefault("resultType", "complete")
        result.setdefault("_meta", {})[versions.META_SERVER_INFO] = self._server_info()
        if method in CACHEABLE_METHODS and result["resultType"] == "complete":
            result.setdefault("ttlMs", LIST_TTL_MS)
            result.setdefault("cacheScope", "private")
        return self._serialize(method, version, result)

    def _check_stateless_headers(self, method, version, params):
        """MCP-Protocol-Version, Mcp-Method and Mcp-Name repeat the body; a
        missing header is a mismatch too (-32020, HTTP 400)."""
        expected = {"MCP-Protocol-Version": version, "Mcp-Method": method}
        if method in NAMED_METHODS and params.get(NAMED_METHODS[method]) is not None:
            expected["Mcp-Name"] = params[NAMED_METHODS[method]]
        for header, value in expected.items():
            sent = self.headers.getlist(header) if hasattr(self.headers, "getlist") else [
                self.headers.get(header)]
            sent = [item for item in sent if item is not None]
            if len(sent) > 1:
                raise McpProtocolError(
                    HEADER_MISMATCH, f"Header {header} is sent more than once.",
                    http_status=400)
            # Optional whitespace around a field value is not part of it (RFC 9110).
            received = sent[0].strip(" \t") if sent else None
            if header == "Mcp-Name" and received:
                received = _decode_header_value(received)
            if received != value:
                raise McpProtocolError(
                    HEADER_MISMATCH,
                    f"Header {header} must be present and equal to the request's "
                    f"value {value!r} (received {received!r}).",
                    http_status=400)

    def _validated_handler(self, method, version, params, not_found_status):
        handler = self.handlers.get(method)
        try:
            wire_methods.validate_client_request(method, version, params)
        except KeyError:
            handler = None
        except pydantic.ValidationError as error:
            problems = "; ".join(
                f"{'.'.join(str(part) for part in issue['loc'][1:]) or 'params'}: {issue['msg']}"
                for issue in error.errors()[:5]
            )
            raise McpProtocolError(
                INVALID_PARAMS, f"Invalid params for {method}: {problems}", http_status=400
            ) from None
        if handler is None:
            raise McpProtocolError(
                METHOD_NOT_FOUND, f"Method not found: {method}", http_status=not_found_status)
        return handler

    def _serialize(self, method, version, result):
        """Shape the result as ``version`` defines it (drops newer fields)."""
        result = wire_methods.serialize_server_result(method, version, result)
        return versions.downgrade_result(method, version, result)

    def _server_info(self):
        return {"name": SERVER_NAME, "title": SERVER_TITLE, "version": self.server_version}

    def _capabilities(self):
        """What works on this endpoint, nothing more: no change notifications or
        subscriptions (no stream to deliver them); logging/setLevel only exists
        before 2026-07-28."""
        capabilities = {
            "tools": {"listChanged": False},
            "resources": {"subscribe": False, "listChanged": False},
            "prompts": {"listChanged": False},
            "completions": {},
        }
        if not self.stateless:
            capabilities["logging"] = {}
        return capabilities

    # ------------------------------------------------------------------
    # Methods
    # ------------------------------------------------------------------

    def _handle_initialize(self, version, params):
        requested = params.get("protocolVersion")
        negotiated = (
            requested if requested in versions.HANDSHAKE_VERSIONS
            else versions.LATEST_HANDSHAKE_VERSION
        )
        self.session = self.env["mcp.session"]._open(negotiated, params.get("clientInfo"))
        self.answer_headers["Mcp-Session-Id"] = self.session.name
        return {
            "protocolVersion": negotiated,
            "capabilities": self._capabilities(),
            "serverInfo": self._server_info(),
            "instructions": INSTRUCTIONS,
        }

    def _handle_ping(self, version, params):
        return {}

    def _handle_discover(self, version, params):
        return {
            "supportedVersions": list(versions.SUPPORTED_VERSIONS),
            "capabilities": self._capabilities(),
            "instructions": INSTRUCTIONS,
        }

    def _handle_tools_list(self, version, params):
        # Cached per groups and language; cleared when a tool or a field changes.
        definitions = self.env["mcp.tool"]._get_catalog()
        if self.credential is not None and self.credential.tool_ids is not None:
            allowed = set(visible_tools(
                self.credential, self.env["mcp.tool"]._get_callable_tools()).mapped("name"))
            definitions = [d for d in definitions if d["name"] in allowed]
        return self._paged_result("tools", definitions, params)

    def _handle_tools_call(self, version, params):
        client_info = (params.get("_meta") or {}).get(versions.META_CLIENT_INFO) or {}
        client_name = (
            (client_info.get("name") if isinstance(client_info, dict) else None)
            or self.session.client_name or self.client_name
        )
        runner = ToolCallRunner(
            self.env, version, remote_addr=self.remote_addr, client_name=client_name,
            credential=self.credential,
        )
        return runner.run(params["name"], params.get("arguments") or {}, params)


def _unsupported_version(version):
    """-32022 for either era, with the revisions ``server/discover`` advertises."""
    return McpProtocolError(
        UNSUPPORTED_PROTOCOL_VERSION,
        f"Unsupported protocol version {version!r}; supported: "
        f"{', '.join(versions.SUPPORTED_VERSIONS)}.",
        data={"supported": list(versions.SUPPORTED_VERSIONS), "requested": version},
        http_status=400)


def _decode_header_value(value):
    """Header values may be sent as ``=?base64?<data>?=`` to carry any text."""
    if value.startswith("=?base64?") and value.endswith("?="):
        try:
            return base64.b64decode(value[len("=?base64?"):-2], validate=True).decode()
        except (ValueError, UnicodeDecodeError):
            return None
    return value
