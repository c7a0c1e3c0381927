from odoo import api, models


class IrModelFields(models.Model):
    _inherit = "ir.model.fields"

    @api.model_create_multi
    def create(self, vals_list):
        created = super().create(vals_list)
        self.env["mcp.tool"]._invalidate_catalog_for_models(created.mapped("model"))
        return created

    def write(self, vals):
        model_names = self.mapped("model")
        result = super().write(vals)
        self.env["mcp.tool"]._invalidate_catalog_for_models(
            model_names + self.mapped("model")
        )
        return result

    def unlink(self):
        model_names = self.mapped("model")
        result = super().unlink()
        self.env["mcp.tool"]._invalidate_catalog_for_models(model_names)
        return result
