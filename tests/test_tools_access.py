from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged

from .common import MCP_USER_GROUPS, McpHttpCase


@tagged("post_install", "-at_install")
class TestToolsRunAsTheCaller(McpHttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.demo_user = cls.env.ref("base.user_demo")
        cls.demo_key = cls._make_key(cls.demo_user)
        cls.admin_key = cls._make_key(cls.env.ref("base.user_admin"))

    def test_invoices_need_the_right_groups(self):
        """A user without Sales or Accounting rights gets an access error on
        invoices; the admin gets records."""
        self.assertFalse(self.env["account.move"].with_user(self.mcp_user).has_access("read"))
        self.assertTrue(self.env["account.move"].search_count([]), "demo invoices expected")
        arguments = {"model": "account.move", "fields": ["name", "amount_total"], "limit": 5}

        denied = self.call_tool("search_records", arguments)
        self.assertToolError(denied, "Access denied")

        allowed = self.assertToolOk(self.call_tool("search_records", arguments,
                                                   key=self.admin_key))
        self.assertTrue(allowed["records"])
        self.assertEqual(set(allowed["records"][0]), {"id", "name", "amount_total"})

    def test_demo_user_sees_invoices_as_in_the_web_client(self):
        """In Odoo 19 the demo user is a salesman, to whom the sale app grants
        read access on invoices, narrowed by record rules: MCP shows exactly
        what the ORM shows that user, which is not everything."""
        self.assertFalse(self.demo_user.has_group("account.group_account_invoice"))
        expected = self.env["account.move"].with_user(self.demo_user).search_count([])
        result = self.assertToolOk(self.call_tool(
            "count_records", {"model": "account.move"}, key=self.demo_key))
        self.assertEqual(result["count"], expected)
        admin = self.assertToolOk(self.call_tool(
            "count_records", {"model": "account.move"}, key=self.admin_key))
        self.assertLess(result["count"], admin["count"])

    def test_other_company_partners_are_invisible(self):
        company_a = self.env.company
        company_b = self.env["res.company"].create({"name": "MCP Second Company"})
        self.env["res.partner"].create(
            {"name": "MCP Hidden Partner", "company_id": company_b.id})
        restricted = new_test_user(
            self.env, "mcp_company_a", groups=MCP_USER_GROUPS,
            company_id=company_a.id, company_ids=[(6, 0, company_a.ids)])
        both = new_test_user(
            self.env, "mcp_company_ab", groups=MCP_USER_GROUPS,
            company_id=company_a.id, company_ids=[(6, 0, (company_a | company_b).ids)])
        domain = [["name", "=", "MCP Hidden Partner"]]

        restricted_key = self._make_key(restricted)
        found = self.assertToolOk(self.call_tool(
            "search_records", {"model": "res.partner", "domain": domain}, key=restricted_key))
        self.assertEqual(found["records"], [])
        counted = self.assertToolOk(self.call_tool(
            "count_records", {"model": "res.partner", "domain": domain}, key=restricted_key))
        self.assertEqual(counted["count"], 0)

        both_key = self._make_key(both)
        found = self.assertToolOk(self.call_tool(
            "search_records", {"model": "res.partner", "domain": domain}, key=both_key))
        hidden = self.env["res.partner"].search([("name", "=", "MCP Hidden Partner")])
        self.assertEqual([r["id"] for r in found["records"]], hidden.ids)

    def test_search_records_shapes(self):
        """The compact form: many2one as [id, name], true booleans kept, empty
        values (no email, no tags, false booleans) left out and said so."""
        partner = self.env["res.partner"].create({
            "name": "MCP Shape Co", "is_company": True,
            "country_id": self.env.ref("base.be").id,
        })
        result = self.assertToolOk(self.call_tool("search_records", {
            "model": "res.partner", "domain": [["id", "=", partner.id]],
            "fields": ["name", "country_id", "category_id", "is_company", "email",
                       "employee"],
        }))
        self.assertEqual(result["total"], 1)
        self.assertFalse(result["has_more"])
        self.assertIsNone(result["next_cursor"])
        self.assertIn("left out of a record are empty", result["note"])
        self.assertEqual(result["records"], [{
            "id": partner.id, "name": "MCP Shape Co",
            "country_id": [self.env.ref("base.be").id, "Belgium"], "is_company": True,
        }])

    def test_search_records_pages(self):
        """Pages follow next_cursor, with the same arguments, to the end."""
        partners = self.env["res.partner"].create(
            [{"name": f"MCP Page {i:02d}"} for i in range(7)])
        arguments = {"model": "res.partner", "domain": [["id", "in", partners.ids]],
                     "fields": ["name"], "limit": 3, "order": "name asc"}
        seen = []
        cursor = None
        while True:
            page = self.assertToolOk(self.call_tool(
                "search_records", {**arguments, **({"cursor": cursor} if cursor else {})}))
            seen += [record["name"] for record in page["records"]]
            self.assertEqual(page["total"], 7)
            self.assertEqual(page["has_more"], page["next_cursor"] is not None)
            if not page["has_more"]:
                break
            cursor = page["next_cursor"]
        self.assertEqual(seen, [f"MCP Page {i:02d}" for i in range(7)])

    def test_limit_above_the_cap_is_refused(self):
        result = self.call_tool("search_records", {"model": "res.partner", "limit": 100000})
        self.assertToolError(result, "limit")

    def test_bad_domain_is_a_tool_error(self):
        for domain, fragment in (
            ([["no_such_field", "=", 1]], "Invalid domain"),
            ([["name", "no-such-operator", 1]], "Invalid domain"),
            ([["password", "=", "x"]], "not allowed"),
            # Secrets stay out of reach inside the sub-domain of "any" too.
            ([["partner_id", "any", [["user_ids", "any", [["password", "=", "x"]]]]]],
             "not allowed"),
        ):
            result = self.call_tool("search_records", {"model": "res.users", "domain": domain})
            self.assertToolError(result, fragment)

    def test_unknown_field_and_model_are_tool_errors(self):
        self.assertToolError(
            self.call_tool("read_records", {"model": "res.partner", "ids": [1],
                                            "fields": ["no_such_field"]}),
            "no_such_field", "describe_model")
        self.assertToolError(self.call_tool("count_records", {"model": "no.such.model"}),
                             "Unknown model")

    def test_secret_fields_are_never_read(self):
        self.assertToolError(
            self.call_tool("read_records", {"model": "res.users", "ids": [self.mcp_user.id],
                                            "fields": ["password"]}),
            "password")
        described = self.assertToolOk(self.call_tool("describe_model", {"model": "res.users"}))
        self.assertNotIn("password", described["fields"])

    def test_credentials_stay_out_of_reach_even_for_an_admin(self):
        """System parameters hold database.secret and integration passwords, and
        some models hold nothing but credentials: an administrator, who may
        read them in the web client, still cannot reach them through MCP."""
        parameters = {"model": "ir.config_parameter"}
        described = self.assertToolOk(self.call_tool(
            "describe_model", parameters, key=self.admin_key))
        self.assertIn("key", described["fields"])
        self.assertNotIn("value", described["fields"])
        self.assertToolError(self.call_tool(
            "search_records", {**parameters, "fields": ["key", "value"]},
            key=self.admin_key), "value")
        self.assertToolError(self.call_tool(
            "count_records", {**parameters, "domain": [["value", "like", "a"]]},
            key=self.admin_key), "not allowed")
        servers = self.assertToolOk(self.call_tool(
            "describe_model", {"model": "ir.mail_server"}, key=self.admin_key))
        self.assertIn("smtp_user", servers["fields"])
        self.assertNotIn("smtp_pass", servers["fields"])

        for model in ("res.users.apikeys", "mcp.oauth.token"):
            self.assertToolError(self.call_tool(
                "count_records", {"model": model}, key=self.admin_key), "credentials")
        listed = self.assertToolOk(self.call_tool(
            "list_models", {"query": "key"}, key=self.admin_key))
        self.assertNotIn("res.users.apikeys", [m["model"] for m in listed["models"]])
        # Nor through a relation: a client's grants, users' keys.
        for model, path in (("mcp.oauth.client", "token_ids.scope"),
                            ("res.users", "api_key_ids.name")):
            self.assertToolError(self.call_tool(
                "count_records", {"model": model, "domain": [[path, "!=", False]]},
                key=self.admin_key), "not allowed")

    def test_missing_record_is_a_tool_error(self):
        self.assertToolError(
            self.call_tool("read_records", {"model": "res.partner", "ids": [987654321]}),
            "987654321")

    def test_wrong_argument_type_is_a_tool_error_and_recorded(self):
        calls = self.env["mcp.call"].sudo()
        before = calls.search_count([("outcome", "=", "tool_error")])
        result = self.call_tool("count_records", {"model": 42})
        self.assertToolError(result, "model", "string")
        result = self.call_tool("count_records", {"model": "res.partner", "nope": 1})
        self.assertToolError(result, "nope")
        self.assertEqual(calls.search_count([("outcome", "=", "tool_error")]), before + 2)

    def test_describe_model_cuts_long_selections(self):
        """Time zones (~600 values) would take 30 KB of a model's description."""
        whole = self.call_tool("describe_model", {"model": "res.partner"})
        described = self.assertToolOk(whole)
        tz = described["fields"]["tz"]
        self.assertEqual(len(tz["selection"]), 25)
        self.assertGreater(tz["selection_count"], 400)
        self.assertIn("tz", described["note"])
        self.assertLess(len(whole["content"][0]["text"]), 20_000)
        self.assertEqual(len(described["fields"]["type"]["selection"]),
                         len(self.env["res.partner"]._fields["type"].selection))

        one = self.assertToolOk(self.call_tool(
            "describe_model", {"model": "res.partner", "fields": ["tz", "name"]}))
        self.assertEqual(sorted(one["fields"]), ["name", "tz"])
        self.assertEqual(len(one["fields"]["tz"]["selection"]), tz["selection_count"])
        self.assertNotIn("note", one)
        self.assertToolError(self.call_tool(
            "describe_model", {"model": "res.partner", "fields": ["password", "nope"]}),
            "password", "nope")

    def test_describe_model_includes_custom_fields(self):
        self.env["ir.model.fields"].create({
            "model_id": self.env.ref("base.model_res_partner").id,
            "name": "x_priority", "field_description": "Priority",
            "ttype": "selection", "selection_ids": [
                (0, 0, {"value": "low", "name": "Low", "sequence": 1}),
                (0, 0, {"value": "high", "name": "High", "sequence": 2}),
            ],
        })
        described = self.assertToolOk(self.call_tool("describe_model", {"model": "res.partner"}))
        self.assertEqual(described["fields"]["x_priority"]["selection"],
                         [{"value": "low", "label": "Low"}, {"value": "high", "label": "High"}])

    def test_list_models_pages_with_its_cursor(self):
        admin_key = self.admin_key
        first = self.assertToolOk(self.call_tool("list_models", {}, key=admin_key))
        self.assertTrue(first["has_more"], "more than one page of models expected")
        second = self.assertToolOk(self.call_tool(
            "list_models", {"cursor": first["next_cursor"]}, key=admin_key))
        names = [m["model"] for m in first["models"] + second["models"]]
        self.assertEqual(len(names), len(set(names)))
        self.assertEqual(names[:len(first["models"])], [m["model"] for m in first["models"]])

    def test_list_models_respects_access(self):
        plain = self.assertToolOk(self.call_tool("list_models", {"query": "account.move"}))
        admin = self.assertToolOk(self.call_tool("list_models", {"query": "account.move"},
                                                 key=self.admin_key))
        self.assertNotIn("account.move", [m["model"] for m in plain["models"]])
        self.assertIn("account.move", [m["model"] for m in admin["models"]])

    def test_secrets_sent_as_arguments_are_not_stored(self):
        self.call_tool("count_records", {"model": "res.users",
                                         "values": {"password": "hunter2", "login": "x"}})
        call = self.env["mcp.call"].sudo().search(
            [("user_id", "=", self.mcp_user.id)], order="id desc", limit=1)
        self.assertEqual(call.arguments["values"],
                         {"password": "<redacted>", "login": "x"})
        self.assertNotIn("hunter2", str(call.arguments))

    def test_every_call_is_recorded(self):
        calls = self.env["mcp.call"].sudo()
        before = calls.search_count([("user_id", "=", self.mcp_user.id)])
        self.call_tool("count_records", {"model": "res.partner"})
        self.call_tool("count_records", {"model": "no.such.model"})
        recorded = calls.search([("user_id", "=", self.mcp_user.id)], limit=2)
        self.assertEqual(calls.search_count([("user_id", "=", self.mcp_user.id)]), before + 2)
        self.assertEqual(recorded.mapped("outcome"), ["tool_error", "success"])
        self.assertEqual(recorded[1].arguments, {"model": "res.partner"})
        self.assertEqual(recorded[1].tool_id.name, "count_records")

    def test_user_sees_only_own_calls_manager_all(self):
        self.call_tool("count_records", {"model": "res.partner"})
        self.call_tool("count_records", {"model": "res.partner"}, key=self.manager_key)
        own = self.env["mcp.call"].with_user(self.mcp_user).search([])
        self.assertEqual(own.user_id, self.mcp_user)
        every = self.env["mcp.call"].with_user(self.mcp_manager).search([])
        self.assertIn(self.mcp_user, every.user_id)
        self.assertIn(self.mcp_manager, every.user_id)

    def test_nobody_can_forge_or_edit_calls(self):
        """The audit log is written by the dispatcher only: neither a user nor a
        manager may add a call that never ran, or change one that did."""
        self.call_tool("count_records", {"model": "res.partner"})
        for user in (self.mcp_user, self.mcp_manager):
            calls = self.env["mcp.call"].with_user(user)
            with self.assertRaises(AccessError), self.env.cr.savepoint():
                calls.create({"user_id": user.id, "tool_name": "count_records",
                              "outcome": "success"})
            with self.assertRaises(AccessError), self.env.cr.savepoint():
                calls.search([], limit=1).write({"outcome": "tool_error"})
