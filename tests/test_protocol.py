import base64

from odoo.tests import tagged

from .common import MODERN, McpHttpCase


@tagged("post_install", "-at_install")
class TestMcpProtocol(McpHttpCase):
    # -- legacy era ----------------------------------------------------

    def test_initialize_echoes_supported_version(self):
        for version in ("2025-03-26", "2025-06-18", "2025-11-25"):
            response = self._rpc("initialize", {
                "protocolVersion": version, "capabilities": {},
                "clientInfo": {"name": "test", "version": "1"},
            })
            self.assertEqual(response.status_code, 200, response.text)
            result = response.json()["result"]
            self.assertEqual(result["protocolVersion"], version)
            self.assertEqual(result["capabilities"]["tools"], {"listChanged": False})
            self.assertEqual(result["serverInfo"]["name"], "odoo-mcp-gateway")

    def test_initialize_with_unknown_version_answers_latest(self):
        result = self._rpc("initialize", {
            "protocolVersion": "1999-01-01", "capabilities": {},
            "clientInfo": {"name": "test", "version": "1"},
        }).json()["result"]
        self.assertEqual(result["protocolVersion"], "2025-11-25")

    def test_notifications_and_responses_get_202(self):
        response = self._post({"jsonrpc": "2.0", "method": "notifications/initialized"},
                              key=self.user_key)
        self.assertEqual(response.status_code, 202)
        self.assertEqual(response.content, b"")
        response = self._post({"jsonrpc": "2.0", "id": 7, "result": {}}, key=self.user_key)
        self.assertEqual(response.status_code, 202)

    def test_ping(self):
        response = self._rpc("ping", request_id="abc")
        self.assertEqual(response.json(), {"jsonrpc": "2.0", "id": "abc", "result": {}})

    def test_malformed_json_is_parse_error(self):
        response = self._post('{"jsonrpc": "2.0", "id": 1, "method": ', key=self.user_key,
                              raw=True)
        self.assertEqual(response.status_code, 400)
        self.assertEqual(response.json()["error"]["code"], -32700)
        self.assertIsNone(response.json()["id"])

    def test_invalid_jsonrpc_is_invalid_request(self):
        response = self._post({"id": 1, "method": "ping"}, key=self.user_key)
        self.assertEqual(response.status_code, 400)
        self.assertEqual(response.json()["error"]["code"], -32600)

    def test_unknown_method(self):
        response = self._rpc("no/such/method", {})
        self.assertEqual(response.json()["error"]["code"], -32601)

    def test_unknown_tool_is_invalid_params(self):
        calls = self.env["mcp.call"].sudo()
        before = calls.search_count([("tool_name", "=", "no_such_tool")])
        response = self._rpc("tools/call", {"name": "no_such_tool", "arguments": {}})
        error = response.json()["error"]
        self.assertEqual(error["code"], -32602)
        self.assertIn("no_such_tool", error["message"])
        self.assertEqual(calls.search_count([("tool_name", "=", "no_such_tool")]), before + 1)

    def test_bad_params_are_invalid_params(self):
        response = self._rpc("tools/call", {"arguments": {}},
                             headers={"MCP-Protocol-Version": "2025-11-25"})
        self.assertEqual(response.json()["error"]["code"], -32602)

    def test_structured_content_only_from_2025_06_18(self):
        arguments = {"name": "count_records", "arguments": {"model": "res.partner"}}
        old = self._rpc("tools/call", arguments,
                        headers={"MCP-Protocol-Version": "2025-03-26"}).json()["result"]
        self.assertNotIn("structuredContent", old)
        new = self._rpc("tools/call", arguments,
                        headers={"MCP-Protocol-Version": "2025-06-18"}).json()["result"]
        self.assertIn("count", new["structuredContent"])

    def test_batch_only_in_2025_03_26(self):
        batch = [{"jsonrpc": "2.0", "id": 1, "method": "ping"},
                 {"jsonrpc": "2.0", "method": "notifications/initialized"},
                 {"jsonrpc": "2.0", "id": 2, "method": "tools/list"}]
        response = self._post(batch, key=self.user_key)
        self.assertEqual(response.status_code, 200, response.text)
        self.assertEqual([item["id"] for item in response.json()], [1, 2])
        response = self._post(batch, key=self.user_key,
                              headers={"MCP-Protocol-Version": "2025-11-25"})
        self.assertEqual(response.status_code, 400)
        self.assertEqual(response.json()["error"]["code"], -32600)

    def test_legacy_unsupported_version_is_400(self):
        discovered = self._modern_rpc("server/discover").json()["result"]
        for version in ("2099-01-01", "not-a-version"):
            response = self._rpc("tools/list", {},
                                 headers={"MCP-Protocol-Version": version})
            self.assertEqual(response.status_code, 400, response.text)
            error = response.json()["error"]
            self.assertEqual(error["code"], -32022)
            self.assertIn(version, error["message"])
            self.assertEqual(error["data"]["supported"], discovered["supportedVersions"])
        notification = self._post({"jsonrpc": "2.0", "method": "notifications/initialized"},
                                  key=self.user_key,
                                  headers={"MCP-Protocol-Version": "2099-01-01"})
        self.assertEqual(notification.status_code, 400)

    def test_oversize_body_is_refused(self):
        self.env["ir.config_parameter"].sudo().set_param("mcp_gateway.max_body_bytes", "200")
        response = self._rpc("tools/call", {"name": "count_records",
                                            "arguments": {"model": "x" * 400}})
        self.assertEqual(response.status_code, 413)
        # The same without Content-Length: a chunked body is cut at the limit.
        headers = {"Content-Type": "application/json",
                   "Authorization": f"Bearer {self.user_key}"}
        head = b'{"jsonrpc": "2.0", "id": 1, "method": "ping"'
        chunks = iter([head, b', "params": {"x": "', b"y" * 400, b'"}}'])
        response = self.url_open("/mcp", data=chunks, headers=headers)
        self.assertEqual(response.status_code, 413)
        response = self.url_open("/mcp", data=iter([head, b"}"]), headers=headers)
        self.assertEqual(response.status_code, 200, response.text)

    # -- stateless era (2026-07-28) ---------------------------------------

    def test_discover(self):
        response = self._modern_rpc("server/discover")
        self.assertEqual(response.status_code, 200, response.text)
        result = response.json()["result"]
        self.assertIn(MODERN, result["supportedVersions"])
        self.assertEqual(result["resultType"], "complete")
        self.assertIn("ttlMs", result)
        self.assertEqual(result["cacheScope"], "private")
        self.assertEqual(
            result["_meta"]["io.modelcontextprotocol/serverInfo"]["name"], "odoo-mcp-gateway")

    def test_modern_tools_list_and_call(self):
        result = self._modern_rpc("tools/list").json()["result"]
        self.assertEqual(result["resultType"], "complete")
        self.assertIn("search_records", [tool["name"] for tool in result["tools"]])
        response = self._modern_rpc("tools/call", {
            "name": "count_records", "arguments": {"model": "res.partner"}})
        self.assertEqual(response.status_code, 200, response.text)
        result = response.json()["result"]
        self.assertEqual(result["resultType"], "complete")
        self.assertGreater(result["structuredContent"]["count"], 0)

    def test_modern_mcp_name_in_base64(self):
        encoded = "=?base64?" + base64.b64encode(b"count_records").decode() + "?="
        response = self._modern_rpc(
            "tools/call", {"name": "count_records", "arguments": {"model": "res.partner"}},
            headers={"Mcp-Name": encoded})
        self.assertEqual(response.status_code, 200, response.text)

    def test_modern_header_mismatch(self):
        cases = [
            {"Mcp-Method": "tools/list"},  # body says server/discover
            {"MCP-Protocol-Version": "2025-11-25"},  # _meta says 2026-07-28
        ]
        for headers in cases:
            response = self._modern_rpc("server/discover", headers=headers)
            self.assertEqual(response.status_code, 400, headers)
            error = response.json()["error"]
            self.assertEqual(error["code"], -32020, headers)
            self.assertIn(next(iter(headers)), error["message"])
        response = self._modern_rpc(
            "tools/call", {"name": "count_records", "arguments": {"model": "res.partner"}},
            headers={"Mcp-Name": "search_records"})
        self.assertEqual(response.json()["error"]["code"], -32020)

    def test_modern_missing_headers(self):
        call = {"name": "count_records", "arguments": {"model": "res.partner"}}
        for header in ("MCP-Protocol-Version", "Mcp-Method", "Mcp-Name"):
            response = self._modern_rpc("tools/call", call, headers={header: None})
            self.assertEqual(response.status_code, 400, header)
            error = response.json()["error"]
            self.assertEqual(error["code"], -32020, header)
            self.assertIn(header, error["message"])
        uri = "odoo://res.partner/1"
        encoded = "=?base64?" + base64.b64encode(uri.encode()).decode() + "?="
        response = self._modern_rpc("resources/read", {"uri": "odoo://res.partner/1"},
                                    headers={"Mcp-Name": encoded})
        self.assertEqual(response.status_code, 200, response.text)
        response = self._modern_rpc("resources/read", {"uri": "odoo://res.partner/1"},
                                    headers={"Mcp-Name": "=?base64?not base64!?="})
        self.assertEqual(response.json()["error"]["code"], -32020)

    def test_modern_missing_meta(self):
        response = self._rpc("tools/list", {}, headers={
            "MCP-Protocol-Version": MODERN, "Mcp-Method": "tools/list"})
        self.assertEqual(response.status_code, 400)
        self.assertEqual(response.json()["error"]["code"], -32602)

    def test_modern_unsupported_version(self):
        params = {"_meta": {"io.modelcontextprotocol/protocolVersion": "2099-01-01",
                            "io.modelcontextprotocol/clientCapabilities": {}}}
        response = self._rpc("server/discover", params, headers={
            "MCP-Protocol-Version": "2099-01-01", "Mcp-Method": "server/discover"})
        self.assertEqual(response.status_code, 400)
        error = response.json()["error"]
        self.assertEqual(error["code"], -32022)
        discovered = self._modern_rpc("server/discover").json()["result"]
        self.assertEqual(error["data"]["supported"], discovered["supportedVersions"])

    def test_modern_unknown_method_is_404(self):
        response = self._modern_rpc("no/such/method")
        self.assertEqual(response.status_code, 404)
        self.assertEqual(response.json()["error"]["code"], -32601)

    def test_modern_unknown_tool(self):
        response = self._modern_rpc("tools/call", {"name": "nope", "arguments": {}})
        self.assertEqual(response.status_code, 400)
        self.assertEqual(response.json()["error"]["code"], -32602)


@tagged("post_install", "-at_install")
class TestMcpOrigin(McpHttpCase):
    """DNS-rebinding protection: Host and Origin are checked before the key."""

    def test_foreign_origin_is_403(self):
        response = self._rpc("ping", headers={"Origin": "http://evil.example.com"})
        self.assertEqual(response.status_code, 403, response.text)

    def test_foreign_host_is_403(self):
        response = self._rpc("ping", headers={"Host": "evil.example.com",
                                              "Origin": "http://evil.example.com"})
        self.assertEqual(response.status_code, 403, response.text)

    def test_foreign_host_is_refused_even_without_key(self):
        response = self._post({"jsonrpc": "2.0", "id": 1, "method": "ping"},
                              headers={"Host": "evil.example.com"})
        self.assertEqual(response.status_code, 403)

    def test_own_origin_and_no_origin_are_accepted(self):
        self.assertEqual(self._rpc("ping").status_code, 200)
        own = self.base_url()
        self.assertEqual(self._rpc("ping", headers={"Origin": own}).status_code, 200)

    def test_configured_origin_is_accepted(self):
        origin = "https://claude.example.org"
        self.assertEqual(self._rpc("ping", headers={"Origin": origin}).status_code, 403)
        self.env["ir.config_parameter"].sudo().set_param(
            "mcp_gateway.allowed_origins", f"https://other.example.org, {origin}")
        self.assertEqual(self._rpc("ping", headers={"Origin": origin}).status_code, 200)

    def test_base_url_host_is_accepted(self):
        self.env["ir.config_parameter"].sudo().set_param(
            "web.base.url", "https://erp.example.com")
        response = self._rpc("ping", headers={"Host": "erp.example.com",
                                              "Origin": "https://erp.example.com"})
        self.assertEqual(response.status_code, 200, response.text)
