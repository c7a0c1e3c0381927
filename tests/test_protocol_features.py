import json

from odoo.tests import tagged

from .common import McpHttpCase

LEGACY = {"MCP-Protocol-Version": "2025-11-25"}


@tagged("post_install", "-at_install")
class TestMcpSessions(McpHttpCase):
    def _initialize(self, key=None):
        response = self._rpc("initialize", {
            "protocolVersion": "2025-06-18", "capabilities": {},
            "clientInfo": {"name": "session-test", "version": "1.0"}}, key=key)
        self.assertEqual(response.status_code, 200, response.text)
        return response.headers["Mcp-Session-Id"]

    def test_initialize_opens_a_stored_session(self):
        session_id = self._initialize()
        session = self.env["mcp.session"].sudo().search([("name", "=", session_id)])
        self.assertEqual(session.user_id, self.mcp_user)
        self.assertEqual(session.protocol_version, "2025-06-18")
        self.assertEqual(session.client_name, "session-test")
        # Later requests may name it; without a version header its version applies.
        response = self._rpc("tools/call", {"name": "count_records",
                                            "arguments": {"model": "res.partner"}},
                             headers={"Mcp-Session-Id": session_id})
        self.assertIn("structuredContent", response.json()["result"])

    def test_unknown_session_is_404(self):
        for method in ("tools/list", "ping"):
            response = self._rpc(method, {}, headers={"Mcp-Session-Id": "no-such-session"})
            self.assertEqual(response.status_code, 404, method)
        response = self._post({"jsonrpc": "2.0", "method": "notifications/initialized"},
                              key=self.user_key, headers={"Mcp-Session-Id": "nope"})
        self.assertEqual(response.status_code, 404)

    def test_session_of_another_user_is_404(self):
        session_id = self._initialize(key=self.manager_key)
        response = self._rpc("ping", {}, headers={"Mcp-Session-Id": session_id})
        self.assertEqual(response.status_code, 404)

    def test_expired_session_is_404(self):
        session_id = self._initialize()
        self.env["ir.config_parameter"].sudo().set_param("mcp_gateway.session_idle_hours", "1")
        self.env.cr.execute(
            "UPDATE mcp_session SET last_seen = now() at time zone 'utc' - interval '2 hours'"
            " WHERE name = %s", [session_id])
        self.env["mcp.session"].invalidate_model()
        response = self._rpc("ping", {}, headers={"Mcp-Session-Id": session_id})
        self.assertEqual(response.status_code, 404)

    def test_stateless_requests_ignore_session_ids(self):
        response = self._modern_rpc("tools/list", headers={"Mcp-Session-Id": "whatever"})
        self.assertEqual(response.status_code, 200, response.text)

    def test_set_level_is_kept_on_the_session(self):
        session_id = self._initialize()
        response = self._rpc("logging/setLevel", {"level": "warning"},
                             headers={"Mcp-Session-Id": session_id, **LEGACY})
        self.assertEqual(response.json()["result"], {})
        session = self.env["mcp.session"].sudo().search([("name", "=", session_id)])
        self.assertEqual(session.log_level, "warning")
        bad = self._rpc("logging/setLevel", {"level": "loud"}, headers=LEGACY)
        self.assertEqual(bad.json()["error"]["code"], -32602)

    def test_modern_log_level_must_be_known(self):
        response = self._modern_rpc("tools/list", {"_meta": {}})
        self.assertEqual(response.status_code, 200)
        params = {"_meta": {"io.modelcontextprotocol/protocolVersion": "2026-07-28",
                            "io.modelcontextprotocol/clientCapabilities": {},
                            "io.modelcontextprotocol/logLevel": "loud"}}
        response = self._rpc("tools/list", params, headers={
            "MCP-Protocol-Version": "2026-07-28", "Mcp-Method": "tools/list"})
        self.assertEqual(response.status_code, 400)


@tagged("post_install", "-at_install")
class TestMcpListsResourcesPrompts(McpHttpCase):
    def _result(self, method, params=None, headers=None):
        response = self._rpc(method, params or {}, headers={**LEGACY, **(headers or {})})
        payload = response.json()
        self.assertIn("result", payload, payload)
        return payload["result"]

    def test_capabilities_say_what_works(self):
        result = self._rpc("initialize", {"protocolVersion": "2025-11-25", "capabilities": {},
                                          "clientInfo": {"name": "t", "version": "1"}}).json()
        capabilities = result["result"]["capabilities"]
        self.assertEqual(capabilities["tools"], {"listChanged": False})
        self.assertEqual(capabilities["resources"], {"subscribe": False, "listChanged": False})
        self.assertIn("completions", capabilities)
        self.assertIn("logging", capabilities)
        modern = self._modern_rpc("server/discover").json()["result"]["capabilities"]
        self.assertNotIn("logging", modern)

    def test_tools_list_pages_with_an_opaque_cursor(self):
        self.env["ir.config_parameter"].sudo().set_param("mcp_gateway.list_page_size", "2")
        names, cursor, pages = [], None, 0
        while True:
            result = self._result("tools/list", {"cursor": cursor} if cursor else {})
            names += [tool["name"] for tool in result["tools"]]
            pages += 1
            cursor = result.get("nextCursor")
            if not cursor:
                break
        expected = self.env["mcp.tool"].with_user(self.mcp_user)._get_callable_tools()
        self.assertEqual(names, expected.mapped("name"))
        self.assertEqual(pages, (len(names) + 1) // 2)
        for bad in ("garbage", "eyJrIjogInByb21wdHMiLCAibyI6IDJ9"):  # the last: another list's
            response = self._rpc("tools/list", {"cursor": bad}, headers=LEGACY)
            self.assertEqual(response.json()["error"]["code"], -32602, bad)
        response = self._modern_rpc("tools/list", {"cursor": "garbage"})
        self.assertEqual(response.status_code, 400)

    def test_tools_list_order_is_deterministic(self):
        first = self._result("tools/list")["tools"]
        second = self._result("tools/list")["tools"]
        self.assertEqual(first, second)

    def test_record_resources(self):
        templates = self._result("resources/templates/list")["resourceTemplates"]
        self.assertEqual(templates[0]["uriTemplate"], "odoo://{model}/{id}")
        listed = self._result("resources/list")["resources"]
        self.assertIn(f"odoo://res.users/{self.mcp_user.id}", [r["uri"] for r in listed])

        partner = self.env["res.partner"].create({"name": "MCP Resource Partner"})
        uri = f"odoo://res.partner/{partner.id}"
        contents = self._result("resources/read", {"uri": uri})["contents"]
        self.assertEqual(contents[0]["uri"], uri)
        self.assertEqual(contents[0]["mimeType"], "application/json")
        self.assertEqual(json.loads(contents[0]["text"])["name"], "MCP Resource Partner")

    def test_missing_or_forbidden_resources(self):
        for uri in ("odoo://res.partner/987654321", "odoo://no.such.model/1",
                    "odoo://account.move/1", "odoo://res.partner/abc", "https://x/1"):
            response = self._rpc("resources/read", {"uri": uri}, headers=LEGACY)
            error = response.json()["error"]
            self.assertEqual(error["code"], -32002, uri)
            self.assertEqual(error["data"]["uri"], uri)
            modern = self._modern_rpc("resources/read", {"uri": uri},
                                      headers={"Mcp-Name": uri})
            self.assertEqual(modern.status_code, 400, uri)
            self.assertEqual(modern.json()["error"]["code"], -32602, uri)

    def test_record_resources_follow_the_read_records_tool(self):
        uri = f"odoo://res.users/{self.mcp_user.id}"
        self.assertIn("result", self._rpc("resources/read", {"uri": uri},
                                          headers=LEGACY).json())
        self.env.ref("mcp_gateway.tool_read_records").active = False
        response = self._rpc("resources/read", {"uri": uri}, headers=LEGACY).json()
        self.assertEqual(response["error"]["code"], -32002)
        listed = self._result("resources/list")["resources"]
        self.assertNotIn(uri, [r["uri"] for r in listed])

    def test_record_resources_are_read_through_read_records(self):
        """A resource read uses the read_records tool's field policy and is
        audited like a call of that tool, found or not."""
        tool = self.env.ref("mcp_gateway.tool_read_records")
        partner_fields = self.env["ir.model.fields"].search([("model", "=", "res.partner")])

        def field(name):
            return partner_fields.filtered(lambda f: f.name == name)

        tool.write({"default_field_ids": [(6, 0, (field("name") | field("email")
                                                  | field("phone")).ids)],
                    "hidden_field_ids": [(6, 0, field("email").ids)]})
        partner = self.env["res.partner"].create(
            {"name": "MCP Governed Partner", "email": "hidden@example.com", "phone": "+1 555"})
        uri = f"odoo://res.partner/{partner.id}"
        calls = self.env["mcp.call"].sudo()
        before = calls.search_count([])

        record = json.loads(self._result("resources/read", {"uri": uri})["contents"][0]["text"])
        self.assertEqual(record["name"], "MCP Governed Partner")
        self.assertEqual(record["phone"], "+1 555")
        self.assertNotIn("email", record)
        self.assertNotIn("hidden@example.com", json.dumps(record))

        missing = "odoo://res.partner/987654321"
        self.assertIn("error", self._rpc("resources/read", {"uri": missing},
                                         headers=LEGACY).json())
        self.assertEqual(calls.search_count([]), before + 2)
        failed, read = calls.search([], limit=2)
        self.assertEqual((read.method, read.tool_id, read.arguments, read.outcome,
                          read.user_id), ("resources/read", tool, {"uri": uri}, "success",
                                          self.mcp_user))
        self.assertEqual((failed.method, failed.outcome), ("resources/read", "protocol_error"))
        self.assertIn("No record", failed.error_message)

    def test_record_resources_count_against_rate_limits(self):
        self.env["ir.config_parameter"].sudo().set_param(
            "mcp_gateway.rate_limit_user_per_day", 2)
        uri = f"odoo://res.users/{self.mcp_user.id}"
        for _ in range(2):
            self._result("resources/read", {"uri": uri})
        refused = self._rpc("resources/read", {"uri": uri}, headers=LEGACY).json()["error"]
        self.assertEqual(refused["code"], -32000)
        self.assertIn("Rate limit reached", refused["message"])
        modern = self._modern_rpc("resources/read", {"uri": uri}, headers={"Mcp-Name": uri})
        self.assertEqual(modern.status_code, 429)
        self.assertEqual(modern.json()["error"]["code"], -32000)
        last = self.env["mcp.call"].sudo().search([], limit=1)
        self.assertEqual((last.method, last.outcome), ("resources/read", "tool_error"))

    def test_modern_resource_read_has_cache_hints(self):
        uri = f"odoo://res.users/{self.mcp_user.id}"
        response = self._modern_rpc("resources/read", {"uri": uri}, headers={"Mcp-Name": uri})
        result = response.json()["result"]
        self.assertEqual(result["cacheScope"], "private")
        self.assertIn("ttlMs", result)

    def test_prompts(self):
        prompts = {p["name"]: p for p in self._result("prompts/list")["prompts"]}
        self.assertIn("summarize_open_quotations", prompts)  # Sales is installed
        self.assertIn("check_product_stock", prompts)  # Inventory is installed
        got = self._result("prompts/get", {"name": "check_product_stock",
                                           "arguments": {"product": "Desk"}})
        self.assertIn("Desk", got["messages"][0]["content"]["text"])
        missing = self._rpc("prompts/get", {"name": "check_product_stock", "arguments": {}},
                            headers=LEGACY)
        self.assertEqual(missing.json()["error"]["code"], -32602)
        unknown = self._rpc("prompts/get", {"name": "nope"}, headers=LEGACY)
        self.assertEqual(unknown.json()["error"]["code"], -32602)
        self.assertTrue(all(p.get("title") for p in prompts.values()))

    def test_titles_only_from_2025_06_18(self):
        lists = (("prompts/list", "prompts"), ("resources/list", "resources"),
                 ("resources/templates/list", "resourceTemplates"))
        for method, key in lists:
            old = self._rpc(method, {}, headers={"MCP-Protocol-Version": "2025-03-26"})
            items = old.json()["result"][key]
            self.assertTrue(items, method)
            self.assertFalse([item for item in items if "title" in item], method)
            new = self._rpc(method, {}, headers={"MCP-Protocol-Version": "2025-06-18"})
            items = new.json()["result"][key]
            self.assertTrue(all(item.get("title") for item in items), method)

    def test_completion_of_models_and_fields(self):
        result = self._result("completion/complete", {
            "ref": {"type": "ref/prompt", "name": "explore_model"},
            "argument": {"name": "model", "value": "res.part"}})
        self.assertIn("res.partner", result["completion"]["values"])
        self.assertFalse(any(not v.startswith("res.part") for v in result["completion"]["values"]))
        result = self._result("completion/complete", {
            "ref": {"type": "ref/prompt", "name": "explore_model"},
            "argument": {"name": "field", "value": "countr"},
            "context": {"arguments": {"model": "res.partner"}}})
        self.assertIn("country_id", result["completion"]["values"])
        # Models the user may not read are not offered.
        result = self._result("completion/complete", {
            "ref": {"type": "ref/resource", "uri": "odoo://{model}/{id}"},
            "argument": {"name": "model", "value": "account.mo"}})
        self.assertNotIn("account.move", result["completion"]["values"])
