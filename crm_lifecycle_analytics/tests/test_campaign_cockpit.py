# Copyright 2026 crm_lifecycle contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The cockpit of a running call campaign: per agent and per day, counted
by hand from the members, its incremental responses per 100 contacts
against the control group, and the figures moving as responses arrive and
calls move."""
from odoo import fields

from odoo.addons.crm_lifecycle import compat
from odoo.addons.crm_lifecycle.tests.common import CampaignCase, in_days

from ..stats import uplift


class TestCampaignCockpit(CampaignCase):
    @classmethod
    def setUpClass(cls):
        super(TestCampaignCockpit, cls).setUpClass()
        Users = cls.env["res.users"].with_context(no_reset_password=True)
        group = cls.env.ref("sales_team.group_sale_salesman")
        cls.a = Users.create({"name": "Cockpit Ann", "login": "test_cockpit_ann",
                              "email": "ann@example.com",
                              "groups_id": [(6, 0, group.ids)]})
        cls.b = Users.create({"name": "Cockpit Bob", "login": "test_cockpit_bob",
                              "email": "bob@example.com",
                              "groups_id": [(6, 0, group.ids)]})
        cls.crowd = cls.make_partners(200, "Cockpit")
        cls.segment = cls.make_segment("Cockpit Crowd", cls.crowd)

    def setUp(self):
        super(TestCampaignCockpit, self).setUp()
        self.campaign = self.make_campaign(
            self.segment, channel="phone", holdout_percent=25.0, name="Cockpit calls",
            agent_ids=[(6, 0, (self.a | self.b).ids)])
        self.campaign.action_plan()
        self.campaign.action_launch()
        self.refs = 0

    def activities(self, user):
        return self.env["mail.activity"].search([
            ("campaign_member_id.campaign_id", "=", self.campaign.id),
            ("user_id", "=", user.id)], order="id")

    def call(self, user, count):
        """`user` makes `count` of their calls; returns the members reached."""
        calls = self.activities(user)[:count]
        members = calls.mapped("campaign_member_id")
        for activity in calls:
            activity.with_user(user).action_feedback("Reached")
        return members

    def respond(self, members):
        rows = []
        for member in members:
            self.refs += 1
            rows.append({"source_system": "test", "external_ref": "cockpit-%d" % self.refs,
                         "date": in_days(self.campaign.date_start, 1), "channel": "phone",
                         "direction": "inbound", "kind": "contact",
                         "partner_id": member.partner_id.id})
        result = self.Touchpoint.ingest(rows)
        self.assertTrue(all(r["status"] == "created" for r in result), result[:3])

    def lines(self):
        compat.invalidate_all(self.env)
        agents = {line.user_id: line for line in self.campaign.cockpit_agent_ids}
        days = {line.user_id: line for line in self.campaign.cockpit_day_ids}
        return agents, days

    def test_per_agent_figures_against_the_control_group(self):
        reached_a = self.call(self.a, 20)
        reached_b = self.call(self.b, 10)
        control = self.members(self.campaign, split_group="control")
        self.respond(reached_a[:10] | reached_b[:1] | control[:5])
        n_c = len(control)
        agents, days = self.lines()
        self.assertEqual(set(agents), {self.a, self.b})
        for user, reached, responded in ((self.a, 20, 10), (self.b, 10, 1)):
            line = agents[user]
            members = self.members(self.campaign, split_group="target", user_id=user.id)
            self.assertEqual(line.members, len(members))
            self.assertEqual(line.open_calls, len(self.activities(user)))
            self.assertEqual(line.open_calls, len(members) - reached)
            self.assertEqual(line.contacted, reached)
            self.assertEqual(line.responded, responded)
            expected = 100.0 * (responded / reached - 5.0 / n_c)
            self.assertAlmostEqual(line.incremental_per_100, expected, delta=0.051)
            self.assertAlmostEqual(line.incremental_responses,
                                   (responded / reached - 5.0 / n_c) * reached, delta=0.051)
            rates = uplift.proportion_difference(responded, reached, 5, n_c)
            self.assertAlmostEqual(line.incremental_low, 100.0 * rates.low, delta=0.051)
            self.assertAlmostEqual(line.incremental_high, 100.0 * rates.high, delta=0.051)
            self.assertAlmostEqual(line.control_rate, 100.0 * 5 / n_c, delta=0.051)
            # all the calls were made today: one day line per agent, the same figures
            self.assertEqual((days[user].contacted, days[user].responded), (reached, responded))
            self.assertEqual(days[user].day, fields.Date.context_today(self.campaign))
        # half of Ann's contacts answered against 5 of the control: surely above it
        self.assertEqual(agents[self.a].evidence, "better")
        self.assertEqual(agents[self.b].evidence, "unclear")
        # the cockpit moves as responses arrive and calls move
        self.respond(reached_b[1:3])
        agents, days = self.lines()
        self.assertEqual(agents[self.b].responded, 3)
        open_a, open_b = agents[self.a].open_calls, agents[self.b].open_calls
        self.campaign.move_calls(self.a, self.b, count=5)
        agents, days = self.lines()
        self.assertEqual((agents[self.a].open_calls, agents[self.b].open_calls),
                         (open_a - 5, open_b + 5))

    def test_no_lines_before_launch_and_other_companies_cannot_read_them(self):
        draft = self.make_campaign(self.segment, channel="phone", name="Not yet")
        self.assertFalse(draft.cockpit_agent_ids)
        self.call(self.a, 2)
        self.assertTrue(self.campaign.cockpit_agent_ids)
        self.make_other_company()
        Line = self.env["crm.campaign.cockpit.line"]
        self.assertTrue(Line.search([("campaign_id", "=", self.campaign.id)]))
        self.assertFalse(Line.with_user(self.manager_b).search(
            [("campaign_id", "=", self.campaign.id)]))
