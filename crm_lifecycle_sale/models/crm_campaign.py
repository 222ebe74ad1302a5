# Copyright 2026 crm_lifecycle contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Cross-sell campaigns: the audience is the segments' customers who have
not bought a product category (nor any of its subcategories)."""
from odoo import api, fields, models

# a customer bought the category: a purchase (not a return) carried it
BOUGHT = """EXISTS (
    SELECT 1 FROM crm_touchpoint bt
      JOIN crm_touchpoint_product_category_rel bc ON bc.touchpoint_id = bt.id
     WHERE bt.commercial_partner_id = cp.id AND bt.kind = 'purchase'
       AND COALESCE(bt.amount, 0) >= 0 AND bc.categ_id = ANY(%(cross_sell_categ_ids)s))"""


class CrmCampaign(models.Model):
    _inherit = "crm.campaign"

    cross_sell_categ_id = fields.Many2one(
        "product.category", string="Not Bought Category",
        help="Cross-sell: only the customers who never bought this product category (or "
             "one of its subcategories) are in the audience; the others are excluded as "
             "already buying it.")

    @api.onchange("cross_sell_categ_id")
    def _onchange_cross_sell_categ_id(self):
        if self.cross_sell_categ_id:
            self.objective = "cross_sell"

    def _audience_checks(self, channel=None):
        checks = super(CrmCampaign, self)._audience_checks(channel)
        if self.cross_sell_categ_id:
            checks.append(("bought", BOUGHT))
        return checks

    def _audience_extra(self):
        joins, params = super(CrmCampaign, self)._audience_extra()
        if self.cross_sell_categ_id:
            categs = self.env["product.category"].search(
                [("id", "child_of", self.cross_sell_categ_id.id)])
            params = dict(params, cross_sell_categ_ids=categs.ids)
        return joins, params

    def _locked_after_launch(self):
        return super(CrmCampaign, self)._locked_after_launch() | {"cross_sell_categ_id"}


class CrmCampaignMember(models.Model):
    _inherit = "crm.campaign.member"

    exclusion_reason = fields.Selection(selection_add=[("bought", "Already Buys the Category")])
