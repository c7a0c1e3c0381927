from psycopg2 import IntegrityError

from odoo.exceptions import AccessError, ValidationError
from odoo.tests import tagged
from odoo.tools import mute_logger

from .common import McpHttpCase


@tagged("post_install", "-at_install")
class TestToolCatalog(McpHttpCase):
    def _tool_names(self, key):
        response = self._rpc("tools/list", {}, key=key)
        return [tool["name"] for tool in response.json()["result"]["tools"]]

    def test_default_tools_are_listed_with_contract(self):
        response = self._rpc("tools/list", {}, headers={"MCP-Protocol-Version": "2025-11-25"})
        tools = {tool["name"]: tool for tool in response.json()["result"]["tools"]}
        self.assertEqual(
            set(tools) & {"list_models", "describe_model", "search_records",
                          "read_records", "count_records"},
            {"list_models", "describe_model", "search_records", "read_records",
             "count_records"})
        search = tools["search_records"]
        self.assertEqual(search["inputSchema"]["required"], ["model"])
        self.assertFalse(search["inputSchema"]["additionalProperties"])
        self.assertTrue(search["annotations"]["readOnlyHint"])
        self.assertEqual(search["title"], "Search records")

    def test_every_tool_has_title_annotations_and_a_valid_name(self):
        response = self._rpc("tools/list", {}, key=self.manager_key,
                             headers={"MCP-Protocol-Version": "2025-11-25"})
        tools = response.json()["result"]["tools"]
        self.assertTrue(tools)
        for tool in tools:
            self.assertRegex(tool["name"], r"^[A-Za-z0-9_.-]{1,128}$")
            self.assertTrue(tool["title"], tool["name"])
            self.assertTrue(tool["description"], tool["name"])
            self.assertEqual(tool["inputSchema"]["type"], "object", tool["name"])
            hints = tool["annotations"]
            for hint in ("readOnlyHint", "destructiveHint", "idempotentHint",
                         "openWorldHint"):
                self.assertIsInstance(hints[hint], bool, (tool["name"], hint))
        for name in ("x" * 129, "café", "a b"):
            with self.assertRaises(ValidationError), self.env.cr.savepoint():
                self.env["mcp.tool"].create({"name": name, "kind": "search_records"})
        self.env["mcp.tool"].create({"name": "a" * 128, "kind": "search_records"})

    def test_manager_only_tool_is_hidden_and_refused_for_users(self):
        tool = self.env.ref("mcp_gateway.tool_count_records")
        tool.group_ids = self.env.ref("mcp_gateway.group_mcp_manager")
        self.assertIn("count_records", self._tool_names(self.manager_key))
        self.assertNotIn("count_records", self._tool_names(self.user_key))
        response = self._rpc("tools/call", {"name": "count_records",
                                            "arguments": {"model": "res.partner"}})
        self.assertEqual(response.json()["error"]["code"], -32602)

    def test_archived_tool_is_gone(self):
        self.env.ref("mcp_gateway.tool_list_models").active = False
        self.assertNotIn("list_models", self._tool_names(self.manager_key))

    def test_tool_bound_to_a_model(self):
        tool = self.env["mcp.tool"].create({
            "name": "search_partners", "kind": "search_records",
            "model_id": self.env.ref("base.model_res_partner").id,
            "description": "Search contacts.",
        })
        self.assertNotIn("model", tool.input_schema["properties"])
        result = self.assertToolOk(self.call_tool("search_partners", {"limit": 2}))
        self.assertEqual(result["model"], "res.partner")
        self.assertToolError(self.call_tool("search_partners", {"model": "res.users"}), "model")

    def test_names_are_unique_among_active_tools_and_valid(self):
        with self.assertRaises(IntegrityError), mute_logger("odoo.sql_db"):
            with self.env.cr.savepoint():
                self.env["mcp.tool"].create({"name": "search_records", "kind": "search_records"})
        with self.assertRaises(ValidationError):
            self.env["mcp.tool"].create({"name": "bad name!", "kind": "search_records"})

    def test_only_managers_edit_tools(self):
        tool = self.env.ref("mcp_gateway.tool_search_records")
        with self.assertRaises(AccessError):
            tool.with_user(self.mcp_user).write({"description": "changed"})
        tool.with_user(self.mcp_manager).write({"description": "changed"})
        self.assertEqual(tool.description, "changed")
