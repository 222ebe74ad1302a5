# Copyright 2026 crm_lifecycle contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""An email campaign sent as a mass mailing to its target group only."""
from odoo.addons.crm_lifecycle import compat
from odoo.addons.crm_lifecycle.tests.common import CampaignCase


class TestCampaignMailing(CampaignCase):
    @classmethod
    def setUpClass(cls):
        super(TestCampaignMailing, cls).setUpClass()
        cls.audience = cls.make_partners(60, "Mailed")
        cls.opted_out = cls.audience[:3]
        compat.refuse_mailings(cls.opted_out)
        cls.segment = cls.make_segment("Mailed", cls.audience)

    def launch(self, segment=None, **values):
        return super(TestCampaignMailing, self).launch(
            segment, channel="email", holdout_percent=30.0,
            description="Our winter offers.\nSee you soon.", **values)

    def test_launch_prepares_a_mailing_to_the_target_group(self):
        campaign = self.launch()
        mailing = campaign.mass_mailing_id
        self.assertTrue(mailing, "the email campaign has its mailing")
        self.assertEqual(mailing.campaign_id, campaign.utm_campaign_id)
        self.assertEqual(mailing.medium_id, self.env.ref("utm.utm_medium_email"))
        self.assertIn("winter offers", mailing.body_html)
        target = self.members(campaign, split_group="target").mapped("partner_id")
        self.assertTrue(target)
        recipients = self.env["res.partner"].browse(compat.mailing_recipients(mailing))
        self.assertEqual(recipients, target)
        self.assertFalse(recipients & self.opted_out, "opted-out customers are not mailed")
        control = self.members(campaign, split_group="control").mapped("partner_id")
        self.assertTrue(control)
        self.assertFalse(recipients & control, "the control group is never mailed")
        self.assertFalse(campaign.export_attachment_id, "no export with a mailing")
        self.assertEqual(campaign.contacted_count, 0, "contacted when the mailing is sent")

    def test_sending_contacts_the_target_members(self):
        campaign = self.launch()
        compat.send_mailing(campaign.mass_mailing_id)
        stats = self.env[compat.MAILING_TRACE_MODEL].search(
            [("mass_mailing_id", "=", campaign.mass_mailing_id.id)])
        target = self.members(campaign, split_group="target")
        self.assertEqual(sorted(stats.mapped("res_id")), sorted(target.mapped("partner_id").ids))
        self.assertFalse(compat.mailing_trace_failed(stats), "every email went out")
        self.assertEqual(campaign.contacted_count, len(target))
        self.assertTrue(all(target.mapped("contact_date")))
        self.assertFalse(any(self.members(campaign, split_group="control")
                             .mapped("contact_date")))
        contacts = self.Touchpoint.search([
            ("campaign_id", "=", campaign.utm_campaign_id.id), ("direction", "=", "outbound")])
        self.assertEqual(contacts.mapped("partner_id"), target.mapped("partner_id"))
        self.assertEqual(set(contacts.mapped("channel_id.code")), {"email"})

    def test_the_queue_sending_the_mailing_contacts_the_target_members(self):
        """Sent by Odoo's mailing queue (its scheduled action) rather than the
        button: the same members are contacted."""
        campaign = self.launch()
        compat.queue_mailing(campaign.mass_mailing_id)
        self.env[compat.MAILING_MODEL]._process_mass_mailing_queue()
        compat.invalidate_all(campaign.env)
        target = self.members(campaign, split_group="target")
        self.assertEqual(campaign.mass_mailing_id.state, "done")
        self.assertEqual(campaign.contacted_count, len(target))
        self.assertTrue(all(target.mapped("contact_date")))
        self.assertEqual(campaign.state, "running")

    def test_a_mailing_is_a_campaign_send_not_the_salespeoples_contact(self):
        """Each target's salesperson is not credited with an email made: the
        mailing is a campaign send of the campaign's owner, whoever sends it."""
        Users = self.env["res.users"].with_context(no_reset_password=True)
        salesman = self.env.ref("sales_team.group_sale_salesman")
        owner, agent = (Users.create({
            "name": name, "login": "test_mailing_%s" % name.lower(),
            "email": "%s@example.com" % name.lower(),
            "groups_id": [(6, 0, [salesman.id])]}) for name in ("Owner", "Agent"))
        self.audience.write({"user_id": agent.id})
        campaign = self.launch(user_id=owner.id)
        compat.send_mailing(campaign.mass_mailing_id)
        target = self.members(campaign, split_group="target")
        self.assertEqual(set(target.mapped("user_id")), {agent}, "the customers' salesperson")
        sends = self.Touchpoint.search([("campaign_id", "=", campaign.utm_campaign_id.id)])
        self.assertEqual(len(sends), len(target))
        self.assertEqual(set(sends.mapped("kind")), {"campaign"})
        self.assertEqual(sends.mapped("user_id"), owner)
        self.assertFalse(self.Touchpoint.search([("user_id", "=", agent.id)]),
                         "the agent made no contact")

    def test_searching_the_targets_of_a_campaign(self):
        campaign = self.launch()
        Partner = self.env["res.partner"]
        target = self.members(campaign, split_group="target").mapped("partner_id")
        self.assertEqual(Partner.search([("lifecycle_target_campaign_ids", "=", campaign.id)]),
                         target)
        self.assertIn(campaign, target[0].lifecycle_target_campaign_ids)

    def test_true_state_before_and_after_the_mailing_is_sent(self):
        campaign = self.launch()
        target = self.members(campaign, split_group="target")
        # launched, nothing sent: no Running, no verdict, a line saying what is awaited
        self.assertEqual(campaign.state, "launched")
        self.assertEqual(campaign.contacted_count, 0)
        self.assertEqual(
            campaign.contact_status,
            "Waiting for the mailing to be sent: 0 of %d target customers contacted. No "
            "verdict before the first email goes out; send it from the Mailing button."
            % len(target))
        if "judgement_summary" in campaign._fields:  # with the analytics addon
            self.assertIn("nothing has been sent", campaign.judgement_summary)
        # sent: running, every target member contacted, the verdict is shown
        compat.send_mailing(campaign.mass_mailing_id)
        compat.invalidate_all(campaign.env)
        self.assertEqual(campaign.state, "running")
        self.assertEqual(campaign.contacted_count, len(target))
        self.assertFalse(campaign.contact_status)
        if "judgement_summary" in campaign._fields:
            self.assertNotIn("nothing has been sent", campaign.judgement_summary)
