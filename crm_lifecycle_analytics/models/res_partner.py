# Copyright 2026 crm_lifecycle contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models


class ResPartner(models.Model):
    _inherit = "res.partner"

    lifecycle_metrics_ids = fields.One2many(
        "crm.customer.metrics", "partner_id", string="Customer Metrics", readonly=True,
        help="The customer's value, scores and risk, per company, as of the last recompute.")
    lifecycle_snapshot_ids = fields.One2many(
        "crm.customer.snapshot", "partner_id", string="Segment History", readonly=True,
        help="The customer's segment, value tier and predicted value month by month.")
