"""Tool contracts: schemas generated from Odoo's fields, validation before
anything runs, name resolution, per-tool field policy and the cached catalog."""

from unittest.mock import patch

import jsonschema

from odoo import Command
from odoo.exceptions import ValidationError
from odoo.tests import tagged

from .common import McpHttpCase


class ToolContractCase(McpHttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # The MCP test users may not create contacts; the admin may.
        cls.admin_key = cls._make_key(cls.env.ref("base.user_admin"))

    def _tools(self, key=None):
        response = self._rpc(
            "tools/list", {}, key=key, headers={"MCP-Protocol-Version": "2025-11-25"}
        )
        self.assertEqual(response.status_code, 200, response.text)
        return {tool["name"]: tool for tool in response.json()["result"]["tools"]}

    def assertMatchesOutputSchema(self, name, data, key=None):
        """The structured result fits the outputSchema the tool advertises."""
        schema = self._tools(key=key)[name]["outputSchema"]
        jsonschema.validate(data, schema)
        return data

    @classmethod
    def _bound_tool(cls, name, kind, model, **values):
        return cls.env["mcp.tool"].create(
            {
                "name": name,
                "kind": kind,
                "model_id": cls.env["ir.model"]._get_id(model),
                **values,
            }
        )


@tagged("post_install", "-at_install")
class TestCustomFieldInSchemas(ToolContractCase):
    def test_custom_selection_field_appears_without_code(self):
        self._bound_tool("search_partners", "search_records", "res.partner")
        self._bound_tool("create_partner", "create_record", "res.partner")
        before = self._tools()
        self.assertNotIn(
            "x_priority",
            before["search_partners"]["inputSchema"]["properties"]["filters"][
                "properties"
            ],
        )

        # What Settings > Technical > Fields does when an admin adds a field.
        field = self.env["ir.model.fields"].create(
            {
                "model_id": self.env["ir.model"]._get_id("res.partner"),
                "name": "x_priority",
                "field_description": "Priority",
                "ttype": "selection",
                "selection_ids": [
                    Command.create({"value": "low", "name": "Low", "sequence": 1}),
                    Command.create({"value": "high", "name": "High", "sequence": 2}),
                ],
            }
        )

        described = self.assertToolOk(
            self.call_tool("describe_model", {"model": "res.partner"})
        )
        self.assertEqual(
            described["fields"]["x_priority"]["selection"],
            [{"value": "low", "label": "Low"}, {"value": "high", "label": "High"}],
        )

        tools = self._tools()
        search_schema = tools["search_partners"]["inputSchema"]["properties"]
        self.assertEqual(
            search_schema["filters"]["properties"]["x_priority"]["enum"],
            ["low", "high", None],
        )
        self.assertIn("x_priority", search_schema["fields"]["items"]["enum"])
        values_schema = tools["create_partner"]["inputSchema"]["properties"]["values"]
        self.assertEqual(
            values_schema["properties"]["x_priority"]["enum"], ["low", "high", None]
        )

        # A new value, added later in the UI, reaches the cached catalog too.
        self.env["ir.model.fields.selection"].create(
            {"field_id": field.id, "value": "urgent", "name": "Urgent", "sequence": 3}
        )
        values_schema = self._tools()["create_partner"]["inputSchema"]["properties"][
            "values"
        ]
        self.assertEqual(
            values_schema["properties"]["x_priority"]["enum"],
            ["low", "high", "urgent", None],
        )

        created = self.assertToolOk(
            self.call_tool(
                "create_partner",
                {"values": {"name": "MCP Urgent Co", "x_priority": "urgent"}},
                key=self.admin_key,
            )
        )
        self.assertEqual(
            self.env["res.partner"].browse(created["id"]).x_priority, "urgent"
        )
        found = self.assertToolOk(
            self.call_tool(
                "search_partners",
                {"filters": {"x_priority": "urgent"}, "fields": ["name", "x_priority"]},
            )
        )
        self.assertEqual(
            found["records"],
            [{"id": created["id"], "name": "MCP Urgent Co", "x_priority": "urgent"}],
        )


@tagged("post_install", "-at_install")
class TestArgumentValidation(ToolContractCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._bound_tool("create_partner", "create_record", "res.partner")
        cls._bound_tool("search_partners", "search_records", "res.partner")
        cls._bound_tool("create_tag", "create_record", "res.partner.category")
        cls._bound_tool("search_orders", "search_records", "sale.order")
        cls.env.ref("mcp_gateway.tool_create_record").active = True
        cls.twins = cls.env["res.partner"].create(
            [
                {"name": "MCP Twin Ltd", "is_company": True},
                {"name": "MCP Twin Ltd", "is_company": True, "city": "Gent"},
            ]
        )
        cls.unique = cls.env["res.partner"].create(
            {"name": "MCP Unique Ltd", "is_company": True}
        )

    def _refused(self, tool, arguments, *fragments, model="res.partner"):
        """The call is an isError result naming the problem and changes nothing."""
        count = self.env[model].search_count([])
        text = self.assertToolError(
            self.call_tool(tool, arguments, key=self.admin_key), *fragments
        )
        self.assertEqual(self.env[model].search_count([]), count)
        return text

    def test_an_id_the_caller_may_not_see_is_unknown(self):
        """A related id is looked up with the caller's record rules: a partner of
        a company the user is not in is answered like a missing one."""
        elsewhere = self.env["res.company"].create({"name": "MCP Elsewhere"})
        hidden = self.env["res.partner"].create(
            {"name": "MCP Hidden Parent", "company_id": elsewhere.id})
        self.assertFalse(self.env["res.partner"].with_user(self.mcp_user).search_count(
            [("id", "=", hidden.id)]))
        for partner_id, fragment in ((hidden.id, "that you may see"),
                                     (987654321, "that you may see")):
            self.assertToolError(self.call_tool(
                "search_partners", {"filters": {"parent_id": partner_id}}), fragment)
        visible = self.assertToolOk(self.call_tool(
            "search_partners", {"filters": {"parent_id": self.unique.id}}))
        self.assertEqual(visible["records"], [])

    def test_wrong_type(self):
        self._refused(
            "create_partner",
            {"values": {"name": "X", "is_company": "yes"}},
            "values/is_company",
            "'yes' is not of type 'boolean'",
            "rule: type",
        )

    def test_value_outside_enum(self):
        self._refused(
            "create_partner",
            {"values": {"name": "X", "type": "alien"}},
            "values/type",
            "'alien' is not one of",
            "rule: enum",
        )

    def test_unknown_field(self):
        self._refused(
            "create_partner",
            {"values": {"name": "X", "x_nope": 1}},
            "'x_nope' was unexpected",
            "rule: additionalProperties",
        )
        # The same check when the model is chosen by the caller, at run time.
        self._refused(
            "create_record",
            {"model": "res.partner", "values": {"name": "X", "x_nope": 1}},
            "values",
            "'x_nope' was unexpected",
            "rule: additionalProperties",
        )
        self._refused(
            "search_partners",
            {"fields": ["name", "x_nope"]},
            "fields/1",
            "'x_nope' is not one of",
            "rule: enum",
        )

    def test_missing_required_argument(self):
        self._refused(
            "create_partner", {}, "'values' is a required property", "rule: required"
        )
        # Required by the model and without a default: required in the schema.
        self._refused(
            "create_tag",
            {"values": {"color": 3}},
            "values",
            "'name' is a required property",
            "rule: required",
            model="res.partner.category",
        )

    def test_bad_date_format(self):
        self._refused(
            "search_orders",
            {"filters": {"validity_date": "03/12/2026"}},
            "filters/validity_date",
            "'03/12/2026' is not a 'date'",
            "rule: format",
            model="sale.order",
        )

    def test_ambiguous_name_lists_candidates(self):
        text = self._refused(
            "create_partner",
            {"values": {"name": "MCP Child", "parent_id": "MCP Twin Ltd"}},
            "parent_id",
            "matches several res.partner records",
        )
        for twin in self.twins:
            self.assertIn(f"id {twin.id}: MCP Twin Ltd", text)
        self.assertFalse(
            self.env["res.partner"].search_count([("name", "=", "MCP Child")])
        )
        # In filters as well.
        self.assertToolError(
            self.call_tool(
                "search_partners", {"filters": {"parent_id": "mcp twin ltd"}}
            ),
            "matches several",
        )

    def test_unknown_name_says_so(self):
        self._refused(
            "create_partner",
            {"values": {"name": "MCP Child", "parent_id": "No Such Company Zzz"}},
            "parent_id",
            "no res.partner record is named 'No Such Company Zzz'",
        )

    def test_unique_name_or_id_resolves(self):
        created = self.assertToolOk(
            self.call_tool(
                "create_partner",
                {
                    "values": {
                        "name": "MCP Child",
                        "parent_id": "mcp unique ltd",
                        "category_id": [],
                    }
                },
                key=self.admin_key,
            )
        )
        self.assertEqual(
            self.env["res.partner"].browse(created["id"]).parent_id, self.unique
        )
        found = self.assertToolOk(
            self.call_tool(
                "search_partners",
                {"filters": {"parent_id": self.unique.id}, "fields": ["name"]},
            )
        )
        self.assertEqual([r["name"] for r in found["records"]], ["MCP Child"])


@tagged("post_install", "-at_install")
class TestFieldPolicy(ToolContractCase):
    def test_hidden_and_default_fields(self):
        tool = self._bound_tool("search_partners", "search_records", "res.partner")
        email = self.env["ir.model.fields"]._get("res.partner", "email")
        name = self.env["ir.model.fields"]._get("res.partner", "name")
        city = self.env["ir.model.fields"]._get("res.partner", "city")
        tool.write(
            {
                "hidden_field_ids": [Command.set(email.ids)],
                "default_field_ids": [Command.set((name | city).ids)],
            }
        )
        schema = self._tools()["search_partners"]["inputSchema"]["properties"]
        self.assertNotIn("email", schema["fields"]["items"]["enum"])
        self.assertNotIn("email", schema["filters"]["properties"])
        self.assertIn("email", self.env["res.partner"].fields_get(["email"]))

        self.assertToolError(
            self.call_tool("search_partners", {"fields": ["email"]}),
            "'email' is not one of",
        )
        self.assertToolError(
            self.call_tool("search_partners", {"domain": [["email", "ilike", "@"]]}),
            "'email'",
            "hidden",
        )
        # Nor through a relation back to the same model.
        self.assertToolError(
            self.call_tool(
                "search_partners", {"domain": [["child_ids.email", "ilike", "@"]]}
            ),
            "'child_ids.email'",
            "hidden",
        )
        found = self.assertToolOk(self.call_tool("search_partners", {"limit": 2}))
        self.assertEqual(set(found["records"][0]), {"id", "name", "city"})
        self.assertIn(
            "Hidden fields: email.", self._tools()["search_partners"]["description"]
        )

    def test_group_hidden_fields_follow_the_caller(self):
        """A field reserved to a group (auth_signup's signup_type, for Access
        Rights managers) is in the admin's catalog and not in a user's."""
        self._bound_tool("search_partners", "search_records", "res.partner")

        def field_enum(key):
            schema = self._tools(key=key)["search_partners"]["inputSchema"]
            return schema["properties"]["fields"]["items"]["enum"]

        self.assertIn("signup_type", field_enum(self.admin_key))
        self.assertNotIn("signup_type", field_enum(self.user_key))
        self.assertToolError(
            self.call_tool("search_partners", {"fields": ["signup_type"]}),
            "'signup_type' is not one of",
        )

    def test_allowed_fields_narrow_everything(self):
        tool = self._bound_tool("search_partners", "search_records", "res.partner")
        name = self.env["ir.model.fields"]._get("res.partner", "name")
        tool.allowed_field_ids = name
        enum = self._tools()["search_partners"]["inputSchema"]["properties"]["fields"][
            "items"
        ]["enum"]
        self.assertEqual(enum, ["display_name", "id", "name"])
        self.assertIn("Only these fields: name.",
                      self._tools()["search_partners"]["description"])

    def test_secrets_never_offered(self):
        self._bound_tool("create_user", "create_record", "res.users")
        schema = self._tools(key=self.manager_key)["create_user"]["inputSchema"]
        self.assertFalse(
            [
                name
                for name in schema["properties"]["values"]["properties"]
                if "password" in name or "api_key" in name
            ]
        )
        password = self.env["ir.model.fields"]._get("res.users", "password")
        with self.assertRaises(ValidationError):
            self._bound_tool(
                "read_users",
                "read_records",
                "res.users",
                allowed_field_ids=[Command.set(password.ids)],
            )

    def test_allowed_models(self):
        tool = self.env.ref("mcp_gateway.tool_search_records")
        tool.model_ids = self.env["ir.model"]._get("res.partner") | self.env[
            "ir.model"
        ]._get("res.country")
        schema = self._tools()["search_records"]["inputSchema"]
        self.assertEqual(
            schema["properties"]["model"]["enum"], ["res.country", "res.partner"]
        )
        self.assertToolError(
            self.call_tool("search_records", {"model": "res.users"}),
            "model",
            "rule: enum",
        )
        self.assertIn(
            "res.country, res.partner", self._tools()["search_records"]["description"]
        )

    def test_description_generated_unless_overridden(self):
        tool = self._bound_tool("search_partners", "search_records", "res.partner")
        generated = tool.description
        self.assertIn("Works on the model res.partner only.", generated)
        self.assertFalse(tool.description_override)
        tool.description_override = "Find our customers."
        self.assertEqual(
            self._tools()["search_partners"]["description"], "Find our customers."
        )
        tool.description = ""
        self.assertEqual(tool.description, generated)
        self.assertFalse(tool.description_override)


@tagged("post_install", "-at_install")
class TestCatalogCache(ToolContractCase):
    def test_tools_list_does_not_recompute_schemas(self):
        tool_class = type(self.env["mcp.tool"])
        original = tool_class._to_mcp_tool
        calls = []

        def spy(records):
            calls.append(records.name)
            return original(records)

        self.env.registry.clear_cache()
        with patch.object(tool_class, "_to_mcp_tool", spy):
            first = self._tools()
            computed = len(calls)
            self.assertEqual(computed, len(first))
            second = self._tools()
            self.assertEqual(len(calls), computed, "second tools/list was recomputed")
            self.assertEqual(first, second)

            # A change to a tool is seen at once.
            self.env.ref("mcp_gateway.tool_count_records").title = "Count them"
            third = self._tools()
            self.assertGreater(len(calls), computed)
            self.assertEqual(third["count_records"]["title"], "Count them")

    def test_catalog_depends_on_groups(self):
        tool = self.env.ref("mcp_gateway.tool_count_records")
        self.assertIn("count_records", self._tools(key=self.user_key))
        tool.group_ids = self.env.ref("mcp_gateway.group_mcp_manager")
        self.assertNotIn("count_records", self._tools(key=self.user_key))
        self.assertIn("count_records", self._tools(key=self.manager_key))
