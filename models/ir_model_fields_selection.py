from odoo import api, models


class IrModelFieldsSelection(models.Model):
    _inherit = "ir.model.fields.selection"

    @api.model_create_multi
    def create(self, vals_list):
        created = super().create(vals_list)
        self.env["mcp.tool"]._invalidate_catalog_for_models(
            created.mapped("field_id.model")
        )
        return created

    def write(self, vals):
        model_names = self.mapped("field_id.model")
        result = super().write(vals)
        self.env["mcp.tool"]._invalidate_catalog_for_models(model_names)
        return result

    def unlink(self):
        model_names = self.mapped("field_id.model")
        result = super().unlink()
        self.env["mcp.tool"]._invalidate_catalog_for_models(model_names)
        return result
