# Copyright 2026 crm_lifecycle contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""A campaign says no more than its figures: a first campaign on a channel
is forecast from the best prior there is (and says which), the relative
uplift is undefined over a control rate of 0, and nothing is judged before
the first contact."""
from odoo.addons.crm_lifecycle import compat
from odoo.addons.crm_lifecycle.tests.common import CampaignCase, in_days


# an email campaign waits for its mailing (the mass mailing bridge)
@compat.after_install
class TestCampaignPriors(CampaignCase):
    @classmethod
    def setUpClass(cls):
        super(TestCampaignPriors, cls).setUpClass()
        cls.crowd = cls.make_partners(200, "Prior")
        cls.segment = cls.make_segment("Prior", cls.crowd)

    def respond(self, campaign, members, every, prefix, amount=None):
        rows = []
        for rank, member in enumerate(members):
            if rank % every == 0:
                row = {"source_system": "test", "external_ref": "%s-%d" % (prefix, member.id),
                       "date": in_days(campaign.date_start, 2), "channel": "phone",
                       "direction": "inbound", "kind": "response",
                       "partner_id": member.partner_id.id}
                if amount is not None:
                    row.update(channel="order", kind="purchase", amount=amount)
                rows.append(row)
        result = self.Touchpoint.ingest(rows)
        self.assertTrue(all(r["status"] == "created" for r in result), result[:3])
        return len(rows)

    def test_first_campaign_on_a_channel_learns_from_the_best_prior(self):
        nothing = self.make_campaign(self.segment, channel="visit", name="Before all")
        self.assertEqual(nothing.forecast_responses, 0.0)
        self.assertEqual(nothing.forecast_basis, "No earlier campaign to learn from")
        # a letter campaign running (nothing closed yet on any channel)
        running = self.launch(name="Running letters", holdout_percent=20.0)
        self.assertEqual(running.state, "running")
        target = self.members(running, split_group="target")
        responded = self.respond(running, target, 4, "letters", amount=30.0)
        rate = float(responded) / len(target)
        self.assertAlmostEqual(running.target_rate, 100.0 * rate, places=2)
        # an email campaign launched but not sent: no prior, it reached no one
        mailing = self.launch(name="Unsent mailing", channel="email", holdout_percent=20.0)
        self.assertEqual((mailing.state, mailing.contacted_count), ("launched", 0))

        # the next letter campaign: the running one on its channel, by its rate so far
        letter = self.make_campaign(self.segment, name="Next letters", holdout_percent=10.0)
        self.assertEqual(
            letter.forecast_basis, "No closed campaign on this channel yet: learnt from 1 "
            "running campaigns on this channel, by their responses so far")
        self.assertAlmostEqual(letter.forecast_rate, 100.0 * rate, places=2)
        self.assertAlmostEqual(letter.forecast_responses, 200 * 0.9 * rate, places=1)
        self.assertAlmostEqual(letter.forecast_revenue, 200 * 0.9 * rate * 30.0, places=1)
        # the first campaigns by phone and by email: campaigns of any channel
        for channel in ("phone", "email"):
            first = self.make_campaign(self.segment, channel=channel, holdout_percent=10.0,
                                       name="First %s" % channel)
            self.assertEqual(first.forecast_basis, "No campaign on this channel yet: learnt "
                             "from 1 campaigns on other channels")
            self.assertAlmostEqual(first.forecast_rate, 100.0 * rate, places=2)
            self.assertGreater(first.forecast_responses, 0.0)
            self.assertGreater(first.forecast_revenue, 0.0)
        # once a letter campaign is closed, it is the prior of its channel again
        running.action_done()
        compat.invalidate_all(letter.env)
        self.assertEqual(letter.forecast_basis, "1 earlier campaigns on this channel")

    def test_relative_uplift_is_undefined_over_a_control_rate_of_zero(self):
        campaign = self.launch(name="No control response", holdout_percent=30.0)
        target = self.members(campaign, split_group="target")
        self.respond(campaign, target, 5, "t")
        self.assertEqual(campaign.control_rate, 0.0)
        self.assertGreater(campaign.target_rate, 0.0)
        self.assertFalse(campaign.relative_uplift_defined)
        # the uplift in points stays
        self.assertAlmostEqual(campaign.uplift, campaign.target_rate, places=2)
        # with a control response, the relative uplift is defined again
        self.respond(campaign, self.members(campaign, split_group="control")[:1], 1, "c")
        compat.invalidate_all(campaign.env)
        self.assertTrue(campaign.relative_uplift_defined)
        rate_t = float(campaign.target_responded) / campaign.target_count
        rate_c = float(campaign.control_responded) / campaign.control_count
        self.assertAlmostEqual(campaign.relative_uplift, 100.0 * (rate_t / rate_c - 1), places=1)

    def test_no_verdict_before_the_first_contact(self):
        campaign = self.launch(name="Calls to make", channel="phone", holdout_percent=30.0)
        self.assertEqual((campaign.state, campaign.contacted_count), ("launched", 0))
        self.assertEqual(
            campaign.judgement_summary, "No verdict yet: nothing has been sent, 0 of %d "
            "target customers contacted." % campaign.target_count)
        self.assertNotIn("No clear effect", campaign.judgement_summary)
        activity = self.env["mail.activity"].search(
            [("campaign_member_id.campaign_id", "=", campaign.id)], limit=1)
        activity.action_feedback("Reached")
        compat.invalidate_all(campaign.env)
        self.assertEqual(campaign.state, "running")
        self.assertIn("No clear effect", campaign.judgement_summary)
