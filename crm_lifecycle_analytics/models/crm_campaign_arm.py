# Copyright 2026 crm_lifecycle contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Each offer of a campaign judged against the control group (its uplift
with the 95 % interval, the responses and revenue it caused, its return on
its own cost), and the winner among the offers with its evidence: the best
offer's response rate against each other offer's, with a Newcombe interval
at the Bonferroni level 1 - 0.05 / (offers - 1), so that naming a winner
among several offers is wrong at most 5 % of the time. The figures come
from the campaign's one query of its groups (_judgement_figures)."""
from odoo import _, fields, models

from ..stats import uplift
from .crm_campaign import SMOOTHING_MEMBERS

# the error allowed to the whole set of comparisons naming a winner
WINNER_ALPHA = 0.05


class CrmCampaignArm(models.Model):
    _inherit = "crm.campaign.arm"

    currency_id = fields.Many2one(related="campaign_id.currency_id", readonly=True)
    contacted_count = fields.Integer(string="Contacted", compute="_compute_judgement")
    responded = fields.Integer(string="Responses", compute="_compute_judgement")
    response_rate = fields.Float(string="Response Rate (%)", compute="_compute_judgement",
                                 digits=(16, 2))
    uplift = fields.Float(string="Uplift (points)", compute="_compute_judgement",
                          digits=(16, 2),
                          help="The offer's response rate minus the control group's: the "
                               "responses it caused per 100 customers.")
    uplift_low = fields.Float(string="Low", compute="_compute_judgement", digits=(16, 2),
                              help="Lower bound of the 95 % interval (Newcombe).")
    uplift_high = fields.Float(string="High", compute="_compute_judgement", digits=(16, 2),
                               help="Upper bound of the 95 % interval (Newcombe).")
    incremental_responses = fields.Float(compute="_compute_judgement", digits=(16, 1))
    incremental_revenue = fields.Monetary(compute="_compute_judgement")
    cost = fields.Monetary(compute="_compute_judgement",
                           help="Its share of the fixed cost plus the cost per contact of its "
                                "members contacted.")
    roi = fields.Float(string="ROI (%)", compute="_compute_judgement", digits=(16, 1),
                       help="Incremental margin less cost, over cost.")
    evidence = fields.Selection(
        [("better", "Above Control"), ("unclear", "Not Clear Yet"),
         ("worse", "Below Control"), ("none", "No Contact Yet")],
        compute="_compute_judgement")
    forecast_rate = fields.Float(
        string="Forecast Rate (%)", compute="_compute_forecast", digits=(16, 2),
        help="The campaign's forecast response rate, times how offers of this kind answered "
             "on this channel before against all the offers there (closed campaigns; a kind "
             "seldom tried is pulled towards all offers).")

    def _kind_history(self):
        """{kind: (members, responded)} of the target members of the closed
        campaigns on this arm's channel in its company (other campaigns),
        and the total (members, responded) of those campaigns."""
        campaign = self.campaign_id
        self.env.cr.execute("""
            SELECT a.kind, count(*), count(*) FILTER (WHERE m.response_date IS NOT NULL)
              FROM crm_campaign k
              JOIN crm_campaign_member m ON m.campaign_id = k.id AND m.split_group = 'target'
              LEFT JOIN crm_campaign_arm a ON a.id = m.arm_id
             WHERE k.state = 'done' AND k.channel_id = %s AND k.company_id = %s
               AND k.id <> %s
             GROUP BY 1
        """, (campaign.channel_id.id, campaign.company_id.id, campaign.id or 0))
        by_kind, total = {}, (0, 0)
        for kind, n, responded in self.env.cr.fetchall():
            if kind:
                by_kind[kind] = (n, responded)
            total = (total[0] + n, total[1] + responded)
        return by_kind, total

    def _compute_forecast(self):
        history = {}
        for arm in self:
            campaign = arm.campaign_id
            if campaign not in history:
                history[campaign] = arm._kind_history() if campaign.channel_id else ({}, (0, 0))
            by_kind, (n_all, x_all) = history[campaign]
            base = campaign.forecast_rate
            if not n_all or not x_all:
                arm.forecast_rate = base
                continue
            prior = x_all / float(n_all)
            n, x = by_kind.get(arm.kind, (0, 0))
            kind_rate = (x + SMOOTHING_MEMBERS * prior) / (n + SMOOTHING_MEMBERS)
            arm.forecast_rate = base * kind_rate / prior

    def _compute_judgement(self):
        campaigns = self.mapped("campaign_id")
        figures = campaigns._judgement_figures()
        for arm in self:
            campaign = arm.campaign_id
            fig = figures.get(campaign.id, {})
            arms = fig.get("arms", {})
            n, responded, total, squares, contacted, contact_cost = arms.get(
                arm.id, (0, 0, 0.0, 0.0, 0, 0.0))
            control = fig.get("control", (0, 0, 0.0, 0.0))
            members = sum(values[0] for values in arms.values()) or 1
            # its share of the fixed cost and its contacts, each on its own channel
            cost = campaign.fixed_cost * n / members + contact_cost
            verdict = uplift.judge(n, responded, total, squares, *control, cost=cost,
                                   margin_rate=(campaign.margin_percent or 0.0) / 100.0)
            rates = verdict.rates
            arm.contacted_count = contacted
            arm.responded = responded
            arm.response_rate = 100.0 * responded / n if n else 0.0
            arm.uplift = 100.0 * rates.difference if rates.difference is not None else 0.0
            arm.uplift_low = 100.0 * rates.low if rates.low is not None else 0.0
            arm.uplift_high = 100.0 * rates.high if rates.high is not None else 0.0
            arm.incremental_responses = verdict.incremental_responses or 0.0
            arm.incremental_revenue = verdict.incremental_revenue or 0.0
            arm.cost = cost
            arm.roi = 100.0 * verdict.roi if verdict.roi is not None else 0.0
            if not contacted or rates.low is None:
                arm.evidence = "none"
            else:
                arm.evidence = "better" if rates.low > 0 else "worse" if rates.high < 0 \
                    else "unclear"


class CrmCampaign(models.Model):
    _inherit = "crm.campaign"

    arm_summary = fields.Char(
        string="Best Offer", compute="_compute_arm_summary",
        help="The offer with the highest response rate, and whether it beats every other "
             "offer surely (95 % for the comparisons together).")
    arm_winner_id = fields.Many2one("crm.campaign.arm", string="Winning Offer",
                                    compute="_compute_arm_summary")

    def _compute_arm_summary(self):
        figures = self._judgement_figures()
        for campaign in self:
            campaign.arm_summary = False
            campaign.arm_winner_id = False
            arms = figures.get(campaign.id, {}).get("arms", {})
            offers = campaign.arm_ids.filtered(lambda a: arms.get(a.id, (0,))[0])
            if len(offers) < 2 or not campaign.date_start:
                continue
            ranked = sorted(offers, key=lambda a: -arms[a.id][1] / float(arms[a.id][0]))
            best, others = ranked[0], ranked[1:]
            confidence = 1.0 - WINNER_ALPHA / len(others)
            comparisons = [(other, uplift.proportion_difference(
                arms[best.id][1], arms[best.id][0], arms[other.id][1], arms[other.id][0],
                confidence=confidence)) for other in others]
            runner_up, closest = comparisons[0]
            values = {"best": best.name, "other": runner_up.name,
                      "diff": 100.0 * (closest.difference or 0.0),
                      "low": 100.0 * (closest.low or 0.0), "high": 100.0 * (closest.high or 0.0),
                      "level": 100.0 * confidence}
            if all(result.low is not None and result.low > 0 for _o, result in comparisons):
                campaign.arm_winner_id = best
                campaign.arm_summary = _(
                    "%(best)s wins: its response rate is %(diff).2f points above %(other)s's "
                    "(%(level).1f %% interval %(low).2f to %(high).2f), and above every other "
                    "offer's.") % values
            else:
                campaign.arm_summary = _(
                    "No winner yet: %(best)s leads %(other)s by %(diff).2f points, but the "
                    "%(level).1f %% interval (%(low).2f to %(high).2f) does not exclude a tie.") \
                    % values
