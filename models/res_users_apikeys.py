from odoo import models


class ResUsersApikeys(models.Model):
    _inherit = "res.users.apikeys"

    def unlink(self):
        # sudo: the policies are this addon's own records about these keys,
        # removed with them (Odoo's key table has no foreign key to cascade)
        self.env["mcp.key.policy"].sudo().search([("key_id", "in", self.ids)]).unlink()
        return super().unlink()
