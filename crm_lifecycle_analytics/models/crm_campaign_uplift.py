# Copyright 2026 crm_lifecycle contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""What past campaigns measured per segment, channel and objective: the
target group's response rate less the control group's, pooled over the
closed campaigns, with how sure we are that it is above zero. The Next
Calls list (crm.next.call) reads it for each customer's segments."""
from odoo import _, api, fields, models
from odoo.exceptions import UserError

from odoo.addons.crm_lifecycle import compat
from odoo.addons.crm_lifecycle.guard import MANAGER_GROUP, check_companies
from odoo.addons.crm_lifecycle.models.crm_campaign import OBJECTIVES
from odoo.addons.crm_lifecycle.sql import compose

# The channel a member was reached on, as one SQL expression over
# crm_campaign_member m and crm_campaign c: the member's own (its campaign's,
# or the one a routed campaign chose for it).
MEMBER_CHANNEL_SQL = "m.channel_id"
# Phi(x), the standard normal distribution function, of an SQL expression x
# (PostgreSQL has no erf): Abramowitz & Stegun 26.2.17, absolute error below
# 7.5e-8. |x| is capped at 30 (Phi is 0 or 1 to 1e-190 there; exp() of
# -x^2/2 would underflow beyond about 38).
NORMAL_CDF_SQL = """(SELECT CASE WHEN z.x >= 0 THEN 1 - z.tail ELSE z.tail END
   FROM (SELECT a.x, exp(-a.ax * a.ax / 2) / 2.5066282746310002 * a.t * (0.319381530
                 + a.t * (-0.356563782 + a.t * (1.781477937 + a.t * (-1.821255978
                 + a.t * 1.330274429)))) AS tail
           FROM (SELECT x, LEAST(abs(x), 30) AS ax,
                        1 / (1 + 0.2316419 * LEAST(abs(x), 30)) AS t
                   FROM (SELECT ({x})::float8 AS x) s) a) z)"""
# sql-write: the table of this model only, from the members of closed
# campaigns; reached through _refresh (private), whose callers hold the
# caller: a campaign's action_done (its _check_manager), action_refresh (the
# manager group and the user's companies) and the cron (superuser)
REFRESH_SQL = """
    WITH scope AS (
        SELECT DISTINCT c.company_id, m.segment_id, {channel} AS channel_id, c.objective
          FROM crm_campaign_member m
          JOIN crm_campaign c ON c.id = m.campaign_id
         WHERE m.campaign_id = ANY(%(campaigns)s) AND m.segment_id IS NOT NULL
           AND m.split_group IS NOT NULL
    ), counts AS (
        SELECT c.company_id, m.segment_id, {channel} AS channel_id, c.objective,
               count(DISTINCT m.campaign_id) AS campaign_count,
               count(*) FILTER (WHERE m.split_group = 'target') AS n_t,
               count(*) FILTER (WHERE m.split_group = 'target'
                                  AND m.response_date IS NOT NULL) AS r_t,
               count(*) FILTER (WHERE m.split_group = 'control') AS n_c,
               count(*) FILTER (WHERE m.split_group = 'control'
                                  AND m.response_date IS NOT NULL) AS r_c
          FROM crm_campaign_member m
          JOIN crm_campaign c ON c.id = m.campaign_id
         WHERE c.state = 'done' AND m.split_group IS NOT NULL AND m.segment_id IS NOT NULL
           AND CASE WHEN %(campaigns)s::int[] IS NULL THEN c.company_id = ANY(%(companies)s)
                    ELSE c.company_id IN (SELECT company_id FROM scope)
                         AND c.objective IN (SELECT objective FROM scope)
                         AND (c.company_id, m.segment_id, {channel}, c.objective)
                             IN (SELECT * FROM scope) END
         GROUP BY 1, 2, 3, 4
    ), rated AS (
        SELECT k.*, k.r_t::float8 / NULLIF(k.n_t, 0) AS p_t,
               k.r_c::float8 / NULLIF(k.n_c, 0) AS p_c
          FROM counts k
    ), judged AS (
        SELECT r.*, r.p_t - r.p_c AS diff,
               sqrt(r.p_t * (1 - r.p_t) / r.n_t + r.p_c * (1 - r.p_c) / r.n_c) AS se
          FROM rated r
    ), gone AS (
        DELETE FROM crm_campaign_uplift u
         WHERE CASE WHEN %(campaigns)s::int[] IS NULL THEN u.company_id = ANY(%(companies)s)
                    ELSE (u.company_id, u.segment_id, u.channel_id, u.objective)
                         IN (SELECT * FROM scope) END
           AND NOT EXISTS (SELECT 1 FROM counts k
                            WHERE k.company_id = u.company_id AND k.segment_id = u.segment_id
                              AND k.channel_id = u.channel_id AND k.objective = u.objective)
    )
    INSERT INTO crm_campaign_uplift (
        company_id, segment_id, channel_id, objective, campaign_count, target_count,
        target_responded, control_count, control_responded, member_count, target_rate,
        control_rate, uplift, std_error, how_sure, refreshed_on)
    SELECT j.company_id, j.segment_id, j.channel_id, j.objective, j.campaign_count, j.n_t,
           j.r_t, j.n_c, j.r_c, j.n_t + j.n_c, 100 * j.p_t, 100 * j.p_c, 100 * j.diff,
           100 * j.se,
           CASE WHEN j.diff IS NULL THEN NULL
                WHEN j.se > 0 THEN 100 * {phi}
                WHEN j.diff > 0 THEN 100 WHEN j.diff < 0 THEN 0 ELSE 50 END,
           now() AT TIME ZONE 'UTC'
      FROM judged j
        ON CONFLICT (company_id, segment_id, channel_id, objective) DO UPDATE SET
           campaign_count = EXCLUDED.campaign_count, target_count = EXCLUDED.target_count,
           target_responded = EXCLUDED.target_responded,
           control_count = EXCLUDED.control_count,
           control_responded = EXCLUDED.control_responded,
           member_count = EXCLUDED.member_count, target_rate = EXCLUDED.target_rate,
           control_rate = EXCLUDED.control_rate, uplift = EXCLUDED.uplift,
           std_error = EXCLUDED.std_error, how_sure = EXCLUDED.how_sure,
           refreshed_on = EXCLUDED.refreshed_on
"""


class CrmCampaignUplift(models.Model):
    """The uplift per company, segment (the segment a member was drawn from),
    channel and objective, pooled over the closed campaigns: their target
    and control members and responders added up, the uplift the difference
    of the two response rates, its standard error the normal approximation
    of a difference of two proportions, and "how sure" Phi(uplift / se).

    A stored table, not an SQL view: the Next Calls list reads the uplift
    of every segment of every customer shown (a pivot over all customers
    reads them all), and a view would aggregate every member of every
    closed campaign (millions of rows in a company that runs campaigns) on
    each read, for figures that change only when a campaign closes or a
    late response reaches a closed one. So the table is refreshed in one
    statement (an upsert with the deletion of the keys no campaign has any
    more): for the keys of its members when a campaign is closed, and for
    whole companies by the nightly cron and the managers' Refresh button
    (responses still arriving within a closed campaign's window, members
    removed). Two campaigns of the same key closed at the same moment may
    each miss the other until the next nightly refresh."""

    _name = "crm.campaign.uplift"
    _description = "Campaign Uplift by Segment and Channel"
    _order = "company_id, segment_id, channel_id, objective"
    _rec_name = "segment_id"
    # rows written set-based by _refresh only
    _log_access = False

    company_id = fields.Many2one(
        "res.company", string="Company", required=True, readonly=True, ondelete="cascade")
    currency_id = fields.Many2one(
        "res.currency", related="company_id.currency_id", readonly=True)
    segment_id = fields.Many2one(
        "crm.segment", string="Segment", required=True, readonly=True, ondelete="cascade",
        help="The segment the campaign members were drawn from.")
    channel_id = fields.Many2one(
        "crm.touchpoint.channel", string="Channel", required=True, readonly=True,
        ondelete="cascade", help="The channel the target members were contacted on.")
    objective = fields.Selection(
        OBJECTIVES, required=True, readonly=True, help="The objective of the campaigns.")
    campaign_count = fields.Integer(
        string="Campaigns", readonly=True,
        help="Closed campaigns with members of this segment on this channel and objective.")
    target_count = fields.Integer(
        string="Target Members", readonly=True, help="Members contacted, all campaigns added.")
    target_responded = fields.Integer(
        string="Target Responses", readonly=True, help="Target members who responded.")
    control_count = fields.Integer(
        string="Control Members", readonly=True,
        help="Members held out (never contacted), all campaigns added.")
    control_responded = fields.Integer(
        string="Control Responses", readonly=True,
        help="Control members who responded all the same.")
    member_count = fields.Integer(
        string="Measured On", readonly=True,
        help="Target and control members the uplift was measured on.")
    target_rate = fields.Float(
        string="Target Rate (%)", readonly=True, digits=(16, 2), **compat.aggregator("avg"),
        help="Responses per 100 target members.")
    control_rate = fields.Float(
        string="Control Rate (%)", readonly=True, digits=(16, 2), **compat.aggregator("avg"),
        help="Responses per 100 control members.")
    uplift = fields.Float(
        string="Uplift (%)", readonly=True, digits=(16, 2), **compat.aggregator("avg"),
        help="Target rate less control rate: responses one contact causes, per 100 "
             "contacts. Empty without a target or a control group.")
    std_error = fields.Float(
        string="Standard Error (%)", readonly=True, digits=(16, 2),
        **compat.aggregator("avg"),
        help="Of the uplift (normal approximation of a difference of two proportions).")
    how_sure = fields.Float(
        string="How Sure (%)", readonly=True, digits=(16, 1), **compat.aggregator("avg"),
        help="The probability that the uplift is above zero: Phi(uplift / standard error) "
             "(100 or 0 when the error is zero, 50 for no difference).")
    refreshed_on = fields.Datetime(string="Refreshed On", readonly=True)

    _sql_constraints = [
        ("key_uniq", "unique (company_id, segment_id, channel_id, objective)",
         "One uplift per company, segment, channel and objective."),
    ]

    # sql-write: see REFRESH_SQL; private, its callers hold the caller
    @api.model
    def _refresh(self, campaign_ids=None, company_ids=None):
        """Refresh the uplift of the keys of these campaigns' members, or
        (no campaigns) of every key of these companies, in one statement."""
        if campaign_ids is not None and not campaign_ids:
            return
        # port>=13: flush before this query (the campaigns' states)
        compat.flush(self.env)
        query = compose(REFRESH_SQL, channel=MEMBER_CHANNEL_SQL,
                        phi=NORMAL_CDF_SQL.format(x="j.diff / j.se"))
        self.env.cr.execute(query, {"campaigns": list(campaign_ids) if campaign_ids else None,
                                    "companies": list(company_ids or [])})
        compat.invalidate_all(self.env)

    def action_refresh(self):
        """Managers: refresh the uplift of their companies from every
        closed campaign."""
        if not self.env.user.has_group(MANAGER_GROUP):
            raise UserError(_("Only Customer Lifecycle managers can refresh the campaign "
                              "uplift."))
        companies = self.env.user.company_ids.ids
        check_companies(self.env, companies)
        self._refresh(company_ids=companies)
        return compat.action_values(self.env.ref(
            "crm_lifecycle_analytics.crm_campaign_uplift_action"))

    @api.model
    def _cron_refresh(self):
        # the nightly refresh of every company (the cron runs as superuser)
        self._refresh(company_ids=self.env["res.company"].search([]).ids)


class CrmCampaign(models.Model):
    _inherit = "crm.campaign"

    def action_done(self):
        """Closing a campaign refreshes the uplift its members measured."""
        result = super(CrmCampaign, self).action_done()
        self.env["crm.campaign.uplift"]._refresh(campaign_ids=self.ids)
        return result
