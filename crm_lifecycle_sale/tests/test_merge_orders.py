# Copyright 2026 crm_lifecycle contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from hypothesis import HealthCheck, given, settings, strategies as st

from odoo.addons.crm_lifecycle import compat
from odoo.addons.crm_lifecycle.tests.common import CUSTOMER, CrmLifecycleCase


class TestMergeOrders(CrmLifecycleCase):
    """Merging customers moves their sale orders (customer, invoice and
    delivery addresses) and the purchase touchpoints; unmerging moves them
    back."""

    @classmethod
    def setUpClass(cls):
        super(TestMergeOrders, cls).setUpClass()
        cls.product = cls.env["product.product"].create({
            "name": "Merge LP", "list_price": 20.0, "type": "consu"})

    def snapshot(self, partners):
        self.env.cr.execute("""
            SELECT 'order', id, 'partner', partner_id FROM sale_order
             WHERE partner_id = ANY(%(ids)s)
            UNION ALL SELECT 'order', id, 'invoice', partner_invoice_id FROM sale_order
             WHERE partner_invoice_id = ANY(%(ids)s)
            UNION ALL SELECT 'order', id, 'shipping', partner_shipping_id FROM sale_order
             WHERE partner_shipping_id = ANY(%(ids)s)
            UNION ALL SELECT 'line', id, 'partner', order_partner_id FROM sale_order_line
             WHERE order_partner_id = ANY(%(ids)s)
            UNION ALL SELECT 'touchpoint', id, 'commercial', commercial_partner_id
              FROM crm_touchpoint WHERE commercial_partner_id = ANY(%(ids)s)
        """, {"ids": partners.ids})
        return sorted(self.env.cr.fetchall())

    @settings(max_examples=10, deadline=None,
              suppress_health_check=[HealthCheck.function_scoped_fixture,
                                     HealthCheck.too_slow])
    @given(st.lists(st.integers(0, 2), min_size=2, max_size=4), st.integers(0, 3))
    def test_orders_move_and_come_back(self, orders, pick):
        self.env.cr.execute("SAVEPOINT orders_example")
        try:
            partners = self.env["res.partner"]
            for i, count in enumerate(orders):
                p = self.env["res.partner"].create({"name": "Order Customer %d" % i,
                                                    **CUSTOMER})
                partners |= p
                for _j in range(count):
                    order = self.env["sale.order"].create({
                        "partner_id": p.id,
                        "order_line": [(0, 0, {"product_id": self.product.id,
                                               "product_uom_qty": 1, "price_unit": 20.0})]})
                    order.action_confirm()
            survivor = partners[pick % len(partners)]
            before = self.snapshot(partners)
            Log = self.env["crm.partner.merge.log"]
            log = Log.browse(Log.merge_partners(survivor.id, (partners - survivor).ids))
            after = self.snapshot(partners)
            self.assertEqual(sorted(r[:3] for r in before), sorted(r[:3] for r in after))
            self.assertTrue(all(r[3] == survivor.id for r in after), after)
            self.assertEqual(self.env["sale.order"].search_count(
                [("partner_id", "=", survivor.id)]), sum(orders))
            log.action_unmerge()
            self.assertEqual(self.snapshot(partners), before)
        finally:
            self.env.cr.execute("ROLLBACK TO SAVEPOINT orders_example")
            compat.invalidate_all(self.env["res.partner"].env)
