# Copyright 2026 crm_lifecycle contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Who a campaign's contacts are credited to (issue 18, item 7): a letter,
SMS or email campaign sent to every target at once is a campaign send of
the campaign's owner, never a contact made by each customer's salesperson;
a call campaign's calls are the agents' own contacts. And the Staff
Performance screen: two measures by team then salesperson, without the
teams and people that have no figure to show."""
import datetime

from lxml import etree

from odoo import fields
from odoo.tools.safe_eval import safe_eval

from odoo.addons.crm_lifecycle import compat
from odoo.addons.crm_lifecycle.tests.common import CampaignCase


class TestStaffCredit(CampaignCase):
    @classmethod
    def setUpClass(cls):
        super(TestStaffCredit, cls).setUpClass()
        Users = cls.env["res.users"].with_context(no_reset_password=True)
        salesman = cls.env.ref("sales_team.group_sale_salesman")

        def user(login):
            return Users.create({"name": login.title(), "login": "test_credit_%s" % login,
                                 "email": "%s@example.com" % login,
                                 "groups_id": [(6, 0, [salesman.id])]})
        cls.anna, cls.bert, cls.mia = user("anna"), user("bert"), user("mia")
        cls.idle = user("idle")
        Team = cls.env["crm.team"]
        cls.north = Team.create({"name": "Credit North",
                                 "member_ids": [(6, 0, (cls.anna | cls.bert).ids)]})
        cls.marketing = Team.create({"name": "Credit Marketing",
                                     "member_ids": [(6, 0, cls.mia.ids)]})
        # a team like Odoo's demo teams: a won lead, no contact
        cls.quiet_team = Team.create({"name": "Credit Quiet",
                                      "member_ids": [(6, 0, cls.idle.ids)]})
        # four customers of Anna's, two of Bert's
        cls.audience = cls.make_partners(6, "Credited")
        cls.audience[:4].write({"user_id": cls.anna.id, **compat.partner_team_vals(cls.north)})
        cls.audience[4:].write({"user_id": cls.bert.id, **compat.partner_team_vals(cls.north)})
        cls.segment = cls.make_segment("Credited", cls.audience)
        cls.Report = cls.env["crm.staff.performance"]

    def launch(self, segment=None, **values):
        # everyone in the target group, Mia owns the campaign
        values.setdefault("holdout_percent", 0.0)
        values.setdefault("user_id", self.mia.id)
        values.setdefault("team_id", self.marketing.id)
        return super(TestStaffCredit, self).launch(segment, **values)

    def figures(self, measures, domain=None, groupby="user_id", report=None):
        report = report if report is not None else self.Report
        groups = report.read_group(
            [("partner_id", "in", self.audience.ids)] + (domain or []), [groupby] + measures,
            [groupby])
        return {g[groupby][0]: tuple(g[m] for m in measures) for g in groups if g[groupby]}

    def test_a_letter_campaign_is_a_campaign_send_of_its_owner(self):
        campaign = self.launch(channel="letter")
        sends = self.Touchpoint.search([("campaign_id", "=", campaign.utm_campaign_id.id)])
        self.assertEqual(len(sends), 6)
        self.assertEqual(set(sends.mapped("kind")), {"campaign"})
        self.assertEqual(sends.mapped("user_id"), self.mia, "credited to the owner")
        self.assertEqual(sends.mapped("team_id"), self.marketing)
        # Anna calls one of her customers herself
        self.Touchpoint.create({
            "partner_id": self.audience[0].id, "date": fields.Datetime.now(),
            "direction": "outbound", "kind": "contact", "user_id": self.anna.id,
            "team_id": self.north.id, "channel_id": self.channel["phone"].id})
        # contacts made, campaign sends, campaign targets, campaign contacts:
        # the salespeople made no contact through the letters, Mia sent six
        self.assertEqual(self.figures(["outbound_count", "campaign_sent_count",
                                       "campaign_members", "campaign_contacted"]), {
            self.anna.id: (1, 0, 4, 0),
            self.bert.id: (0, 0, 2, 0),
            self.mia.id: (0, 6, 0, 0),
        })
        # the leaderboard's contacts made follow
        target = self.env["crm.staff.target"].create({
            "user_id": self.bert.id, "measure": "contacts", "target": 4.0,
            "month": fields.Date.context_today(self.Report)})
        self.assertEqual(target.actual, 0.0)

    def test_a_call_campaign_credits_the_agents_with_their_calls(self):
        campaign = self.launch(channel="phone", agent_ids=[(6, 0, (self.anna | self.bert).ids)])
        members = self.members(campaign, split_group="target")
        self.assertEqual(len(members), 6)
        # the calls recorded as made (the demo data does so; live, the done
        # activity is the contact)
        members._record_contacts(fields.Datetime.now())
        calls = self.Touchpoint.search([("campaign_id", "=", campaign.utm_campaign_id.id)])
        self.assertEqual(set(calls.mapped("kind")), {"contact"})
        self.assertEqual(self.figures(["outbound_count", "campaign_sent_count",
                                       "campaign_contacted"]), {
            self.anna.id: (3, 0, 3),
            self.bert.id: (3, 0, 3),
        })

    def test_a_campaign_send_answers_no_inbound_contact(self):
        customer = self.audience[0]
        asked = self.Touchpoint.create({
            "partner_id": customer.id, "direction": "inbound", "kind": "contact",
            "date": fields.Datetime.to_string(
                datetime.datetime.utcnow() - datetime.timedelta(hours=2)),
            "user_id": self.anna.id, "team_id": self.north.id,
            "channel_id": self.channel["email"].id})
        self.launch(channel="letter")
        compat.invalidate_all(asked.env)
        self.assertFalse(asked.answered_date, "a catalogue in the post is no answer")
        self.assertTrue(asked.awaiting_answer)
        self.assertIn(asked, self.Touchpoint.search([("awaiting_answer", "=", True)]))

    def test_existing_campaign_contacts_become_campaign_sends_on_update(self):
        """Rows an earlier version wrote as each salesperson's contact are
        moved to the owner's campaign sends by the module update."""
        campaign = self.launch(channel="letter")
        sends = self.Touchpoint.search([("campaign_id", "=", campaign.utm_campaign_id.id)])
        self.env.cr.execute("""
            UPDATE crm_touchpoint t SET kind = 'contact', user_id = m.user_id
              FROM crm_campaign_member m
             WHERE t.id = ANY(%s) AND t.res_id = m.id
        """, (sends.ids,))
        self.Member.init()
        compat.invalidate_all(sends.env)
        self.assertEqual(set(sends.mapped("kind")), {"campaign"})
        self.assertEqual(sends.mapped("user_id"), self.mia)

    def test_pivot_default_two_measures_by_team_then_salesperson(self):
        action = self.env.ref("crm_lifecycle_analytics.crm_staff_performance_action")
        context = safe_eval(action.context, {"uid": self.env.uid})
        self.assertNotIn("pivot_column_groupby", context, "no column per channel by default")
        self.assertTrue(context.get("staff_hide_idle"))
        arch = etree.fromstring(compat.view_arch(self.Report, "pivot"))
        rows = [f.get("name") for f in arch.iter("field") if f.get("type") == "row"]
        cols = [f.get("name") for f in arch.iter("field") if f.get("type") == "col"]
        measures = [f.get("name") for f in arch.iter("field") if f.get("type") == "measure"]
        self.assertEqual(rows, ["team_id", "user_id"])
        self.assertEqual(cols, [])
        self.assertEqual(measures, ["outbound_count", "inbound_count"])
        # the web client adds Count for any display_quantity, "False" too
        self.assertIsNone(arch.get("display_quantity"), "no Count column")
        search = etree.fromstring(compat.view_arch(self.Report, "search"))
        self.assertIn("{'group_by': 'channel_id'}",
                      [f.get("context") for f in search.iter("filter")],
                      "the channel stays one click away")

    def test_teams_and_people_without_figures_are_left_out(self):
        campaign = self.launch(channel="letter")
        for user, team, direction in ((self.anna, self.north, "outbound"),
                                      (self.bert, self.north, "inbound")):
            self.Touchpoint.create({
                "partner_id": self.audience[0].id, "date": fields.Datetime.now(),
                "direction": direction, "kind": "contact", "user_id": user.id,
                "team_id": team.id, "channel_id": self.channel["phone"].id})
        # (no customer on the lead: a lead naming one would be a contact handled)
        lead = self.env["crm.lead"].create({
            "name": "Credit quiet deal", "user_id": self.idle.id,
            "team_id": self.quiet_team.id, compat.LEAD_REVENUE_FIELD: 900.0, "type": "opportunity"})
        lead.action_set_won()
        domain = ["|", "|", ("partner_id", "in", self.audience.ids),
                  ("campaign_id", "=", campaign.id), ("lead_id", "=", lead.id)]
        shown = self.Report.with_context(staff_hide_idle=True)
        contacts = ["outbound_count", "inbound_count"]

        def teams(report, measures, groupby=("team_id",), lazy=True):
            return {tuple(g[f] and g[f][0] for f in groupby):
                    tuple(g[m] for m in measures)
                    for g in report.read_group(domain, list(groupby) + measures,
                                               list(groupby), lazy=lazy)}
        # without the screen's context every team with a row is listed
        everything = teams(self.Report, contacts)
        self.assertEqual(everything[(self.quiet_team.id,)], (0, 0))
        self.assertEqual(everything[(self.marketing.id,)], (0, 0))
        # the screen: North only; a measure the quiet team has brings it back
        self.assertEqual(teams(shown, contacts), {(self.north.id,): (1, 1)})
        self.assertEqual(set(teams(shown, contacts + ["leads_won"])),
                         {(self.north.id,), (self.quiet_team.id,)})
        self.assertEqual(set(teams(shown, ["campaign_sent_count"])), {(self.marketing.id,)})
        # team then salesperson, as the pivot asks (not lazy)
        self.assertEqual(teams(shown, contacts, ("team_id", "user_id"), lazy=False), {
            (self.north.id, self.anna.id): (1, 0),
            (self.north.id, self.bert.id): (0, 1),
        })
        # the total is the same, and Bert, who handled a contact, is kept
        total = shown.read_group(domain, contacts, [])
        self.assertEqual((total[0]["outbound_count"], total[0]["inbound_count"]), (1, 1))
        self.assertEqual(set(teams(shown, contacts, ("user_id",))),
                         {(self.anna.id,), (self.bert.id,)})
