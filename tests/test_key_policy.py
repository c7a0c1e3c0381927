from datetime import datetime, timezone

from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged
from odoo.tools.convert import convert_file

from .common import MCP_USER_GROUPS
from .oauth_common import OauthHttpCase


def _key_id(env, key):
    env.cr.execute("SELECT id FROM res_users_apikeys WHERE index = %s", [key[:8]])
    return env.cr.fetchone()[0]


@tagged("post_install", "-at_install")
class TestKeyPolicy(OauthHttpCase):
    def _policy(self, key, **values):
        return self.env["mcp.key.policy"].with_user(self.mcp_user).create({
            "key_id": _key_id(self.env, key), **values})

    def test_read_only_key_cannot_call_write_tool(self):
        key = self._make_key(self.mcp_user)
        self._policy(key, access_mode="read")
        result = self.call_tool("test_write_tool", {"model": "res.partner"}, key=key)
        self.assertToolError(result, "read-only", "test_write_tool")
        self.assertEqual(self.mcp_calls()[0].outcome, "tool_error")
        self.assertToolOk(self.call_tool("count_records", {"model": "res.partner"}, key=key))

    def test_read_write_key_calls_write_tool(self):
        key = self._make_key(self.mcp_user)
        self._policy(key, access_mode="write")
        self.assertToolOk(self.call_tool("test_write_tool", {"model": "res.partner"}, key=key))

    def test_tool_allowlist(self):
        key = self._make_key(self.mcp_user)
        count = self.env.ref("mcp_gateway.tool_count_records")
        self._policy(key, tool_ids=[(6, 0, count.ids)])
        listed = self._rpc("tools/list", key=key).json()["result"]["tools"]
        self.assertEqual([tool["name"] for tool in listed], ["count_records"])
        response = self._rpc("tools/call", {"name": "list_models", "arguments": {}}, key=key)
        self.assertEqual(response.json()["error"]["code"], -32602)
        self.assertToolOk(self.call_tool("count_records", {"model": "res.partner"}, key=key))

    def test_key_without_policy_may_call_everything(self):
        self.assertToolOk(self.call_tool("test_write_tool", {"model": "res.partner"},
                                         key=self.user_key))

    def test_policies_belong_to_their_users(self):
        other = new_test_user(self.env, "key_owner", groups=MCP_USER_GROUPS)
        other_key = self._make_key(other)
        with self.assertRaises(AccessError):
            self._policy(other_key, access_mode="write")
        mine = self._policy(self._make_key(self.mcp_user), access_mode="read")
        theirs = self.env["mcp.key.policy"].with_user(other).create(
            {"key_id": _key_id(self.env, other_key)})
        self.assertEqual(self.env["mcp.key.policy"].with_user(self.mcp_user).search([]), mine)
        with self.assertRaises(AccessError):
            mine.write({"key_id": theirs.key_id.id})
        everything = self.env["mcp.key.policy"].with_user(self.mcp_manager).search([])
        self.assertTrue(mine | theirs <= everything)

    def test_policy_goes_with_its_key(self):
        key = self._make_key(self.mcp_user)
        policy = self._policy(key, access_mode="read")
        self.assertEqual(policy.key_name, f"test key of {self.mcp_user.login}")
        self.env["res.users.apikeys"].with_user(self.mcp_user).browse(
            _key_id(self.env, key))._remove()
        self.assertFalse(policy.exists())

        # Odoo's vacuum deletes expired keys in SQL: the policy reads as removed
        # until this addon's vacuum drops it.
        key = self._make_key(self.mcp_user)
        policy = self._policy(key)
        self.env.cr.execute("DELETE FROM res_users_apikeys WHERE id = %s",
                            [_key_id(self.env, key)])
        policy.invalidate_recordset()
        self.assertEqual(policy.key_name, "(removed key)")
        self.env["mcp.key.policy"]._gc_policies_of_removed_keys()
        self.assertFalse(policy.exists())

    def test_wizard_makes_a_read_only_key(self):
        wizard = self.env["res.users.apikeys.description"].with_user(self.mcp_user).create({
            "name": "Read-only Claude", "duration": "7", "mcp_access_mode": "read"})
        action = type(wizard).make_mcp_key.__wrapped__(wizard)
        key = action["context"]["default_key"]
        policy = self.env["mcp.key.policy"].sudo().search(
            [("key_id", "=", _key_id(self.env, key))])
        self.assertEqual((policy.access_mode, policy.user_id), ("read", self.mcp_user))
        self.assertToolError(self.call_tool("test_write_tool", {"model": "res.partner"},
                                            key=key), "read-only")


@tagged("post_install", "-at_install")
class TestCompanyArgument(OauthHttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.main_company = cls.env.ref("base.main_company")
        cls.other_company = cls.env["res.company"].create({"name": "MCP Branch B"})
        cls.foreign_company = cls.env["res.company"].create({"name": "MCP Foreign"})
        cls.multi_user = new_test_user(
            cls.env, "multi_company", groups=MCP_USER_GROUPS,
            company_id=cls.main_company.id,
            company_ids=[(6, 0, [cls.main_company.id, cls.other_company.id])])
        cls.multi_key = cls._make_key(cls.multi_user)
        partners = cls.env["res.partner"]
        partners.create({"name": "MCPCO in main", "company_id": cls.main_company.id})
        partners.create({"name": "MCPCO in branch", "company_id": cls.other_company.id})

    def _search(self, **extra):
        return self.call_tool("test_write_tool", {
            "model": "res.partner", "domain": [["name", "like", "MCPCO"]],
            "fields": ["name"], **extra}, key=self.multi_key)

    def test_schema_of_write_tools_has_company(self):
        tools = {t["name"]: t for t in self._rpc(
            "tools/list", key=self.multi_key).json()["result"]["tools"]}
        self.assertIn("company", tools["test_write_tool"]["inputSchema"]["properties"])
        self.assertNotIn("company", tools["search_records"]["inputSchema"]["properties"])

    def test_company_by_name_and_id(self):
        for company in ("mcp branch b", self.other_company.id, str(self.other_company.id)):
            result = self._search(company=company)
            data = self.assertToolOk(result)
            self.assertEqual([r["name"] for r in data["records"]], ["MCPCO in branch"])
            self.assertEqual(result["_meta"]["company"]["id"], self.other_company.id)
            self.assertIn("MCP Branch B", result["content"][-1]["text"])

    def test_default_is_every_allowed_company(self):
        result = self._search()
        names = sorted(r["name"] for r in self.assertToolOk(result)["records"])
        self.assertEqual(names, ["MCPCO in branch", "MCPCO in main"])
        self.assertEqual(result["_meta"]["company"]["id"], self.main_company.id)

    def test_create_record_in_the_chosen_company(self):
        """A real write: the record is created in the company named, and in the
        user's current company when none is."""
        self.env.ref("mcp_gateway.tool_create_record").active = True
        for company, expected in (("MCP Branch B", self.other_company),
                                  (None, self.main_company)):
            arguments = {"model": "ir.attachment",
                         "values": {"name": f"mcp-company-{expected.id}.txt"}}
            if company:
                arguments["company"] = company
            result = self.call_tool("create_record", arguments, key=self.multi_key)
            created = self.assertToolOk(result)
            attachment = self.env["ir.attachment"].browse(created["id"])
            self.assertEqual(attachment.company_id, expected)
            self.assertEqual(result["_meta"]["company"]["id"], expected.id)
            self.assertIn(f"Company used: {expected.name}",
                          result["content"][-1]["text"])

    def test_company_outside_the_users_is_refused(self):
        calls = len(self.mcp_calls())
        for company in (self.foreign_company.id, "MCP Foreign", "nope"):
            text = self.assertToolError(self._search(company=company), "not one of your")
            self.assertIn("MCP Branch B", text)
        self.assertEqual(len(self.mcp_calls()), calls + 3)
        self.assertEqual(set(self.mcp_calls()[:3].mapped("outcome")), {"tool_error"})


@tagged("post_install", "-at_install")
class TestRateLimits(OauthHttpCase):
    def _limits(self, **values):
        params = self.env["ir.config_parameter"].sudo()
        for name in ("user_per_minute", "user_per_day", "credential_per_minute",
                     "credential_per_day"):
            params.set_param(f"mcp_gateway.rate_limit_{name}", values.get(name, 0))

    def test_user_limit_per_day(self):
        self._limits(user_per_day=3)
        second_key = self._make_key(self.mcp_user)
        for key in (self.user_key, second_key, self.user_key):
            self.assertToolOk(self.call_tool("count_records", {"model": "res.partner"}, key=key))
        text = self.assertToolError(
            self.call_tool("count_records", {"model": "res.partner"}, key=second_key),
            "Rate limit reached: 3 calls per day for your user", "Retry after")
        self.assertEqual(self.mcp_calls()[0].error_message, text)
        # Another user is not affected.
        self.assertToolOk(self.call_tool("count_records", {"model": "res.partner"},
                                         key=self.manager_key))

    def test_limit_per_key(self):
        self._limits(credential_per_day=2)
        other_key = self._make_key(self.mcp_user)
        for _ in range(2):
            self.assertToolOk(self.call_tool("count_records", {"model": "res.partner"}))
        self.assertToolError(self.call_tool("count_records", {"model": "res.partner"}),
                             "for this key or client")
        self.assertToolOk(self.call_tool("count_records", {"model": "res.partner"},
                                         key=other_key))

    def test_minute_window_and_retry_time(self):
        self._limits(user_per_minute=2)
        counters = self.env["mcp.rate.counter"]
        subjects = [("user", "user:test-window")]
        start = datetime(2030, 1, 1, 12, 0, 10, tzinfo=timezone.utc)
        self.assertIsNone(counters._hit(subjects, now=start))
        self.assertIsNone(counters._hit(subjects, now=start))
        message = counters._hit(subjects, now=start.replace(second=40))
        self.assertIn("Retry after 20 seconds (2030-01-01T12:01:00Z)", message)
        self.assertIsNone(counters._hit(subjects, now=start.replace(minute=1, second=0)))


@tagged("post_install", "-at_install")
class TestSecuritySettings(OauthHttpCase):
    def test_settings_write_parameters_and_key_duration(self):
        settings = self.env["res.config.settings"].create({
            "mcp_gateway_allowed_origins": "https://claude.ai",
            "mcp_gateway_rate_limit_user_per_minute": 30,
            "mcp_gateway_access_token_minutes": 15,
            "mcp_gateway_client_registration": "closed",
            "mcp_gateway_key_duration": 30,
        })
        settings.execute()
        params = self.env["ir.config_parameter"].sudo()
        self.assertEqual(params.get_param("mcp_gateway.allowed_origins"), "https://claude.ai")
        self.assertEqual(params.get_param("mcp_gateway.rate_limit_user_per_minute"), "30")
        self.assertEqual(params.get_param("mcp_gateway.access_token_minutes"), "15")
        self.assertEqual(params.get_param("mcp_gateway.client_registration"), "closed")
        self.assertEqual(self.env.ref("mcp_gateway.group_mcp_user").api_key_duration, 30)
        self.assertEqual(self.env["res.config.settings"].create({}).mcp_gateway_key_duration, 30)

    def test_an_update_keeps_the_key_duration_set_in_settings(self):
        group = self.env.ref("mcp_gateway.group_mcp_user")
        self.assertEqual(group.api_key_duration, 90, "the install-time default")
        group.api_key_duration = 30
        for filename in ("security/mcp_gateway_groups.xml",
                         "data/mcp_gateway_defaults.xml"):
            convert_file(self.env, "mcp_gateway", filename, {}, mode="update")
        self.assertEqual(group.api_key_duration, 30)
