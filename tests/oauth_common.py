"""Helpers for the OAuth tests: a client registered over HTTP, the consent page
posted by a logged-in user, the token endpoint."""

import base64
import hashlib
import json
import re
import secrets
from urllib.parse import parse_qs, urlencode, urlsplit

from odoo.tests import new_test_user

from ..models.mcp_oauth_token import normalize_scope
from .common import MCP_USER_GROUPS, McpHttpCase

REDIRECT_URI = "http://127.0.0.1:33418/callback"


def pkce_pair():
    verifier = secrets.token_urlsafe(48)
    challenge = base64.urlsafe_b64encode(
        hashlib.sha256(verifier.encode()).digest()).decode().rstrip("=")
    return verifier, challenge


class OauthHttpCase(McpHttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.oauth_user = new_test_user(cls.env, "oauth_user", groups=MCP_USER_GROUPS)
        cls.write_tool = cls.env["mcp.tool"].create({
            "name": "test_write_tool",
            "kind": "search_records",
            "category": "write",
            "read_only_hint": False,
            "description": "A tool counted as writing, for the scope tests.",
        })

    def base(self):
        return self.base_url().rstrip("/")

    def register(self, redirect_uris=(REDIRECT_URI,), method="none", name="Test client"):
        response = self.url_open(
            "/oauth/register",
            data=json.dumps({"client_name": name, "redirect_uris": list(redirect_uris),
                             "token_endpoint_auth_method": method}),
            headers={"Content-Type": "application/json"},
        )
        self.assertEqual(response.status_code, 201, response.text)
        return response.json()

    def authorize_params(self, client_id, challenge, **overrides):
        params = {
            "response_type": "code",
            "client_id": client_id,
            "redirect_uri": REDIRECT_URI,
            "scope": "mcp:read mcp:write",
            "state": "st4te",
            "code_challenge": challenge,
            "code_challenge_method": "S256",
            "resource": self.base() + "/mcp",
        }
        params.update(overrides)
        return {key: value for key, value in params.items() if value is not None}

    def consent(self, params, decision="allow", login="oauth_user"):
        """Log in, open the consent page, post the decision; returns the
        redirect's query parameters."""
        self.authenticate(login, login)
        page = self.url_open("/oauth/authorize?" + urlencode(params))
        self.assertEqual(page.status_code, 200, page.text[:500])
        self.assertEqual(page.headers.get("X-Frame-Options"), "DENY")
        # What the user approves: the client, where the code goes, what it may do.
        client = self.env["mcp.oauth.client"].sudo().search(
            [("client_id", "=", params["client_id"])])
        scopes = normalize_scope(params.get("scope")).split()
        for shown in (client.name, params.get("redirect_uri", REDIRECT_URI), *scopes):
            self.assertIn(shown, page.text)
        csrf = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
        answer = self.url_open("/oauth/authorize", data={
            **params, "csrf_token": csrf, "decision": decision}, allow_redirects=False)
        self.assertEqual(answer.status_code, 303, answer.text[:500])
        location = answer.headers["Location"]
        self.assertTrue(location.startswith(REDIRECT_URI), location)
        return {key: values[0] for key, values in parse_qs(urlsplit(location).query).items()}

    def token_request(self, data, auth=None):
        headers = {"Content-Type": "application/x-www-form-urlencoded"}
        if auth:
            headers["Authorization"] = auth
        self.opener.cookies.clear()
        return self.url_open("/oauth/token", data=data, headers=headers)

    def obtain_tokens(self, scope="mcp:read mcp:write", decision="allow"):
        client = self.register()
        verifier, challenge = pkce_pair()
        answer = self.consent(self.authorize_params(client["client_id"], challenge,
                                                    scope=scope), decision)
        response = self.token_request({
            "grant_type": "authorization_code", "code": answer["code"],
            "redirect_uri": REDIRECT_URI, "client_id": client["client_id"],
            "code_verifier": verifier, "resource": self.base() + "/mcp",
        })
        self.assertEqual(response.status_code, 200, response.text)
        return client, response.json()

    def mcp_calls(self):
        return self.env["mcp.call"].sudo().search([], order="id desc")
