# Copyright 2026 crm_lifecycle contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Offer arms: the target group split among a campaign's offers by its
seeded draw, within sampling error, the same seed giving the same offers;
the calls and the export say the offer; the draw's offers locked at
launch."""
import base64
import csv
import io
import math

from odoo.exceptions import UserError

from .common import CampaignCase


class TestCampaignArms(CampaignCase):
    @classmethod
    def setUpClass(cls):
        super(TestCampaignArms, cls).setUpClass()
        cls.crowd = cls.make_partners(1200, "Armed")
        cls.segment = cls.make_segment("Armed crowd", cls.crowd)

    def offers(self, **values):
        vals = {"holdout_percent": 20.0, "name": "Three offers", "arm_ids": [
            (0, 0, {"name": "10 % off", "kind": "discount", "share": 50.0, "sequence": 1,
                    "description": "Ten per cent off the next order."}),
            (0, 0, {"name": "Free gift", "kind": "gift", "share": 30.0, "sequence": 2}),
            (0, 0, {"name": "Newsletter", "kind": "content", "share": 20.0, "sequence": 3})]}
        vals.update(values)
        return self.make_campaign(self.segment, **vals)

    def test_arms_split_the_target_group_within_sampling_error(self):
        campaign = self.offers()
        campaign._build_audience()
        target = self.members(campaign, split_group="target")
        control = self.members(campaign, split_group="control")
        self.assertFalse(control.filtered("arm_id"))
        self.assertFalse(target.filtered(lambda m: not m.arm_id))
        n = len(target)
        for arm, share in zip(campaign.arm_ids.sorted("sequence"), (0.5, 0.3, 0.2)):
            count = len(target.filtered(lambda m: m.arm_id == arm))
            self.assertEqual(arm.member_count, count)
            # within four standard deviations of the binomial
            sigma = math.sqrt(n * share * (1 - share))
            self.assertLess(abs(count - n * share), 4 * sigma, (arm.name, count, n))
        # the same seed, the same offers; the split from the control group unchanged
        before = {m.partner_id.id: (m.split_group, m.arm_id.name) for m in target | control}
        target_partners = set(target.mapped("partner_id").ids)
        campaign._build_audience()
        after = {m.partner_id.id: (m.split_group, m.arm_id.name)
                 for m in self.members(campaign) if m.split_group}
        self.assertEqual(before, after)
        # one offer only: all the target group gets it; the split is the campaign's own
        single = self.make_campaign(self.segment, name="One offer", holdout_percent=20.0,
                                    arm_ids=[(0, 0, {"name": "Only", "share": 10.0})])
        single._build_audience()
        self.assertEqual(
            {m.partner_id.id for m in self.members(single, split_group="target")},
            target_partners)
        self.assertEqual(set(self.members(single, split_group="target").mapped("arm_id.name")),
                         {"Only"})

    def test_calls_and_export_say_the_offer(self):
        calls = self.offers(channel="phone", name="Offer calls")
        calls.action_plan()
        calls.action_launch()
        activities = self.env["mail.activity"].search(
            [("campaign_member_id.campaign_id", "=", calls.id)])
        self.assertEqual(len(activities), calls.target_count)
        for activity in activities[:50]:
            arm = activity.campaign_member_id.arm_id
            self.assertEqual(activity.summary, "Offer calls: %s" % arm.name)
        discount = activities.filtered(lambda a: a.campaign_member_id.arm_id.name == "10 % off")
        self.assertIn("Ten per cent off", discount[0].note)
        letters = self.offers(channel="letter", name="Offer letters")
        letters.action_plan()
        letters.action_launch()
        rows = list(csv.reader(io.StringIO(
            base64.b64decode(letters.export_attachment_id.datas).decode("utf-8"))))
        self.assertEqual(rows[0][-1], "offer")
        offers = {member.partner_id.name: member.arm_id.name
                  for member in self.members(letters, split_group="target")}
        self.assertEqual(len(rows) - 1, len(offers))
        for row in rows[1:]:
            self.assertEqual(row[-1], offers[row[0]])

    def test_offers_are_locked_at_launch_and_refused_for_mailings(self):
        campaign = self.offers(channel="letter")
        campaign.action_plan()
        campaign.action_launch()
        arm = campaign.arm_ids[0]
        arm.write({"name": "10 % off, renamed"})
        for change in (lambda: arm.write({"share": 80.0}),
                       lambda: arm.unlink(),
                       lambda: self.env["crm.campaign.arm"].create(
                           {"campaign_id": campaign.id, "name": "Late"})):
            with self.assertRaises(UserError):
                change()
        mailing = self.offers(channel="email", name="Offer mails")
        with self.assertRaises(UserError):
            mailing.action_plan()
