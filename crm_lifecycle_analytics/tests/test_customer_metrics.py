# Copyright 2026 crm_lifecycle contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The metrics engine against hand-computed values on a small fixture."""
import datetime
import random

from lxml import etree

from odoo import fields
from odoo.exceptions import AccessError, UserError
from odoo.tools.safe_eval import safe_eval

from odoo.addons.crm_lifecycle import compat
from odoo.addons.crm_lifecycle.tests.common import CUSTOMER, CrmLifecycleCase, noon_before

from ..models import crm_customer_metrics as engine
from ..stats import clv, rfm

AS_OF = datetime.date(2026, 6, 30)


def day(offset):
    """A datetime `offset` days before AS_OF, at noon."""
    return noon_before(AS_OF, offset)


class TestCustomerMetrics(CrmLifecycleCase):
    @classmethod
    def setUpClass(cls):
        super(TestCustomerMetrics, cls).setUpClass()
        cls.Metrics = cls.env["crm.customer.metrics"]
        cls.company = cls.env.user.company_id
        cls.other_company = cls.env["res.company"].create({"name": "Lifecycle Other Co"})
        Partner = cls.env["res.partner"]
        names = ["Repeat", "Once", "Tie", "Old", "Oldest", "Silent"]
        cls.c = {n: Partner.create({"name": "Metrics %s" % n, **CUSTOMER,
                                    "company_id": False}) for n in names}
        order = cls.channel["order"]
        purchases = {
            # the order of the day before a return: two orders on one day
            # are one purchase; the return (negative) is none
            "Repeat": [(100, 100.0), (50, 50.0), (50, 25.0), (10, 60.0), (5, -20.0)],
            "Once": [(30, 200.0)],
            "Tie": [(30, 40.0), (60, 40.0)],
            "Old": [(200, 90.0), (300, 30.0)],
            "Oldest": [(400, 10.0), (420, 15.0)],
        }
        # what the goods cost, where known (the return gives some back)
        costs = {("Repeat", 100): 60.0, ("Repeat", 10): 30.0, ("Repeat", 5): -12.0}
        for name, rows in purchases.items():
            for offset, amount in rows:
                cls.Touchpoint.create({
                    "partner_id": cls.c[name].id, "date": day(offset), "kind": "purchase",
                    "channel_id": order.id, "direction": "inbound", "amount": amount,
                    "cost_amount": costs.get((name, offset)), "company_id": cls.company.id})
        silent = cls.c["Silent"]
        for offset, channel, direction in [(3, "phone", "inbound"), (2, "phone", "inbound"),
                                           (1, "email", "outbound"), (7, "meeting", "inbound")]:
            cls.Touchpoint.create({
                "partner_id": silent.id, "date": day(offset), "kind": "contact",
                "channel_id": cls.channel[channel].id, "direction": direction,
                "company_id": cls.company.id})
        # a purchase in another company, and one after the as-of day
        cls.Touchpoint.create({
            "partner_id": cls.c["Repeat"].id, "date": day(20), "kind": "purchase",
            "channel_id": order.id, "amount": 999.0, "company_id": cls.other_company.id})
        cls.Touchpoint.create({
            "partner_id": cls.c["Repeat"].id, "date": day(-1), "kind": "purchase",
            "channel_id": order.id, "amount": 500.0, "company_id": cls.company.id})
        # a third company with enough repeat customers to fit the models
        cls.model_company = cls.env["res.company"].create({"name": "Lifecycle Model Co"})
        rng = random.Random(11)
        cls.modelled = Partner.create({"name": "Metrics Modelled", **CUSTOMER,
                                       "company_id": False})
        population = [(cls.modelled, [(100, 100.0), (50, 75.0), (10, 60.0)])]
        for i in range(40):
            partner = Partner.create({"name": "Metrics Population %d" % i, **CUSTOMER,
                                      "company_id": False})
            first = rng.randint(30, 700)
            offsets = sorted({first} | {rng.randint(0, first) for _k in range(rng.randint(0, 5))})
            population.append((partner, [(o, round(rng.uniform(10, 200), 2)) for o in offsets]))
        for partner, rows in population:
            for offset, amount in rows:
                cls.Touchpoint.create({
                    "partner_id": partner.id, "date": day(offset), "kind": "purchase",
                    "channel_id": order.id, "amount": amount,
                    "company_id": cls.model_company.id})
        cls.population = population
        cls.companies = cls.company | cls.other_company | cls.model_company
        cls.models = cls.Metrics.compute_metrics(company_ids=cls.companies.ids, as_of=AS_OF)

    def row(self, name, company=None):
        return self.Metrics.search([("partner_id", "=", self.c[name].id),
                                    ("company_id", "=", (company or self.company).id)])

    def test_history_of_a_repeat_customer(self):
        row = self.row("Repeat")
        self.assertEqual(row.purchase_count, 3)
        self.assertEqual(row.repeat_count, 2)
        self.assertEqual(str(row.first_purchase), "2026-03-22")
        self.assertEqual(str(row.last_purchase), "2026-06-20")
        self.assertEqual((row.recency_days, row.tenure_days), (10, 100))
        # 100 + (50 + 25) + 60 - 20 returned
        self.assertAlmostEqual(row.revenue, 215.0)
        self.assertAlmostEqual(row.average_spend, 71.67)
        self.assertEqual(row.contact_count, 0)

    def test_margin_and_profit_with_the_cost_of_goods(self):
        row = self.row("Repeat")
        self.assertAlmostEqual(row.cost_of_goods, 60.0 + 30.0 - 12.0)
        self.assertAlmostEqual(row.margin, 215.0 - 78.0)
        # five order touchpoints in this company
        self.assertAlmostEqual(row.cost_to_serve, 5 * self.channel["order"].unit_cost)
        self.assertAlmostEqual(row.profit, 137.0 - row.cost_to_serve)
        # no cost recorded: the margin is the revenue
        once = self.row("Once")
        self.assertEqual(once.cost_of_goods, 0.0)
        self.assertAlmostEqual(once.margin, 200.0)

    def test_loyalty_months_active(self):
        # purchases on 22 March, 11 May (two orders) and 20 June; the return
        # of 25 June is no purchase: 3 months of March..June
        row = self.row("Repeat")
        self.assertEqual(row.months_active, 3)
        self.assertAlmostEqual(row.loyalty, 75.0)
        # 31 May and 1 May (60 days before 30 June): one month of two
        tie = self.row("Tie")
        self.assertEqual(tie.months_active, 1)
        self.assertAlmostEqual(tie.loyalty, 50.0)
        self.assertFalse(self.row("Silent").loyalty)

    def test_value_deciles(self):
        rows = self.Metrics.search([("company_id", "=", self.model_company.id)])
        ranked = rows.sorted(lambda m: (-m.clv, m.partner_id.id))
        n = len(ranked)
        for rank, row in enumerate(ranked, 1):
            self.assertEqual(row.clv_decile, 10 * (rank - 1) // n + 1, row.partner_id.name)
        # no model, no decile
        self.assertFalse(self.row("Repeat", self.other_company).clv_decile)

    def test_customer_with_one_purchase(self):
        row = self.row("Once")
        self.assertEqual((row.purchase_count, row.repeat_count), (1, 0))
        self.assertEqual((row.recency_days, row.tenure_days), (30, 30))
        self.assertAlmostEqual(row.revenue, 200.0)

    def test_customer_without_purchase(self):
        row = self.row("Silent")
        self.assertEqual(row.purchase_count, 0)
        self.assertFalse(row.rfm_segment)
        self.assertFalse(row.r_score or row.f_score or row.m_score)
        self.assertFalse(row.clv or row.p_alive or row.lapse_band)
        self.assertEqual((row.contact_count, row.inbound_count), (4, 3))
        # two inbound phone calls, one inbound meeting
        self.assertEqual(row.preferred_channel_id, self.channel["phone"])
        costs = 2 * self.channel["phone"].unit_cost + self.channel["email"].unit_cost \
            + self.channel["meeting"].unit_cost
        self.assertAlmostEqual(row.cost_to_serve, costs)
        self.assertAlmostEqual(row.profit, -costs)
        self.assertEqual(row.profit_rank, 6)
        # the last of six: 10 x 5 // 6 + 1 (the first of any number is in
        # the first tenth)
        self.assertEqual(row.profit_decile, 9)
        self.assertEqual(self.Metrics.search([("company_id", "=", self.company.id),
                                              ("profit_rank", "=", 1)]).profit_decile, 1)

    def test_rfm_scores_with_ties(self):
        # recency 10, 30, 30, 200, 400 days: average ranks 5, 3.5, 3.5, 2, 1 of 5
        # -> 1 + floor(rank - 0.5): 5, 4, 4, 2, 1
        scores = {n: self.row(n).r_score for n in ("Repeat", "Once", "Tie", "Old", "Oldest")}
        self.assertEqual(scores, {"Repeat": 5, "Once": 4, "Tie": 4, "Old": 2, "Oldest": 1})
        # purchases 3, 1, 2, 2, 2: ranks 5, 1, 3, 3, 3 -> F 5, 1, 3, 3, 3
        self.assertEqual([self.row(n).f_score for n in ("Repeat", "Once", "Tie")], [5, 1, 3])
        self.assertEqual(self.row("Repeat").rfm_segment, "champions")
        self.assertEqual(self.row("Once").rfm_segment, "promising")
        self.assertEqual(self.row("Oldest").rfm_segment, "at_risk")

    def test_predictions_rest_on_the_stored_model(self):
        row = self.Metrics.search([("partner_id", "=", self.modelled.id),
                                   ("company_id", "=", self.model_company.id)])
        model = row.model_id
        self.assertEqual(model.state, "fitted")
        self.assertEqual(model.customers, 41)
        self.assertEqual(model.company_id, self.model_company)
        self.assertEqual(model.calibration_start, min(
            self.Metrics.search([("company_id", "=", self.model_company.id)]).mapped(
                "first_purchase")))
        # x = 2 repeat purchases, t_x = 90 days, T = 100 days + the as-of day,
        # m = (75 + 60) / 2 per repeat purchase
        args = (model.bg_params(), 2, 90, 101)
        self.assertAlmostEqual(row.p_alive, float(clv.p_alive(*args)), places=5)
        self.assertAlmostEqual(row.expected_purchases_90d,
                               float(clv.expected_purchases(args[0], 90, *args[1:])), places=3)
        expected = clv.clv(model.bg_params(), model.gg_params(), 2, 90, 101, 67.5,
                           months=12, monthly_discount=0.01,
                           periods_per_month=engine.DAYS_PER_MONTH)
        self.assertAlmostEqual(row.clv, float(expected), places=2)
        self.assertTrue(row.lapse_band)

    def test_holdout_check_of_the_model(self):
        model = self.models.filtered(lambda m: m.company_id == self.model_company)
        horizon = 180   # the default holdout period
        self.assertEqual(model.holdout_days, horizon)
        self.assertEqual(str(model.holdout_cutoff), fields.Date.to_string(
            AS_OF - datetime.timedelta(days=horizon)))
        # by hand: customers who bought before the cut-off, their history
        # up to it and their purchases after it
        x, t_x, T, after = [], [], [], []
        for _partner, rows in self.population:
            ages = sorted(offset for offset, _amount in rows)
            before = [a for a in ages if a >= horizon]
            if before:
                x.append(len(before) - 1)
                t_x.append(before[-1] - before[0])
                T.append(before[-1] - horizon + 1)
                after.append(len(ages) - len(before))
        self.assertEqual(model.holdout_customers, len(x))
        _params, table = clv.holdout_check(x, t_x, T, after, float(horizon))
        lines = model.check_ids.sorted("repeat_purchases")
        self.assertEqual([line.repeat_purchases for line in lines],
                         [row["repeat"] for row in table])
        for line, row in zip(lines, table):
            self.assertEqual(line.customers, row["customers"])
            self.assertAlmostEqual(line.actual, row["actual"], places=3)
            self.assertAlmostEqual(line.predicted, row["predicted"], places=3)
        self.assertAlmostEqual(model.holdout_actual, sum(after), places=3)
        # the graph's two series
        series = self.env["crm.clv.model.check.series"].search([("model_id", "=", model.id)])
        self.assertEqual(len(series), 2 * len(lines))
        self.assertAlmostEqual(sum(series.filtered(lambda s: s.series == "actual").mapped(
            "purchases")), sum(lines.mapped("actual")), places=3)

    def test_companies_are_computed_apart(self):
        other = self.row("Repeat", self.other_company)
        self.assertEqual(other.purchase_count, 1)
        self.assertAlmostEqual(other.revenue, 999.0)
        self.assertEqual(len(self.models), 3)
        # one customer in the other company: history only, no prediction
        self.assertEqual(self.models.filtered(
            lambda m: m.company_id == self.other_company).state, "not_enough_data")
        self.assertFalse(other.clv or other.p_alive)
        # a user of the first company only does not see the other's rows
        rows = self.Metrics.with_user(self.salesman).search(
            [("partner_id", "=", self.c["Repeat"].id)])
        self.assertEqual(rows.mapped("company_id"), self.company)

    def test_recompute_twice_gives_identical_rows(self):
        fields_ = [f for f, _t in engine.WRITE_COLUMNS] + ["id", "company_id"]
        before = self.Metrics.search([]).read(fields_)
        self.Metrics.compute_metrics(company_ids=self.companies.ids, as_of=AS_OF)
        self.assertEqual(self.Metrics.search([]).read(fields_), before)

    def test_failed_recompute_leaves_the_previous_rows(self):
        before = self.Metrics.search([]).read(["revenue", "clv", "model_id"])
        models_before = self.env["crm.clv.model"].search_count([])
        self.Touchpoint.create({
            "partner_id": self.c["Once"].id, "date": day(1), "kind": "purchase",
            "channel_id": self.channel["order"].id, "amount": 70.0,
            "company_id": self.company.id})
        original = engine.CrmCustomerMetrics._write_rows

        def write_then_fail(self, *args):
            original(self, *args)
            raise RuntimeError("disk full")

        engine.CrmCustomerMetrics._write_rows = write_then_fail
        try:
            with self.assertRaisesRegex(RuntimeError, "disk full"):
                self.Metrics.compute_metrics(company_ids=[self.company.id], as_of=AS_OF)
        finally:
            engine.CrmCustomerMetrics._write_rows = original
        compat.invalidate_all(self.Metrics.env)
        self.assertEqual(self.Metrics.search([]).read(["revenue", "clv", "model_id"]), before)
        self.assertEqual(self.env["crm.clv.model"].search_count([]), models_before)

    def test_partner_search_filters_on_metrics(self):
        arch = compat.view_arch(self.env["res.partner"], "search")
        filters = {f.get("name"): safe_eval(f.get("domain"))
                   for f in etree.fromstring(arch).iter("filter")
                   if f.get("name", "").startswith("lifecycle_")}
        self.assertEqual(set(filters), {"lifecycle_champions", "lifecycle_at_risk",
                                        "lifecycle_lapsed", "lifecycle_unprofitable",
                                        "lifecycle_high_value", "lifecycle_detractors"})
        rows = self.Metrics.search([])
        expected = {
            "lifecycle_champions": rows.filtered(lambda m: m.rfm_segment == "champions"),
            "lifecycle_at_risk": rows.filtered(
                lambda m: m.rfm_segment in ("at_risk", "cant_lose")),
            "lifecycle_lapsed": rows.filtered(lambda m: m.lapse_band == "lapsed"),
            "lifecycle_unprofitable": rows.filtered(lambda m: m.profit < 0),
            "lifecycle_high_value": rows.filtered(lambda m: m.value_tier == "high"),
            "lifecycle_detractors": rows.filtered(lambda m: m.detractor),
        }
        self.assertTrue(expected["lifecycle_high_value"])
        for name, domain in filters.items():
            found = self.env["res.partner"].search(domain + [("id", "in", rows.mapped(
                "partner_id").ids)])
            self.assertEqual(found, expected[name].mapped("partner_id"), name)

    def test_segment_rule_on_metrics(self):
        segment = self.env["crm.segment"].create({
            "name": "Valuable buyers",
            "domain": "[('lifecycle_metrics_ids.rfm_segment', 'in', ('champions', 'loyal')),"
                      " ('lifecycle_metrics_ids.revenue', '>', 100)]"})
        segment.refresh_members()
        members = self.env["crm.segment.member"].search(
            [("segment_id", "=", segment.id)]).mapped("partner_id")
        rows = self.Metrics.search([("rfm_segment", "in", ("champions", "loyal")),
                                    ("revenue", ">", 100)])
        self.assertEqual(members, rows.mapped("partner_id"))
        self.assertIn(self.c["Repeat"], members)

    def test_writing_a_row_does_not_recompute(self):
        # the ORM calls a model's recompute() after each write: the engine
        # must not answer to that name
        models_before = self.env["crm.clv.model"].search_count([])
        row = self.row("Once")
        row.write({"revenue": 1.0})
        self.assertEqual(self.env["crm.clv.model"].search_count([]), models_before)
        self.assertEqual(row.revenue, 1.0)

    def _win_back_fixture(self):
        """Three lapsing customers (written by hand): high value with a
        salesperson, low value with one, high value without one."""
        self.c["Once"].user_id = self.salesman
        self.c["Tie"].user_id = self.salesman
        self.c["Old"].user_id = False
        self.row("Once").write({"p_alive": 0.1, "value_tier": "high", "clv": 80.0})
        self.row("Tie").write({"p_alive": 0.1, "value_tier": "low"})
        self.row("Old").write({"p_alive": 0.1, "value_tier": "high"})
        # still active: nothing to win back
        self.row("Repeat").write({"p_alive": 0.9, "value_tier": "high"})
        self.c["Repeat"].user_id = self.salesman

    def win_back_activities(self):
        kind = self.env.ref("crm_lifecycle_analytics.mail_activity_type_win_back")
        return self.env["mail.activity"].search([("res_model", "=", "res.partner"),
                                                 ("activity_type_id", "=", kind.id)])

    def test_win_back_once_per_lapsing_valuable_customer(self):
        self._win_back_fixture()
        self.assertEqual(self.Metrics.schedule_win_back(company_ids=[self.company.id]), 1)
        activity = self.win_back_activities()
        self.assertEqual(activity.res_id, self.c["Once"].id)
        self.assertEqual(activity.user_id, self.salesman)
        self.assertIn("0.10", activity.note)
        # never a second one while it is open
        self.assertEqual(self.Metrics.schedule_win_back(company_ids=[self.company.id]), 0)
        self.assertEqual(len(self.win_back_activities()), 1)
        # done: the next run may schedule again
        activity.action_done()
        self.assertFalse(self.win_back_activities())
        self.assertEqual(self.Metrics.schedule_win_back(company_ids=[self.company.id]), 1)
        # high and medium value: the low value customer still not
        self.env["ir.config_parameter"].set_param(
            "crm_lifecycle_analytics.win_back_tiers", "medium")
        self.row("Tie").write({"value_tier": "medium"})
        self.assertEqual(self.Metrics.schedule_win_back(company_ids=[self.company.id]), 1)
        self.assertEqual(set(self.win_back_activities().mapped("res_id")),
                         {self.c["Once"].id, self.c["Tie"].id})

    def test_win_back_cron_follows_the_setting(self):
        self._win_back_fixture()
        self.assertEqual(self.Metrics._cron_win_back(), 0)
        self.assertFalse(self.win_back_activities())
        self.env["ir.config_parameter"].set_param("crm_lifecycle_analytics.win_back", "True")
        self.assertEqual(self.Metrics._cron_win_back(), 1)
        with self.assertRaises(UserError):
            self.Metrics.with_user(self.salesman).schedule_win_back()

    def test_only_managers_recompute(self):
        with self.assertRaises(UserError):
            self.Metrics.with_user(self.salesman).compute_metrics()
        with self.assertRaises(AccessError):
            self.Metrics.with_user(self.salesman).search([], limit=1).write({"revenue": 1})

    # ------------------------------------------------------------ feedback
    RAISED = {"active": "cooling", "cooling": "at_risk", "at_risk": "lapsed",
              "lapsed": "lapsed"}

    def feedback(self, offset, **vals):
        return self.Touchpoint.create(dict({
            "partner_id": self.modelled.id, "date": day(offset), "direction": "inbound",
            "kind": "feedback", "channel_id": self.channel["web"].id,
            "company_id": self.model_company.id}, **vals))

    def recompute(self):
        self.Metrics.compute_metrics(company_ids=self.model_company.ids, as_of=AS_OF)
        return self.Metrics.search([("partner_id", "=", self.modelled.id),
                                    ("company_id", "=", self.model_company.id)])

    def test_detractor_raises_the_lapse_risk_and_a_promoter_lowers_it_back(self):
        before = self.recompute()
        band = before.lapse_band
        self.assertTrue(band)
        self.assertFalse(before.last_nps or before.detractor or before.open_complaints)
        self.feedback(20, nps_score="4", csat_score="2")
        row = self.recompute()
        self.assertEqual((row.last_nps, row.nps_category, row.detractor, row.last_csat),
                         ("4", "detractor", True, "2"))
        self.assertEqual(row.lapse_band, self.RAISED[band])
        self.assertEqual(row.p_alive, before.p_alive, "the model itself is unchanged")
        # the standing reads the raised band (one owner, one pass)
        codes = [""] + [code for code, _label in rfm.STANDINGS]
        self.assertEqual(row.standing, codes[rfm.standing(
            [row.rfm_segment], [[b for b, _l in engine.LAPSE_BANDS].index(row.lapse_band) + 1]
        )[0]])
        # a later answer makes the customer a promoter: the band comes back
        self.feedback(5, nps_score="9")
        row = self.recompute()
        self.assertEqual((row.last_nps, row.nps_category, row.detractor, row.last_csat),
                         ("9", "promoter", False, "2"))
        self.assertEqual(row.lapse_band, band)
        # feedback after the day of the metrics does not count yet
        self.feedback(-2, nps_score="0")
        self.assertEqual(self.recompute().last_nps, "9")

    def test_open_complaints_on_the_day_of_the_metrics(self):
        self.feedback(30, kind="complaint", severity="high")
        self.feedback(20, kind="complaint", resolved_date=day(15))
        late = self.feedback(10, kind="complaint", resolved_date=day(-3))
        self.assertEqual(self.recompute().open_complaints, 2,
                         "the one resolved before the day is closed; the one resolved "
                         "after it was still open on the day")
        late.resolved_date = day(2)
        self.assertEqual(self.recompute().open_complaints, 1)

    def test_segment_of_the_detractors(self):
        self.feedback(20, nps_score="6")
        self.recompute()
        segment = self.env.ref("crm_lifecycle_analytics.crm_segment_detractors")
        segment.refresh_members()
        self.assertIn(self.modelled, segment.member_ids.mapped("partner_id"))
        promoters = self.Metrics.search([("company_id", "=", self.model_company.id),
                                         ("detractor", "=", False)]).mapped("partner_id")
        self.assertFalse(promoters & segment.member_ids.mapped("partner_id"))
        template = self.env.ref(
            "crm_lifecycle_analytics.crm_campaign_template_win_back_detractors")
        self.assertEqual((template.state, template.objective, template.segment_ids),
                         ("draft", "win_back", segment))
