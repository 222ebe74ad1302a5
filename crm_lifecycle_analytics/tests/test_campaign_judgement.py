# Copyright 2026 crm_lifecycle contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""A campaign's judgement against its control group, checked against scipy
on the members' own figures, and its forecast from earlier campaigns."""
import numpy as np
from scipy import stats

from odoo.addons.crm_lifecycle import compat
from odoo.addons.crm_lifecycle.tests.common import CampaignCase, in_days

from ..models.crm_campaign import DEFAULT_PLANNED_RATE, SMOOTHING_MEMBERS
from ..stats import sequential


class TestCampaignJudgement(CampaignCase):
    @classmethod
    def setUpClass(cls):
        super(TestCampaignJudgement, cls).setUpClass()
        cls.crowd = cls.make_partners(400, "Judged")
        cls.segment = cls.make_segment("Judged", cls.crowd)

    def respond(self, campaign, members, every, amount, prefix):
        """Every `every`-th member buys for `amount` + its rank, three days
        after the launch: one ingest batch."""
        rows = []
        for rank, member in enumerate(members):
            if rank % every == 0:
                rows.append({
                    "source_system": "test", "external_ref": "%s-%d" % (prefix, member.id),
                    "date": in_days(campaign.date_start, 3), "channel": "order",
                    "direction": "inbound", "kind": "purchase",
                    "amount": amount + rank, "partner_id": member.partner_id.id})
        result = self.Touchpoint.ingest(rows)
        self.assertTrue(all(r["status"] == "created" for r in result), result[:3])
        return len(rows)

    def test_uplift_and_revenue_match_scipy(self):
        campaign = self.launch(fixed_cost=100.0, cost_per_contact=2.0, margin_percent=40.0)
        target = self.members(campaign, split_group="target")
        control = self.members(campaign, split_group="control")
        self.respond(campaign, target, 3, 50.0, "t")    # a third of the target group
        self.respond(campaign, control, 10, 50.0, "c")  # a tenth of the control group
        n_t, n_c = len(target), len(control)
        x_t = len(target.filtered("response_date"))
        x_c = len(control.filtered("response_date"))
        self.assertEqual((campaign.target_responded, campaign.control_responded), (x_t, x_c))
        # the rates: uplift in points and the chi-square test of the 2 x 2 table
        uplift = 100.0 * (x_t / n_t - x_c / n_c)
        # the field's 2 digits: at most half a hundredth apart
        self.assertAlmostEqual(campaign.uplift, uplift, delta=0.0051)
        p_value = stats.chi2_contingency([[x_t, n_t - x_t], [x_c, n_c - x_c]],
                                         correction=False)[1]
        self.assertAlmostEqual(campaign.p_value, p_value, places=6)
        self.assertTrue(campaign.uplift_low < uplift < campaign.uplift_high)
        self.assertTrue(campaign.significant)
        self.assertIn("raised the response rate", campaign.judgement_summary)
        self.assertIn("by %.2f points" % uplift, campaign.judgement_summary)
        # in a Romanian screen the numbers are written as the language's
        # settings write them (as Odoo writes its own number fields there)
        self.env["res.lang"].with_context(active_test=False).search(
            [("code", "=", "ro_RO")]).write({"active": True, "decimal_point": ",",
                                             "thousands_sep": "."})
        romanian = campaign.with_context(lang="ro_RO")
        compat.invalidate_all(romanian.env)
        self.assertIn(("%.2f" % uplift).replace(".", ","), romanian.judgement_summary)
        self.assertAlmostEqual(campaign.relative_uplift,
                               100.0 * ((x_t / n_t) / (x_c / n_c) - 1), places=1)
        # revenue per member, Welch's test on every member's revenue
        rev_t = np.array(target.mapped("revenue"))
        rev_c = np.array(control.mapped("revenue"))
        diff = rev_t.mean() - rev_c.mean()
        var_t, var_c = rev_t.var(ddof=1) / n_t, rev_c.var(ddof=1) / n_c
        df = (var_t + var_c) ** 2 / (var_t ** 2 / (n_t - 1) + var_c ** 2 / (n_c - 1))
        half = stats.t.ppf(0.975, df) * np.sqrt(var_t + var_c)
        self.assertAlmostEqual(campaign.incremental_revenue, diff * n_t, places=2)
        self.assertAlmostEqual(campaign.incremental_revenue_low, (diff - half) * n_t, places=2)
        self.assertAlmostEqual(campaign.incremental_revenue_high, (diff + half) * n_t, places=2)
        # costs and return: the letter went to the whole target group
        cost = 100.0 + 2.0 * n_t
        self.assertEqual(campaign.actual_cost, cost)
        self.assertAlmostEqual(campaign.cost_per_response, cost / x_t, places=2)
        incremental = (x_t / n_t - x_c / n_c) * n_t
        self.assertAlmostEqual(campaign.incremental_responses, incremental, places=1)
        self.assertAlmostEqual(campaign.cost_per_incremental_response, cost / incremental,
                               places=1)
        self.assertAlmostEqual(campaign.roi, 100.0 * (diff * n_t * 0.4 - cost) / cost, places=1)
        # attributed: every target purchase, credited in full (one campaign);
        # the control group's purchases are the baseline, never credited
        self.assertEqual(campaign.attributed_responses, x_t)
        self.assertAlmostEqual(campaign.attributed_revenue_last, rev_t.sum(), places=2)
        self.assertAlmostEqual(campaign.attributed_revenue_linear, rev_t.sum(), places=2)
        self.assertGreater(campaign.attributed_revenue_last, campaign.incremental_revenue)

    def test_no_effect_is_not_significant(self):
        campaign = self.launch(name="Same rates")
        target = self.members(campaign, split_group="target")
        control = self.members(campaign, split_group="control")
        self.respond(campaign, target, 5, 30.0, "t")
        self.respond(campaign, control, 5, 30.0, "c")
        self.assertFalse(campaign.significant)
        self.assertLess(campaign.uplift_low, 0.0)
        self.assertGreater(campaign.uplift_high, 0.0)
        self.assertIn("No clear effect", campaign.judgement_summary)

    def test_stop_rule_proves_an_effect_from_the_members_figures(self):
        campaign = self.launch(name="Strong letter")
        target = self.members(campaign, split_group="target")
        control = self.members(campaign, split_group="control")
        self.respond(campaign, target, 2, 40.0, "t")    # half the target group
        self.respond(campaign, control, 10, 40.0, "c")  # a tenth of the control group
        x_t, x_c = len(target.filtered("response_date")), len(control.filtered("response_date"))
        # the sequence of the members' own counts, tuned to the forecast
        planned = campaign.forecast_rate / 100.0 or DEFAULT_PLANNED_RATE
        seq = sequential.ratio_sequence(x_t, len(target), x_c, len(control),
                                        planned_rate=planned)
        low, high = (100.0 * v for v in sequential.relative(seq)[1:])
        self.assertGreater(low, 0.0)
        self.assertEqual(campaign.stop_verdict, "proven")
        # the fields' 1 digit: at most half a tenth apart
        self.assertAlmostEqual(campaign.sequence_low, low, delta=0.051)
        self.assertAlmostEqual(campaign.sequence_high, high, delta=0.051)
        self.assertIn("Effect proven", campaign.stop_summary)
        self.assertIn("%+.1f" % low, campaign.stop_summary)
        # wider than the fixed interval of the same figures: it holds at
        # every look
        self.assertLess(low, campaign.relative_uplift)
        # a worthwhile uplift above what it surely reaches: futile, even
        # proven
        campaign.min_uplift_percent = high + 1.0
        compat.invalidate_all(self.env)
        self.assertEqual(campaign.stop_verdict, "futile")

    def test_futile_campaigns_are_closed_only_with_the_setting(self):
        campaign = self.launch(name="Weak letter", min_uplift_percent=20.0)
        target = self.members(campaign, split_group="target")
        control = self.members(campaign, split_group="control")
        self.respond(campaign, target, 10, 40.0, "t")   # a tenth of the target group
        self.respond(campaign, control, 2, 40.0, "c")   # half the control group
        self.assertEqual(campaign.stop_verdict, "futile")
        self.assertIn("Futile", campaign.stop_summary)
        Campaign = self.env["crm.campaign"]
        self.env["ir.config_parameter"].sudo().set_param(
            "crm_lifecycle_analytics.stop_futile", "")
        Campaign._cron_stop_futile()
        self.assertEqual(campaign.state, "running")
        # a campaign that keeps going is left running
        other = self.launch(name="Same letter", min_uplift_percent=20.0)
        self.respond(other, self.members(other, split_group="target"), 4, 40.0, "ot")
        self.respond(other, self.members(other, split_group="control"), 4, 40.0, "oc")
        self.assertEqual(other.stop_verdict, "continue")
        self.env["ir.config_parameter"].sudo().set_param(
            "crm_lifecycle_analytics.stop_futile", "True")
        closed = Campaign._cron_stop_futile()
        self.assertEqual(closed, campaign)
        self.assertEqual(campaign.state, "done")
        self.assertEqual(other.state, "running")
        self.assertIn("Closed by the stop rule", campaign.message_ids[0].body)

    def call_members(self, campaign, members, days, prefix, direction="outbound"):
        """A salesperson's call to each of `members`, `days` after the
        launch."""
        rows = [{"source_system": "test", "external_ref": "%s-%d" % (prefix, member.id),
                 "date": in_days(campaign.date_start, days), "channel": "phone",
                 "direction": direction, "kind": "contact",
                 "partner_id": member.partner_id.id} for member in members]
        self.Touchpoint.ingest(rows)

    def test_contacted_control_members_are_counted_with_their_effect(self):
        campaign = self.launch(name="Spoilt letter")
        target = self.members(campaign, split_group="target")
        control = self.members(campaign, split_group="control")
        self.respond(campaign, target, 3, 40.0, "t")     # a third of the target group
        self.respond(campaign, control, 3, 40.0, "c")    # a third of the control group
        responders = control.filtered("response_date")
        quiet = control - responders
        self.call_members(campaign, quiet[:3], 1, "q")         # counted
        self.call_members(campaign, responders[:2], 5, "late")  # after their response: not
        self.call_members(campaign, quiet[3:6], 1, "in", direction="inbound")  # they called: not
        compat.invalidate_all(self.env)
        self.assertEqual(campaign.control_contacted, 3)
        self.assertIn("3 control members were contacted", campaign.contamination_summary)
        self.assertIn("the same", campaign.contamination_summary)
        # the responders of the control group were all called first: the
        # measurement stands on them, and leaving them out changes it
        self.call_members(campaign, responders, 1, "early")
        compat.invalidate_all(self.env)
        self.assertEqual(campaign.control_contacted, 3 + len(responders))
        self.assertFalse(campaign.significant)
        self.assertIn("change the verdict", campaign.contamination_summary)
        self.assertIn("raised the response rate", campaign.contamination_summary)
        # a campaign nobody spoilt says nothing of it
        clean = self.launch(segment=self.make_segment("Clean", self.make_partners(60, "Clean")),
                            name="Clean letter")
        self.assertEqual(clean.control_contacted, 0)
        self.assertFalse(clean.contamination_summary)

    def test_small_groups_are_too_early_for_the_stop_rule(self):
        few = self.make_segment("Few", self.crowd[:30])
        campaign = self.launch(segment=few, name="Few letters")
        self.assertLess(len(self.members(campaign, split_group="control")),
                        sequential.MIN_MEMBERS)
        self.assertEqual(campaign.stop_verdict, "too_early")
        self.assertIn("Too early", campaign.stop_summary)

    def test_forecast_learns_from_the_segment_on_the_channel(self):
        earlier = self.launch(name="Earlier")
        target = self.members(earlier, split_group="target")
        responded = self.respond(earlier, target, 4, 40.0, "e")
        revenue = sum(target.mapped("revenue"))
        earlier.action_done()
        # an unrelated segment answered an earlier campaign on the channel too
        others = self.make_partners(100, "Others")
        other_segment = self.make_segment("Others", others)
        other = self.launch(segment=other_segment, name="Other", holdout_percent=0.0)
        self.respond(other, self.members(other, split_group="target"), 2, 10.0, "o")
        other.action_done()
        n_other = len(self.members(other, split_group="target"))
        other_responded = len(self.members(other, split_group="target").filtered(
            "response_date"))
        other_revenue = sum(self.members(other).mapped("revenue"))

        new = self.make_campaign(self.segment, name="Next", holdout_percent=20.0)
        self.assertEqual(new.forecast_basis, "2 earlier campaigns on this channel")
        # before the draw: the segment's customers less the holdout share
        expected = 400 * 0.8
        n = len(target)
        prior_rate = (responded + other_responded) / float(n + n_other)
        prior_revenue = (revenue + other_revenue) / float(n + n_other)
        rate = (responded + SMOOTHING_MEMBERS * prior_rate) / (n + SMOOTHING_MEMBERS)
        self.assertAlmostEqual(new.forecast_rate, 100.0 * rate, places=2)
        self.assertAlmostEqual(new.forecast_responses, expected * rate, places=1)
        self.assertAlmostEqual(
            new.forecast_revenue,
            expected * (revenue + SMOOTHING_MEMBERS * prior_revenue) / (n + SMOOTHING_MEMBERS),
            places=2)
        # another channel has no history: the campaigns of any channel are its prior
        phone = self.make_campaign(self.segment, channel="phone", name="Calls")
        self.assertIn("campaigns on other channels", phone.forecast_basis)
        self.assertGreater(phone.forecast_responses, 0.0)
        # after the draw: the target group drawn
        new._build_audience()
        compat.invalidate_all(new.env)
        self.assertAlmostEqual(new.forecast_responses, new.target_count * rate, places=1)

    def test_margin_defaults_to_the_customers_margin(self):
        campaign = self.make_campaign(self.segment, name="Margin")
        self.assertEqual(campaign.margin_percent, 100.0, "no cost of goods known: all margin")
