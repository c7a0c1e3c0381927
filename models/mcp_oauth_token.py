"""OAuth grants for the MCP endpoint: an access token and its refresh token."""

import logging
import secrets
from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import AccessError

from .mcp_oauth_client import hash_secret

_logger = logging.getLogger(__name__)

SCOPE_READ = "mcp:read"
SCOPE_WRITE = "mcp:write"
SCOPES = (SCOPE_READ, SCOPE_WRITE)
ACCESS_TOKEN_PREFIX = "mcpat_"
REFRESH_TOKEN_PREFIX = "mcprt_"
DEFAULT_ACCESS_TOKEN_MINUTES = 60
DEFAULT_REFRESH_TOKEN_DAYS = 30
# Grants that ended (expired, revoked, rotated) are kept this long for the record.
ENDED_GRANT_RETENTION = timedelta(days=30)


def base_url(httprequest):
    """This server's origin as the client reached it (honours --proxy-mode)."""
    return httprequest.host_url.rstrip("/")


def resource_url(httprequest):
    """The MCP resource identifier (RFC 8707 / RFC 9728): the /mcp URL."""
    return base_url(httprequest) + "/mcp"


def resource_metadata_url(httprequest):
    return base_url(httprequest) + "/.well-known/oauth-protected-resource/mcp"


def normalize_scope(requested):
    """Known scopes from a space-separated string, in a stable order; unknown
    ones are ignored (RFC 6749 3.3 lets the server narrow a request). No scope
    asked: every scope; only unknown ones: reading alone, never an empty grant."""
    asked = set((requested or "").split())
    granted = [scope for scope in SCOPES if scope in asked]
    if granted:
        return " ".join(granted)
    return SCOPE_READ if asked else " ".join(SCOPES)


def _config_int(env, key, default):
    # sudo: reads this addon's own setting, which plain users cannot read
    value = env["ir.config_parameter"].sudo().get_param(key)
    try:
        return int(value) if value else default
    except ValueError:
        return default


class McpOauthToken(models.Model):
    """One grant: a user let a client reach /mcp with some scopes.

    Both tokens are stored as hashes only. A refresh rotates the grant: the old
    record becomes ``rotated`` and a new one of the same ``family`` is issued;
    presenting a rotated refresh token again revokes the whole family.
    """

    _name = "mcp.oauth.token"
    _description = "MCP OAuth Grant"
    _order = "id desc"
    _rec_name = "client_id"

    user_id = fields.Many2one("res.users", required=True, readonly=True, index=True,
                              ondelete="cascade")
    client_id = fields.Many2one("mcp.oauth.client", required=True, readonly=True,
                                index=True, ondelete="cascade")
    scope = fields.Char(required=True, readonly=True)
    audience = fields.Char(required=True, readonly=True,
                           help="The resource (RFC 8707) the tokens are valid for.")
    access_token_hash = fields.Char(readonly=True, index=True, groups="base.group_system")
    access_expires_at = fields.Datetime(string="Access token expires", readonly=True)
    refresh_token_hash = fields.Char(readonly=True, index=True, groups="base.group_system")
    refresh_expires_at = fields.Datetime(string="Refresh token expires", readonly=True)
    family = fields.Char(required=True, readonly=True, index=True)
    state = fields.Selection(
        [("active", "Active"), ("rotated", "Refreshed"), ("revoked", "Revoked")],
        required=True, default="active", readonly=True, index=True,
    )
    ended_at = fields.Datetime(readonly=True)
    read_only = fields.Boolean(compute="_compute_read_only")

    @api.depends("scope")
    def _compute_read_only(self):
        for token in self:
            token.read_only = SCOPE_WRITE not in (token.scope or "").split()

    def write(self, vals):
        # Through the UI or RPC, users and managers alike may only revoke a grant:
        # moving it to another user, widening its scope or reviving it would hand
        # out access. Issuing and rotating happen in the OAuth endpoints (sudo).
        if not self.env.su:
            if set(vals) - {"state", "ended_at"} or vals.get("state", "revoked") != "revoked":
                raise AccessError(self.env._("Grants can only be revoked."))
        return super().write(vals)

    # ------------------------------------------------------------------
    # Issuing, refreshing, checking (called by the OAuth endpoints as sudo)
    # ------------------------------------------------------------------

    @api.model
    def _issue(self, user, client, scope, audience, family):
        """A new grant; returns it with the plain access and refresh tokens."""
        access = ACCESS_TOKEN_PREFIX + secrets.token_urlsafe(32)
        refresh = REFRESH_TOKEN_PREFIX + secrets.token_urlsafe(32)
        now = fields.Datetime.now()
        grant = self.create({
            "user_id": user.id,
            "client_id": client.id,
            "scope": scope,
            "audience": audience,
            "family": family,
            "access_token_hash": hash_secret(access),
            "access_expires_at": now + timedelta(minutes=_config_int(
                self.env, "mcp_gateway.access_token_minutes", DEFAULT_ACCESS_TOKEN_MINUTES)),
            "refresh_token_hash": hash_secret(refresh),
            "refresh_expires_at": now + timedelta(days=_config_int(
                self.env, "mcp_gateway.refresh_token_days", DEFAULT_REFRESH_TOKEN_DAYS)),
        })
        _logger.info("MCP OAuth: grant #%s issued to client %s for %s (#%s), scope %r",
                     grant.id, client.client_id, user.login, user.id, scope)
        return grant, access, refresh

    def _token_response(self, access, refresh):
        self.ensure_one()
        return {
            "access_token": access,
            "token_type": "Bearer",
            "expires_in": max(0, int((self.access_expires_at - fields.Datetime.now())
                                     .total_seconds())),
            "refresh_token": refresh,
            "scope": self.scope,
        }

    @api.model
    def _find_by_token(self, token):
        """The grant holding ``token`` (access or refresh), whatever its state."""
        if not isinstance(token, str):
            return self.browse()
        if token.startswith(ACCESS_TOKEN_PREFIX):
            domain = [("access_token_hash", "=", hash_secret(token))]
        elif token.startswith(REFRESH_TOKEN_PREFIX):
            domain = [("refresh_token_hash", "=", hash_secret(token))]
        else:
            return self.browse()
        return self.search(domain, limit=1)

    @api.model
    def _check_access_token(self, token, audience):
        """The active grant for access token ``token`` valid for ``audience``,
        or a (None, reason) pair naming why not (for the log, never the token)."""
        grant = self._find_by_token(token) if token.startswith(ACCESS_TOKEN_PREFIX) else None
        if not grant:
            return None, "unknown token"
        if grant.state != "active":
            return None, f"{grant.state} grant #{grant.id}"
        if grant.access_expires_at < fields.Datetime.now():
            return None, f"expired grant #{grant.id}"
        if grant.audience != audience:
            return None, f"grant #{grant.id} is for audience {grant.audience!r}"
        if not grant.client_id.active or not grant.user_id.active:
            return None, f"grant #{grant.id} of a disabled client or user"
        return grant, None

    def _rotate(self):
        """Mark this grant refreshed; False when another request already did."""
        self.ensure_one()
        self.env.cr.execute(
            "UPDATE mcp_oauth_token SET state = 'rotated', ended_at = now() at time zone 'utc' "
            "WHERE id = %s AND state = 'active' RETURNING id", [self.id])
        rotated = bool(self.env.cr.fetchone())
        self.invalidate_recordset(["state", "ended_at"])
        return rotated

    def _revoke_family(self):
        families = set(self.mapped("family"))
        grants = self.search([("family", "in", list(families)), ("state", "=", "active")])
        grants.action_revoke()
        return grants

    def action_revoke(self):
        active = self.filtered(lambda grant: grant.state == "active")
        active.write({"state": "revoked", "ended_at": fields.Datetime.now()})
        for grant in active:
            _logger.info("MCP OAuth: grant #%s of %s (#%s) for client %s revoked by #%s",
                         grant.id, grant.user_id.login, grant.user_id.id,
                         grant.client_id.client_id, self.env.uid)
        return True

    @api.autovacuum
    def _gc_ended_grants(self):
        cutoff = fields.Datetime.now() - ENDED_GRANT_RETENTION
        self.search([
            "|", ("ended_at", "<", cutoff), ("refresh_expires_at", "<", cutoff),
        ]).unlink()
