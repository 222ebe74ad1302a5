# Copyright 2026 crm_lifecycle contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Staff performance: each measure against hand-computed values on a small
week of contacts (response times across a weekend, a customer never
heard from), and who sees which rows."""
import datetime

from psycopg2 import sql

from odoo import fields

from odoo.addons.crm_lifecycle import compat
from odoo.addons.crm_lifecycle.sql import idents
from odoo.addons.crm_lifecycle.tests.common import CUSTOMER, CrmLifecycleCase

from ..models.crm_staff_portfolio import COLUMNS


class StaffCase(CrmLifecycleCase):
    """A week of contacts of two salespeople in two teams."""

    @classmethod
    def setUpClass(cls):
        super(StaffCase, cls).setUpClass()
        Users = cls.env["res.users"].with_context(no_reset_password=True)
        salesman_group = cls.env.ref("sales_team.group_sale_salesman")

        def user(login):
            return Users.create({"name": login.title(), "login": "test_perf_%s" % login,
                                 "email": "%s@example.com" % login,
                                 "groups_id": [(6, 0, [salesman_group.id])]})
        cls.anna, cls.bert, cls.lena = user("anna"), user("bert"), user("lena")
        Team = cls.env["crm.team"]
        # Lena leads team North (she is not one of its salespeople)
        cls.north = Team.create({"name": "North", "user_id": cls.lena.id,
                                 "member_ids": [(6, 0, [cls.anna.id])]})
        cls.south = Team.create({"name": "South", "member_ids": [(6, 0, [cls.bert.id])]})
        Partner = cls.env["res.partner"]
        cls.ada = Partner.create({"name": "Perf Ada", **CUSTOMER, "is_company": True,
                                  "user_id": cls.anna.id})
        cls.bob = Partner.create({"name": "Perf Bob", **CUSTOMER, "is_company": True,
                                  "user_id": cls.bert.id})
        cls.cid = Partner.create({"name": "Perf Cid", **CUSTOMER, "is_company": True,
                                  "user_id": cls.anna.id})
        # 2026-11-20 is a Friday
        cls.tp(cls.ada, "2026-11-20 16:00:00", "inbound", cls.anna, cls.north)
        cls.answer_ada = cls.tp(cls.ada, "2026-11-23 10:00:00", "outbound", cls.anna,
                                cls.north)  # Monday: 8 h on Friday + 10 h on Monday
        cls.tp(cls.ada, "2026-11-24 09:00:00", "inbound", cls.anna, cls.north)
        cls.tp(cls.ada, "2026-11-24 11:30:00", "outbound", cls.anna, cls.north,
               channel="email")  # 2.5 h
        cls.tp(cls.bob, "2026-11-21 10:00:00", "inbound", cls.bert, cls.south)  # Saturday
        cls.tp(cls.bob, "2026-11-23 09:00:00", "outbound", cls.bert, cls.south)  # 9 h
        cls.tp(cls.bob, "2026-11-25 09:00:00", "inbound", cls.bert, cls.south)  # unanswered
        # Cid is only called, then buys: a purchase needs no answer
        cls.tp(cls.cid, "2026-11-19 14:00:00", "outbound", cls.anna, cls.north)
        cls.tp(cls.cid, "2026-11-26 12:00:00", "inbound", cls.anna, cls.north,
               kind="purchase", amount=100.0, channel="order")
        cls.Report = cls.env["crm.staff.performance"]
        cls.week = [("date", ">=", "2026-11-16"), ("date", "<", "2026-11-30"),
                    ("source", "=", "touchpoint"),
                    ("user_id", "in", (cls.anna | cls.bert | cls.lena).ids)]

    @classmethod
    def tp(cls, partner, date, direction, user, team, kind="contact", amount=None,
           channel="phone"):
        return cls.env["crm.touchpoint"].create({
            "partner_id": partner.id, "date": date, "direction": direction, "kind": kind,
            "user_id": user.id, "team_id": team.id, "amount": amount,
            "channel_id": cls.channel[channel].id})


class TestStaffPerformance(StaffCase):
    def totals(self, report=None, domain=None):
        report = self.Report if report is None else report  # (an empty recordset is falsy)
        groups = report.read_group(
            (domain or []) + self.week,
            ["user_id", "outbound_count", "inbound_count", "answered_count", "revenue"],
            ["user_id"])
        return {g["user_id"][0]: (g["outbound_count"], g["inbound_count"],
                                  g["answered_count"], g["revenue"]) for g in groups}

    def test_weekday_hours(self):
        cr = self.env.cr

        def hours(start, end):
            cr.execute("SELECT (crm_lifecycle_weekday_seconds(%s::timestamp) "
                       "- crm_lifecycle_weekday_seconds(%s::timestamp)) / 3600", (end, start))
            return cr.fetchone()[0]
        self.assertAlmostEqual(hours("2026-11-24 09:00", "2026-11-24 11:30"), 2.5)
        self.assertAlmostEqual(hours("2026-11-20 16:00", "2026-11-23 10:00"), 18.0)
        self.assertAlmostEqual(hours("2026-11-21 10:00", "2026-11-23 09:00"), 9.0)
        self.assertAlmostEqual(hours("2026-11-20 23:00", "2026-11-23 01:00"), 2.0)
        self.assertAlmostEqual(hours("2026-11-21 08:00", "2026-11-22 20:00"), 0.0)
        # two weeks from Wednesday to Wednesday: ten weekdays
        self.assertAlmostEqual(hours("2026-11-04 12:00", "2026-11-18 12:00"), 240.0)

    def test_contacts_made_handled_and_revenue(self):
        self.assertEqual(self.totals(), {
            self.anna.id: (3, 2, 2, 100.0),
            self.bert.id: (1, 2, 1, 0.0),
        })

    def test_response_time_median_and_90th_percentile(self):
        stats = self.Report.response_time_percentiles(self.week)
        median, p90, answered = stats[self.anna.id]
        self.assertAlmostEqual(median, (18.0 + 2.5) / 2)
        self.assertAlmostEqual(p90, 2.5 + 0.9 * (18.0 - 2.5))
        self.assertEqual(answered, 2)
        self.assertEqual(stats[self.bert.id], (9.0, 9.0, 1))
        by_team = self.Report.response_time_percentiles(self.week, groupby="team_id")
        self.assertEqual(by_team[self.south.id], (9.0, 9.0, 1))
        # the unanswered contact has no response time; Cid's purchase is no contact
        unanswered = self.Report.search(self.week + [("inbound_count", "=", 1),
                                                     ("answered_count", "=", 0)])
        self.assertEqual(unanswered.mapped("partner_id"), self.bob)

    def test_this_quarter_filter(self):
        today = datetime.date.today()
        start = today.replace(month=1 + (today.month - 1) // 3 * 3, day=1).isoformat()
        rows = self.Report.search(self.week)
        inside = self.Report.search(self.week + [("this_quarter", "=", True)])
        outside = self.Report.search(self.week + [("this_quarter", "=", False)])
        self.assertEqual(inside, rows.filtered(lambda r: str(r.date) >= start))
        self.assertEqual(inside | outside, rows)
        self.assertFalse(inside & outside)

    def test_won_leads_and_campaign_contacts(self):
        lead = self.env["crm.lead"].create({
            "name": "Perf deal", "partner_id": self.ada.id, "user_id": self.anna.id,
            "team_id": self.north.id, compat.LEAD_REVENUE_FIELD: 1500.0, "type": "opportunity"})
        lead.action_set_won()
        row = self.Report.search([("lead_id", "=", lead.id)])
        self.assertEqual((row.leads_won, row.won_revenue, row.user_id), (1, 1500.0, self.anna))
        self.assertEqual(row.action_open_source()["res_model"], "crm.lead")

    def test_margin_where_the_cost_of_goods_is_known(self):
        self.env["crm.touchpoint"].create({
            "partner_id": self.cid.id, "date": "2026-11-27 12:00:00", "direction": "inbound",
            "kind": "purchase", "amount": 300.0, "cost_amount": 180.0,
            "user_id": self.anna.id, "team_id": self.north.id,
            "channel_id": self.channel["order"].id})
        group = self.Report.read_group(self.week + [("user_id", "=", self.anna.id)],
                                       ["revenue", "margin"], [])[0]
        # the first purchase has no known cost: revenue only
        self.assertEqual((group["revenue"], group["margin"]), (400.0, 120.0))

    def test_nps_csat_and_complaint_resolution_per_salesperson(self):
        def feedback(partner, user, team, date, **vals):
            self.env["crm.touchpoint"].create(dict({
                "partner_id": partner.id, "date": date, "direction": "inbound",
                "kind": "feedback", "user_id": user.id, "team_id": team.id,
                "channel_id": self.channel["web"].id}, **vals))
        feedback(self.ada, self.anna, self.north, "2026-11-17 10:00:00", nps_score="10",
                 csat_score="4")
        feedback(self.cid, self.anna, self.north, "2026-11-18 10:00:00", nps_score="3",
                 csat_score="2")
        feedback(self.ada, self.anna, self.north, "2026-11-19 10:00:00", nps_score="8")
        feedback(self.bob, self.bert, self.south, "2026-11-19 10:00:00", nps_score="9")
        feedback(self.ada, self.anna, self.north, "2026-11-20 10:00:00", kind="complaint",
                 severity="high", resolved_date="2026-11-21 16:00:00")
        feedback(self.cid, self.anna, self.north, "2026-11-25 10:00:00", kind="complaint")
        groups = self.Report.read_group(
            self.week, ["user_id", "nps", "csat", "complaint_count", "open_complaint_count",
                        "resolution_hours"], ["user_id"])
        figures = {g["user_id"][0]: (g["nps"], g["csat"], g["complaint_count"],
                                     g["open_complaint_count"], g["resolution_hours"])
                   for g in groups}
        # Anna: one promoter, one detractor, one passive: NPS 0; CSAT (4 + 2) / 2;
        # a complaint resolved in 30 hours and one open
        self.assertEqual(figures[self.anna.id], (0.0, 3.0, 2, 1, 30.0))
        self.assertEqual((figures[self.bert.id][0], figures[self.bert.id][2]), (100.0, 0))

    def test_incremental_responses_per_salesperson(self):
        """Campaign targets assigned to each salesperson, against the control
        group's rate: 1 of 4 control members responded (25 %)."""
        campaign = self.env["crm.campaign"].create({
            "name": "Perf calls", "channel_id": self.channel["phone"].id})
        campaign.write({"state": "running", "date_start": "2026-11-16 08:00:00"})
        Member = self.env["crm.campaign.member"]

        def member(partner, group, user=None, contacted=None, responded=None):
            Member.create({"campaign_id": campaign.id, "partner_id": partner.id,
                           "split_group": group, "user_id": user and user.id,
                           "team_id": user and (user == self.bert and self.south
                                                or self.north).id,
                           "contact_date": contacted, "response_date": responded,
                           "state": responded and "responded"
                           or contacted and "contacted" or "planned"})
        member(self.ada, "target", self.anna, "2026-11-17 10:00:00", "2026-11-18 10:00:00")
        member(self.cid, "target", self.anna)
        member(self.bob, "target", self.bert, "2026-11-17 11:00:00", "2026-11-19 10:00:00")
        for k in range(4):
            partner = self.env["res.partner"].create({"name": "Perf control %d" % k,
                                                      **CUSTOMER})
            member(partner, "control", responded=k == 0 and "2026-11-18 12:00:00" or None)
        groups = self.Report.read_group(
            [("campaign_id", "=", campaign.id)],
            ["user_id", "campaign_members", "campaign_contacted", "campaign_responded",
             "incremental_responses"], ["user_id"])
        figures = {g["user_id"][0]: (g["campaign_members"], g["campaign_contacted"],
                                     g["campaign_responded"], g["incremental_responses"])
                   for g in groups}
        self.assertEqual(figures, {
            self.anna.id: (2, 1, 1, (1 - 0.25) + (0 - 0.25)),
            self.bert.id: (1, 1, 1, 1 - 0.25),
        })

    def test_drill_down_to_the_touchpoint_and_the_timeline(self):
        row = self.Report.search([("touchpoint_id", "=", self.answer_ada.id)])
        self.assertEqual((row.user_id, row.team_id, row.partner_id),
                         (self.anna, self.north, self.ada))
        action = row.action_open_source()
        self.assertEqual((action["res_model"], action["res_id"]),
                         ("crm.touchpoint", self.answer_ada.id))
        timeline = row.action_open_timeline()
        self.assertEqual(timeline["res_model"], "crm.touchpoint")
        self.assertIn(str(self.ada.id), str(timeline["domain"]))

    def test_salesperson_sees_own_rows_leader_the_team_manager_all(self):
        anna = self.totals(self.Report.with_user(self.anna))
        self.assertEqual(set(anna), {self.anna.id}, "a salesperson sees their own rows")
        bert = self.totals(self.Report.with_user(self.bert))
        self.assertEqual(set(bert), {self.bert.id})
        lena = self.totals(self.Report.with_user(self.lena))
        self.assertEqual(set(lena), {self.anna.id}, "a team leader sees the team's rows")
        manager = self.totals(self.Report.with_user(self.sales_manager))
        self.assertEqual(set(manager), {self.anna.id, self.bert.id})
        stats = self.Report.with_user(self.bert).response_time_percentiles(self.week)
        self.assertEqual(set(stats), {self.bert.id}, "percentiles follow the record rules")


class TestStaffTarget(StaffCase):
    def target(self, measure, value, month="2026-11-17", **owner):
        return self.env["crm.staff.target"].create(dict(
            owner, measure=measure, target=value, month=month))

    def test_achievement_against_hand_computed_figures(self):
        contacts = self.target("contacts", 6.0, user_id=self.anna.id)
        self.assertEqual(str(contacts.month), "2026-11-01", "a target is for the whole month")
        self.assertEqual(contacts.team_id, self.north, "the salesperson's team")
        self.assertEqual((contacts.actual, contacts.achievement), (3.0, 50.0))
        revenue = self.target("revenue", 80.0, user_id=self.anna.id)
        self.assertEqual((revenue.actual, revenue.achievement), (100.0, 125.0))
        # response time: lower is better, the median counts
        speed = self.target("response_time", 8.2, user_id=self.anna.id)
        self.assertAlmostEqual(speed.actual, 10.25)
        self.assertAlmostEqual(speed.achievement, 80.0)
        team = self.target("contacts", 2.0, team_id=self.south.id)
        self.assertEqual((team.actual, team.achievement), (1.0, 50.0))
        # a contact made later in the month counts at the next refresh
        self.tp(self.ada, "2026-11-27 10:00:00", "outbound", self.anna, self.north)
        contacts.refresh_actuals()
        self.assertEqual(contacts.actual, 4.0)
        self.assertAlmostEqual(contacts.achievement, 100.0 * 4 / 6)
        # the leaderboard ranks by achievement within the month
        board = self.env["crm.staff.target"].search(
            [("month", "=", "2026-11-01"), ("measure", "=", "contacts")])
        self.assertEqual(board.ids, [contacts.id, team.id])
        action = contacts.action_view_rows()
        rows = self.env["crm.staff.performance"].search(action["domain"])
        self.assertEqual(sum(rows.mapped("outbound_count")), 4)
        # only the rows that make the figure (no zero rows), under a
        # readable name, not the measure's code
        self.assertEqual(len(rows), 4)
        self.assertEqual(action["name"], contacts.display_name)
        self.assertEqual(contacts.display_name, "Contacts Made · %s · November 2026"
                         % contacts.user_id.name)

    def test_rank_projection_and_trend(self):
        october = self.target("contacts", 2.0, user_id=self.anna.id, month="2026-10-01")
        self.assertEqual((october.actual, october.projected), (0.0, 0.0))
        october.sudo().write({"achievement": 40.0})  # as if October had 0.8 of 2 contacts
        anna = self.target("contacts", 6.0, user_id=self.anna.id)
        bert = self.target("contacts", 1.0, user_id=self.bert.id)
        team = self.target("contacts", 2.0, team_id=self.south.id)
        # November is over (today is later): projected = achievement
        self.assertEqual((anna.achievement, anna.projected), (50.0, 50.0))
        self.assertEqual((anna.previous_achievement, anna.trend), (40.0, "up"))
        self.assertEqual((bert.achievement, bert.trend), (100.0, "new"))
        self.assertEqual((bert.rank, anna.rank), (1, 2), "people ranked by achievement")
        self.assertEqual(team.rank, 1, "teams have their own leaderboard")
        # a month partly gone by: the pace carried on to its end
        self.tp(self.ada, fields.Datetime.now(), "outbound", self.anna, self.north)
        anna_now = self.target("contacts", 10.0, user_id=self.anna.id,
                               month=fields.Date.context_today(self.env["crm.staff.target"]))
        today = fields.Date.from_string(fields.Date.context_today(anna_now))
        start = today.replace(day=1)
        days = ((start + datetime.timedelta(days=32)).replace(day=1) - start).days
        self.assertEqual(anna_now.achievement, 10.0)
        self.assertAlmostEqual(anna_now.projected,
                               anna_now.achievement * days / (today.day), places=6)

    def test_salesperson_sees_own_targets_leader_the_team(self):
        mine = self.target("revenue", 50.0, user_id=self.anna.id)
        other = self.target("revenue", 50.0, user_id=self.bert.id)
        Target = self.env["crm.staff.target"]
        self.assertEqual(Target.with_user(self.anna).search([("id", "in", (mine | other).ids)]),
                         mine)
        self.assertEqual(Target.with_user(self.lena).search([("id", "in", (mine | other).ids)]),
                         mine, "the leader of North sees Anna's target")
        self.assertEqual(Target.with_user(self.sales_manager).search(
            [("id", "in", (mine | other).ids)]), mine | other)


class TestPortfolio(StaffCase):
    """Portfolio Health (crm.staff.portfolio): the customers each
    salesperson owns, from the metrics alone."""

    def compute(self):
        self.env["crm.customer.metrics"].compute_metrics(
            company_ids=self.env.user.company_id.ids, as_of=datetime.date(2026, 11, 30))

    def row(self, partner):
        return self.env["crm.staff.portfolio"].search([("partner_id", "=", partner.id)])

    def test_portfolio_measures_per_salesperson(self):
        self.compute()
        Metrics = self.env["crm.customer.metrics"]
        rows = Metrics.search([("partner_id", "in", (self.ada | self.bob | self.cid).ids)])
        self.assertEqual(len(rows), 3)
        # known values for the hand computation
        values = {self.ada: (1000.0, "at_risk"), self.cid: (500.0, "active"),
                  self.bob: (250.0, "lapsed")}
        for row in rows:
            clv, band = values[row.partner_id]
            row.write({"clv": clv, "lapse_band": band})
        self.env["ir.config_parameter"].sudo().set_param(
            "crm_lifecycle_analytics.quiet_days", "7")

        def figures(report):
            groups = report.read_group(
                [("partner_id", "in", (self.ada | self.bob | self.cid).ids)],
                ["user_id", "customers_owned", "portfolio_value", "at_risk_share",
                 "quiet_customers"], ["user_id"])
            return {g["user_id"][0]: (g["customers_owned"], g["portfolio_value"],
                                      g["at_risk_share"], g["quiet_customers"])
                    for g in groups}
        # 7 days before the 30th: Ada (the 24th) and Bob (the 25th) were
        # contacted since, Cid not (called on the 19th; its purchase of the
        # 26th is not a contact)
        Portfolio = self.env["crm.staff.portfolio"]
        self.assertEqual(figures(Portfolio), {
            self.anna.id: (2, 1500.0, 50.0, 1),
            self.bert.id: (1, 250.0, 100.0, 0),
        })
        self.assertEqual(set(figures(Portfolio.with_user(self.anna))), {self.anna.id})
        self.assertEqual(self.row(self.ada).action_open_customer()["res_id"], self.ada.id)

    def test_portfolio_follows_the_salesperson_and_archiving_at_once(self):
        """The owner and team are kept on the metrics: a reassignment or an
        archiving shows in Portfolio Health without waiting for the nightly
        run."""
        self.compute()
        self.assertEqual(self.row(self.bob).user_id, self.bert)
        self.bob.write({"user_id": self.anna.id})
        row = self.row(self.bob)
        self.assertEqual(row.user_id, self.anna)
        # 13+: the customer's team is its salesperson's; 11: its own
        team = self.anna.sale_team_id if compat.VERSION >= 13 else self.bob.team_id
        self.assertEqual(row.team_id, team)
        self.assertEqual(
            self.env["crm.customer.metrics"].search([("partner_id", "=", self.bob.id)])
            .salesperson_id, self.anna)
        if compat.VERSION < 13:
            self.bob.write(compat.partner_team_vals(self.south))
            self.assertEqual(self.row(self.bob).team_id, self.south)
        self.cid.write({"active": False})
        self.assertFalse(self.row(self.cid), "an archived customer is in nobody's portfolio")
        self.cid.write({"active": True})
        self.assertEqual(self.row(self.cid).user_id, self.anna)

    def test_nightly_run_brings_owners_written_around_the_orm(self):
        """A salesperson set by SQL (an import script, a migration) reaches
        Portfolio Health at the next run of the metrics."""
        self.compute()
        self.env.cr.execute("UPDATE res_partner SET user_id = %s WHERE id = %s",
                            (self.bert.id, self.ada.id))
        self.assertEqual(self.row(self.ada).user_id, self.anna, "not seen before the run")
        self.compute()
        compat.invalidate_all(self.env)
        self.assertEqual(self.row(self.ada).user_id, self.bert)

    def test_the_reports_copy_follows_every_write_of_the_metrics(self):
        """The report reads a narrow copy of the metrics rows kept by
        triggers: after the first run (inserts), the next run (updates),
        a refresh between runs, the owners' hook and SQL around the ORM
        (an owner removed, a value changed, a row deleted), it holds the
        rows of the customers with a salesperson as the metrics say."""
        cr = self.env.cr
        columns = idents(COLUMNS)

        def assert_same():
            compat.flush(self.env)
            cr.execute(sql.SQL("SELECT {} FROM crm_staff_portfolio_base ORDER BY id").format(
                columns))
            copy = cr.fetchall()
            cr.execute(sql.SQL("SELECT {} FROM crm_customer_metrics "
                               "WHERE salesperson_id IS NOT NULL ORDER BY id").format(columns))
            self.assertEqual(copy, cr.fetchall())
            return copy
        self.compute()
        self.assertTrue(assert_same())
        self.compute()
        assert_same()
        self.bob.write({"user_id": self.anna.id})
        assert_same()
        self.env["crm.touchpoint"].create({
            "partner_id": self.ada.id, "kind": "purchase", "amount": 75.0,
            "date": "2026-11-29 10:00:00",
            "channel_id": self.env.ref("crm_lifecycle.crm_touchpoint_channel_order").id})
        self.env["crm.customer.metrics"].sudo()._refresh_queued(
            as_of=datetime.date(2026, 11, 30))
        assert_same()
        cr.execute("UPDATE crm_customer_metrics SET salesperson_id = NULL WHERE partner_id = %s",
                   (self.cid.id,))
        cr.execute("UPDATE crm_customer_metrics SET clv = 4321.5 WHERE partner_id = %s",
                   (self.ada.id,))
        cr.execute("DELETE FROM crm_customer_metrics WHERE partner_id = %s", (self.bob.id,))
        copy = assert_same()
        self.assertNotIn(self.cid, self.row(self.cid).partner_id)
        self.assertEqual(self.row(self.ada).portfolio_value, 4321.5)
        self.assertFalse(self.row(self.bob))
        self.assertTrue(copy)

    def test_my_portfolio_lists_my_customers_with_value_risk_and_next_activity(self):
        self.env["crm.customer.metrics"].compute_metrics(
            company_ids=self.env.user.company_id.ids, as_of=datetime.date(2026, 11, 30))
        self.env["mail.activity"].create({
            "res_model_id": self.env["ir.model"]._get("res.partner").id,
            "res_id": self.cid.id, "user_id": self.anna.id, "summary": "Call back",
            "activity_type_id": self.env.ref("mail.mail_activity_data_call").id,
            "date_deadline": "2026-12-03"})
        action = self.env.ref("crm_lifecycle_analytics.crm_customer_metrics_action_portfolio")
        domain = [("salesperson_id", "=", self.anna.id)]
        self.assertIn("'salesperson_id', '=', uid", action.domain)
        rows = self.env["crm.customer.metrics"].with_user(self.anna).search(domain)
        self.assertIn(self.cid, rows.mapped("partner_id"))
        self.assertFalse(rows.mapped("partner_id") - (self.ada | self.cid), "only Anna's")
        cid = rows.filtered(lambda r: r.partner_id == self.cid)
        self.assertEqual(cid.revenue, 100.0)
        self.assertEqual(cid.salesperson_id, self.anna)
        self.assertEqual(str(cid.next_activity_date), "2026-12-03")
        self.assertTrue(cid.last_contact)


class TestResponseTimes(StaffCase):
    """The Response Times report: median and 90th percentile per
    salesperson and team, against the hand-computed hours of the week."""

    def rows(self, **filters):
        domain = [("month", "=", "2026-11-01")]
        domain += [(k, "=", v) for k, v in filters.items()]
        return self.env["crm.staff.response.time"].search(domain)

    def test_median_and_90th_percentile_per_person_and_team(self):
        anna = self.rows(user_id=self.anna.id)
        self.assertEqual(len(anna), 1)
        # Anna answered in 18 h and 2.5 h (weekday hours)
        self.assertAlmostEqual(anna.median_hours, (18.0 + 2.5) / 2)
        self.assertAlmostEqual(anna.p90_hours, 2.5 + 0.9 * (18.0 - 2.5))
        self.assertAlmostEqual(anna.mean_hours, (18.0 + 2.5) / 2)
        self.assertEqual((anna.inbound_count, anna.answered_count, anna.unanswered_count),
                         (2, 2, 0))
        bert = self.rows(user_id=self.bert.id)
        self.assertEqual((bert.median_hours, bert.answered_count, bert.unanswered_count),
                         (9.0, 1, 1))
        south = self.rows(level="team", team_id=self.south.id)
        self.assertEqual((south.user_id, south.median_hours, south.unanswered_count),
                         (self.env["res.users"], 9.0, 1))

    def test_drill_down_to_the_unanswered_and_slowest(self):
        bert = self.rows(user_id=self.bert.id)
        action = bert.action_view_unanswered()
        unanswered = self.env["crm.touchpoint"].search(action["domain"])
        self.assertEqual(unanswered.mapped("partner_id"), self.bob)
        self.assertEqual(len(unanswered), 1)
        anna = self.rows(user_id=self.anna.id)
        slowest = self.env["crm.touchpoint"].search(anna.action_view_slowest()["domain"])
        self.assertEqual(slowest.mapped("response_hours"), [18.0])

    def test_a_salesperson_sees_their_own_rows_and_a_leader_their_team(self):
        Report = self.env["crm.staff.response.time"]
        mine = Report.with_user(self.anna).search([("month", "=", "2026-11-01")])
        self.assertEqual(mine.mapped("user_id"), self.anna)
        led = Report.with_user(self.lena).search([("month", "=", "2026-11-01")])
        self.assertEqual(set(led.mapped("team_id").ids), {self.north.id})
        self.assertIn("team", led.mapped("level"))
