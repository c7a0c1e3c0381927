from datetime import timedelta

from odoo import api, fields, models

CODE_LIFETIME = timedelta(minutes=5)


class McpOauthCode(models.Model):
    """An authorization code: issued once on consent, redeemed once for tokens.

    Only the hash is stored. Codes are handled by the OAuth endpoints alone (no
    user has access rights on this model); ``family`` links the code to the
    tokens issued from it, so that a replayed code revokes them (RFC 6749 4.1.2).
    """

    _name = "mcp.oauth.code"
    _description = "MCP OAuth Authorization Code"
    _order = "id desc"

    code_hash = fields.Char(required=True, readonly=True, index=True)
    client_id = fields.Many2one("mcp.oauth.client", required=True, readonly=True,
                                ondelete="cascade", index=True)
    user_id = fields.Many2one("res.users", required=True, readonly=True, ondelete="cascade")
    redirect_uri = fields.Char(required=True, readonly=True)
    redirect_uri_given = fields.Boolean(
        readonly=True, help="Whether the authorization request named the redirect URI "
        "(a client with one registered URI may leave it out); only then must the token "
        "request repeat it (RFC 6749, 4.1.3).")
    scope = fields.Char(required=True, readonly=True)
    audience = fields.Char(required=True, readonly=True)
    code_challenge = fields.Char(required=True, readonly=True)
    expires_at = fields.Datetime(required=True, readonly=True)
    used_at = fields.Datetime(readonly=True)
    family = fields.Char(required=True, readonly=True, index=True)

    def _redeem(self):
        """Mark the code used; False when it already was (two requests racing for
        one code both reach this UPDATE, only one gets the row)."""
        self.ensure_one()
        self.env.cr.execute(
            "UPDATE mcp_oauth_code SET used_at = now() at time zone 'utc' "
            "WHERE id = %s AND used_at IS NULL RETURNING id", [self.id])
        redeemed = bool(self.env.cr.fetchone())
        self.invalidate_recordset(["used_at"])
        return redeemed

    @api.autovacuum
    def _gc_expired_codes(self):
        self.search([("expires_at", "<", fields.Datetime.now() - timedelta(days=1))]).unlink()
