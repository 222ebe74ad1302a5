# Copyright 2026 crm_lifecycle contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import models

from odoo.addons.crm_lifecycle import compat

# the fields of a salesperson that give their customers' team (13+: the
# salesperson's team; 11: the customer's own, see res_partner.py)
TEAM_FIELDS = set(compat.PARTNER_TEAM_SOURCES.get("res.users", []))


class ResUsers(models.Model):
    _inherit = "res.users"

    def write(self, vals):
        res = super(ResUsers, self).write(vals)
        if TEAM_FIELDS.intersection(vals):
            compat.flush(self.env)
            self.env["crm.customer.metrics"]._sync_owners(user_ids=self.ids)
        return res
