# Copyright 2026 crm_lifecycle contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Campaign results by segment, across the launched campaigns: what the
customers of each segment cost to contact, how many responded, what the
campaigns caused among them (target against control, as each campaign's
own judgement does) and the return on it."""
from odoo import fields, models, tools

from odoo.addons.crm_lifecycle import compat

# Per campaign and member segment: the target and control groups' members,
# responders and revenue, the members contacted, their share of the
# campaign's cost (each contact at its member's cost on its channel, and the
# fixed cost spread over the
# members contacted); then per segment the sums. The incremental revenue of
# a campaign is (revenue per target member - revenue per control member) x
# target members, only where there is a control group.
VIEW_SQL = """
CREATE OR REPLACE VIEW {table} AS (
    WITH per_campaign AS (
        SELECT m.campaign_id, m.segment_id, c.company_id,
               COALESCE(c.margin_percent, 0) / 100.0 AS margin,
               count(*) FILTER (WHERE m.split_group = 'target') AS n_t,
               count(*) FILTER (WHERE m.split_group = 'target'
                                  AND m.response_date IS NOT NULL) AS r_t,
               COALESCE(sum(m.revenue) FILTER (WHERE m.split_group = 'target'), 0) AS rev_t,
               count(*) FILTER (WHERE m.split_group = 'control') AS n_c,
               count(*) FILTER (WHERE m.split_group = 'control'
                                  AND m.response_date IS NOT NULL) AS r_c,
               COALESCE(sum(m.revenue) FILTER (WHERE m.split_group = 'control'), 0) AS rev_c,
               count(*) FILTER (WHERE m.split_group = 'target'
                                  AND m.contact_date IS NOT NULL) AS contacted,
               COALESCE(sum(m.contact_cost) FILTER (WHERE m.split_group = 'target'
                                                     AND m.contact_date IS NOT NULL), 0)
                   AS contact_cost
          FROM crm_campaign_member m
          JOIN crm_campaign c ON c.id = m.campaign_id
         WHERE m.split_group IS NOT NULL AND m.segment_id IS NOT NULL
           AND c.date_start IS NOT NULL
         GROUP BY 1, 2, 3, 4
    ), costed AS (
        SELECT p.*,
               p.contact_cost
               + CASE WHEN sum(p.contacted) OVER (PARTITION BY p.campaign_id) > 0
                      THEN COALESCE(c.fixed_cost, 0) * p.contacted
                           / sum(p.contacted) OVER (PARTITION BY p.campaign_id)
                      ELSE 0 END AS cost,
               CASE WHEN p.n_c > 0 AND p.n_t > 0
                    THEN (p.rev_t / p.n_t - p.rev_c / p.n_c) * p.n_t END AS incremental_revenue,
               CASE WHEN p.n_c > 0 AND p.n_t > 0
                    THEN (p.r_t::float8 / p.n_t - p.r_c::float8 / p.n_c) * p.n_t
                    END AS incremental_responses
          FROM per_campaign p
          JOIN crm_campaign c ON c.id = p.campaign_id
    )
    SELECT segment_id AS id, segment_id, company_id, count(*) AS campaign_count,
           sum(contacted)::int AS contacted, sum(r_t)::int AS responses,
           sum(incremental_responses) AS incremental_responses, sum(cost) AS cost,
           sum(incremental_revenue) AS incremental_revenue,
           sum(cost) / NULLIF(sum(r_t), 0) AS cost_per_response,
           100.0 * (sum(incremental_revenue * margin) - sum(cost))
               / NULLIF(sum(cost), 0) AS roi
      FROM costed
     GROUP BY segment_id, company_id
)
"""


class CrmSegmentRoi(models.Model):
    _name = "crm.segment.roi"
    _description = "Campaign Results by Segment"
    _auto = False
    _order = "roi desc, segment_id"
    _rec_name = "segment_id"

    segment_id = fields.Many2one("crm.segment", string="Segment", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    currency_id = fields.Many2one(
        "res.currency", related="company_id.currency_id", readonly=True)
    campaign_count = fields.Integer(
        string="Campaigns", readonly=True, help="Launched campaigns that targeted the segment.")
    contacted = fields.Integer(readonly=True, help="Members of the segment contacted.")
    responses = fields.Integer(
        readonly=True, help="Target members of the segment who responded.")
    incremental_responses = fields.Float(
        readonly=True, digits=(16, 1),
        help="Responses the campaigns caused in the segment: target against control.")
    cost = fields.Monetary(
        readonly=True,
        help="The segment's share of the campaigns' cost: the cost per contact of its "
             "members contacted and the fixed cost spread over the members contacted.")
    incremental_revenue = fields.Monetary(
        readonly=True,
        help="Revenue the campaigns caused in the segment (campaigns with a control group).")
    cost_per_response = fields.Monetary(
        readonly=True, **compat.aggregator("avg"),
        help="The cost over the target members who responded.")
    roi = fields.Float(
        string="ROI (%)", readonly=True, digits=(16, 1), **compat.aggregator("avg"),
        help="Incremental revenue times each campaign's margin, less the cost, over the "
             "cost.")

    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute(VIEW_SQL.format(table=self._table))
