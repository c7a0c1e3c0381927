"""OAuth clients of the MCP endpoint: registered dynamically (RFC 7591) or
described by a Client ID Metadata Document (the client_id is an https URL)."""

import hashlib
import ipaddress
import json
import logging
import secrets
import socket
from datetime import timedelta
from urllib.parse import urlsplit

import requests

from odoo import api, fields, models
from odoo.exceptions import UserError

_logger = logging.getLogger(__name__)

TOKEN_ENDPOINT_AUTH_METHODS = ("none", "client_secret_post", "client_secret_basic")
LOOPBACK_HOSTS = ("localhost", "127.0.0.1", "[::1]", "::1")
# A metadata document is a few hundred bytes; anything much larger is refused.
METADATA_DOCUMENT_MAX_BYTES = 64 * 1024
METADATA_DOCUMENT_TIMEOUT_SECONDS = 5
METADATA_DOCUMENT_REFRESH = timedelta(hours=24)
# A client registered by DCR that no user ever authorized is removed after this.
UNUSED_CLIENT_LIFETIME = timedelta(days=1)


class OAuthClientError(Exception):
    """A client or its metadata that cannot be accepted; ``error`` is the OAuth code."""

    def __init__(self, error, description):
        super().__init__(description)
        self.error = error
        self.description = description


def hash_secret(value):
    """SHA-256 of a random secret (token, code, client secret).

    The values hashed here are 256-bit random strings, not passwords: a fast hash
    cannot be brute-forced and allows an indexed lookup on every request.
    """
    return hashlib.sha256(value.encode()).hexdigest()


def check_redirect_uri(uri):
    """Refuse redirect URIs that OAuth 2.1 does not allow: https anywhere, http
    only on the loopback interface (native apps), no fragment."""
    if not isinstance(uri, str) or len(uri) > 2000:
        raise OAuthClientError("invalid_redirect_uri", "A redirect URI must be a string.")
    parts = urlsplit(uri)
    if parts.fragment or not parts.netloc:
        raise OAuthClientError(
            "invalid_redirect_uri", f"Redirect URI {uri!r} must be absolute, without fragment.")
    if parts.scheme == "https":
        return uri
    if parts.scheme == "http" and parts.hostname in LOOPBACK_HOSTS:
        return uri
    raise OAuthClientError(
        "invalid_redirect_uri",
        f"Redirect URI {uri!r} must use https, or http on localhost / 127.0.0.1.")


def redirect_uri_matches(registered, requested):
    """Exact match, except that a loopback redirect may use any port (RFC 8252)."""
    if registered == requested:
        return True
    reg, req = urlsplit(registered), urlsplit(requested)
    return (
        reg.scheme == req.scheme == "http"
        and reg.hostname in LOOPBACK_HOSTS and reg.hostname == req.hostname
        and (reg.path, reg.query) == (req.path, req.query)
    )


def is_metadata_document_url(client_id):
    return isinstance(client_id, str) and client_id.startswith("https://")


def check_metadata_document_url(url):
    """Refuse a Client ID Metadata Document URL this server must not fetch:
    not https, no path, credentials in it, or a host that is (or resolves to) a
    loopback, private, link-local or otherwise non-public address."""
    parts = urlsplit(url)
    if parts.scheme != "https" or not parts.hostname:
        raise OAuthClientError("invalid_client", "A client metadata URL must use https.")
    if parts.path in ("", "/") or parts.fragment or parts.username or parts.password:
        raise OAuthClientError(
            "invalid_client",
            "A client metadata URL needs a path and no fragment or credentials.")
    try:
        infos = socket.getaddrinfo(parts.hostname, parts.port or 443, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError):
        raise OAuthClientError(
            "invalid_client", f"The host of {url!r} cannot be resolved.") from None
    for info in infos:
        address = ipaddress.ip_address(info[4][0].split("%")[0])
        if not address.is_global or address.is_multicast:
            raise OAuthClientError(
                "invalid_client",
                f"The host of {url!r} is not a public address; it is not fetched.")


def download_metadata_document(url):
    """GET the document: no redirects, a short timeout, a size cap.

    The one function that touches the network; tests replace it."""
    try:
        with requests.get(
            url, timeout=METADATA_DOCUMENT_TIMEOUT_SECONDS, allow_redirects=False,
            headers={"Accept": "application/json"}, stream=True,
        ) as response:
            if response.status_code != 200:
                raise OAuthClientError(
                    "invalid_client",
                    f"The client metadata document answered HTTP {response.status_code}.")
            body = response.raw.read(METADATA_DOCUMENT_MAX_BYTES + 1, decode_content=True)
    except requests.RequestException as error:
        raise OAuthClientError(
            "invalid_client", f"The client metadata document could not be fetched: "
            f"{type(error).__name__}.") from None
    if len(body) > METADATA_DOCUMENT_MAX_BYTES:
        raise OAuthClientError("invalid_client", "The client metadata document is too large.")
    return body


class McpOauthClient(models.Model):
    """An application allowed to ask users for MCP access tokens."""

    _name = "mcp.oauth.client"
    _description = "MCP OAuth Client"
    _order = "id desc"

    name = fields.Char(required=True, readonly=True, help="The name the client gave itself.")
    client_id = fields.Char(string="Client ID", required=True, readonly=True, index=True)
    registration_type = fields.Selection(
        [("dynamic", "Dynamic registration"), ("metadata_document", "Metadata document")],
        required=True, readonly=True,
    )
    redirect_uris = fields.Text(
        string="Redirect URIs", required=True, readonly=True, help="One per line.")
    client_uri = fields.Char(string="Client URL", readonly=True)
    token_endpoint_auth_method = fields.Selection(
        [(method, method) for method in TOKEN_ENDPOINT_AUTH_METHODS],
        required=True, default="none", readonly=True,
    )
    client_secret_hash = fields.Char(readonly=True, groups="base.group_system", copy=False)
    metadata_fetched_at = fields.Datetime(readonly=True)
    active = fields.Boolean(default=True, help="An archived client gets no token, and "
                            "the tokens it holds stop working.")
    token_ids = fields.One2many("mcp.oauth.token", "client_id", string="Grants")
    active_token_count = fields.Integer(compute="_compute_active_token_count",
                                        string="Active grants")

    _client_id_unique = models.Constraint("UNIQUE(client_id)", "Client IDs are unique.")

    def _compute_active_token_count(self):
        counts = dict(self.env["mcp.oauth.token"]._read_group(
            [("client_id", "in", self.ids), ("state", "=", "active")],
            ["client_id"], ["__count"]))
        for client in self:
            client.active_token_count = counts.get(client, 0)

    def _redirect_uri_list(self):
        self.ensure_one()
        return [line.strip() for line in (self.redirect_uris or "").splitlines() if line.strip()]

    def _match_redirect_uri(self, requested):
        """The redirect URI to use, or None when ``requested`` is not registered."""
        registered = self._redirect_uri_list()
        if not requested:
            return registered[0] if len(registered) == 1 else None
        return requested if any(
            redirect_uri_matches(uri, requested) for uri in registered) else None

    def _check_secret(self, secret):
        """Whether ``secret`` authenticates this client (public clients need none)."""
        self.ensure_one()
        if self.token_endpoint_auth_method == "none":
            return True
        stored = self.sudo().client_secret_hash  # sudo: the hash is hidden from users
        return bool(secret and stored) and secrets.compare_digest(stored, hash_secret(secret))

    # ------------------------------------------------------------------
    # Registration (RFC 7591) and metadata documents
    # ------------------------------------------------------------------

    @api.model
    def _register_client(self, metadata):
        """Create a client from an RFC 7591 registration request.

        Returns the client and its plain secret (None for a public client).
        """
        if not isinstance(metadata, dict):
            raise OAuthClientError("invalid_client_metadata", "The body must be a JSON object.")
        redirect_uris = metadata.get("redirect_uris")
        if not isinstance(redirect_uris, list) or not redirect_uris or len(redirect_uris) > 10:
            raise OAuthClientError(
                "invalid_redirect_uri", "redirect_uris must list 1 to 10 URIs.")
        redirect_uris = [check_redirect_uri(uri) for uri in redirect_uris]
        grant_types = metadata.get("grant_types") or ["authorization_code", "refresh_token"]
        if not isinstance(grant_types, list) or not set(grant_types) <= {
                "authorization_code", "refresh_token"}:
            raise OAuthClientError(
                "invalid_client_metadata",
                "Only the authorization_code and refresh_token grants are supported.")
        response_types = metadata.get("response_types") or ["code"]
        if response_types != ["code"]:
            raise OAuthClientError(
                "invalid_client_metadata", "Only the response type 'code' is supported.")
        method = metadata.get("token_endpoint_auth_method") or "client_secret_basic"
        if method not in TOKEN_ENDPOINT_AUTH_METHODS:
            raise OAuthClientError(
                "invalid_client_metadata",
                "token_endpoint_auth_method must be one of "
                f"{', '.join(TOKEN_ENDPOINT_AUTH_METHODS)}.")
        name = metadata.get("client_name") or "Unnamed MCP client"
        client_uri = metadata.get("client_uri")
        if not isinstance(name, str) or len(name) > 200 or (
                client_uri is not None and not isinstance(client_uri, str)):
            raise OAuthClientError(
                "invalid_client_metadata", "client_name and client_uri must be short strings.")

        secret = secrets.token_urlsafe(32) if method != "none" else None
        client = self.create({
            "name": name,
            "client_id": "mcpc_" + secrets.token_urlsafe(18),
            "registration_type": "dynamic",
            "redirect_uris": "\n".join(redirect_uris),
            "client_uri": (client_uri or "")[:500] or False,
            "token_endpoint_auth_method": method,
            "client_secret_hash": hash_secret(secret) if secret else False,
        })
        _logger.info("MCP OAuth: client %r registered as %s (%s)", name, client.client_id, method)
        return client, secret

    def _registration_response(self, secret=None):
        self.ensure_one()
        response = {
            "client_id": self.client_id,
            "client_id_issued_at": int(self.create_date.timestamp()),
            "client_name": self.name,
            "redirect_uris": self._redirect_uri_list(),
            "grant_types": ["authorization_code", "refresh_token"],
            "response_types": ["code"],
            "token_endpoint_auth_method": self.token_endpoint_auth_method,
        }
        if self.client_uri:
            response["client_uri"] = self.client_uri
        if secret:
            response["client_secret"] = secret
            response["client_secret_expires_at"] = 0
        return response

    @api.model
    def _from_metadata_document(self, url):
        """The client described by the Client ID Metadata Document at ``url``,
        fetched (again) when unknown or older than a day."""
        client = self.with_context(active_test=False).search([("client_id", "=", url)], limit=1)
        if client and not client.active:
            raise OAuthClientError("invalid_client", "This client has been disabled.")
        if client and client.metadata_fetched_at and (
                fields.Datetime.now() - client.metadata_fetched_at < METADATA_DOCUMENT_REFRESH):
            return client

        check_metadata_document_url(url)
        body = download_metadata_document(url)
        try:
            document = json.loads(body)
        except (ValueError, UnicodeDecodeError):
            raise OAuthClientError(
                "invalid_client", "The client metadata document is not JSON.") from None
        if not isinstance(document, dict) or document.get("client_id") != url:
            raise OAuthClientError(
                "invalid_client",
                "The client metadata document must name its own URL as client_id.")
        redirect_uris = document.get("redirect_uris")
        if not isinstance(redirect_uris, list) or not redirect_uris:
            raise OAuthClientError(
                "invalid_client", "The client metadata document lists no redirect_uris.")
        values = {
            "name": str(document.get("client_name") or urlsplit(url).hostname)[:200],
            "redirect_uris": "\n".join(check_redirect_uri(uri) for uri in redirect_uris[:10]),
            "client_uri": str(document.get("client_uri") or "")[:500] or False,
            "metadata_fetched_at": fields.Datetime.now(),
        }
        if client:
            client.write(values)
        else:
            client = self.create({
                **values, "client_id": url, "registration_type": "metadata_document",
                "token_endpoint_auth_method": "none",
            })
            _logger.info("MCP OAuth: client %r known from its metadata document %s",
                         client.name, url)
        return client

    # ------------------------------------------------------------------
    # Actions and housekeeping
    # ------------------------------------------------------------------

    def action_revoke_my_grants(self):
        """Revoke the current user's grants to these clients."""
        self.env["mcp.oauth.token"].search([
            ("client_id", "in", self.ids), ("user_id", "=", self.env.uid),
            ("state", "=", "active"),
        ]).action_revoke()

    def action_view_grants(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "mcp_gateway.mcp_oauth_token_action")
        action["domain"] = [("client_id", "=", self.id)]
        return action

    def write(self, vals):
        if "active" in vals and not vals["active"] and not self.env.su:
            if not self.env.user.has_group("mcp_gateway.group_mcp_manager"):
                raise UserError(self.env._("Only MCP managers can disable a client."))
        result = super().write(vals)
        if "active" in vals and not vals["active"]:
            self.token_ids.filtered(lambda t: t.state == "active").action_revoke()
        return result

    @api.autovacuum
    def _gc_unused_clients(self):
        cutoff = fields.Datetime.now() - UNUSED_CLIENT_LIFETIME
        unused = self.with_context(active_test=False).search([
            ("registration_type", "=", "dynamic"), ("create_date", "<", cutoff),
            ("token_ids", "=", False),
        ])
        used_by_codes = self.env["mcp.oauth.code"].search(
            [("client_id", "in", unused.ids)]).client_id
        (unused - used_by_codes).unlink()
