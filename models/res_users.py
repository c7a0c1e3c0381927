from odoo import models


class ResUsers(models.Model):
    _inherit = "res.users"

    def action_new_mcp_key(self):
        """Open the key wizard in its MCP form (preferences button)."""
        return {
            "type": "ir.actions.act_window",
            "res_model": "res.users.apikeys.description",
            "name": self.env._("New MCP Key"),
            "target": "new",
            "views": [
                (self.env.ref("mcp_gateway.res_users_apikeys_description_view_form").id, "form")
            ],
            "context": {"default_name": self.env._("Claude (MCP)")},
        }
