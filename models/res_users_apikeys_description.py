from odoo import fields, models
from odoo.addons.base.models.res_users import INDEX_SIZE, check_identity

from .ir_http import MCP_KEY_SCOPE


class ResUsersApikeysDescription(models.TransientModel):
    _inherit = "res.users.apikeys.description"

    mcp_access_mode = fields.Selection(
        [("read", "Read-only"), ("write", "Read and write")],
        string="Access", default="write",
        help="A read-only key cannot call tools that create or change data.")
    mcp_tool_ids = fields.Many2many(
        "mcp.tool", string="Allowed Tools",
        help="Leave empty to allow every tool you may call.")

    @check_identity
    def make_mcp_key(self):
        """Generate a key limited to the MCP endpoint (scope ``mcp``).

        Same path as Odoo's own "Add API Key", including the identity check and the
        lifetime cap of the user's groups; only the scope differs, so the key
        cannot be used on /json/2 or XML-RPC.
        """
        self.check_access_make_key()
        # The wizard row (name and date, never the key) is left to the transient
        # vacuum: the model grants users no unlink.
        key = self.env["res.users.apikeys"]._generate(
            MCP_KEY_SCOPE, self.name, self.expiration_date
        )
        self._create_mcp_key_policy(key)
        return {
            "type": "ir.actions.act_window",
            "res_model": "res.users.apikeys.show",
            "name": self.env._("MCP Key Ready"),
            "views": [(False, "form")],
            "target": "new",
            "context": {"default_key": key},
        }

    def _create_mcp_key_policy(self, key):
        """Record the key's access mode and allowlist beside the new key."""
        self.env.cr.execute(
            "SELECT id FROM res_users_apikeys WHERE user_id = %s AND index = %s "
            "ORDER BY id DESC LIMIT 1",
            [self.env.uid, key[:INDEX_SIZE]],
        )
        self.env["mcp.key.policy"].create({
            "key_id": self.env.cr.fetchone()[0],
            "user_id": self.env.uid,
            "access_mode": self.mcp_access_mode or "write",
            "tool_ids": [(6, 0, self.mcp_tool_ids.ids)],
        })
