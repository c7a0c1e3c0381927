from odoo import models
from odoo.addons.base.models.res_users import check_identity

from .ir_http import MCP_KEY_SCOPE


class ResUsersApikeysDescription(models.TransientModel):
    _inherit = "res.users.apikeys.description"

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
        return {
            "type": "ir.actions.act_window",
            "res_model": "res.users.apikeys.show",
            "name": self.env._("MCP Key Ready"),
            "views": [(False, "form")],
            "target": "new",
            "context": {"default_key": key},
        }
