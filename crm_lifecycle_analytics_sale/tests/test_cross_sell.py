# Copyright 2026 crm_lifecycle contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Categories bought and cross-sell gaps, against a by-hand derivation."""
import datetime

from odoo.addons.crm_lifecycle import compat
from odoo.addons.crm_lifecycle.tests.common import CrmLifecycleCase, noon_before
from odoo.addons.crm_lifecycle_analytics_sale.models.crm_customer_metrics import GAP_TOP

AS_OF = datetime.date(2026, 6, 30)


def day(offset):
    return noon_before(AS_OF, offset)


class TestCrossSell(CrmLifecycleCase):
    @classmethod
    def setUpClass(cls):
        super(TestCrossSell, cls).setUpClass()
        cls.Metrics = cls.env["crm.customer.metrics"]
        cls.company = cls.env["res.company"].create({"name": "Cross-Sell Co"})
        Category = cls.env["product.category"]
        cls.categ = {n: Category.create({"name": "Cross-Sell %s" % n})
                     for n in ("Bikes", "Helmets", "Lights", "Locks", "Tyres")}
        Partner = cls.env["res.partner"]
        # what each customer bought, and when: (days before, categories)
        baskets = [
            [(10, "Bikes Helmets"), (40, "Lights")],
            [(12, "Bikes"), (50, "Helmets Locks")],
            [(15, "Bikes Lights"), (45, "Tyres")],
            [(200, "Locks"), (300, "Tyres")],
            [(210, "Locks Tyres"), (320, "Bikes")],
            [(400, "Tyres")],
            [(20, "Helmets")],
            [(25, "Bikes"), (60, "Bikes"), (90, "Locks")],
        ]
        cls.bought = {}
        for i, basket in enumerate(baskets):
            partner = Partner.create({"name": "Cross-Sell %d" % i, "company_id": False})
            cls.bought[partner] = set()
            for offset, names in basket:
                categs = [cls.categ[n] for n in names.split()]
                cls.buy(partner, offset, 100.0, categs)
                cls.bought[partner] |= {c.id for c in categs}
        first = Partner.browse([p.id for p in cls.bought][0])
        # a return with a category, and a purchase in another company: not bought
        cls.buy(first, 5, -30.0, [cls.categ["Locks"]])
        cls.buy(first, 6, 80.0, [cls.categ["Tyres"]],
                company=cls.env["res.company"].create({"name": "Cross-Sell Other Co"}))
        cls.Metrics.compute_metrics(company_ids=[cls.company.id], as_of=AS_OF)
        cls.rows = cls.Metrics.search([("company_id", "=", cls.company.id)])

    @classmethod
    def buy(cls, partner, offset, amount, categs, company=None):
        cls.Touchpoint.create({
            "partner_id": partner.id, "date": day(offset), "kind": "purchase",
            "channel_id": cls.channel["order"].id, "direction": "inbound",
            "amount": amount, "company_id": (company or cls.company).id,
            "product_categ_ids": [(6, 0, [c.id for c in categs])]})

    def test_categories_bought(self):
        self.assertEqual(len(self.rows), len(self.bought))
        for row in self.rows:
            self.assertEqual(set(row.categ_ids.ids), self.bought[row.partner_id],
                             row.partner_id.name)

    def test_gaps_are_the_segment_favourites_not_bought(self):
        by_segment = {}
        for row in self.rows:
            for categ in self.bought[row.partner_id]:
                counts = by_segment.setdefault(row.rfm_segment, {})
                counts[categ] = counts.get(categ, 0) + 1
        gaps_seen = 0
        for row in self.rows:
            counts = by_segment[row.rfm_segment]
            top = sorted((c for c in counts if counts[c] >= 2),
                         key=lambda c: (-counts[c], c))[:GAP_TOP]
            expected = set(top) - self.bought[row.partner_id]
            self.assertEqual(set(row.gap_categ_ids.ids), expected, row.partner_id.name)
            gaps_seen += len(expected)
        self.assertTrue(gaps_seen, "the fixture has customers with gaps")

    def test_partners_found_by_gap(self):
        row = self.rows.filtered("gap_categ_ids")[:1]
        categ = row.gap_categ_ids[:1]
        found = self.env["res.partner"].search(
            [("lifecycle_metrics_ids.gap_categ_ids", "in", categ.ids)])
        self.assertIn(row.partner_id, found)
        self.assertFalse(found & self.rows.filtered(
            lambda r: categ in r.categ_ids).mapped("partner_id"))

    def test_recompute_keeps_the_relations_exact(self):
        before = {r.id: (set(r.categ_ids.ids), set(r.gap_categ_ids.ids)) for r in self.rows}
        self.Metrics.compute_metrics(company_ids=[self.company.id], as_of=AS_OF)
        compat.invalidate_all(self.rows.env)
        self.assertEqual({r.id: (set(r.categ_ids.ids), set(r.gap_categ_ids.ids))
                          for r in self.rows}, before)

    def test_segment_category_penetration(self):
        """The share of each segment's customers who bought each category,
        counted here from the metrics rows."""
        company = self.rows[:1].company_id
        rows = self.env["crm.customer.metrics"].search([
            ("company_id", "=", company.id), ("rfm_segment", "!=", False)])
        view = self.env["crm.segment.category"].search([("company_id", "=", company.id)])
        for categ in self.categ.values():
            for segment in set(rows.mapped("rfm_segment")):
                members = rows.filtered(lambda r: r.rfm_segment == segment)
                buyers = members.filtered(lambda r: categ in r.categ_ids)
                line = view.filtered(lambda v: v.rfm_segment == segment and v.categ_id == categ)
                if not buyers:
                    self.assertFalse(line)
                    continue
                self.assertEqual((line.customers, line.segment_customers),
                                 (len(buyers), len(members)), (segment, categ.name))
                self.assertAlmostEqual(line.share, 100.0 * len(buyers) / len(members))

    def test_multi_category_rate_of_the_month(self):
        """The company view's multi-category rate: the month's buyers with two
        or more categories that month, over the month's buyers."""
        company = self.rows[:1].company_id
        self.env["crm.retention.month"].refresh(company_ids=company.ids)
        self.env.cr.execute("""
            SELECT date_trunc('month', t.date)::date, t.commercial_partner_id,
                   count(DISTINCT r.categ_id) FILTER (WHERE t.company_amount > 0),
                   sum(t.company_amount)
              FROM crm_touchpoint t
              LEFT JOIN crm_touchpoint_product_category_rel r ON r.touchpoint_id = t.id
             WHERE t.company_id = %s AND t.kind = 'purchase'
             GROUP BY 1, 2
        """, (company.id,))
        months = {}
        for month, _partner, categories, amount in self.env.cr.fetchall():
            if amount and amount > 0:
                buyers, multi = months.get(str(month)[:10], (0, 0))
                months[str(month)[:10]] = (buyers + 1, multi + (categories >= 2))
        lines = self.env["crm.retention.month"].search([("company_id", "=", company.id)])
        self.assertEqual(len(lines), len(months))
        for line in lines:
            buyers, multi = months[str(line.month)[:10]]
            self.assertEqual(line.active_customers, buyers)
            self.assertAlmostEqual(line.multi_category_rate, 100.0 * multi / buyers)
