# Copyright 2026 crm_lifecycle contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""What a campaign shows is true: Launched, Not Yet Sent until the first
contact, the control group share checked with a clear message before the
database constraint, and the response rates of target and control per
campaign for the dashboard."""
from odoo.exceptions import UserError, ValidationError

from .common import CampaignCase, in_days


class TestCampaignState(CampaignCase):
    @classmethod
    def setUpClass(cls):
        super(TestCampaignState, cls).setUpClass()
        cls.audience = cls.make_partners(80, "State")
        cls.segment = cls.make_segment("State", cls.audience)

    def respond(self, member, ref, days=2):
        result = self.Touchpoint.ingest([{
            "source_system": "test", "external_ref": ref,
            "date": in_days(member.campaign_id.date_start, days), "channel": "phone",
            "direction": "inbound", "kind": "response",
            "partner_id": member.partner_id.id}])
        self.assertEqual(result[0]["status"], "created", result)

    # ------------------------------------------------------------ the true state
    def test_an_export_is_running_at_launch(self):
        campaign = self.launch(name="Letters")
        self.assertEqual(campaign.state, "running", "the letters went out at launch")
        self.assertEqual(campaign.contacted_count, campaign.target_count)
        self.assertFalse(campaign.contact_status)

    def test_a_call_list_is_launched_not_yet_sent_until_the_first_call(self):
        campaign = self.launch(name="Calls", channel="phone")
        self.assertEqual(campaign.state, "launched")
        self.assertEqual(campaign.contacted_count, 0)
        self.assertIn("Waiting for the first call or visit", campaign.contact_status)
        self.assertIn("0 of %d target customers contacted" % campaign.target_count,
                      campaign.contact_status)
        # a control member's answer already counts: responses run from the launch
        control = self.members(campaign, split_group="control")
        self.respond(control[0], "control-before-calls")
        self.assertEqual(campaign.control_responded, 1)
        # the first call done: running, and the line is gone
        activity = self.env["mail.activity"].search(
            [("campaign_member_id.campaign_id", "=", campaign.id)], limit=1)
        activity.action_feedback("Interested")
        self.assertEqual(campaign.state, "running")
        self.assertEqual(campaign.contacted_count, 1)
        self.assertFalse(campaign.contact_status)

    def test_a_launched_campaign_is_locked_and_can_be_closed(self):
        campaign = self.launch(name="Calls to close", channel="phone")
        self.assertEqual(campaign.state, "launched")
        with self.assertRaisesRegex(UserError, "cannot change"):
            campaign.holdout_percent = 20.0
        with self.assertRaisesRegex(UserError, "cannot be deleted"):
            campaign.unlink()
        campaign.action_done()
        self.assertEqual(campaign.state, "done")

    # ------------------------------------------------------------ control group share
    def test_control_share_out_of_range_is_refused_with_a_clear_message(self):
        for value in (-5.0, 100.0, 150.0):
            with self.assertRaisesRegex(ValidationError,
                                        r"Control Group \(%\) must be at least 0 and below 100"):
                self.make_campaign(self.segment, holdout_percent=value)
        campaign = self.make_campaign(self.segment, holdout_percent=99.5)
        with self.assertRaisesRegex(ValidationError, "120 was entered"):
            campaign.holdout_percent = 120.0
        self.assertEqual(campaign.holdout_percent, 99.5)
        campaign.holdout_percent = 0.0

    def test_control_share_onchange_warns_in_the_form(self):
        campaign = self.Campaign.new({"holdout_percent": 100.0})
        warning = campaign._onchange_holdout_percent()["warning"]
        self.assertIn("Control Group (%)", warning["message"])
        self.assertIn("below 100", warning["message"])
        campaign.holdout_percent = 30.0
        self.assertFalse(campaign._onchange_holdout_percent())

    # ------------------------------------------------------------ response rates
    def test_response_rates_per_campaign_and_group(self):
        first = self.launch(name="Rates one", holdout_percent=20.0)
        second = self.launch(name="Rates two", holdout_percent=50.0, seed=7)
        for campaign, every in ((first, 3), (second, 5)):
            for group in ("target", "control"):
                for rank, member in enumerate(self.members(campaign, split_group=group)):
                    if rank % every == 0:
                        self.respond(member, "%s-%s-%d" % (campaign.name, group, rank))
        action = self.env.ref("crm_lifecycle.crm_campaign_member_action_response_rate")
        self.assertEqual(action.view_mode.split(",")[0], "pivot")
        rows = self.Member.read_group(
            [("campaign_id", "in", (first + second).ids), ("split_group", "!=", False)],
            ["response_rate", "campaign_id", "split_group"], ["campaign_id", "split_group"],
            lazy=False)
        rates = {(row["campaign_id"][0], row["split_group"]): row for row in rows}
        self.assertEqual(len(rates), 4, "target and control of each campaign, apart")
        for campaign in (first, second):
            target, control = rates[campaign.id, "target"], rates[campaign.id, "control"]
            # the rate fields are rounded to 2 digits: at most half a hundredth
            # apart (46.875 and 46.88; `places=2` refuses that by rounding
            # the difference itself)
            self.assertAlmostEqual(target["response_rate"], campaign.target_rate, delta=0.0051)
            self.assertAlmostEqual(control["response_rate"], campaign.control_rate, delta=0.0051)
            # the counts stay available next to the rates
            self.assertEqual(target["__count"], campaign.target_count)
            self.assertEqual(control["__count"], campaign.control_count)
        self.assertNotEqual(first.target_count, first.control_count)
        # each member weighs 100 (responded) or 0 in its group's rate
        members = self.members(first).filtered("split_group")
        self.assertEqual(set(members.filtered("response_date").mapped("response_rate")), {100.0})
        self.assertEqual(set((members - members.filtered("response_date"))
                             .mapped("response_rate")), {0.0})
