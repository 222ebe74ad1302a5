# Copyright 2026 crm_lifecycle contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""What all the campaigns earn against the universal holdout: the figures
of each team checked against Welch's test of the customers' own revenues
(scipy), the period's bounds, the refusals."""
import datetime

import numpy as np
from scipy import stats

from odoo.exceptions import AccessError, UserError

from odoo.addons.crm_lifecycle import compat
from odoo.addons.crm_lifecycle.models.crm_campaign import universal_draw, universal_holdout
from odoo.addons.crm_lifecycle.tests.common import CampaignCase


class TestUniversalHoldoutReport(CampaignCase):
    @classmethod
    def setUpClass(cls):
        super(TestUniversalHoldoutReport, cls).setUpClass()
        cls.env["ir.config_parameter"].sudo().set_param(
            "crm_lifecycle.universal_holdout_percent", "10")
        cls.share, cls.seed = universal_holdout(cls.env)
        # a team per salesperson: the customers' team (11: the customer's
        # own, 13+: its salesperson's)
        Users = cls.env["res.users"].with_context(no_reset_password=True)
        cls.teams = cls.env["crm.team"]
        cls.crowd = cls.make_partners(800, "Holdout")
        for number, side in enumerate((cls.crowd[:400], cls.crowd[400:])):
            seller = Users.create({
                "name": "Holdout Seller %d" % number, "login": "holdout_seller_%d" % number,
                "groups_id": [(6, 0, [cls.env.ref("sales_team.group_sale_salesman").id])]})
            team = cls.env["crm.team"].create({"name": "Holdout Team %d" % number,
                                               "member_ids": [(6, 0, seller.ids)]})
            side.write(dict({"user_id": seller.id}, **compat.partner_team_vals(team)))
            cls.teams |= team
        today = datetime.date.today()
        rows, cls.revenue = [], {}
        for rank, partner in enumerate(cls.crowd):
            held = universal_draw(cls.seed, partner.id) < cls.share
            # the campaigns earn about 30 a customer; some buy nothing
            amount = 0.0 if rank % 4 == 0 else (70.0 if held else 100.0) + rank % 9
            cls.revenue[partner.id] = (held, amount)
            if amount:
                rows.append({"source_system": "test", "external_ref": "u-%d" % partner.id,
                             "date": str(today - datetime.timedelta(days=rank % 300)),
                             "channel": "order", "direction": "inbound", "kind": "purchase",
                             "amount": amount, "partner_id": partner.id})
        # a purchase before the period: not counted
        rows.append({"source_system": "test", "external_ref": "u-old",
                     "date": str(today - datetime.timedelta(days=800)), "channel": "order",
                     "direction": "inbound", "kind": "purchase", "amount": 5000.0,
                     "partner_id": cls.crowd[1].id})
        cls.Touchpoint.ingest(rows)

    def report(self, user=None):
        Report = compat.as_user(self.env["crm.universal.holdout.report"],
                                user or self.sales_manager)
        report = Report.create({"margin_percent": 40.0})
        report.action_compute()
        return report

    def test_each_team_against_welch_on_the_customers_revenues(self):
        report = self.report()
        for team in self.teams:
            line = report.line_ids.filtered(lambda ln, t=team: ln.team_id == t)
            members = self.crowd[:400] if team == self.teams[0] else self.crowd[400:]
            held = np.array([self.revenue[p.id][1] for p in members if self.revenue[p.id][0]])
            reached = np.array([self.revenue[p.id][1] for p in members
                                if not self.revenue[p.id][0]])
            self.assertEqual((line.reached, line.held_out), (len(reached), len(held)))
            self.assertTrue(5 <= len(held) <= 80, len(held))
            self.assertAlmostEqual(line.revenue_reached, reached.mean(), places=2)
            self.assertAlmostEqual(line.revenue_held_out, held.mean(), places=2)
            diff = reached.mean() - held.mean()
            var_r, var_h = reached.var(ddof=1) / len(reached), held.var(ddof=1) / len(held)
            df = (var_r + var_h) ** 2 / (var_r ** 2 / (len(reached) - 1)
                                         + var_h ** 2 / (len(held) - 1))
            half = stats.t.ppf(0.975, df) * np.sqrt(var_r + var_h)
            self.assertAlmostEqual(line.incremental_revenue, diff * len(reached), places=1)
            self.assertAlmostEqual(line.incremental_low, (diff - half) * len(reached), places=1)
            self.assertAlmostEqual(line.incremental_high, (diff + half) * len(reached), places=1)
            self.assertAlmostEqual(line.incremental_margin, 0.4 * diff * len(reached), places=1)
            p_value = stats.ttest_ind(reached, held, equal_var=False).pvalue
            self.assertAlmostEqual(line.p_value, p_value, places=4)
        total = report.line_ids.filtered("is_total")
        self.assertEqual(len(total), 1)
        self.assertGreaterEqual(total.reached, sum(
            report.line_ids.filtered(lambda ln: ln.team_id in self.teams).mapped("reached")))
        self.assertIn("incremental revenue", report.summary)

    def test_refusals(self):
        with self.assertRaises(AccessError):
            self.report(user=self.salesman)
        self.env["ir.config_parameter"].sudo().set_param(
            "crm_lifecycle.universal_holdout_percent", "0")
        with self.assertRaises(UserError):
            self.report()
        self.env["ir.config_parameter"].sudo().set_param(
            "crm_lifecycle.universal_holdout_percent", "10")
        Report = compat.as_user(self.env["crm.universal.holdout.report"], self.sales_manager)
        backwards = Report.create({"date_from": "2026-06-01", "date_to": "2026-01-01"})
        with self.assertRaises(UserError):
            backwards.action_compute()
