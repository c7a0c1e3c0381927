"""HTTP transport of MCP: one endpoint, JSON in and JSON out.

Authentication happens before this code runs (``auth="mcp_bearer"``, see
``models/ir_http.py``); the request environment is the caller's own. The
protocol work is the dispatcher's; this layer only reads the body within its
size limit and writes the answer.
"""

import json
import logging

from odoo import http
from odoo.http import request
from odoo.modules.module import get_manifest

from ..protocol import McpDispatcher

_logger = logging.getLogger(__name__)

DEFAULT_MAX_BODY_BYTES = 1024 * 1024


class McpController(http.Controller):
    @http.route(
        "/mcp", type="http", auth="mcp_bearer", methods=["POST"], csrf=False,
        save_session=False,
    )
    def mcp_post(self):
        httprequest = request.httprequest
        max_bytes = self._max_body_bytes()
        if (httprequest.content_length or 0) > max_bytes:
            return self._json_response(413, _jsonrpc_error(
                -32600, f"Request body larger than {max_bytes} bytes."))
        body = _read_body(httprequest, max_bytes + 1)
        if len(body) > max_bytes:
            return self._json_response(413, _jsonrpc_error(
                -32600, f"Request body larger than {max_bytes} bytes."))

        dispatcher = McpDispatcher(
            request.env,
            headers=httprequest.headers,
            server_version=self._server_version(),
            remote_addr=httprequest.remote_addr,
            credential=httprequest.environ.get("mcp_gateway.credential"),
        )
        answer = dispatcher.handle(body)
        if answer.payload is None:
            return request.make_response(b"", status=answer.status, headers=list(answer.headers.items()))
        return self._json_response(answer.status, answer.payload, answer.headers)

    @http.route("/mcp", type="http", auth="none", methods=["GET", "DELETE"], csrf=False,
                save_session=False)
    def mcp_not_allowed(self):
        """No server-sent event stream and no session to end: 405, as the spec allows."""
        response = self._json_response(405, _jsonrpc_error(
            -32600, "Method not allowed: this MCP endpoint answers POST only."))
        response.headers["Allow"] = "POST"
        return response

    def _json_response(self, status, payload, headers=None):
        return request.make_response(
            json.dumps(payload, ensure_ascii=False, default=str),
            headers=[("Content-Type", "application/json"), *(headers or {}).items()],
            status=status,
        )

    def _max_body_bytes(self):
        # sudo: reads this addon's own setting, which plain users cannot read
        value = request.env["ir.config_parameter"].sudo().get_param(
            "mcp_gateway.max_body_bytes")
        try:
            return int(value) if value else DEFAULT_MAX_BODY_BYTES
        except ValueError:
            return DEFAULT_MAX_BODY_BYTES

    def _server_version(self):
        return get_manifest("mcp_gateway").get("version", "0")


def _read_body(httprequest, limit):
    """At most ``limit`` bytes of the body, so that one sent without
    Content-Length (chunked) is not read whole into memory before the size
    check. Odoo's request wrapper does not expose werkzeug's stream; it keeps
    the werkzeug request under its private name, as its own proxies use it."""
    wrapped = getattr(httprequest, "_HTTPRequest__wrapped", None)
    if wrapped is None:
        return httprequest.get_data(cache=False)
    return wrapped.stream.read(limit)


def _jsonrpc_error(code, message):
    return {"jsonrpc": "2.0", "id": None, "error": {"code": code, "message": message}}
