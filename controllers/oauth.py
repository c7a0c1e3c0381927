"""Odoo as the OAuth 2.1 authorization server of its own /mcp resource.

Metadata (RFC 9728, RFC 8414), client registration (RFC 7591) and Client ID
Metadata Documents, the consent page (a logged-in Odoo user, two-factor
included), the token endpoint (authorization code with PKCE S256, refresh with
rotation, RFC 8707 audience) and revocation (RFC 7009).

The endpoints a client calls without a session (register, token, revoke) work
on this addon's own OAuth records as superuser: there is no user yet, the
client proves itself by PKCE or its secret, and nothing else is touched.
"""

import base64
import binascii
import hashlib
import json
import logging
import secrets
from urllib.parse import parse_qsl, unquote, urlencode, urlsplit, urlunsplit

from odoo import fields, http
from odoo.http import request

from ..models.mcp_oauth_client import (
    TOKEN_ENDPOINT_AUTH_METHODS,
    OAuthClientError,
    hash_secret,
    is_metadata_document_url,
)
from ..models.mcp_oauth_code import CODE_LIFETIME
from ..models.mcp_oauth_token import (
    SCOPE_READ,
    SCOPE_WRITE,
    SCOPES,
    base_url,
    normalize_scope,
    resource_url,
)

_logger = logging.getLogger(__name__)

MAX_REGISTRATION_BYTES = 16 * 1024
SCOPE_DESCRIPTIONS = {
    SCOPE_READ: "Read the records you can read in Odoo, through the MCP tools.",
    SCOPE_WRITE: "Create and change records you can change in Odoo, through the "
    "MCP tools that write.",
}
# The authorization request parameters carried from the consent page to its POST.
AUTHORIZE_PARAMETERS = ("response_type", "client_id", "redirect_uri", "scope", "state",
                        "code_challenge", "code_challenge_method", "resource")


class AuthorizationError(Exception):
    """A refused authorization request. ``redirect`` says whether the client may
    be told through its redirect URI (only once that URI is known to be good)."""

    def __init__(self, error, description, redirect=True):
        super().__init__(description)
        self.error = error
        self.description = description
        self.redirect = redirect


class TokenError(Exception):
    def __init__(self, error, description, status=400):
        super().__init__(description)
        self.error = error
        self.description = description
        self.status = status


def _token_error_answer(error):
    """An OAuth error answer; a failed client authentication names the scheme
    to use (RFC 6749 5.2)."""
    headers = [("WWW-Authenticate", 'Basic realm="mcp"')] if error.status == 401 else []
    return _oauth_json({"error": error.error, "error_description": error.description},
                       status=error.status, headers=headers)


def _oauth_json(payload, status=200, headers=None):
    return request.make_response(
        json.dumps(payload),
        headers=[("Content-Type", "application/json"), ("Cache-Control", "no-store"),
                 ("Pragma", "no-cache"), *(headers or [])],
        status=status,
    )


def _with_query(uri, params):
    parts = urlsplit(uri)
    query = parse_qsl(parts.query, keep_blank_values=True) + [
        (key, value) for key, value in params.items() if value is not None]
    return urlunsplit(parts._replace(query=urlencode(query)))


def _pkce_challenge(verifier):
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")


class McpOauthController(http.Controller):

    # ------------------------------------------------------------------
    # Metadata
    # ------------------------------------------------------------------

    @http.route(
        ["/.well-known/oauth-protected-resource",
         "/.well-known/oauth-protected-resource/mcp"],
        type="http", auth="none", methods=["GET"], csrf=False, save_session=False, cors="*",
    )
    def protected_resource_metadata(self):
        """RFC 9728: the /mcp resource and the server that issues its tokens."""
        httprequest = request.httprequest
        return _oauth_json({
            "resource": resource_url(httprequest),
            "authorization_servers": [base_url(httprequest)],
            "scopes_supported": list(SCOPES),
            "bearer_methods_supported": ["header"],
            "resource_name": "Odoo MCP Gateway",
        })

    @http.route(
        "/.well-known/oauth-authorization-server",
        type="http", auth="none", methods=["GET"], csrf=False, save_session=False, cors="*",
    )
    def authorization_server_metadata(self):
        """RFC 8414."""
        base = base_url(request.httprequest)
        metadata = {
            "issuer": base,
            "authorization_endpoint": f"{base}/oauth/authorize",
            "token_endpoint": f"{base}/oauth/token",
            "revocation_endpoint": f"{base}/oauth/revoke",
            "scopes_supported": list(SCOPES),
            "response_types_supported": ["code"],
            "response_modes_supported": ["query"],
            "grant_types_supported": ["authorization_code", "refresh_token"],
            "code_challenge_methods_supported": ["S256"],
            "token_endpoint_auth_methods_supported": list(TOKEN_ENDPOINT_AUTH_METHODS),
            "revocation_endpoint_auth_methods_supported": list(TOKEN_ENDPOINT_AUTH_METHODS),
            "client_id_metadata_document_supported": True,
            "authorization_response_iss_parameter_supported": True,
        }
        if self._registration_open():
            metadata["registration_endpoint"] = f"{base}/oauth/register"
        return _oauth_json(metadata)

    def _registration_open(self):
        # sudo: reads this addon's own setting
        value = request.env["ir.config_parameter"].sudo().get_param(
            "mcp_gateway.client_registration", "open")
        return value != "closed"

    # ------------------------------------------------------------------
    # Dynamic client registration (RFC 7591)
    # ------------------------------------------------------------------

    @http.route("/oauth/register", type="http", auth="none", methods=["POST"], csrf=False,
                save_session=False, cors="*",
                readonly=False)
    def register(self):
        remote_addr = request.httprequest.remote_addr
        if not self._registration_open():
            _logger.warning("MCP OAuth: registration refused (closed) from %s", remote_addr)
            return _oauth_json({
                "error": "access_denied",
                "error_description": "Dynamic client registration is closed on this "
                "server; ask an administrator, or use a client metadata document URL.",
            }, status=403)
        # sudo: the counters are this addon's own bookkeeping; no user here
        too_many = request.env["mcp.rate.counter"].sudo()._hit(
            [("registration", f"register:{remote_addr}")])
        if too_many:
            return _oauth_json({"error": "temporarily_unavailable",
                                "error_description": too_many}, status=429)
        body = request.httprequest.get_data(cache=False)
        if len(body) > MAX_REGISTRATION_BYTES:
            return _oauth_json({"error": "invalid_client_metadata",
                                "error_description": "The registration is too large."}, 400)
        try:
            metadata = json.loads(body)
        except (ValueError, UnicodeDecodeError):
            return _oauth_json({"error": "invalid_client_metadata",
                                "error_description": "The body is not JSON."}, 400)
        clients = request.env["mcp.oauth.client"].sudo()  # sudo: see the module docstring
        try:
            client, secret = clients._register_client(metadata)
        except OAuthClientError as error:
            _logger.info("MCP OAuth: registration refused (%s) from %s",
                         error.error, remote_addr)
            return _oauth_json({"error": error.error,
                                "error_description": error.description}, 400)
        return _oauth_json(client._registration_response(secret), status=201)

    # ------------------------------------------------------------------
    # Authorization endpoint and consent page
    # ------------------------------------------------------------------

    @http.route("/oauth/authorize", type="http", auth="user", methods=["GET"])
    def authorize(self, **params):
        """Show the consent page (after Odoo's own login, 2FA included)."""
        try:
            client, redirect_uri, scope, audience = self._validate_authorization(params)
        except AuthorizationError as error:
            return self._authorization_failure(error, params)
        requested = scope.split()
        # The consent page is never framed (clickjacking).
        return request.render("mcp_gateway.oauth_consent", headers={
            "X-Frame-Options": "DENY",
            "Content-Security-Policy": "frame-ancestors 'none'",
        }, qcontext={
            "client": client,
            "redirect_uri": redirect_uri,
            "scopes": [(name, SCOPE_DESCRIPTIONS[name]) for name in requested],
            "offer_read_only": SCOPE_WRITE in requested,
            "audience": audience,
            "hidden": {name: params.get(name) or "" for name in AUTHORIZE_PARAMETERS},
            "user": request.env.user,
        })

    @http.route("/oauth/authorize", type="http", auth="user", methods=["POST"])
    def authorize_decision(self, decision=None, **params):
        """The consent form: the same request, validated again, and the answer."""
        try:
            client, redirect_uri, scope, audience = self._validate_authorization(params)
        except AuthorizationError as error:
            return self._authorization_failure(error, params)
        user = request.env.user
        if decision not in ("allow", "allow_read"):
            _logger.info("MCP OAuth: %s (#%s) denied client %s", user.login, user.id,
                         client.client_id)
            return self._authorization_failure(AuthorizationError(
                "access_denied", "The user denied the request."), params, redirect_uri)
        if decision == "allow_read":
            scope = SCOPE_READ

        code = secrets.token_urlsafe(32)
        # sudo: authorization codes are this addon's own records; users have no
        # access rights on them
        request.env["mcp.oauth.code"].sudo().create({
            "code_hash": hash_secret(code),
            "client_id": client.id,
            "user_id": user.id,
            "redirect_uri": redirect_uri,
            "redirect_uri_given": bool(params.get("redirect_uri")),
            "scope": scope,
            "audience": audience,
            "code_challenge": params["code_challenge"],
            "expires_at": fields.Datetime.now() + CODE_LIFETIME,
            "family": secrets.token_hex(16),
        })
        _logger.info("MCP OAuth: %s (#%s) approved client %s with scope %r from %s",
                     user.login, user.id, client.client_id, scope,
                     request.httprequest.remote_addr)
        return request.redirect(_with_query(redirect_uri, {
            "code": code, "state": params.get("state"),
            "iss": base_url(request.httprequest)}), code=303, local=False)

    def _validate_authorization(self, params):
        """The client, redirect URI, granted scope and audience of a request."""
        client_id = params.get("client_id")
        if not client_id:
            raise AuthorizationError("invalid_request", "client_id is missing.", False)
        clients = request.env["mcp.oauth.client"].sudo()  # sudo: see the module docstring
        if is_metadata_document_url(client_id) and not request.env.user.has_group(
                "mcp_gateway.group_mcp_user"):
            # Checked before the document is fetched: only MCP users make this
            # server fetch a URL.
            raise AuthorizationError(
                "access_denied", "This Odoo user is not allowed to use MCP Gateway.", False)
        try:
            if is_metadata_document_url(client_id):
                client = clients._from_metadata_document(client_id)
            else:
                client = clients.search([("client_id", "=", client_id)], limit=1)
        except OAuthClientError as error:
            raise AuthorizationError(error.error, error.description, False) from None
        if not client:
            raise AuthorizationError("invalid_client", "Unknown client_id.", False)
        redirect_uri = client._match_redirect_uri(params.get("redirect_uri"))
        if not redirect_uri:
            raise AuthorizationError(
                "invalid_request", "The redirect_uri is not registered for this client.",
                False)

        # From here on, errors go back to the client through its redirect URI.
        if params.get("response_type") != "code":
            raise AuthorizationError("unsupported_response_type",
                                     "Only response_type=code is supported.")
        challenge = params.get("code_challenge") or ""
        if params.get("code_challenge_method") != "S256" or not 43 <= len(challenge) <= 128:
            raise AuthorizationError(
                "invalid_request", "PKCE is required: code_challenge with "
                "code_challenge_method=S256.")
        audience = resource_url(request.httprequest)
        if params.get("resource") and params["resource"].rstrip("/") != audience:
            raise AuthorizationError(
                "invalid_target", f"This server issues tokens for {audience} only.")
        if not request.env.user.has_group("mcp_gateway.group_mcp_user"):
            raise AuthorizationError(
                "access_denied", "This Odoo user is not allowed to use MCP Gateway.")
        return client, redirect_uri, normalize_scope(params.get("scope")), audience

    def _authorization_failure(self, error, params, redirect_uri=None):
        _logger.info("MCP OAuth: authorization refused (%s: %s) from %s",
                     error.error, error.description, request.httprequest.remote_addr)
        if error.redirect:
            if redirect_uri is None:
                client = request.env["mcp.oauth.client"].sudo().search(
                    [("client_id", "=", params.get("client_id"))], limit=1)
                redirect_uri = client._match_redirect_uri(params.get("redirect_uri"))
            return request.redirect(_with_query(redirect_uri, {
                "error": error.error, "error_description": error.description,
                "state": params.get("state"), "iss": base_url(request.httprequest)}),
                code=303, local=False)
        response = request.render("mcp_gateway.oauth_error", {
            "error": error.error, "description": error.description})
        response.status_code = 400
        return response

    # ------------------------------------------------------------------
    # Token endpoint
    # ------------------------------------------------------------------

    @http.route("/oauth/token", type="http", auth="none", methods=["POST"], csrf=False,
                save_session=False, cors="*",
                readonly=False)
    def token(self, **params):
        remote_addr = request.httprequest.remote_addr
        try:
            client = self._authenticate_client(params)
            grant_type = params.get("grant_type")
            if grant_type == "authorization_code":
                payload = self._grant_authorization_code(client, params)
            elif grant_type == "refresh_token":
                payload = self._grant_refresh_token(client, params)
            else:
                raise TokenError("unsupported_grant_type",
                                 "grant_type must be authorization_code or refresh_token.")
        except TokenError as error:
            _logger.warning("MCP OAuth: token request refused (%s: %s) from %s",
                            error.error, error.description, remote_addr)
            return _token_error_answer(error)
        return _oauth_json(payload)

    def _authenticate_client(self, params):
        """The client of a token or revocation request (RFC 6749 2.3)."""
        client_id, secret = params.get("client_id"), params.get("client_secret")
        header = request.httprequest.headers.get("Authorization", "")
        if header.lower().startswith("basic "):
            try:
                decoded = base64.b64decode(header[6:].strip(), validate=True).decode()
                basic_id, _, basic_secret = decoded.partition(":")
            except (binascii.Error, UnicodeDecodeError):
                raise TokenError("invalid_client", "Malformed Basic credentials.", 401) from None
            client_id, secret = unquote(basic_id), unquote(basic_secret)
        if not client_id:
            raise TokenError("invalid_client", "client_id is missing.", 401)
        # sudo: see the module docstring
        client = request.env["mcp.oauth.client"].sudo().search(
            [("client_id", "=", client_id)], limit=1)
        if not client or not client._check_secret(secret):
            raise TokenError("invalid_client", "Unknown client or wrong secret.", 401)
        return client

    def _grant_authorization_code(self, client, params):
        codes = request.env["mcp.oauth.code"].sudo()  # sudo: see the module docstring
        code = codes.search([("code_hash", "=", hash_secret(params.get("code") or ""))],
                            limit=1)
        if not code or code.client_id != client:
            raise TokenError("invalid_grant", "Unknown authorization code.")
        if not code._redeem():
            # A replayed code: whatever was issued from it is revoked (RFC 6749 4.1.2).
            revoked = request.env["mcp.oauth.token"].sudo().search(
                [("family", "=", code.family)])._revoke_family()
            _logger.warning("MCP OAuth: authorization code replayed for client %s; "
                            "%d grant(s) revoked", client.client_id, len(revoked))
            raise TokenError("invalid_grant", "The authorization code was already used.")
        if code.expires_at < fields.Datetime.now():
            raise TokenError("invalid_grant", "The authorization code has expired.")
        # Required, and identical, when the authorization request named it; when
        # it did not (one registered URI), it may be left out here too.
        given = params.get("redirect_uri")
        if (given or code.redirect_uri_given) and given != code.redirect_uri:
            raise TokenError("invalid_grant", "redirect_uri differs from the authorization "
                             "request.")
        verifier = params.get("code_verifier") or ""
        if not 43 <= len(verifier) <= 128 or not secrets.compare_digest(
                _pkce_challenge(verifier), code.code_challenge):
            raise TokenError("invalid_grant", "The PKCE code_verifier does not match.")
        if params.get("resource") and params["resource"].rstrip("/") != code.audience:
            raise TokenError("invalid_target", "resource differs from the authorization "
                             "request.")
        if not code.user_id.active:
            raise TokenError("invalid_grant", "The user is no longer active.")
        grant, access, refresh = request.env["mcp.oauth.token"].sudo()._issue(
            code.user_id, client, code.scope, code.audience, code.family)
        return grant._token_response(access, refresh)

    def _grant_refresh_token(self, client, params):
        tokens = request.env["mcp.oauth.token"].sudo()  # sudo: see the module docstring
        refresh = params.get("refresh_token") or ""
        grant = tokens._find_by_token(refresh) if refresh.startswith("mcprt_") else tokens
        if not grant or grant.client_id != client:
            raise TokenError("invalid_grant", "Unknown refresh token.")
        if grant.state == "rotated" or (grant.state == "active" and not grant._rotate()):
            # A refresh token used twice: someone else may hold it.
            grant._revoke_family()
            _logger.warning("MCP OAuth: refresh token of grant #%s reused; family revoked",
                            grant.id)
            raise TokenError("invalid_grant", "The refresh token was already used.")
        if grant.state != "rotated":
            raise TokenError("invalid_grant", "The refresh token has been revoked.")
        if grant.refresh_expires_at < fields.Datetime.now():
            raise TokenError("invalid_grant", "The refresh token has expired.")
        if params.get("resource") and params["resource"].rstrip("/") != grant.audience:
            raise TokenError("invalid_target", "resource differs from the grant's.")
        scope = grant.scope
        if params.get("scope"):
            asked = params["scope"].split()
            if not set(asked) <= set(grant.scope.split()):
                raise TokenError("invalid_scope", "A refresh cannot widen the scope.")
            scope = " ".join(s for s in SCOPES if s in asked)
        if not grant.user_id.active or not client.active:
            raise TokenError("invalid_grant", "The user or client is disabled.")
        new_grant, access, new_refresh = tokens._issue(
            grant.user_id, client, scope, grant.audience, grant.family)
        return new_grant._token_response(access, new_refresh)

    # ------------------------------------------------------------------
    # Revocation (RFC 7009)
    # ------------------------------------------------------------------

    @http.route("/oauth/revoke", type="http", auth="none", methods=["POST"], csrf=False,
                save_session=False, cors="*",
                readonly=False)
    def revoke(self, **params):
        try:
            client = self._authenticate_client(params)
        except TokenError as error:
            return _token_error_answer(error)
        if not params.get("token"):
            return _oauth_json({"error": "invalid_request",
                                "error_description": "token is missing."}, status=400)
        # sudo: see the module docstring
        grant = request.env["mcp.oauth.token"].sudo()._find_by_token(params["token"])
        if grant and grant.client_id == client:
            if params["token"].startswith("mcprt_"):
                grant._revoke_family()
            else:
                grant.action_revoke()
        # Unknown and foreign tokens get the same answer (RFC 7009 2.2).
        return _oauth_json({})
