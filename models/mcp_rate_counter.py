"""Call counters for the rate limits, shared by every worker and server.

One row per (subject, window): ``user:7`` or ``key:12`` or ``client:3``, for
the current minute or day. Counting is one ``INSERT ... ON CONFLICT DO UPDATE``
that returns the new count, so concurrent workers never lose an increment.
"""

import logging
import math
from datetime import datetime, timedelta, timezone

from odoo import api, fields, models

_logger = logging.getLogger(__name__)

WINDOWS = {"minute": 60, "day": 86400}
# (settings key suffix, default) per subject kind and window; 0 means no limit.
DEFAULT_LIMITS = {
    ("user", "minute"): 120,
    ("user", "day"): 10000,
    ("credential", "minute"): 60,
    ("credential", "day"): 5000,
    # Dynamic client registrations per remote address (an open endpoint).
    ("registration", "minute"): 10,
    ("registration", "day"): 200,
}
SUBJECT_WORDING = {
    "user": "your user",
    "credential": "this key or client",
    "registration": "client registrations from this address",
}


class McpRateCounter(models.Model):
    _name = "mcp.rate.counter"
    _description = "MCP Rate Limit Counter"
    _log_access = False

    subject = fields.Char(required=True, readonly=True)
    period = fields.Selection([("minute", "Minute"), ("day", "Day")], required=True,
                              readonly=True)
    window_start = fields.Integer(required=True, readonly=True,
                                  help="Start of the window, in seconds since the epoch.")
    count = fields.Integer(required=True, readonly=True, default=0)

    _window_unique = models.UniqueIndex("(subject, period, window_start)")

    @api.model
    def _limits(self):
        # sudo: reads this addon's own settings, which plain users cannot read
        params = self.env["ir.config_parameter"].sudo()
        limits = {}
        for (kind, window), default in DEFAULT_LIMITS.items():
            value = params.get_param(f"mcp_gateway.rate_limit_{kind}_per_{window}")
            try:
                limits[kind, window] = int(value) if value not in (None, False, "") else default
            except ValueError:
                limits[kind, window] = default
        return limits

    @api.model
    def _hit(self, subjects, now=None):
        """Count one call for each ``(kind, subject)`` in ``subjects``.

        Returns None when every limit holds, else a message saying which limit
        was reached and when to retry. Each count is its own atomic statement;
        counts are committed at once on their own cursor, so they neither hold a
        row lock for the length of the tool call nor vanish when the call fails.
        """
        now = now or datetime.now(timezone.utc)
        epoch = int(now.timestamp())
        limits = self._limits()
        hits = [
            (kind, subject, window, seconds, limits[kind, window])
            for kind, subject in subjects
            for window, seconds in WINDOWS.items()
            if limits[kind, window] > 0
        ]
        if not hits:
            return None
        with self.env.registry.cursor() as cr:
            counts = []
            for _kind, subject, window, seconds, _limit in hits:
                # Raw SQL: the ORM has no upsert; this is the addon's own
                # bookkeeping table, not data of the caller.
                cr.execute(
                    """
                    INSERT INTO mcp_rate_counter (subject, period, window_start, count)
                    VALUES (%s, %s, %s, 1)
                    ON CONFLICT (subject, period, window_start)
                    DO UPDATE SET count = mcp_rate_counter.count + 1
                    RETURNING count
                    """,
                    [subject, window, epoch - epoch % seconds],
                )
                counts.append(cr.fetchone()[0])
        for (kind, subject, window, seconds, limit), count in zip(hits, counts, strict=True):
            start = epoch - epoch % seconds
            if count > limit:
                retry_after = max(1, math.ceil(start + seconds - now.timestamp()))
                retry_at = datetime.fromtimestamp(start + seconds, timezone.utc)
                _logger.warning("MCP rate limit: %s over %d calls per %s",
                                subject, limit, window)
                who = SUBJECT_WORDING[kind]
                return (
                    f"Rate limit reached: {limit} calls per {window} for {who}. "
                    f"Retry after {retry_after} seconds "
                    f"({retry_at.strftime('%Y-%m-%dT%H:%M:%SZ')})."
                )
        return None

    @api.autovacuum
    def _gc_old_windows(self):
        cutoff = int((datetime.now(timezone.utc) - timedelta(days=2)).timestamp())
        self.env.cr.execute("DELETE FROM mcp_rate_counter WHERE window_start < %s", [cutoff])
