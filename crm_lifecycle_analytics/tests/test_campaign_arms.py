# Copyright 2026 crm_lifecycle contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Each offer of a campaign judged against the control group, checked
against the members' own counts, and the winner named only when it beats
every other offer at the Bonferroni level."""
from odoo.addons.crm_lifecycle.tests.common import CampaignCase, in_days

from ..models.crm_campaign import SMOOTHING_MEMBERS
from ..stats import uplift


class TestCampaignArms(CampaignCase):
    @classmethod
    def setUpClass(cls):
        super(TestCampaignArms, cls).setUpClass()
        cls.crowd = cls.make_partners(900, "Offered")
        cls.segment = cls.make_segment("Offered", cls.crowd)

    def launch_offers(self, name):
        campaign = self.launch(name=name, holdout_percent=25.0, fixed_cost=90.0,
                               cost_per_contact=1.0, margin_percent=50.0, arm_ids=[
                                   (0, 0, {"name": "Half price", "share": 50.0, "sequence": 1}),
                                   (0, 0, {"name": "Postcard", "share": 50.0, "sequence": 2})])
        arms = campaign.arm_ids.sorted("sequence")
        return campaign, arms

    def respond(self, campaign, members, every, prefix):
        rows = [{"source_system": "test", "external_ref": "%s-%d" % (prefix, member.id),
                 "date": in_days(campaign.date_start, 2), "channel": "order",
                 "direction": "inbound", "kind": "purchase", "amount": 40.0,
                 "partner_id": member.partner_id.id}
                for rank, member in enumerate(members) if rank % every == 0]
        result = self.Touchpoint.ingest(rows)
        self.assertTrue(all(r["status"] == "created" for r in result), result[:3])

    def test_each_offer_against_control_and_the_winner(self):
        campaign, (half, card) = self.launch_offers("Two offers")
        control = self.members(campaign, split_group="control")
        of_half = self.members(campaign, split_group="target", arm_id=half.id)
        of_card = self.members(campaign, split_group="target", arm_id=card.id)
        self.respond(campaign, of_half, 3, "half")
        self.respond(campaign, of_card, 12, "card")
        self.respond(campaign, control, 12, "control")
        x_c = len(control.filtered("response_date"))
        n_c = len(control)
        for arm, members in ((half, of_half), (card, of_card)):
            x, n = len(members.filtered("response_date")), len(members)
            self.assertEqual((arm.member_count, arm.responded, arm.contacted_count), (n, x, n))
            rates = uplift.proportion_difference(x, n, x_c, n_c)
            self.assertAlmostEqual(arm.uplift, 100.0 * rates.difference, delta=0.0051)
            self.assertAlmostEqual(arm.uplift_low, 100.0 * rates.low, delta=0.0051)
            self.assertAlmostEqual(arm.uplift_high, 100.0 * rates.high, delta=0.0051)
            self.assertAlmostEqual(arm.incremental_responses, rates.difference * n, delta=0.051)
            cost = 90.0 * n / (len(of_half) + len(of_card)) + 1.0 * n
            self.assertAlmostEqual(arm.cost, cost, places=2)
        self.assertEqual(half.evidence, "better")
        self.assertEqual(card.evidence, "unclear")
        # the offers add up to the campaign's target group
        self.assertEqual(half.responded + card.responded, campaign.target_responded)
        # half price answered four times as often as the postcard: it wins, at the
        # Bonferroni level of one comparison (95 %)
        best = uplift.proportion_difference(half.responded, half.member_count,
                                            card.responded, card.member_count)
        self.assertGreater(best.low, 0)
        self.assertEqual(campaign.arm_winner_id, half)
        self.assertIn("Half price wins", campaign.arm_summary)
        self.assertIn("%.2f" % (100.0 * best.difference), campaign.arm_summary)

    def test_no_winner_while_the_offers_answer_alike(self):
        campaign, (half, card) = self.launch_offers("Alike offers")
        self.respond(campaign, self.members(campaign, arm_id=half.id), 5, "a")
        self.respond(campaign, self.members(campaign, arm_id=card.id), 5, "b")
        self.assertFalse(campaign.arm_winner_id)
        self.assertIn("No winner yet", campaign.arm_summary)

    def test_offers_forecast_from_how_their_kind_answered(self):
        campaign, (half, card) = self.launch_offers("Learnt offers")
        half.kind, card.kind = "discount", "content"
        of_half = self.members(campaign, arm_id=half.id)
        of_card = self.members(campaign, arm_id=card.id)
        self.respond(campaign, of_half, 3, "lh")
        self.respond(campaign, of_card, 10, "lc")
        campaign.action_done()
        later = self.make_campaign(self.segment, name="Later offers", arm_ids=[
            (0, 0, {"name": "15 % off", "kind": "discount", "share": 50.0}),
            (0, 0, {"name": "A gift", "kind": "gift", "share": 50.0})])
        discount, gift = later.arm_ids.sorted("id")
        x_d, n_d = len(of_half.filtered("response_date")), len(of_half)
        # all the offers made on the channel before: the target members of its closed
        # campaigns (with offers or not), read through the ORM
        closed = [("campaign_id.state", "=", "done"), ("split_group", "=", "target"),
                  ("campaign_id.channel_id", "=", later.channel_id.id),
                  ("campaign_id.company_id", "=", later.company_id.id)]
        prior = self.Member.search_count(closed + [("response_date", "!=", False)]) \
            / float(self.Member.search_count(closed))
        smoothed = (x_d + SMOOTHING_MEMBERS * prior) / (n_d + SMOOTHING_MEMBERS)
        self.assertGreater(later.forecast_rate, 0)
        self.assertAlmostEqual(discount.forecast_rate,
                               later.forecast_rate * smoothed / prior, delta=0.0051)
        # no gift was ever offered: the campaign's own forecast
        self.assertAlmostEqual(gift.forecast_rate, later.forecast_rate, delta=0.0051)
        self.assertGreater(discount.forecast_rate, gift.forecast_rate)
