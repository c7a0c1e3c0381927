from odoo import api, fields, models
from odoo.exceptions import ValidationError

from .mcp_oauth_token import DEFAULT_ACCESS_TOKEN_MINUTES, DEFAULT_REFRESH_TOKEN_DAYS
from .mcp_rate_counter import DEFAULT_LIMITS


class ResConfigSettings(models.TransientModel):
    """MCP Gateway's security settings: origins, limits, token and key lifetimes,
    client registration. Stored as ``mcp_gateway.*`` system parameters."""

    _inherit = "res.config.settings"

    mcp_gateway_allowed_origins = fields.Char(
        string="Allowed Origins", config_parameter="mcp_gateway.allowed_origins",
        help="Comma-separated origins (e.g. https://claude.ai) whose browsers may "
        "call /mcp, besides this instance's own.")
    mcp_gateway_rate_limit_user_per_minute = fields.Integer(
        string="Calls per minute per user", default=DEFAULT_LIMITS["user", "minute"],
        config_parameter="mcp_gateway.rate_limit_user_per_minute")
    mcp_gateway_rate_limit_user_per_day = fields.Integer(
        string="Calls per day per user", default=DEFAULT_LIMITS["user", "day"],
        config_parameter="mcp_gateway.rate_limit_user_per_day")
    mcp_gateway_rate_limit_credential_per_minute = fields.Integer(
        string="Calls per minute per key or client",
        default=DEFAULT_LIMITS["credential", "minute"],
        config_parameter="mcp_gateway.rate_limit_credential_per_minute")
    mcp_gateway_rate_limit_credential_per_day = fields.Integer(
        string="Calls per day per key or client", default=DEFAULT_LIMITS["credential", "day"],
        config_parameter="mcp_gateway.rate_limit_credential_per_day")
    mcp_gateway_access_token_minutes = fields.Integer(
        string="Access token lifetime (minutes)", default=DEFAULT_ACCESS_TOKEN_MINUTES,
        config_parameter="mcp_gateway.access_token_minutes")
    mcp_gateway_refresh_token_days = fields.Integer(
        string="Refresh token lifetime (days)", default=DEFAULT_REFRESH_TOKEN_DAYS,
        config_parameter="mcp_gateway.refresh_token_days")
    mcp_gateway_client_registration = fields.Selection(
        [("open", "Open: any client may register"),
         ("closed", "Closed: metadata-document clients only")],
        string="Dynamic client registration", default="open",
        config_parameter="mcp_gateway.client_registration")
    # Whole days: Odoo's api_key_duration is a float, but a key lives in days.
    mcp_gateway_key_duration = fields.Integer(
        string="MCP key lifetime (days)",
        compute="_compute_mcp_gateway_key_duration",
        inverse="_inverse_mcp_gateway_key_duration", readonly=False,
        help="Longest lifetime an MCP user may give their keys (the MCP User "
        "group's API key duration).")

    @api.depends("company_id")
    def _compute_mcp_gateway_key_duration(self):
        duration = self.env.ref("mcp_gateway.group_mcp_user").api_key_duration
        for settings in self:
            settings.mcp_gateway_key_duration = round(duration)

    def _inverse_mcp_gateway_key_duration(self):
        for settings in self:
            if settings.mcp_gateway_key_duration < 1:
                raise ValidationError(self.env._("MCP keys must live at least one day."))
            self.env.ref("mcp_gateway.group_mcp_user").api_key_duration = (
                settings.mcp_gateway_key_duration)

    @api.constrains(
        "mcp_gateway_rate_limit_user_per_minute", "mcp_gateway_rate_limit_user_per_day",
        "mcp_gateway_rate_limit_credential_per_minute",
        "mcp_gateway_rate_limit_credential_per_day", "mcp_gateway_access_token_minutes",
        "mcp_gateway_refresh_token_days", "mcp_gateway_key_duration")
    def _check_mcp_gateway_numbers(self):
        for settings in self:
            if min(settings.mcp_gateway_rate_limit_user_per_minute,
                   settings.mcp_gateway_rate_limit_user_per_day,
                   settings.mcp_gateway_rate_limit_credential_per_minute,
                   settings.mcp_gateway_rate_limit_credential_per_day) < 0 or min(
                    settings.mcp_gateway_access_token_minutes,
                    settings.mcp_gateway_refresh_token_days) < 1:
                raise ValidationError(self.env._(
                    "Limits and lifetimes cannot be negative; token lifetimes are at "
                    "least 1 (rate limit 0 means no limit)."))
