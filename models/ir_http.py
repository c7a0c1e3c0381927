import json
import logging
import re
from urllib.parse import urlsplit

import werkzeug.exceptions

from odoo import models
from odoo.http import Response, request

from .mcp_oauth_token import resource_metadata_url

_logger = logging.getLogger(__name__)

MCP_KEY_SCOPE = "mcp"
LOOPBACK_HOSTS = {"localhost", "127.0.0.1", "::1"}
BEARER_PATTERN = re.compile(r"^bearer\s+(\S+)\s*$", re.IGNORECASE)


def _origin_of(url):
    """``scheme://host[:port]`` of a URL, lower-cased, default ports dropped."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return None
    if not parts.scheme or not parts.hostname:
        return None
    default_port = {"http": 80, "https": 443}.get(parts.scheme.lower())
    host = f"[{parts.hostname}]" if ":" in parts.hostname else parts.hostname
    suffix = f":{port}" if port and port != default_port else ""
    return f"{parts.scheme.lower()}://{host.lower()}{suffix}"


def _auth_failure(status, error, description, www_authenticate=None):
    """An HTTP error that carries its own JSON body and headers."""
    headers = [("Content-Type", "application/json")]
    if www_authenticate:
        headers.append(("WWW-Authenticate", www_authenticate))
    body = json.dumps({"error": error, "error_description": description})
    exception_class = (
        werkzeug.exceptions.Unauthorized if status == 401 else werkzeug.exceptions.Forbidden
    )
    return exception_class(response=Response(body, status=status, headers=headers))


class IrHttp(models.AbstractModel):
    _inherit = "ir.http"

    @classmethod
    def _auth_method_mcp_bearer(cls):
        """Authenticate an MCP request by an API key in ``Authorization: Bearer``.

        Keys are Odoo's own ``res.users.apikeys``: hashed, optionally expiring,
        with the ``mcp`` scope (or a global key). No session is used or saved.
        Refusals are greppable log lines naming the address, never the key.
        """
        cls._mcp_check_origin()
        remote_addr = request.httprequest.remote_addr
        header = request.httprequest.headers.get("Authorization", "")
        match = BEARER_PATTERN.match(header)
        if not match:
            _logger.info("MCP auth: no bearer token from %s", remote_addr)
            raise cls._mcp_unauthorized("invalid_request", "A bearer token is required.")

        # An MCP key or an OAuth access token (models/ir_http_credentials.py).
        uid, credential = cls._mcp_check_bearer(match.group(1))
        if not uid:
            raise cls._mcp_unauthorized(
                "invalid_token", "The key or token is invalid, expired or revoked.")

        request.httprequest.environ["mcp_gateway.credential"] = credential
        request.update_env(user=uid)
        request.session.can_save = False
        user = request.env.user
        if not user.has_group("mcp_gateway.group_mcp_user"):
            _logger.warning(
                "MCP auth: DENIED for %s (#%s) from %s: not in MCP Gateway / User",
                user.login, uid, remote_addr,
            )
            raise _auth_failure(
                403, "forbidden", "This user is not allowed to use MCP Gateway."
            )
        request.update_context(**user.context_get())

    @classmethod
    def _mcp_check_origin(cls):
        """Refuse requests a browser page of another site could make (DNS rebinding).

        The Host must be this instance's (``web.base.url``), a configured allowed
        origin's, or a loopback name; an Origin, when sent, must be the request's
        own origin, ``web.base.url``'s or a configured one
        (``mcp_gateway.allowed_origins``, comma-separated). Checked before the key.
        """
        httprequest = request.httprequest
        # sudo: reads this addon's own settings and the instance's base URL
        parameters = request.env["ir.config_parameter"].sudo()
        allowed = {_origin_of(parameters.get_param("web.base.url") or "")}
        allowed |= {
            _origin_of(value.strip())
            for value in (parameters.get_param("mcp_gateway.allowed_origins") or "").split(",")
            if value.strip()
        }
        allowed.discard(None)
        allowed_hosts = {urlsplit(origin).hostname for origin in allowed} | LOOPBACK_HOSTS
        own_origin = _origin_of(httprequest.host_url)
        if urlsplit(own_origin or "").hostname not in allowed_hosts:
            _logger.warning("MCP origin: REFUSED host %r from %s", httprequest.host,
                            httprequest.remote_addr)
            raise _auth_failure(403, "forbidden", "Host not allowed for this MCP endpoint.")
        origin = httprequest.headers.get("Origin")
        if origin and _origin_of(origin) not in allowed | {own_origin}:
            _logger.warning("MCP origin: REFUSED origin %r from %s", origin,
                            httprequest.remote_addr)
            raise _auth_failure(403, "forbidden", "Origin not allowed for this MCP endpoint.")

    @classmethod
    def _mcp_unauthorized(cls, error, description):
        # RFC 6750 section 3.1: a request that sent no credential gets no error code.
        error_part = "" if error == "invalid_request" else f'error="{error}", '
        challenge = (
            f'Bearer realm="mcp", {error_part}'
            f'resource_metadata="{resource_metadata_url(request.httprequest)}"'
        )
        return _auth_failure(401, error, description, www_authenticate=challenge)
