# Copyright 2026 crm_lifecycle contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Money right: revenue, margin and profit in the company's currency, at
the rate of each purchase's day."""
import datetime

from odoo.addons.crm_lifecycle.tests.common import CUSTOMER, CampaignCase, CrmLifecycleCase

AS_OF = datetime.date(2022, 6, 30)


class TestMoneyInTheCompanyCurrency(CrmLifecycleCase):
    @classmethod
    def setUpClass(cls):
        super(TestMoneyInTheCompanyCurrency, cls).setUpClass()
        cls.make_second_currency()
        cls.buyer = cls.env["res.partner"].create({"name": "Money Buyer", **CUSTOMER})
        # 100 foreign in 2021 at 0.8, 90 in 2022 at 0.9, 50 in the company's
        # own currency: 125 + 100 + 50; the cost of goods 40 foreign = 50
        for day, amount, cost, currency in (
                ("2021-06-01", 100.0, 40.0, cls.foreign), ("2022-03-01", 90.0, None, cls.foreign),
                ("2022-05-01", 50.0, None, cls.home)):
            cls.Touchpoint.create({
                "partner_id": cls.buyer.id, "channel_id": cls.channel["order"].id,
                "direction": "inbound", "kind": "purchase", "date": day + " 10:00:00",
                "amount": amount, "cost_amount": cost, "currency_id": currency.id,
                "user_id": cls.salesman.id})
        cls.env["crm.customer.metrics"].compute_metrics(
            company_ids=cls.env.user.company_id.ids, as_of=AS_OF)

    def test_metrics_add_up_the_company_currency(self):
        row = self.env["crm.customer.metrics"].search([("partner_id", "=", self.buyer.id)])
        self.assertAlmostEqual(row.revenue, 275.0)
        self.assertAlmostEqual(row.cost_of_goods, 50.0)
        self.assertAlmostEqual(row.margin, 225.0)
        self.assertAlmostEqual(row.average_spend, round(275.0 / 3, 2))

    def test_staff_performance_adds_up_the_company_currency(self):
        groups = self.env["crm.staff.performance"].read_group(
            [("partner_id", "=", self.buyer.id), ("source", "=", "touchpoint")],
            ["revenue", "margin", "user_id"], ["user_id"])
        self.assertEqual(len(groups), 1)
        self.assertAlmostEqual(groups[0]["revenue"], 275.0)
        # 275 less the cost of goods (50; the ORM stores no cost as 0)
        self.assertAlmostEqual(groups[0]["margin"], 225.0)


class TestCampaignCostToServe(CampaignCase):
    """A campaign's cost per contact and its fixed cost spread over the
    members it contacted are in their cost to serve, in place of the
    channel's unit cost of the send: the shares add up to the campaign's
    actual cost."""

    @classmethod
    def setUpClass(cls):
        super(TestCampaignCostToServe, cls).setUpClass()
        cls.audience = cls.make_partners(8, "Costed")
        cls.segment = cls.make_segment("Costed", cls.audience)

    def test_the_shares_add_up_to_the_actual_cost(self):
        campaign = self.launch(holdout_percent=0.0, fixed_cost=100.0, cost_per_contact=2.5)
        self.assertEqual(campaign.contacted_count, 8)
        # one of them also got a letter of no campaign: the channel's cost
        other = self.audience[0]
        self.Touchpoint.create({
            "partner_id": other.id, "channel_id": self.channel["letter"].id,
            "direction": "outbound", "kind": "contact", "date": "2026-01-05 10:00:00"})
        Metrics = self.env["crm.customer.metrics"]
        Metrics.compute_metrics(company_ids=self.env.user.company_id.ids)
        rows = Metrics.search([("partner_id", "in", self.audience.ids)])
        share = 2.5 + 100.0 / 8
        by_partner = {row.partner_id: row.cost_to_serve for row in rows}
        self.assertAlmostEqual(by_partner[self.audience[1]], share)
        self.assertAlmostEqual(by_partner[other], share + self.channel["letter"].unit_cost)
        self.assertAlmostEqual(sum(by_partner.values()) - self.channel["letter"].unit_cost,
                               campaign.actual_cost)
