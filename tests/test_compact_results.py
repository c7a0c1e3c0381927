"""Compact results, default fields, signed cursors, byte budgets and resource
links, through real HTTP as real users."""

import datetime
import json

import jsonschema

from odoo.exceptions import ValidationError
from odoo.tests import new_test_user, tagged

from .common import MCP_USER_GROUPS, McpHttpCase

SALESMAN_GROUPS = MCP_USER_GROUPS + ",sales_team.group_sale_salesman"


@tagged("post_install", "-at_install")
class TestCompactResults(McpHttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.search_tool = cls.env.ref("mcp_gateway.tool_search_records")
        cls.read_tool = cls.env.ref("mcp_gateway.tool_read_records")
        # Thirty partners with long names: several pages under a small budget.
        cls.partners = cls.env["res.partner"].create([
            {"name": f"MCP Budget {i:02d} " + "x" * 120} for i in range(30)
        ])
        cls.domain = [["id", "in", cls.partners.ids]]

    def _search(self, key=None, **arguments):
        return self.call_tool("search_records", {"model": "res.partner", **arguments}, key=key)

    def _all_pages(self, tool_name, arguments):
        """Follow next_cursor to the end; every page as returned."""
        pages, cursor = [], None
        while True:
            result = self.call_tool(
                tool_name, {**arguments, **({"cursor": cursor} if cursor else {})})
            page = self.assertToolOk(result)
            pages.append((result, page))
            if not page["has_more"]:
                return pages
            cursor = page["next_cursor"]
            self.assertTrue(cursor)
            self.assertLess(len(pages), 40, "paging does not end")

    # ------------------------------------------------------------------
    # Byte budget and cursors
    # ------------------------------------------------------------------

    def test_pages_under_the_budget_cover_the_list_exactly(self):
        """A list larger than the budget comes in pages within the budget whose
        union is the full result, in order, with no duplicate and no gap; each
        cut page says what it left out."""
        self.search_tool.response_budget = 1500
        expected = self.env["res.partner"].search(
            [("id", "in", self.partners.ids)], order="name asc, id")
        arguments = {"domain": self.domain, "fields": ["name", "email"], "limit": 30,
                     "order": "name asc", "model": "res.partner"}

        pages = self._all_pages("search_records", arguments)
        self.assertGreater(len(pages), 2, "the budget should have cut the list")
        seen = [record["id"] for _result, page in pages for record in page["records"]]
        self.assertEqual(seen, expected.ids)
        for result, page in pages:
            self.assertLessEqual(len(result["content"][0]["text"].encode()), 1500)
            self.assertEqual(page["total"], 30)
            self.assertEqual(page["count"], len(page["records"]))
        for _result, page in pages[:-1]:
            self.assertIn("Response budget of 1500 bytes reached", page["note"])
            self.assertIn("left out", page["note"])
        self.assertIsNone(pages[-1][1]["next_cursor"])

    def test_read_records_pages_under_the_budget(self):
        self.read_tool.response_budget = 1200
        ids = list(reversed(self.partners.ids))
        pages = self._all_pages("read_records", {"model": "res.partner", "ids": ids,
                                                 "fields": ["name"]})
        self.assertGreater(len(pages), 1)
        self.assertEqual([r["id"] for _res, page in pages for r in page["records"]], ids)

    def test_limit_pages_without_budget_cut(self):
        pages = self._all_pages("search_records", {
            "model": "res.partner", "domain": self.domain, "fields": ["name"], "limit": 7})
        self.assertEqual([len(page["records"]) for _res, page in pages], [7, 7, 7, 7, 2])
        seen = [r["id"] for _res, page in pages for r in page["records"]]
        self.assertEqual(sorted(seen), sorted(self.partners.ids))
        self.assertEqual(len(set(seen)), 30)

    def test_offset_then_cursor_with_the_same_arguments(self):
        """A first page at an offset, then its cursor with the other arguments
        repeated unchanged (offset included), as the cursor's description says."""
        pages = self._all_pages("search_records", {
            "model": "res.partner", "domain": self.domain, "fields": ["name"],
            "limit": 7, "offset": 10, "order": "id"})
        seen = [r["id"] for _res, page in pages for r in page["records"]]
        self.assertEqual(seen, sorted(self.partners.ids)[10:])
        self.assertEqual({page["total"] for _res, page in pages}, {30})

    def test_offset_past_the_end_keeps_the_true_total(self):
        page = self.assertToolOk(self._search(domain=self.domain, offset=1000))
        self.assertEqual(page["records"], [])
        self.assertEqual(page["total"], 30)
        self.assertFalse(page["has_more"])

    def test_tampered_or_foreign_cursor_is_refused(self):
        arguments = {"domain": self.domain, "fields": ["name"], "limit": 5}
        first = self.assertToolOk(self._search(**arguments))
        cursor = first["next_cursor"]
        second = self.assertToolOk(self._search(cursor=cursor, **arguments))
        self.assertNotEqual(first["records"][0]["id"], second["records"][0]["id"])

        tampered = cursor[:-2] + ("AA" if cursor[-2:] != "AA" else "BB")
        for bad_arguments in (
            {**arguments, "cursor": tampered},
            {**arguments, "cursor": "not-a-cursor"},
            # The cursor of one query is refused for another domain, fields, order.
            {**arguments, "domain": self.domain[:0], "cursor": cursor},
            {**arguments, "fields": ["name", "email"], "cursor": cursor},
            {**arguments, "order": "id desc", "cursor": cursor},
        ):
            self.assertToolError(self._search(**bad_arguments), "Invalid cursor")
        # Another user, another tool: refused as well.
        self.assertToolError(
            self._search(key=self.manager_key, cursor=cursor, **arguments), "Invalid cursor")
        self.assertToolError(self.call_tool("read_records", {
            "model": "res.partner", "ids": self.partners.ids[:5], "fields": ["name"],
            "cursor": cursor}), "Invalid cursor")

    def test_changed_set_between_pages_is_said(self):
        arguments = {"domain": self.domain, "fields": ["name"], "limit": 5, "order": "id"}
        first = self.assertToolOk(self._search(**arguments))
        self.env["res.partner"].browse(first["records"][-1]["id"]).unlink()
        second = self.assertToolOk(self._search(cursor=first["next_cursor"], **arguments))
        self.assertIn("changed since the previous page", second["note"])

    def test_budget_below_minimum_is_refused(self):
        with self.assertRaises(ValidationError):
            self.search_tool.response_budget = 10

    # ------------------------------------------------------------------
    # Value formats
    # ------------------------------------------------------------------

    def test_datetimes_in_the_user_timezone_and_amounts_with_currency(self):
        salesman = new_test_user(self.env, "mcp_salesman_tz", groups=SALESMAN_GROUPS,
                                 tz="Asia/Kolkata")
        order = self.env["sale.order"].create({
            "partner_id": self.env.ref("base.res_partner_2").id,
            "user_id": salesman.id,
            "date_order": datetime.datetime(2025, 1, 15, 10, 0, 0),
            "order_line": [(0, 0, {"product_id": self.env.ref("product.product_product_4").id,
                                   "product_uom_qty": 3, "price_unit": 33.335})],
        })
        result = self.assertToolOk(self.call_tool("read_records", {
            "model": "sale.order", "ids": [order.id],
            "fields": ["date_order", "amount_total", "state", "order_line", "user_id"],
        }, key=self._make_key(salesman)))

        record = result["records"][0]
        self.assertEqual(result["tz"], "Asia/Kolkata")
        self.assertEqual(record["date_order"], "2025-01-15T15:30:00")  # UTC+05:30
        currency = order.currency_id
        self.assertEqual(record["amount_total"],
                         [round(order.amount_total, currency.decimal_places), currency.name])
        self.assertEqual(record["user_id"], [salesman.id, salesman.name])
        self.assertEqual(record["state"], "draft")
        labels = dict(self.env["sale.order"].with_user(salesman)._fields["state"]
                      ._description_selection(self.env))
        self.assertEqual(result["labels"], {"state": {"draft": labels["draft"]}})
        self.assertEqual(record["order_line"], {"count": 1, "ids": order.order_line.ids})

    def test_x2many_summary_and_how_to_read_the_rest(self):
        tags = self.env["res.partner.category"].create(
            [{"name": f"MCP Tag {i}"} for i in range(7)])
        parent = self.env["res.partner"].create({
            "name": "MCP Parent", "category_id": [(6, 0, tags.ids)],
            "child_ids": [(0, 0, {"name": f"MCP Child {i}"}) for i in range(3)],
        })
        child = parent.child_ids[0]
        result = self.assertToolOk(self.call_tool("read_records", {
            "model": "res.partner", "ids": [parent.id, child.id],
            "fields": ["name", "category_id", "child_ids"]}))
        record, child_record = result["records"]
        self.assertEqual(record["category_id"]["count"], 7)
        self.assertEqual(len(record["category_id"]["ids"]), 5)
        self.assertLessEqual(set(record["category_id"]["ids"]), set(tags.ids))
        self.assertEqual(record["child_ids"], {"count": 3, "ids": parent.child_ids.ids})
        self.assertEqual(child_record, {"id": child.id, "name": child.name})  # empty: left out

        relations = result["relations"]
        self.assertEqual(set(relations), {"category_id", "child_ids"})
        # The hint reads every tag and every child.
        for field, expected in (("category_id", tags), ("child_ids", parent.child_ids)):
            relation = relations[field]
            domain = json.loads(json.dumps(relation["domain"]).replace('"<id>"',
                                                                       str(parent.id)))
            found = self.assertToolOk(self.call_tool("search_records", {
                "model": relation["model"], "domain": domain, "fields": ["name"],
                "limit": 50}))
            self.assertEqual({r["id"] for r in found["records"]}, set(expected.ids))

    # ------------------------------------------------------------------
    # Default fields, hints, links, schema
    # ------------------------------------------------------------------

    def test_default_fields_for_sale_orders(self):
        salesman = new_test_user(self.env, "mcp_salesman_defaults", groups=SALESMAN_GROUPS)
        self.env["sale.order"].create({"partner_id": self.env.ref("base.res_partner_2").id,
                                       "user_id": salesman.id})
        result = self.assertToolOk(self.call_tool(
            "search_records", {"model": "sale.order", "limit": 20},
            key=self._make_key(salesman)))
        record = result["records"][0]
        for name in ("name", "state", "date_order", "partner_id", "amount_total", "user_id"):
            self.assertIn(name, record)
        self.assertIsInstance(record["amount_total"], list)
        self.assertNotIn("currency_id", record)

        self.search_tool.default_field_ids = [
            self.env.ref("sale.field_sale_order__name").id,
            self.env.ref("sale.field_sale_order__partner_id").id]
        result = self.assertToolOk(self.call_tool(
            "search_records", {"model": "sale.order"}, key=self._make_key(salesman)))
        self.assertEqual(set(result["records"][0]), {"id", "name", "partner_id"})

    def test_default_fields_of_a_bound_tool_are_checked(self):
        tool = self.env["mcp.tool"].create({
            "name": "search_sale_orders", "kind": "search_records",
            "model_id": self.env.ref("sale.model_sale_order").id,
        })
        with self.assertRaises(ValidationError):
            tool.default_field_ids = [self.env.ref("base.field_res_partner__name").id]

    def test_large_matches_suggest_aggregate_records(self):
        result = self.assertToolOk(self._search(domain=self.domain, fields=["name"], limit=2))
        self.assertIn("30 records match", result["note"])
        self.assertIn("aggregate_records", result["note"])
        small = self.assertToolOk(self._search(domain=self.domain, fields=["name"], limit=20))
        self.assertNotIn("aggregate_records", small["note"])

    def test_records_come_with_resource_links(self):
        result = self.call_tool("search_records", {
            "model": "res.partner", "domain": self.domain, "fields": ["name"], "limit": 12})
        page = self.assertToolOk(result)
        links = [block for block in result["content"] if block["type"] == "resource_link"]
        self.assertEqual(len(links), 10)
        self.assertEqual(
            [link["uri"] for link in links],
            [f"odoo://res.partner/{record['id']}" for record in page["records"][:10]])
        self.assertEqual(links[0]["name"], page["records"][0]["name"])

        # Revision 2025-03-26 has no resource links: they are taken out.
        response = self._rpc("tools/call", {"name": "search_records", "arguments": {
            "model": "res.partner", "domain": self.domain, "limit": 3}},
            headers={"MCP-Protocol-Version": "2025-03-26"})
        content = response.json()["result"]["content"]
        self.assertEqual([block["type"] for block in content], ["text"])

    def test_structured_content_matches_the_output_schema(self):
        tools = {tool["name"]: tool for tool in self._rpc(
            "tools/list", {}, headers={"MCP-Protocol-Version": "2025-11-25"},
        ).json()["result"]["tools"]}
        admin_key = self._make_key(self.env.ref("base.user_admin"))
        calls = (
            ("search_records", {"model": "sale.order", "limit": 5}),
            ("search_records", {"model": "res.partner", "domain": self.domain, "limit": 2}),
            ("read_records", {"model": "account.move", "ids": self.env["account.move"].search(
                [], limit=2).ids, "fields": ["name", "line_ids", "amount_total", "date",
                                             "state", "partner_id", "create_date"]}),
            ("list_models", {"query": "sale"}),
        )
        results = []
        for name, arguments in calls:
            schema = tools[name]["outputSchema"]
            jsonschema.Draft202012Validator.check_schema(schema)
            data = self.assertToolOk(self.call_tool(name, arguments, key=admin_key))
            jsonschema.Draft202012Validator(schema).validate(data)
            results.append(data)
        # The schema is not a formality: a record without id, with a text id,
        # or with a many2one pair whose id is a text, is refused.
        validator = jsonschema.Draft202012Validator(tools["search_records"]["outputSchema"])
        validator.validate(results[0])
        for bad_record in ({"name": "no id"}, {"id": "7"}, {"id": 1, "partner_id": ["7", "A"]}):
            with self.assertRaises(jsonschema.ValidationError):
                validator.validate({**results[0], "records": [bad_record]})
