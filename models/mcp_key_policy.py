"""Per-key policy for MCP keys: read-only or read-write, and a tool allowlist.

``res.users.apikeys`` is a raw-SQL model (``_auto = False``, to keep its secret
column away from the ORM), so the policy lives here, one record per key id. A
key without a policy record may call every tool its user may call.
"""

import logging

from odoo import api, fields, models
from odoo.addons.base.models.res_users import INDEX_SIZE, KEY_CRYPT_CONTEXT
from odoo.exceptions import AccessError

_logger = logging.getLogger(__name__)

MCP_KEY_SCOPE = "mcp"


class McpKeyPolicy(models.Model):
    _name = "mcp.key.policy"
    _description = "MCP Key Policy"
    _order = "id desc"
    _rec_name = "key_name"

    key_id = fields.Many2one("res.users.apikeys", string="Key", required=True,
                             readonly=True, ondelete="cascade", index=True)
    # Read from the key's table: the key may have been removed by Odoo's own
    # vacuum (raw SQL, no foreign key to cascade) before this policy is.
    key_name = fields.Char(compute="_compute_key_details", string="Key Name")
    expiration_date = fields.Datetime(compute="_compute_key_details")
    user_id = fields.Many2one("res.users", required=True, readonly=True, index=True,
                              ondelete="cascade", default=lambda self: self.env.user)
    access_mode = fields.Selection(
        [("read", "Read-only"), ("write", "Read and write")],
        required=True, default="write",
        help="A read-only key cannot call tools that create or change data.",
    )
    tool_ids = fields.Many2many(
        "mcp.tool", string="Allowed Tools",
        help="When set, the key lists and calls only these tools.",
    )

    _key_unique = models.Constraint("UNIQUE(key_id)", "A key has one policy.")

    def _compute_key_details(self):
        self.env.cr.execute(
            "SELECT id, name, expiration_date FROM res_users_apikeys WHERE id = ANY(%s)",
            [self.key_id.ids],
        )
        details = {key_id: (name, expiry) for key_id, name, expiry in self.env.cr.fetchall()}
        for policy in self:
            name, expiry = details.get(policy.key_id.id, (None, False))
            policy.key_name = name or self.env._("(removed key)")
            policy.expiration_date = expiry

    @api.autovacuum
    def _gc_policies_of_removed_keys(self):
        self.env.cr.execute(
            "DELETE FROM mcp_key_policy p WHERE NOT EXISTS "
            "(SELECT 1 FROM res_users_apikeys k WHERE k.id = p.key_id)")

    @api.model_create_multi
    def create(self, vals_list):
        policies = super().create(vals_list)
        for policy in policies:
            if policy.key_id.user_id != policy.user_id or (
                    policy.user_id != self.env.user and not self.env.su
                    and not self.env.user.has_group("mcp_gateway.group_mcp_manager")):
                raise AccessError(self.env._("A key policy belongs to the key's own user."))
        return policies

    def write(self, vals):
        if {"key_id", "user_id"} & set(vals) and not self.env.su:
            raise AccessError(self.env._("A key policy cannot move to another key or user."))
        return super().write(vals)

    @api.model
    def _check_key(self, key):
        """The (user id, key id) of a valid MCP key, or (None, None).

        Same rule as ``res.users.apikeys._check_credentials`` (active user,
        scope ``mcp`` or global, not expired, Odoo's hash), which returns only
        the user; the key id is needed to find the key's policy.
        """
        self.env.cr.execute(
            """
            SELECT k.id, k.user_id, k.key
              FROM res_users_apikeys k JOIN res_users u ON u.id = k.user_id
             WHERE u.active AND k.index = %s
               AND (k.scope IS NULL OR k.scope = %s)
               AND (k.expiration_date IS NULL
                    OR k.expiration_date >= now() at time zone 'utc')
            """,
            [key[:INDEX_SIZE], MCP_KEY_SCOPE],
        )
        for key_id, user_id, key_hash in self.env.cr.fetchall():
            if KEY_CRYPT_CONTEXT.verify(key, key_hash):
                return user_id, key_id
        return None, None

    @api.model
    def _for_key(self, key_id):
        # sudo: reads this addon's own configuration of the key, before the
        # request runs as the key's user
        return self.sudo().search([("key_id", "=", key_id)], limit=1)
