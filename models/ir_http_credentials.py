"""Which credential a bearer value is: an OAuth access token or an MCP key."""

import logging

from odoo import models
from odoo.http import request

from ..protocol.credentials import McpCredential
from .mcp_oauth_token import ACCESS_TOKEN_PREFIX, resource_metadata_url, resource_url

_logger = logging.getLogger(__name__)


class IrHttp(models.AbstractModel):
    _inherit = "ir.http"

    @classmethod
    def _mcp_check_bearer(cls, bearer):
        """``(uid, McpCredential)`` for a valid bearer value, else ``(None, None)``.

        Access tokens carry a prefix; anything else is tried as an MCP key.
        Refusals are logged with the reason and the address, never the value.
        """
        httprequest = request.httprequest
        if bearer.startswith(ACCESS_TOKEN_PREFIX):
            # sudo: the token is the credential; it is checked before any user is known
            grant, reason = request.env["mcp.oauth.token"].sudo()._check_access_token(
                bearer, resource_url(httprequest))
            if not grant:
                _logger.warning("MCP auth: FAIL (OAuth token: %s) from %s",
                                reason, httprequest.remote_addr)
                return None, None
            return grant.user_id.id, McpCredential(
                kind="oauth",
                grant_id=grant.id,
                client_id=grant.client_id.id,
                scopes=frozenset(grant.scope.split()),
                resource_metadata_url=resource_metadata_url(httprequest),
            )

        policies = request.env["mcp.key.policy"]
        uid, key_id = policies._check_key(bearer)
        if not uid:
            _logger.warning("MCP auth: FAIL (invalid or expired key) from %s",
                            httprequest.remote_addr)
            return None, None
        policy = policies._for_key(key_id)
        return uid, McpCredential(
            kind="key",
            key_id=key_id,
            read_only=policy.access_mode == "read",
            tool_ids=frozenset(policy.tool_ids.ids) if policy.tool_ids else None,
            resource_metadata_url=resource_metadata_url(httprequest),
        )
