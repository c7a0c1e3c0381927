import json
from datetime import timedelta
from unittest.mock import patch
from urllib.parse import urlencode

from odoo import fields
from odoo.exceptions import AccessError
from odoo.tests import tagged

from ..models import mcp_oauth_client
from ..models.mcp_oauth_client import OAuthClientError, check_metadata_document_url
from .oauth_common import REDIRECT_URI, OauthHttpCase, pkce_pair


@tagged("post_install", "-at_install")
class TestOauthMetadata(OauthHttpCase):
    def test_protected_resource_metadata_at_root_and_under_mcp(self):
        for path in ("/.well-known/oauth-protected-resource",
                     "/.well-known/oauth-protected-resource/mcp"):
            metadata = self.url_open(path).json()
            self.assertEqual(metadata["resource"], self.base() + "/mcp")
            self.assertEqual(metadata["authorization_servers"], [self.base()])
            self.assertEqual(metadata["scopes_supported"], ["mcp:read", "mcp:write"])

    def test_authorization_server_metadata(self):
        metadata = self.url_open("/.well-known/oauth-authorization-server").json()
        self.assertEqual(metadata["issuer"], self.base())
        self.assertEqual(metadata["code_challenge_methods_supported"], ["S256"])
        self.assertTrue(metadata["authorization_response_iss_parameter_supported"])
        self.assertTrue(metadata["client_id_metadata_document_supported"])
        self.assertEqual(metadata["registration_endpoint"], self.base() + "/oauth/register")
        self.assertEqual(metadata["grant_types_supported"],
                         ["authorization_code", "refresh_token"])

    def test_every_401_points_to_the_resource_metadata(self):
        expected = f'resource_metadata="{self.base()}/.well-known/oauth-protected-resource/mcp"'
        for key in (None, "0" * 40, "mcpat_unknown"):
            response = self._rpc("ping", key=key) if key else self._post(
                {"jsonrpc": "2.0", "id": 1, "method": "ping"})
            self.assertEqual(response.status_code, 401)
            self.assertIn(expected, response.headers["WWW-Authenticate"])

    def test_closed_registration(self):
        self.env["ir.config_parameter"].sudo().set_param(
            "mcp_gateway.client_registration", "closed")
        metadata = self.url_open("/.well-known/oauth-authorization-server").json()
        self.assertNotIn("registration_endpoint", metadata)
        count = self.env["mcp.oauth.client"].sudo().search_count([])
        response = self.url_open("/oauth/register", data=json.dumps(
            {"redirect_uris": [REDIRECT_URI]}), headers={"Content-Type": "application/json"})
        self.assertEqual(response.status_code, 403)
        self.assertEqual(self.env["mcp.oauth.client"].sudo().search_count([]), count)

    def test_registrations_per_address_are_limited(self):
        self.env["ir.config_parameter"].sudo().set_param(
            "mcp_gateway.rate_limit_registration_per_minute", 0)
        self.env["ir.config_parameter"].sudo().set_param(
            "mcp_gateway.rate_limit_registration_per_day", 2)
        self.register()
        self.register()
        response = self.url_open("/oauth/register", data=json.dumps(
            {"redirect_uris": [REDIRECT_URI]}), headers={"Content-Type": "application/json"})
        self.assertEqual(response.status_code, 429)
        self.assertIn("client registrations from this address",
                      response.json()["error_description"])

    def test_registration_refuses_bad_redirect_uris(self):
        for uris in ([], ["http://example.com/cb"], ["https://example.com/cb#frag"], "x"):
            response = self.url_open("/oauth/register", data=json.dumps(
                {"redirect_uris": uris}), headers={"Content-Type": "application/json"})
            self.assertEqual(response.status_code, 400, uris)
            self.assertIn(response.json()["error"],
                          ("invalid_redirect_uri", "invalid_client_metadata"))


@tagged("post_install", "-at_install")
class TestOauthFlow(OauthHttpCase):
    def test_full_flow_call_refresh_revoke(self):
        client, tokens = self.obtain_tokens()
        self.assertEqual(tokens["token_type"], "Bearer")
        self.assertEqual(tokens["scope"], "mcp:read mcp:write")
        grant = self.env["mcp.oauth.token"].sudo().search([], limit=1)
        self.assertEqual(grant.user_id, self.oauth_user)
        self.assertEqual(grant.audience, self.base() + "/mcp")
        # Stored hashed: the plain token is nowhere in the table.
        self.env.cr.execute("SELECT count(*) FROM mcp_oauth_token WHERE "
                            "access_token_hash = %s OR refresh_token_hash = %s",
                            [tokens["access_token"], tokens["refresh_token"]])
        self.assertEqual(self.env.cr.fetchone()[0], 0)

        result = self.call_tool("count_records", {"model": "res.partner"},
                                key=tokens["access_token"])
        self.assertGreater(self.assertToolOk(result)["count"], 0)
        self.assertEqual(self.mcp_calls()[0].user_id, self.oauth_user)

        # Refresh: new pair; the old access and refresh tokens stop working.
        refreshed = self.token_request({
            "grant_type": "refresh_token", "refresh_token": tokens["refresh_token"],
            "client_id": client["client_id"]}).json()
        self.assertNotEqual(refreshed["refresh_token"], tokens["refresh_token"])
        self.assertEqual(self._rpc("ping", key=tokens["access_token"]).status_code, 401)
        self.assertEqual(self._rpc("ping", key=refreshed["access_token"]).status_code, 200)

        # Reusing the old refresh token revokes the whole family.
        reuse = self.token_request({
            "grant_type": "refresh_token", "refresh_token": tokens["refresh_token"],
            "client_id": client["client_id"]})
        self.assertEqual(reuse.status_code, 400)
        self.assertEqual(reuse.json()["error"], "invalid_grant")
        self.assertEqual(self._rpc("ping", key=refreshed["access_token"]).status_code, 401)

    def test_revocation(self):
        client, tokens = self.obtain_tokens()
        self.opener.cookies.clear()
        answer = self.url_open("/oauth/revoke", data={
            "token": tokens["access_token"], "client_id": client["client_id"]})
        self.assertEqual(answer.status_code, 200)
        calls = len(self.mcp_calls())
        response = self._rpc("tools/call", {"name": "count_records",
                                            "arguments": {"model": "res.partner"}},
                             key=tokens["access_token"])
        self.assertEqual(response.status_code, 401)
        self.assertIn("invalid_token", response.headers["WWW-Authenticate"])
        self.assertEqual(len(self.mcp_calls()), calls)
        # The refresh token of a revoked grant is refused as well.
        refresh = self.token_request({"grant_type": "refresh_token",
                                      "refresh_token": tokens["refresh_token"],
                                      "client_id": client["client_id"]})
        self.assertEqual(refresh.status_code, 400)
        # Unknown tokens are answered 200 too (RFC 7009).
        self.assertEqual(self.url_open("/oauth/revoke", data={
            "token": "mcpat_nothing", "client_id": client["client_id"]}).status_code, 200)
        # An unknown client is refused, with the scheme to authenticate by.
        refused = self.url_open("/oauth/revoke", data={
            "token": tokens["refresh_token"], "client_id": "no-such-client"})
        self.assertEqual(refused.status_code, 401)
        self.assertEqual(refused.json()["error"], "invalid_client")
        self.assertIn("Basic", refused.headers["WWW-Authenticate"])

    def test_expired_access_token_is_401(self):
        _client, tokens = self.obtain_tokens()
        self.env["mcp.oauth.token"].sudo().search([], limit=1).write(
            {"access_expires_at": fields.Datetime.now() - timedelta(seconds=1)})
        calls = len(self.mcp_calls())
        self.assertEqual(self._rpc("tools/call", {"name": "count_records", "arguments": {
            "model": "res.partner"}}, key=tokens["access_token"]).status_code, 401)
        self.assertEqual(len(self.mcp_calls()), calls)

    def test_token_for_another_audience_is_401(self):
        _client, tokens = self.obtain_tokens()
        self.env["mcp.oauth.token"].sudo().search([], limit=1).write(
            {"audience": "https://other.example.com/mcp"})
        calls = len(self.mcp_calls())
        response = self._rpc("tools/call", {"name": "count_records", "arguments": {
            "model": "res.partner"}}, key=tokens["access_token"])
        self.assertEqual(response.status_code, 401)
        self.assertEqual(len(self.mcp_calls()), calls)

    def test_authorization_for_another_resource_is_refused(self):
        client = self.register()
        _verifier, challenge = pkce_pair()
        self.authenticate("oauth_user", "oauth_user")
        answer = self.url_open("/oauth/authorize?" + urlencode(self.authorize_params(
            client["client_id"], challenge, resource="https://other.example.com/mcp")),
            allow_redirects=False)
        self.assertEqual(answer.status_code, 303)
        self.assertIn("error=invalid_target", answer.headers["Location"])
        self.assertIn("state=st4te", answer.headers["Location"])

    def test_unregistered_redirect_uri_is_not_redirected_to(self):
        client = self.register()
        _verifier, challenge = pkce_pair()
        self.authenticate("oauth_user", "oauth_user")
        answer = self.url_open("/oauth/authorize?" + urlencode(self.authorize_params(
            client["client_id"], challenge, redirect_uri="https://evil.example.com/cb")),
            allow_redirects=False)
        self.assertEqual(answer.status_code, 400)
        self.assertNotIn("Location", answer.headers)
        self.assertIn("not registered", answer.text)
        self.assertFalse(self.env["mcp.oauth.code"].sudo().search([]))

    def test_pkce_is_required(self):
        client = self.register()
        self.authenticate("oauth_user", "oauth_user")
        params = self.authorize_params(client["client_id"], "x" * 43,
                                       code_challenge_method="plain")
        answer = self.url_open("/oauth/authorize?" + urlencode(params), allow_redirects=False)
        self.assertEqual(answer.status_code, 303)
        self.assertIn("error=invalid_request", answer.headers["Location"])

    def test_wrong_pkce_verifier_is_refused(self):
        client = self.register()
        _verifier, challenge = pkce_pair()
        answer = self.consent(self.authorize_params(client["client_id"], challenge))
        response = self.token_request({
            "grant_type": "authorization_code", "code": answer["code"],
            "redirect_uri": REDIRECT_URI, "client_id": client["client_id"],
            "code_verifier": pkce_pair()[0]})
        self.assertEqual(response.status_code, 400)
        self.assertEqual(response.json()["error"], "invalid_grant")
        self.assertFalse(self.env["mcp.oauth.token"].sudo().search([]))

    def test_redirect_uri_is_repeated_only_when_it_was_given(self):
        """RFC 6749 4.1.3: a client with one registered redirect URI may leave it
        out of both requests; once named, the token request must repeat it."""
        client = self.register()
        verifier, challenge = pkce_pair()
        answer = self.consent(self.authorize_params(client["client_id"], challenge,
                                                    redirect_uri=None))
        exchange = {"grant_type": "authorization_code", "code": answer["code"],
                    "client_id": client["client_id"], "code_verifier": verifier}
        other = self.token_request({**exchange, "redirect_uri": "https://other.example/cb"})
        self.assertEqual(other.json().get("error"), "invalid_grant")
        # The refused exchange above spent the code (and revokes what it gave).
        verifier, challenge = pkce_pair()
        answer = self.consent(self.authorize_params(client["client_id"], challenge,
                                                    redirect_uri=None))
        left_out = self.token_request({**exchange, "code": answer["code"],
                                       "code_verifier": verifier})
        self.assertEqual(left_out.status_code, 200, left_out.text)

        verifier, challenge = pkce_pair()
        answer = self.consent(self.authorize_params(client["client_id"], challenge))
        missing = self.token_request({**exchange, "code": answer["code"],
                                      "code_verifier": verifier})
        self.assertEqual(missing.status_code, 400)
        self.assertEqual(missing.json()["error"], "invalid_grant")

    def test_replayed_code_is_refused_and_revokes(self):
        client = self.register()
        verifier, challenge = pkce_pair()
        answer = self.consent(self.authorize_params(client["client_id"], challenge))
        self.assertEqual(answer["iss"], self.base())
        self.assertEqual(answer["state"], "st4te")
        exchange = {"grant_type": "authorization_code", "code": answer["code"],
                    "redirect_uri": REDIRECT_URI, "client_id": client["client_id"],
                    "code_verifier": verifier}
        first = self.token_request(exchange)
        self.assertEqual(first.status_code, 200)
        second = self.token_request(exchange)
        self.assertEqual(second.status_code, 400)
        self.assertEqual(second.json()["error"], "invalid_grant")
        self.assertEqual(self._rpc("ping", key=first.json()["access_token"]).status_code, 401)

    def test_read_only_grant(self):
        _client, tokens = self.obtain_tokens(decision="allow_read")
        self.assertEqual(tokens["scope"], "mcp:read")
        result = self.call_tool("count_records", {"model": "res.partner"},
                                key=tokens["access_token"])
        self.assertToolOk(result)

    def test_unknown_scopes_alone_grant_reading_only(self):
        _client, tokens = self.obtain_tokens(scope="mcp:admin openid")
        self.assertEqual(tokens["scope"], "mcp:read")
        call = {"name": "test_write_tool", "arguments": {"model": "res.partner"}}
        response = self._rpc(
            "tools/call", call,
            key=tokens["access_token"], headers={"MCP-Protocol-Version": "2025-11-25"})
        self.assertEqual(response.status_code, 403, response.text)

    def test_read_only_token_calling_write_tool_is_403(self):
        _client, tokens = self.obtain_tokens(scope="mcp:read")
        response = self._rpc(
            "tools/call", {"name": "test_write_tool", "arguments": {"model": "res.partner"}},
            key=tokens["access_token"], headers={"MCP-Protocol-Version": "2025-11-25"})
        self.assertEqual(response.status_code, 403, response.text)
        self.assertEqual(response.json()["error"], "insufficient_scope")
        challenge = response.headers["WWW-Authenticate"]
        self.assertIn('error="insufficient_scope"', challenge)
        self.assertIn("mcp:write", challenge)
        self.assertIn("resource_metadata=", challenge)
        call = self.mcp_calls()[0]
        self.assertEqual((call.tool_name, call.outcome), ("test_write_tool", "protocol_error"))

    def test_write_token_calls_write_tool(self):
        _client, tokens = self.obtain_tokens()
        result = self.call_tool("test_write_tool", {"model": "res.partner", "limit": 1},
                                key=tokens["access_token"])
        self.assertToolOk(result)
        self.assertIn("Company used:", result["content"][-1]["text"])

    def test_denied_consent(self):
        client = self.register()
        _verifier, challenge = pkce_pair()
        answer = self.consent(self.authorize_params(client["client_id"], challenge), "deny")
        self.assertEqual(answer["error"], "access_denied")
        self.assertNotIn("code", answer)

    def test_confidential_client_needs_its_secret(self):
        client = self.register(method="client_secret_post")
        self.assertTrue(client["client_secret"])
        verifier, challenge = pkce_pair()
        answer = self.consent(self.authorize_params(client["client_id"], challenge))
        exchange = {"grant_type": "authorization_code", "code": answer["code"],
                    "redirect_uri": REDIRECT_URI, "client_id": client["client_id"],
                    "code_verifier": verifier}
        refused = self.token_request({**exchange, "client_secret": "wrong"})
        self.assertEqual(refused.status_code, 401)
        self.assertEqual(refused.json()["error"], "invalid_client")
        accepted = self.token_request({**exchange, "client_secret": client["client_secret"]})
        self.assertEqual(accepted.status_code, 200, accepted.text)

    def test_user_outside_mcp_group_gets_access_denied(self):
        from odoo.tests import new_test_user
        new_test_user(self.env, "plain_user", groups="base.group_user")
        client = self.register()
        _verifier, challenge = pkce_pair()
        self.authenticate("plain_user", "plain_user")
        answer = self.url_open("/oauth/authorize?" + urlencode(self.authorize_params(
            client["client_id"], challenge)), allow_redirects=False)
        self.assertEqual(answer.status_code, 303)
        self.assertIn("error=access_denied", answer.headers["Location"])

    def test_login_is_required_for_consent(self):
        client = self.register()
        _verifier, challenge = pkce_pair()
        self.opener.cookies.clear()
        answer = self.url_open("/oauth/authorize?" + urlencode(self.authorize_params(
            client["client_id"], challenge)), allow_redirects=False)
        self.assertEqual(answer.status_code, 303)
        self.assertIn("/web/login", answer.headers["Location"])


@tagged("post_install", "-at_install")
class TestOauthViews(OauthHttpCase):
    def test_users_see_and_revoke_only_their_grants(self):
        self.obtain_tokens()
        other = self.env["mcp.oauth.token"].sudo().search([], limit=1)
        grants = self.env["mcp.oauth.token"].with_user(self.mcp_user).search([])
        self.assertFalse(grants)
        own = self.env["mcp.oauth.token"].with_user(self.oauth_user).search([])
        self.assertEqual(own, other)
        clients = self.env["mcp.oauth.client"].with_user(self.mcp_user).search([])
        self.assertFalse(clients)
        with self.assertRaises(AccessError):
            own.write({"scope": "mcp:read mcp:write mcp:admin"})
        own.action_revoke()
        self.assertEqual(own.state, "revoked")
        manager_view = self.env["mcp.oauth.token"].with_user(self.mcp_manager).search([])
        self.assertIn(other, manager_view)
        # Managers revoke too, but cannot move a grant to another user or revive it.
        as_manager = other.with_user(self.mcp_manager)
        for values in ({"user_id": self.mcp_manager.id}, {"state": "active"},
                       {"scope": "mcp:read mcp:write"}):
            with self.assertRaises(AccessError):
                as_manager.write(values)
        self.assertEqual(other.user_id, self.oauth_user)

    def test_archiving_a_client_revokes_its_grants(self):
        client_info, tokens = self.obtain_tokens()
        client = self.env["mcp.oauth.client"].with_user(self.mcp_manager).search(
            [("client_id", "=", client_info["client_id"])])
        client.active = False
        self.assertEqual(self._rpc("ping", key=tokens["access_token"]).status_code, 401)


@tagged("post_install", "-at_install")
class TestClientMetadataDocuments(OauthHttpCase):
    URL = "https://client.example.com/oauth/metadata.json"

    def test_refused_urls(self):
        for url in ("http://client.example.com/meta.json", "https://127.0.0.1/meta.json",
                    "https://10.1.2.3/meta.json", "https://169.254.169.254/latest",
                    "https://localhost/meta.json", "https://[::1]/meta.json",
                    "https://client.example.com/", "https://u:p@client.example.com/m"):
            with self.assertRaises(OAuthClientError, msg=url):
                check_metadata_document_url(url)

    def _serve(self, document):
        """The network fetch replaced by a document (see the README)."""
        def check_url(url):
            if not url.startswith("https://"):
                raise OAuthClientError("invalid_client", "https only")

        return (
            patch.object(mcp_oauth_client, "check_metadata_document_url", check_url),
            patch.object(mcp_oauth_client, "download_metadata_document",
                         lambda url: json.dumps(document).encode()),
        )

    def test_flow_with_metadata_document_client(self):
        document = {"client_id": self.URL, "client_name": "Doc client",
                    "redirect_uris": [REDIRECT_URI]}
        check, download = self._serve(document)
        verifier, challenge = pkce_pair()
        with check, download:
            answer = self.consent(self.authorize_params(self.URL, challenge))
        client = self.env["mcp.oauth.client"].sudo().search([("client_id", "=", self.URL)])
        self.assertEqual((client.name, client.registration_type),
                         ("Doc client", "metadata_document"))
        response = self.token_request({
            "grant_type": "authorization_code", "code": answer["code"],
            "redirect_uri": REDIRECT_URI, "client_id": self.URL, "code_verifier": verifier})
        self.assertEqual(response.status_code, 200, response.text)

    def test_document_must_name_itself_and_the_redirect_uri(self):
        _verifier, challenge = pkce_pair()
        for document in ({"client_id": "https://elsewhere.example.com/m.json",
                          "redirect_uris": [REDIRECT_URI]},
                         {"client_id": self.URL, "redirect_uris": ["https://other/cb"]}):
            check, download = self._serve(document)
            self.authenticate("oauth_user", "oauth_user")
            with check, download:
                answer = self.url_open("/oauth/authorize?" + urlencode(
                    self.authorize_params(self.URL, challenge)), allow_redirects=False)
            self.assertEqual(answer.status_code, 400, document)
            self.assertFalse(self.env["mcp.oauth.code"].sudo().search([]))
