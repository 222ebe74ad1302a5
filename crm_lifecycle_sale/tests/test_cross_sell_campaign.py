# Copyright 2026 crm_lifecycle contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""A cross-sell campaign reaches the customers who have not bought the
category yet."""
from odoo.exceptions import UserError

from odoo.addons.crm_lifecycle.tests.common import CampaignCase


class TestCrossSellCampaign(CampaignCase):
    @classmethod
    def setUpClass(cls):
        super(TestCrossSellCampaign, cls).setUpClass()
        cls.music = cls.env["product.category"].create({"name": "Music"})
        cls.jazz = cls.env["product.category"].create({"name": "Jazz",
                                                       "parent_id": cls.music.id})
        cls.books = cls.env["product.category"].create({"name": "Books"})
        cls.customers = cls.make_partners(6, "Cross")
        cls.jazz_fan, cls.reader, cls.returned = cls.customers[:3]
        cls.buy(cls.jazz_fan, cls.jazz, 30.0)
        cls.buy(cls.reader, cls.books, 12.0)
        cls.buy(cls.returned, cls.jazz, -30.0)  # a return is not a purchase of it
        cls.segment = cls.make_segment("Cross", cls.customers)

    @classmethod
    def buy(cls, partner, categ, amount):
        product = cls.env["product.product"].create({
            "name": "%s item" % categ.name, "categ_id": categ.id, "type": "consu"})
        order = cls.env["sale.order"].create({
            "partner_id": partner.id,
            "order_line": [(0, 0, {"product_id": product.id, "product_uom_qty": 1,
                                   "price_unit": amount, "tax_id": [(6, 0, [])]})]})
        order.action_confirm()

    def test_audience_leaves_out_the_buyers_of_the_category(self):
        campaign = self.make_campaign(self.segment, name="Music offer", holdout_percent=0.0)
        campaign.cross_sell_categ_id = self.music
        campaign._onchange_cross_sell_categ_id()
        self.assertEqual(campaign.objective, "cross_sell")
        campaign._build_audience()
        reasons = {m.partner_id: m.exclusion_reason for m in self.members(campaign)}
        self.assertEqual(reasons[self.jazz_fan], "bought", "a subcategory counts")
        self.assertFalse(reasons[self.reader], "books are not music")
        self.assertFalse(reasons[self.returned], "a return is not a purchase")
        self.assertEqual(campaign.target_count, 5)
        self.assertIn("Already Buys the Category: 1", campaign.exclusion_summary)

    def test_category_is_locked_after_launch(self):
        campaign = self.make_campaign(self.segment, name="Locked",
                                      cross_sell_categ_id=self.books.id)
        campaign.action_plan()
        campaign.action_launch()
        with self.assertRaisesRegex(UserError, "cannot change"):
            campaign.cross_sell_categ_id = self.music
