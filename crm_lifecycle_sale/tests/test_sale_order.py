# Copyright 2026 crm_lifecycle contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo.addons.crm_lifecycle import compat
from odoo.addons.crm_lifecycle.tests.common import CrmLifecycleCase


class TestSaleOrderTouchpoint(CrmLifecycleCase):
    @classmethod
    def setUpClass(cls):
        super(TestSaleOrderTouchpoint, cls).setUpClass()
        cls.categ = cls.env["product.category"].create({"name": "Vinyl"})
        cls.product = cls.env["product.product"].create({
            "name": "Limited LP", "categ_id": cls.categ.id, "list_price": 30.0,
            "type": "consu"})
        cls.order = cls.env["sale.order"].create({
            "partner_id": cls.contact.id, "user_id": cls.salesman.id,
            "order_line": [(0, 0, {"product_id": cls.product.id, "product_uom_qty": 2,
                                   "price_unit": 30.0, "tax_id": [(6, 0, [])]})],
        })

    def purchase(self):
        return self.touchpoints(self.customer, kind="purchase")

    def test_confirmed_order_is_a_purchase(self):
        self.assertFalse(self.purchase(), "a quotation is not a purchase")
        self.order.action_confirm()
        tp = self.purchase()
        self.assertEqual(len(tp), 1)
        self.assertEqual(tp.amount, 60.0)
        self.assertEqual(tp.channel_id.code, "order")
        self.assertEqual(tp.direction, "inbound")
        self.assertEqual(tp.user_id, self.salesman)
        self.assertEqual(tp.partner_id, self.contact)
        self.assertEqual(tp.product_categ_ids, self.categ)
        self.assertEqual((tp.res_model, tp.res_id), ("sale.order", self.order.id))

    def test_the_amount_is_net_of_taxes(self):
        """A line with a 20 % tax added to its price and one with a 10 % tax
        included in it: the purchase is the untaxed total."""
        Tax = self.env["account.tax"]
        added = Tax.create(compat.sale_tax_vals(20.0, included=False))
        inside = Tax.create(compat.sale_tax_vals(10.0, included=True))
        order = self.env["sale.order"].create({
            "partner_id": self.person.id, "user_id": self.salesman.id,
            "order_line": [
                (0, 0, {"product_id": self.product.id, "product_uom_qty": 2,
                        "price_unit": 30.0, "tax_id": [(6, 0, added.ids)]}),
                (0, 0, {"product_id": self.product.id, "product_uom_qty": 1,
                        "price_unit": 110.0, "tax_id": [(6, 0, inside.ids)]})]})
        order.action_confirm()
        self.assertAlmostEqual(order.amount_total, 60.0 * 1.2 + 110.0)
        tp = self.Touchpoint.search([("res_model", "=", "sale.order"),
                                     ("res_id", "=", order.id)])
        # 2 x 30 before its tax, and 110 / 1.1 without the one inside
        self.assertAlmostEqual(tp.amount, 60.0 + 100.0)

    def test_an_order_in_another_currency(self):
        """An order priced in a second currency (its pricelist's), taxed:
        the touchpoint keeps the order's untaxed amount and currency, and
        its amount in the company's currency at the rate of the day the
        order was confirmed (0.9 since 2022: 160 / 0.9)."""
        self.make_second_currency()
        pricelist = self.env["product.pricelist"].create({
            "name": "Foreign prices", "currency_id": self.foreign.id})
        added = self.env["account.tax"].create(compat.sale_tax_vals(20.0, included=False))
        order = self.env["sale.order"].create({
            "partner_id": self.person.id, "user_id": self.salesman.id,
            "pricelist_id": pricelist.id,
            "order_line": [(0, 0, {"product_id": self.product.id, "product_uom_qty": 2,
                                   "price_unit": 80.0, "tax_id": [(6, 0, added.ids)]})]})
        order.action_confirm()
        self.assertEqual(order.currency_id, self.foreign)
        tp = self.Touchpoint.search([("res_model", "=", "sale.order"),
                                     ("res_id", "=", order.id)])
        self.assertEqual((tp.amount, tp.currency_id), (160.0, self.foreign))
        self.assertEqual(tp.company_amount, 177.78)

    def test_cancelled_order_loses_it(self):
        self.order.action_confirm()
        self.order.with_context(**compat.NO_CANCEL_WIZARD).action_cancel()
        self.assertFalse(self.purchase())
        self.order.action_draft()
        self.assertFalse(self.purchase())
        self.order.action_confirm()
        self.assertEqual(len(self.purchase()), 1)

    def test_any_path_that_changes_the_state_is_followed(self):
        """Not only the buttons: a state written by another path (18: the mass
        cancel wizard) moves the touchpoint too."""
        self.order.action_confirm()
        self.order.write({"state": "cancel"})
        self.assertFalse(self.purchase())
        self.order.write({"state": "sale"})
        self.assertEqual(len(self.purchase()), 1)

    def test_rebuild_makes_order_touchpoints(self):
        self.order.action_confirm()
        self.env.cr.execute("DELETE FROM crm_touchpoint WHERE res_model = 'sale.order'")
        compat.invalidate_all(self.Touchpoint.env)
        counts = self.Touchpoint._rebuild_from_sources()
        self.assertGreaterEqual(counts["orders"], 1)
        tp = self.purchase()
        self.assertEqual(tp.amount, 60.0)
        self.assertEqual(tp.product_categ_ids, self.categ)
