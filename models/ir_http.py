import json
import logging
import re

import werkzeug.exceptions

from odoo import models
from odoo.http import Response, request

from .mcp_oauth_token import resource_metadata_url

_logger = logging.getLogger(__name__)

MCP_KEY_SCOPE = "mcp"
BEARER_PATTERN = re.compile(r"^bearer\s+(\S+)\s*$", re.IGNORECASE)


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
    def _mcp_unauthorized(cls, error, description):
        challenge = (
            f'Bearer realm="mcp", error="{error}", '
            f'resource_metadata="{resource_metadata_url(request.httprequest)}"'
        )
        return _auth_failure(401, error, description, www_authenticate=challenge)
