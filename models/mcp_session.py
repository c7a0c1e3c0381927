import datetime
import secrets

from odoo import api, fields, models

DEFAULT_IDLE_HOURS = 24


class McpSession(models.Model):
    """A legacy-era MCP session (2025-03-26 to 2025-11-25).

    Opened by ``initialize`` and named by the ``MCP-Session-Id`` header
    afterwards. Kept in the database so that any worker serves any request. The
    id identifies a conversation, not a person: every request is authenticated
    on its own, and a session is only ever valid for the user who opened it.
    """

    _name = "mcp.session"
    _description = "MCP Session"
    _order = "id desc"

    name = fields.Char(string="Session Id", required=True, readonly=True, index=True, copy=False)
    user_id = fields.Many2one(
        "res.users", required=True, readonly=True, index=True, ondelete="cascade",
        default=lambda self: self.env.user,
    )
    protocol_version = fields.Char(readonly=True)
    client_name = fields.Char(readonly=True)
    client_version = fields.Char(readonly=True)
    log_level = fields.Char(readonly=True, help="Level set by logging/setLevel.")
    last_seen = fields.Datetime(readonly=True, default=fields.Datetime.now)

    _name_unique = models.UniqueIndex("(name)", "Session ids are unique.")

    @api.model
    def _open(self, protocol_version, client_info):
        client_info = client_info if isinstance(client_info, dict) else {}
        return self.create({
            "name": secrets.token_urlsafe(24),
            "protocol_version": protocol_version,
            "client_name": str(client_info.get("name") or "")[:128] or False,
            "client_version": str(client_info.get("version") or "")[:64] or False,
        })

    @api.model
    def _find_live(self, session_id):
        """The caller's live session of that id, touched; empty if none."""
        if not session_id or len(session_id) > 128:
            return self.browse()
        session = self.search(
            [("name", "=", session_id), ("user_id", "=", self.env.uid)], limit=1)
        if not session:
            return session
        now = fields.Datetime.now()
        if session.last_seen < now - self._idle_timeout():
            return self.browse()
        # A write per request would serialise a busy client; once a minute suffices.
        if session.last_seen < now - datetime.timedelta(minutes=1):
            session.last_seen = now
        return session

    @api.model
    def _idle_timeout(self):
        # sudo: reads this addon's own setting, which plain users cannot read
        hours = self.env["ir.config_parameter"].sudo().get_param(
            "mcp_gateway.session_idle_hours")
        try:
            return datetime.timedelta(hours=float(hours or DEFAULT_IDLE_HOURS))
        except ValueError:
            return datetime.timedelta(hours=DEFAULT_IDLE_HOURS)

    @api.autovacuum
    def _gc_idle_sessions(self):
        limit = fields.Datetime.now() - self._idle_timeout()
        self.search([("last_seen", "<", limit)]).unlink()
