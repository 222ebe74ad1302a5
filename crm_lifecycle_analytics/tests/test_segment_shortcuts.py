# Copyright 2026 crm_lifecycle contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""A segment's lifecycle shortcuts (RFM segment, lapse risk, value tier,
bought / never bought) choose the customers by their metrics in the
segment's company, together with the rest of the rule."""
import datetime

from odoo.addons.crm_lifecycle.tests.common import CUSTOMER, CrmLifecycleCase, noon_before


class TestSegmentShortcuts(CrmLifecycleCase):
    @classmethod
    def setUpClass(cls):
        super(TestSegmentShortcuts, cls).setUpClass()
        Partner = cls.env["res.partner"]
        cls.champion = Partner.create({"name": "Shortcut Champion", **CUSTOMER,
                                       "city": "Ghent"})
        cls.lapsed = Partner.create({"name": "Shortcut Lapsed", **CUSTOMER,
                                     "city": "Ghent"})
        cls.never = Partner.create({"name": "Shortcut Never Bought", **CUSTOMER,
                                    "city": "Ghent"})
        today = datetime.date.today()
        rows = [{"source_system": "shop", "external_ref": "sc-%d-%d" % (p.id, i),
                 "channel": "web", "kind": "purchase", "amount": 50.0,
                 "date": noon_before(today, 10 + 40 * i), "partner_id": p.id}
                for p in (cls.champion, cls.lapsed) for i in range(3)]
        rows.append({"source_system": "shop", "external_ref": "sc-call", "channel": "phone",
                     "direction": "inbound", "date": noon_before(today, 3),
                     "partner_id": cls.never.id})
        assert all(r["status"] == "created" for r in cls.env["crm.touchpoint"].ingest(rows))
        cls.env["crm.customer.metrics"].compute_metrics()
        metrics = cls.env["crm.customer.metrics"]
        # the verdicts written by hand: the models' own depend on all the data
        metrics.search([("partner_id", "=", cls.champion.id)]).write(
            {"rfm_segment": "champions", "lapse_band": "active", "value_tier": "high"})
        metrics.search([("partner_id", "=", cls.lapsed.id)]).write(
            {"rfm_segment": "hibernating", "lapse_band": "lapsed", "value_tier": "high"})
        cls.ours = cls.champion | cls.lapsed | cls.never

    def members(self, **shortcuts):
        segment = self.env["crm.segment"].create(dict(
            {"name": "Shortcuts", "domain": "[('city', '=', 'Ghent')]"}, **shortcuts))
        segment.refresh_members()
        return segment.member_ids.mapped("partner_id") & self.ours

    def test_each_shortcut_and_together(self):
        self.assertEqual(self.members(), self.ours)
        self.assertEqual(self.members(lifecycle_rfm_segment="champions"), self.champion)
        self.assertEqual(self.members(lifecycle_lapse_band="lapsed"), self.lapsed)
        self.assertEqual(self.members(lifecycle_value_tier="high"), self.champion | self.lapsed)
        self.assertEqual(self.members(lifecycle_bought="bought"), self.champion | self.lapsed)
        self.assertEqual(self.members(lifecycle_bought="not_bought"), self.never)
        self.assertEqual(self.members(lifecycle_value_tier="high", lifecycle_lapse_band="lapsed",
                                      lifecycle_bought="bought"), self.lapsed)
        self.assertFalse(self.members(lifecycle_rfm_segment="champions",
                                      lifecycle_bought="not_bought"))

    def test_shortcuts_read_the_segments_company(self):
        self.make_other_company()
        segment = self.env["crm.segment"].create({
            "name": "Other company", "domain": "[('city', '=', 'Ghent')]",
            "company_id": self.company_b.id, "lifecycle_lapse_band": "lapsed"})
        segment.refresh_members()
        # the lapsed customer is lapsed in the first company only
        self.assertFalse(segment.member_ids.mapped("partner_id") & self.ours)
