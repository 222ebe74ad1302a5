# Copyright 2026 crm_lifecycle contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Campaign results by segment (issue 20, item 4): the view's figures for a
segment against the same figures computed here from the campaign's
members."""
from odoo import fields

from odoo.addons.crm_lifecycle import compat
from odoo.addons.crm_lifecycle.tests.common import CampaignCase


class TestSegmentRoi(CampaignCase):
    @classmethod
    def setUpClass(cls):
        super(TestSegmentRoi, cls).setUpClass()
        cls.audience = cls.make_partners(40, "Roi")
        cls.segment = cls.make_segment("Roi", cls.audience)

    def test_figures_of_a_segment(self):
        campaign = self.launch(holdout_percent=50.0, fixed_cost=30.0, cost_per_contact=2.0,
                               margin_percent=40.0)
        members = self.members(campaign)
        target = members.filtered(lambda m: m.split_group == "target")
        control = members.filtered(lambda m: m.split_group == "control")
        self.assertTrue(target and control)
        when = fields.Datetime.to_string(fields.Datetime.from_string(campaign.date_start))
        rows = []
        # every target member and every other control member buys for 100
        for k, member in enumerate(target | control[::2]):
            rows.append({"source_system": "shop", "external_ref": "roi-%d" % k, "date": when,
                         "channel": "order", "kind": "purchase", "amount": 100.0,
                         "partner_id": member.partner_id.id})
        result = self.Touchpoint.ingest(rows)
        self.assertTrue(all(r["status"] == "created" for r in result), result)
        compat.invalidate_all(self.env)
        n_t, n_c = len(target), len(control)
        r_t = len(target.filtered("response_date"))
        rev_t, rev_c = sum(target.mapped("revenue")), sum(control.mapped("revenue"))
        r_c = len(control.filtered("response_date"))
        contacted = len(target.filtered("contact_date"))
        cost = 2.0 * contacted + 30.0
        incremental = (rev_t / n_t - rev_c / n_c) * n_t
        row = self.env["crm.segment.roi"].search([("segment_id", "=", self.segment.id)])
        self.assertEqual((row.campaign_count, row.contacted, row.responses),
                         (1, contacted, r_t))
        self.assertGreater(r_t, 0)
        self.assertAlmostEqual(row.cost, cost, places=2)
        self.assertAlmostEqual(row.incremental_revenue, incremental, places=2)
        self.assertAlmostEqual(row.incremental_responses, (r_t / n_t - r_c / n_c) * n_t,
                               places=1)
        self.assertAlmostEqual(row.cost_per_response, cost / r_t, places=2)
        self.assertAlmostEqual(row.roi, 100.0 * (incremental * 0.4 - cost) / cost, places=1)
        # the campaign's own judgement says the same
        self.assertAlmostEqual(row.roi, campaign.roi, places=1)
