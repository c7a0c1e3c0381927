import datetime

from odoo.tests import new_test_user, tagged

from .common import McpHttpCase

AUTH_LOGGERS = "odoo.addons.mcp_gateway"


@tagged("post_install", "-at_install")
class TestMcpAuthentication(McpHttpCase):
    def _assert_refused(self, response, status):
        self.assertEqual(response.status_code, status, response.text)
        if status == 401:
            self.assertTrue(
                response.headers.get("WWW-Authenticate", "").startswith("Bearer"),
                response.headers,
            )

    def _call_count(self):
        return self.env["mcp.call"].sudo().search_count([])

    def _assert_one_log_line(self, logs, fragment, secret=None):
        """The refusal leaves one greppable line naming what failed, never the key."""
        lines = [line for line in logs.output if "MCP auth" in line]
        self.assertEqual(len(lines), 1, logs.output)
        self.assertIn(fragment, lines[0])
        if secret:
            self.assertNotIn(secret, "\n".join(logs.output))

    def test_no_key_is_401_and_runs_nothing(self):
        calls_before = self._call_count()
        response = self._post({"jsonrpc": "2.0", "id": 1, "method": "tools/call",
                               "params": {"name": "count_records",
                                          "arguments": {"model": "res.partner"}}})
        self._assert_refused(response, 401)
        self.assertEqual(self._call_count(), calls_before)

    def test_wrong_key_is_401_and_runs_nothing(self):
        calls_before = self._call_count()
        wrong_key = self.user_key[:-4] + "0000"
        with self.assertLogs(AUTH_LOGGERS, level="WARNING") as logs:
            response = self._rpc("tools/call", {"name": "count_records",
                                                "arguments": {"model": "res.partner"}},
                                 key=wrong_key)
        self._assert_refused(response, 401)
        self.assertEqual(self._call_count(), calls_before)
        self._assert_one_log_line(logs, "FAIL", secret=wrong_key)

    def test_expired_key_is_401(self):
        key = self._make_key(self.mcp_user)
        self.env.cr.execute(
            "UPDATE res_users_apikeys SET expiration_date = %s WHERE index = %s",
            [datetime.datetime.now() - datetime.timedelta(minutes=1), key[:8]],
        )
        calls_before = self._call_count()
        with self.assertLogs(AUTH_LOGGERS, level="WARNING") as logs:
            response = self._rpc("tools/call", {"name": "count_records",
                                                "arguments": {"model": "res.partner"}},
                                 key=key)
        self._assert_refused(response, 401)
        self.assertEqual(self._call_count(), calls_before)
        self._assert_one_log_line(logs, "expired", secret=key)

    def test_key_of_another_scope_is_401(self):
        key = self._make_key(self.mcp_user, scope="some_other_app")
        self._assert_refused(self._rpc("ping", key=key), 401)

    def test_global_key_is_accepted(self):
        """A key without scope gives access to every RPC, MCP included (Odoo's rule)."""
        key = self._make_key(self.mcp_user, scope=None)
        response = self._rpc("ping", key=key)
        self.assertEqual(response.status_code, 200, response.text)
        self.assertEqual(response.json()["result"], {})

    def test_user_outside_mcp_group_is_403(self):
        outsider = new_test_user(self.env, "no_mcp", groups="base.group_user")
        key = self._make_key(outsider)
        response = self._rpc("tools/list", key=key)
        self.assertEqual(response.status_code, 403, response.text)
        self.assertNotIn("result", response.json())

    def test_get_and_delete_are_405(self):
        for method in ("GET", "DELETE"):
            response = self.url_open("/mcp", method=method)
            self.assertEqual(response.status_code, 405, method)
            self.assertEqual(response.headers.get("Allow"), "POST")

    def test_mcp_key_from_the_wizard(self):
        """The preferences wizard makes a key of scope "mcp" that opens /mcp."""
        wizard = self.env["res.users.apikeys.description"].with_user(self.mcp_user).create(
            {"name": "Claude", "duration": "7"}
        )
        # make_mcp_key asks for the password first (check_identity, which needs an
        # interactive request); the body it guards is what is tested here.
        make_mcp_key = type(wizard).make_mcp_key.__wrapped__
        action = make_mcp_key(wizard)
        key = action["context"]["default_key"]
        self.env.cr.execute("SELECT scope FROM res_users_apikeys WHERE index = %s", [key[:8]])
        self.assertEqual(self.env.cr.fetchone()[0], "mcp")
        self.assertEqual(self._rpc("ping", key=key).status_code, 200)
