"""Shared set-up for the MCP Gateway tests: real users, real MCP keys, real HTTP."""

import datetime
import json

from odoo.tests import HttpCase, new_test_user

MCP_USER_GROUPS = "base.group_user,mcp_gateway.group_mcp_user"
MANAGER_GROUPS = "base.group_user,mcp_gateway.group_mcp_manager"
MODERN = "2026-07-28"


class McpHttpCase(HttpCase):
    """Posts JSON-RPC to /mcp through the real Odoo HTTP server."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.mcp_user = new_test_user(cls.env, "mcp_user", groups=MCP_USER_GROUPS)
        cls.mcp_manager = new_test_user(cls.env, "mcp_manager", groups=MANAGER_GROUPS)
        cls.user_key = cls._make_key(cls.mcp_user)
        cls.manager_key = cls._make_key(cls.mcp_manager)

    @classmethod
    def _make_key(cls, user, scope="mcp", days=1):
        expiration = datetime.datetime.now() + datetime.timedelta(days=days)
        return cls.env["res.users.apikeys"].with_user(user)._generate(
            scope, f"test key of {user.login}", expiration
        )

    def _post(self, body, key=None, headers=None, raw=False):
        all_headers = {"Content-Type": "application/json", "Accept": "application/json"}
        if key:
            all_headers["Authorization"] = f"Bearer {key}"
        all_headers.update(headers or {})
        # A header given as None is left out (to test its absence).
        all_headers = {name: value for name, value in all_headers.items()
                       if value is not None}
        data = body if raw else json.dumps(body)
        return self.url_open("/mcp", data=data, headers=all_headers)

    def _rpc(self, method, params=None, key=None, request_id=1, headers=None):
        body = {"jsonrpc": "2.0", "id": request_id, "method": method}
        if params is not None:
            body["params"] = params
        return self._post(body, key=key or self.user_key, headers=headers)

    def _modern_rpc(self, method, params=None, key=None, headers=None):
        """A stateless (2026-07-28) request with its _meta and headers."""
        params = dict(params or {})
        params["_meta"] = {
            "io.modelcontextprotocol/protocolVersion": MODERN,
            "io.modelcontextprotocol/clientCapabilities": {},
            "io.modelcontextprotocol/clientInfo": {"name": "odoo-tests", "version": "1"},
        }
        all_headers = {"MCP-Protocol-Version": MODERN, "Mcp-Method": method}
        if method == "tools/call":
            all_headers["Mcp-Name"] = params["name"]
        all_headers.update(headers or {})
        return self._rpc(method, params, key=key, headers=all_headers)

    def call_tool(self, name, arguments, key=None):
        """tools/call in the legacy era; returns the JSON-RPC result."""
        response = self._rpc(
            "tools/call", {"name": name, "arguments": arguments}, key=key,
            headers={"MCP-Protocol-Version": "2025-11-25"},
        )
        self.assertEqual(response.status_code, 200, response.text)
        payload = response.json()
        self.assertIn("result", payload, payload)
        return payload["result"]

    def assertToolOk(self, result):
        self.assertFalse(result.get("isError"), result)
        self.assertEqual(json.loads(result["content"][0]["text"]), result["structuredContent"])
        return result["structuredContent"]

    def assertToolError(self, result, *fragments):
        self.assertTrue(result.get("isError"), result)
        text = result["content"][0]["text"]
        for fragment in fragments:
            self.assertIn(fragment, text)
        return text
