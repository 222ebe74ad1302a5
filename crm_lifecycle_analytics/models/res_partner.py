# Copyright 2026 crm_lifecycle contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models

from odoo.addons.crm_lifecycle import compat

# what a customer's row of metrics keeps of it (its owner and team, for
# Portfolio Health): a write of one of these fields updates the rows
OWNER_FIELDS = {"user_id", "active"} | set(compat.PARTNER_TEAM_SOURCES.get("res.partner", []))


class ResPartner(models.Model):
    _inherit = "res.partner"

    lifecycle_metrics_ids = fields.One2many(
        "crm.customer.metrics", "partner_id", string="Customer Metrics", readonly=True,
        help="The customer's value, scores and risk, per company, as of the last recompute.")
    lifecycle_snapshot_ids = fields.One2many(
        "crm.customer.snapshot", "partner_id", string="Segment History", readonly=True,
        help="The customer's segment, value tier and predicted value month by month.")

    def write(self, vals):
        res = super(ResPartner, self).write(vals)
        if OWNER_FIELDS.intersection(vals):
            compat.flush(self.env)
            self.env["crm.customer.metrics"]._sync_owners(partner_ids=self.ids)
        return res
