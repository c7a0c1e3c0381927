"""The tool kinds beyond plain reading: aggregates, generic writes, model-method
tools, server-action tools defined in the UI, and the playground."""

import json

from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form, new_test_user, tagged

from .common import MCP_USER_GROUPS
from .test_tool_contracts import ToolContractCase


@tagged("post_install", "-at_install")
class TestAggregateRecords(ToolContractCase):
    def test_group_by_with_measures_matches_the_orm(self):
        result = self.assertToolOk(
            self.call_tool(
                "aggregate_records",
                {
                    "model": "sale.order",
                    "group_by": ["partner_id"],
                    "measures": ["amount_total:sum"],
                    "limit": 500,
                },
                key=self.admin_key,
            )
        )
        self.assertMatchesOutputSchema("aggregate_records", result, key=self.admin_key)
        admin_orders = self.env["sale.order"].with_user(self.env.ref("base.user_admin"))
        expected = {
            partner.id: (count, total)
            for partner, count, total in admin_orders._read_group(
                [], ["partner_id"], ["__count", "amount_total:sum"]
            )
        }
        self.assertTrue(expected, "demo sale orders expected")
        got = {
            group["partner_id"][0]: (group["count"], group["amount_total:sum"])
            for group in result["groups"]
        }
        self.assertEqual(got, expected)
        self.assertFalse(result["has_more"])
        counts = [group["count"] for group in result["groups"]]
        self.assertEqual(counts, sorted(counts, reverse=True))

    def _all_group_pages(self, arguments):
        pages, cursor = [], None
        while True:
            page = self.assertToolOk(self.call_tool(
                "aggregate_records", {**arguments, **({"cursor": cursor} if cursor else {})},
                key=self.admin_key))
            self.assertMatchesOutputSchema("aggregate_records", page, key=self.admin_key)
            pages.append(page)
            if not page["has_more"]:
                self.assertIsNone(page["next_cursor"])
                return pages
            cursor = page["next_cursor"]
            self.assertLess(len(pages), 50, "paging does not end")

    def test_groups_page_by_cursor_and_under_the_budget(self):
        """Pages of groups, by limit or by byte budget, add up to the whole
        grouping: every partner once, with the ORM's count and total."""
        arguments = {"model": "sale.order", "group_by": ["partner_id", "date_order:day"],
                     "measures": ["amount_total:sum", "amount_untaxed:sum"]}
        everything = self.assertToolOk(self.call_tool(
            "aggregate_records", {**arguments, "limit": 500}, key=self.admin_key))
        self.assertFalse(everything["has_more"])
        self.assertGreater(len(json.dumps(everything)), 1200)  # over the budget below

        def key(group):
            return (tuple(group["partner_id"]), group["date_order:day"])

        expected = {key(g): (g["count"], g["amount_total:sum"])
                    for g in everything["groups"]}
        arguments["limit"] = 2
        by_limit = self._all_group_pages(arguments)
        self.assertTrue(all(len(page["groups"]) <= 2 for page in by_limit))

        tool = self.env.ref("mcp_gateway.tool_aggregate_records")
        tool.response_budget = 1000
        by_budget = self._all_group_pages({**arguments, "limit": 500})
        self.assertGreater(len(by_budget), 1)
        for page in by_budget:
            text = json.dumps(page, ensure_ascii=False, separators=(",", ":"))
            self.assertLessEqual(len(text.encode()), 1000)
        self.assertIn("Response budget of 1000 bytes", by_budget[0]["note"])

        for pages in (by_limit, by_budget):
            got = [(key(g), (g["count"], g["amount_total:sum"]))
                   for page in pages for g in page["groups"]]
            self.assertEqual(len(got), len(expected))
            self.assertEqual(dict(got), expected)

        tampered = self.call_tool("aggregate_records", {
            **arguments, "group_by": ["state"], "cursor": by_limit[0]["next_cursor"]},
            key=self.admin_key)
        self.assertToolError(tampered, "Invalid cursor")

    def test_dates_by_period_and_caps(self):
        result = self.assertToolOk(
            self.call_tool(
                "aggregate_records",
                {
                    "model": "sale.order",
                    "group_by": ["date_order:month", "state"],
                    "limit": 1,
                },
                key=self.admin_key,
            )
        )
        self.assertEqual(len(result["groups"]), 1)
        self.assertTrue(result["has_more"])
        self.assertRegex(result["groups"][0]["date_order:month"], r"^\d{4}-\d{2}-01")
        total = self.assertToolOk(
            self.call_tool(
                "aggregate_records", {"model": "sale.order"}, key=self.admin_key
            )
        )
        self.assertEqual(
            total["groups"][0]["count"], self.env["sale.order"].search_count([])
        )

    def test_datetime_periods_are_local_dates(self):
        """An order placed at 23:30 UTC falls on the next day in Brussels."""
        admin = self.env.ref("base.user_admin")
        admin.tz = "Europe/Brussels"
        order = self.env["sale.order"].create({
            "partner_id": self.env.ref("base.res_partner_2").id,
            "date_order": "2021-03-14 23:30:00", "client_order_ref": "tz-check"})
        result = self.assertToolOk(self.call_tool("aggregate_records", {
            "model": "sale.order", "domain": [["id", "=", order.id]],
            "group_by": ["date_order:day", "partner_id"]}, key=self.admin_key))
        self.assertMatchesOutputSchema("aggregate_records", result, key=self.admin_key)
        self.assertEqual(result["tz"], "Europe/Brussels")
        group = result["groups"][0]
        self.assertEqual(group["date_order:day"], "2021-03-15")
        self.assertEqual(group["partner_id"], [order.partner_id.id,
                                               order.partner_id.display_name])

    def test_bad_specs_are_tool_errors(self):
        self.assertToolError(
            self.call_tool(
                "aggregate_records", {"model": "res.partner", "measures": ["name:sum"]}
            ),
            "numeric",
        )
        self.assertToolError(
            self.call_tool(
                "aggregate_records",
                {"model": "res.partner", "group_by": ["no_such_field"]},
            ),
            "no_such_field",
        )
        self.assertToolError(
            self.call_tool(
                "aggregate_records",
                {"model": "res.partner", "measures": ["credit:median"]},
            ),
            "rule: pattern",
        )
        self.assertToolError(
            self.call_tool(
                "aggregate_records", {"model": "account.move", "group_by": ["state"]}
            ),
            "Access denied",
        )


@tagged("post_install", "-at_install")
class TestWriteTools(ToolContractCase):
    def test_write_tools_are_off_and_marked(self):
        tools = self._tools(key=self.manager_key)
        self.assertFalse(
            {"create_record", "update_records", "delete_records"} & set(tools)
        )
        records = (
            self.env["mcp.tool"]
            .with_context(active_test=False)
            .search(
                [("kind", "in", ("create_record", "update_records", "delete_records"))]
            )
        )
        self.assertEqual(len(records), 3)
        self.assertEqual(set(records.mapped("category")), {"write"})
        self.assertFalse(any(records.mapped("read_only_hint")))
        delete = records.filtered(lambda t: t.kind == "delete_records")
        self.assertTrue(delete.destructive_hint)
        with self.assertRaises(ValidationError):
            delete.category = "read"
        with self.assertRaises(ValidationError):
            delete.read_only_hint = True

        delete.active = True
        listed = self._tools(key=self.manager_key)["delete_records"]["annotations"]
        self.assertEqual(
            (listed["readOnlyHint"], listed["destructiveHint"]), (False, True)
        )

    def test_create_update_delete_as_the_caller(self):
        for xmlid in (
            "tool_create_record",
            "tool_update_records",
            "tool_delete_records",
        ):
            self.env.ref(f"mcp_gateway.{xmlid}").active = True
        admin_key = self.admin_key
        tags = "res.partner.category"

        created = self.assertToolOk(
            self.call_tool(
                "create_record",
                {"model": tags, "values": {"name": "MCP Tag", "color": 2}},
                key=admin_key,
            )
        )
        self.assertMatchesOutputSchema("create_record", created, key=admin_key)
        tag = self.env[tags].browse(created["id"])
        self.assertEqual((tag.name, tag.color), ("MCP Tag", 2))

        self.assertToolOk(
            self.call_tool(
                "update_records",
                {"model": tags, "ids": [tag.id], "values": {"color": 5}},
                key=admin_key,
            )
        )
        self.assertEqual(tag.color, 5)

        # A plain user may read tags but not change them: the ORM says no.
        self.assertToolError(
            self.call_tool(
                "update_records",
                {"model": tags, "ids": [tag.id], "values": {"color": 7}},
            ),
            "Access denied",
        )
        self.assertToolError(
            self.call_tool("delete_records", {"model": tags, "ids": [tag.id]}),
            "Access denied",
        )
        self.assertEqual(tag.color, 5)

        deleted = self.assertToolOk(
            self.call_tool(
                "delete_records", {"model": tags, "ids": [tag.id]}, key=admin_key
            )
        )
        self.assertEqual(deleted["ids"], [tag.id])
        self.assertMatchesOutputSchema("delete_records", deleted, key=admin_key)
        self.assertFalse(tag.exists())


@tagged("post_install", "-at_install")
class TestModelMethodTools(ToolContractCase):
    def _method_tool(self, name, model, method):
        return self._bound_tool(name, "model_method", model, method_name=method)

    def test_private_and_missing_methods_are_refused_on_save(self):
        for method in (
            "_compute_display_name",
            "exists",
            "check_access",
            "no_such_method",
        ):
            with self.subTest(method=method), self.assertRaises(ValidationError):
                self._method_tool("bad_tool", "res.partner", method)

    def test_calls_only_its_own_method_of_its_own_model(self):
        self._method_tool("archive_partners", "res.partner", "action_archive")
        partner = self.env["res.partner"].create({"name": "MCP Archivable"})
        schema = self._tools(key=self.admin_key)["archive_partners"]["inputSchema"]
        # A method tool changes data: it takes the optional "company" as well.
        self.assertEqual(set(schema["properties"]), {"ids", "company"})
        self.assertFalse(schema["additionalProperties"])

        for arguments in (
            {"ids": [partner.id], "method": "unlink"},
            {"ids": [partner.id], "model": "res.users"},
            {"ids": [partner.id], "arguments": {"method": "unlink"}},
        ):
            self.assertToolError(
                self.call_tool("archive_partners", arguments, key=self.admin_key),
                "rule: additionalProperties",
            )
        self.assertTrue(partner.exists() and partner.active)

        self.assertToolOk(
            self.call_tool(
                "archive_partners", {"ids": [partner.id]}, key=self.admin_key
            )
        )
        self.assertTrue(partner.exists())
        self.assertFalse(partner.active)

    def test_unlink_only_when_it_is_the_configured_method(self):
        self._method_tool("remove_partners", "res.partner", "unlink")
        partner = self.env["res.partner"].create({"name": "MCP Removable"})
        self.assertToolOk(
            self.call_tool("remove_partners", {"ids": [partner.id]}, key=self.admin_key)
        )
        self.assertFalse(partner.exists())

    def test_arguments_bound_to_the_signature(self):
        self._method_tool("partner_addresses", "res.partner", "address_get")
        partner = self.env["res.partner"].create(
            {"name": "MCP Addressed", "is_company": True}
        )
        schema = self._tools(key=self.admin_key)["partner_addresses"]["inputSchema"]
        self.assertEqual(
            set(schema["properties"]["arguments"]["properties"]), {"adr_pref"}
        )
        result = self.assertToolOk(
            self.call_tool(
                "partner_addresses",
                {"ids": [partner.id], "arguments": {"adr_pref": ["invoice"]}},
                key=self.admin_key,
            )
        )
        self.assertEqual(result["result"]["invoice"], partner.id)
        self.assertMatchesOutputSchema("partner_addresses", result, key=self.admin_key)
        self.assertToolError(
            self.call_tool(
                "partner_addresses",
                {"ids": [partner.id], "arguments": {"bogus": 1}},
                key=self.admin_key,
            ),
            "'bogus' was unexpected",
        )
        self.assertToolError(
            self.call_tool("partner_addresses", {}, key=self.admin_key),
            "'ids' is a required property",
        )


@tagged("post_install", "-at_install")
class TestServerActionTools(ToolContractCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.runners = cls.env["res.groups"].create({"name": "MCP Action Runners"})
        cls.runner = new_test_user(cls.env, "mcp_runner", groups=MCP_USER_GROUPS)
        # may edit contacts, as the action does
        cls.runner.group_ids += cls.runners | cls.env.ref("base.group_partner_manager")
        cls.runner_key = cls._make_key(cls.runner)
        cls.action = cls.env["ir.actions.server"].create(
            {
                "name": "MCP Tag Partner",
                "model_id": cls.env["ir.model"]._get_id("res.partner"),
                "state": "code",
                "code": (
                    "arguments = env.context['mcp_arguments']\n"
                    "records.write({'comment': arguments['note']})\n"
                    "action = {'tagged': records.ids, 'by': env.user.login}\n"
                ),
            }
        )

    def _make_tool_in_the_ui(self, schema):
        form = Form(self.env["mcp.tool"].with_user(self.mcp_manager))
        form.name = "note_partners"
        form.kind = "server_action"
        form.server_action_id = self.action
        form.custom_schema_text = json.dumps(schema)
        form.group_ids.add(self.runners)
        return form.save()

    def test_a_server_fault_is_neutral_logged_recorded_and_undone(self):
        """An action that writes, then fails in a way no user can fix: the
        client gets a neutral message, the log gets the traceback and the
        one-line call record, the audit log the call, and the write is undone."""
        self.action.code = (
            "records.write({'comment': env.context['mcp_arguments']['note']})\n"
            "total = 1 / 0\n"
        )
        self._make_tool_in_the_ui({
            "type": "object", "additionalProperties": False, "required": ["ids", "note"],
            "properties": {"ids": {"type": "array", "items": {"type": "integer"}},
                           "note": {"type": "string"}}})
        partner = self.env["res.partner"].create(
            {"name": "MCP Fault", "comment": "before"})
        with self.assertLogs("odoo.addons.mcp_gateway.protocol.tool_calls") as logs:
            result = self.call_tool(
                "note_partners", {"ids": [partner.id], "note": "half done"},
                key=self.runner_key)
        text = self.assertToolError(result, "Internal error", "Nothing was changed")
        self.assertNotIn("ZeroDivision", text)
        self.assertNotIn("Traceback", text)
        self.assertTrue(any("ZeroDivisionError" in line and "Traceback" in line
                            for line in logs.output), logs.output)
        self.assertTrue(any("MCP tools/call note_partners by mcp_runner" in line
                            and "server_error in" in line for line in logs.output),
                        logs.output)
        partner.invalidate_recordset()
        self.assertEqual(str(partner.comment), "<p>before</p>")
        call = self.env["mcp.call"].sudo().search(
            [("tool_name", "=", "note_partners")], order="id desc", limit=1)
        self.assertEqual(call.outcome, "server_error")
        self.assertEqual(call.user_id, self.runner)
        self.assertNotIn("1 / 0", call.error_message or "")

    def test_listed_and_callable_for_its_group_only(self):
        tool = self._make_tool_in_the_ui(
            {
                "type": "object",
                "additionalProperties": False,
                "required": ["ids", "note"],
                "properties": {
                    "ids": {"type": "array", "items": {"type": "integer"}},
                    "note": {"type": "string", "maxLength": 200},
                },
            }
        )
        self.assertEqual((tool.category, tool.read_only_hint), ("write", False))
        partner = self.env["res.partner"].create({"name": "MCP Noted"})

        listed = self._tools(key=self.runner_key)
        self.assertEqual(
            listed["note_partners"]["inputSchema"]["required"], ["ids", "note"]
        )
        self.assertIn("MCP Tag Partner", listed["note_partners"]["description"])
        self.assertNotIn("note_partners", self._tools(key=self.user_key))

        result = self.assertToolOk(
            self.call_tool(
                "note_partners",
                {"ids": [partner.id], "note": "called by MCP"},
                key=self.runner_key,
            )
        )
        self.assertEqual(result["result"], {"tagged": [partner.id], "by": "mcp_runner"})
        self.assertMatchesOutputSchema("note_partners", result, key=self.runner_key)
        self.assertIn("called by MCP", str(partner.comment))

        response = self._rpc(
            "tools/call",
            {
                "name": "note_partners",
                "arguments": {"ids": [partner.id], "note": "not me"},
            },
            key=self.user_key,
        )
        self.assertEqual(response.json()["error"]["code"], -32602)
        self.assertToolError(
            self.call_tool("note_partners", {"ids": [partner.id]}, key=self.runner_key),
            "'note' is a required",
        )
        self.assertNotIn("not me", str(partner.comment))

    def test_schema_is_checked_on_save(self):
        for text in (
            "{not json",
            '{"type": "array"}',
            '{"type": "object", "required": 3}',
        ):
            with self.subTest(text=text), self.assertRaises(ValidationError):
                self.env["mcp.tool"].create(
                    {
                        "name": "broken_tool",
                        "kind": "server_action",
                        "server_action_id": self.action.id,
                        "custom_schema_text": text,
                    }
                )
        with self.assertRaises(ValidationError):
            self.env["mcp.tool"].create({"name": "no_action", "kind": "server_action"})


@tagged("post_install", "-at_install")
class TestPlayground(ToolContractCase):
    def test_manager_runs_a_tool_and_sees_the_client_answer(self):
        tool = self.env.ref("mcp_gateway.tool_count_records")
        action = tool.with_user(self.mcp_manager).action_open_playground()
        self.assertEqual(action["res_model"], "mcp.tool.playground")
        # Through the form view, as the manager opens it from the tool.
        form = Form(
            self.env["mcp.tool.playground"]
            .with_user(self.mcp_manager)
            .with_context(action["context"])
        )
        self.assertEqual(json.loads(form.arguments_text), {"model": ""})
        form.arguments_text = '{"model": "res.partner"}'
        wizard = form.save()
        self.assertEqual(wizard.tool_id, tool)
        wizard.action_run()

        answer = json.loads(wizard.response_text)
        self.assertEqual(answer["jsonrpc"], "2.0")
        expected = self.env["res.partner"].with_user(self.mcp_manager).search_count([])
        self.assertEqual(answer["result"]["structuredContent"]["count"], expected)
        self.assertFalse(wizard.is_error)
        call = self.env["mcp.call"].search(
            [("tool_id", "=", tool.id)], order="id desc", limit=1
        )
        self.assertEqual(
            (call.user_id, call.client_name, call.outcome),
            (self.mcp_manager, "Odoo playground", "success"),
        )

        wizard.arguments_text = '{"model": 3}'
        wizard.action_run()
        self.assertTrue(wizard.is_error)
        self.assertIn(
            "rule: type",
            json.loads(wizard.response_text)["result"]["content"][0]["text"],
        )

        wizard.arguments_text = "{oops"
        with self.assertRaises(UserError):
            wizard.action_run()

    def test_users_cannot_open_it(self):
        with self.assertRaises(AccessError):
            self.env["mcp.tool.playground"].with_user(self.mcp_user).create(
                {"tool_id": self.env.ref("mcp_gateway.tool_count_records").id}
            )
        self.assertEqual(
            self.env.ref("mcp_gateway.menu_mcp_tool_playground").group_ids,
            self.env.ref("mcp_gateway.group_mcp_manager"),
        )
