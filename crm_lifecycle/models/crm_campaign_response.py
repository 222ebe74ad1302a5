# Copyright 2026 crm_lifecycle contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Campaign responses, matched when touchpoints are written.

A response is a touchpoint of a campaign member (target or control) within
the campaign's response window that is an inbound contact, a lead or a
purchase, or any such touchpoint carrying the campaign's UTM campaign.
Matching is set-based: every path that writes touchpoints (capture, import,
ingestion, the ORM) hands the ids it wrote to `_match`, which replaces their
responses in three statements (delete, insert, member and attribution
updates), so a batch of a million touchpoints is matched like one.

Attribution: a touchpoint that answers several campaigns that touched the
customer (a contacted target member, or the campaign's UTM on the
touchpoint) is shared three ways side by side: all to the last campaign
that touched the customer, all to the first, or evenly (linear). Control
members were not touched: their responses are the baseline, attributed to
no campaign.
"""
from odoo import api, fields, models

from .. import compat
from ..sql import compose

RESPONSE_GROUPS = [("target", "Target"), ("control", "Control"), ("none", "Not a Member")]
RESPONSE_KINDS = "('lead', 'purchase', 'response')"


class CrmCampaignResponse(models.Model):
    _name = "crm.campaign.response"
    _description = "Campaign Response"
    _order = "date desc, id desc"
    _rec_name = "touchpoint_id"
    _log_access = False

    campaign_id = fields.Many2one(
        "crm.campaign", string="Campaign", required=True, readonly=True, ondelete="cascade",
        index=True)
    member_id = fields.Many2one(
        "crm.campaign.member", string="Member", readonly=True, ondelete="cascade", index=True)
    touchpoint_id = fields.Many2one(
        "crm.touchpoint", string="Touchpoint", required=True, readonly=True,
        ondelete="cascade", index=True)
    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    company_id = fields.Many2one("res.company", string="Company", readonly=True)
    user_id = fields.Many2one(
        "res.users", string="Salesperson", readonly=True,
        help="The salesperson or agent the member was assigned to.")
    date = fields.Datetime(readonly=True)
    split_group = fields.Selection(
        RESPONSE_GROUPS, string="Group", readonly=True,
        help="Target or control member, or a customer outside the audience whose "
             "touchpoint carried the campaign's UTM campaign.")
    channel_id = fields.Many2one("crm.touchpoint.channel", string="Channel", readonly=True)
    kind = fields.Selection(
        related="touchpoint_id.kind", readonly=True, store=True)
    amount = fields.Float(string="Revenue", readonly=True, help="The purchase amount, if any.")
    via_utm = fields.Boolean(
        string="Carries the UTM", readonly=True,
        help="The touchpoint carries the campaign's UTM campaign.")
    touched = fields.Boolean(
        string="Attributed", readonly=True,
        help="The campaign had touched the customer before this response (a contact of a "
             "target member, or its UTM on the touchpoint); control responses never are.")
    weight_last = fields.Float(string="Last Touch", readonly=True, **compat.aggregator("sum"))
    weight_first = fields.Float(string="First Touch", readonly=True, **compat.aggregator("sum"))
    weight_linear = fields.Float(string="Linear", readonly=True, **compat.aggregator("sum"))
    revenue_last = fields.Float(string="Revenue (Last Touch)", readonly=True)
    revenue_first = fields.Float(string="Revenue (First Touch)", readonly=True)
    revenue_linear = fields.Float(string="Revenue (Linear)", readonly=True)

    def init(self):
        self.env.cr.execute("""
            CREATE UNIQUE INDEX IF NOT EXISTS crm_campaign_response_uniq
                ON crm_campaign_response (campaign_id, touchpoint_id)
        """)

    # ------------------------------------------------------------ matching
    @api.model
    def _live_campaigns(self, campaign_ids=None):
        """Launched campaigns (launched and not yet sent, running, or done
        with late data still in the window possible)."""
        query = """SELECT id FROM crm_campaign
                    WHERE state IN ('launched', 'running', 'done')
                      AND date_start IS NOT NULL"""
        params = ()
        if campaign_ids is not None:
            query += " AND id = ANY(%s)"
            params = (list(campaign_ids),)
        self.env.cr.execute(query, params)
        return [row[0] for row in self.env.cr.fetchall()]

    # sql-write: responses are derived data, recomputed from touchpoints already written under
    # the ORM's rules; takes ids only, no values
    @api.model
    def _match(self, touchpoint_ids=None, campaign_ids=None):
        """Match the responses of these touchpoints (written just now) or of
        these campaigns (all their touchpoints), replacing earlier matches.
        Returns the number of responses written."""
        if touchpoint_ids is not None:
            touchpoint_ids = [i for i in touchpoint_ids if i]
            if not touchpoint_ids:
                return 0
        live = self._live_campaigns(campaign_ids)
        if not live and touchpoint_ids is not None:
            # responses exist only for launched campaigns
            return 0
        cr = self.env.cr
        params = {"live": live, "tp_ids": touchpoint_ids or [],
                  "campaign_ids": list(campaign_ids or [])}
        if touchpoint_ids is not None:
            scope = "r.touchpoint_id = ANY(%(tp_ids)s)"
            tp_filter = "t.id = ANY(%(tp_ids)s)"
        else:
            scope = "r.campaign_id = ANY(%(campaign_ids)s)"
            tp_filter = """t.id IN (
                SELECT t2.id FROM crm_touchpoint t2
                  JOIN crm_campaign_member m ON m.partner_id = t2.commercial_partner_id
                  JOIN c ON c.id = m.campaign_id
                 WHERE m.split_group IS NOT NULL
                   AND t2.date >= c.date_start AND t2.date < c.date_stop
                UNION
                SELECT t2.id FROM crm_touchpoint t2 JOIN c ON c.utm_campaign_id = t2.campaign_id
                 WHERE t2.date >= c.date_start AND t2.date < c.date_stop)"""
        # the ORM's pending writes of touchpoints and members reach the tables first
        compat.flush(self.env)
        cr.execute(compose("""
            DELETE FROM crm_campaign_response r WHERE {scope}
            RETURNING r.member_id, r.touchpoint_id
        """, scope=scope), params)
        removed = cr.fetchall()
        added = []
        if live:
            cr.execute(compose("""
                WITH c AS MATERIALIZED (
                    SELECT id, utm_campaign_id, company_id, date_start,
                           date_start + response_days * interval '1 day' AS date_stop
                      FROM crm_campaign WHERE id = ANY(%(live)s)
                ), t AS MATERIALIZED (
                    SELECT t.id, t.commercial_partner_id, t.date, t.campaign_id, t.channel_id,
                           t.kind, t.company_amount AS amount
                      FROM crm_touchpoint t
                     WHERE {tp_filter}
                       AND (t.direction = 'inbound' OR t.kind IN {kinds})
                ), pairs AS (
                    SELECT c.id AS campaign_id, m.id AS member_id, t.id AS touchpoint_id
                      FROM t
                      JOIN crm_campaign_member m ON m.partner_id = t.commercial_partner_id
                                               AND m.split_group IS NOT NULL
                      JOIN c ON c.id = m.campaign_id
                     WHERE t.date >= c.date_start AND t.date < c.date_stop
                    UNION
                    SELECT c.id, m.id, t.id
                      FROM t
                      JOIN c ON c.utm_campaign_id = t.campaign_id
                      LEFT JOIN crm_campaign_member m ON m.campaign_id = c.id
                                                     AND m.partner_id = t.commercial_partner_id
                                                     AND m.split_group IS NOT NULL
                     WHERE t.date >= c.date_start AND t.date < c.date_stop
                )
                INSERT INTO crm_campaign_response (
                    campaign_id, member_id, touchpoint_id, partner_id, company_id, user_id,
                    date, split_group, channel_id, kind, amount, via_utm, touched,
                    weight_last, weight_first, weight_linear,
                    revenue_last, revenue_first, revenue_linear)
                SELECT p.campaign_id, p.member_id, t.id, t.commercial_partner_id, c.company_id,
                       m.user_id, t.date, COALESCE(m.split_group, 'none'), t.channel_id, t.kind,
                       CASE WHEN t.kind = 'purchase' THEN COALESCE(t.amount, 0) ELSE 0 END,
                       t.campaign_id IS NOT DISTINCT FROM c.utm_campaign_id, FALSE,
                       0, 0, 0, 0, 0, 0
                  FROM pairs p
                  JOIN t ON t.id = p.touchpoint_id
                  JOIN c ON c.id = p.campaign_id
                  LEFT JOIN crm_campaign_member m ON m.id = p.member_id
                ON CONFLICT (campaign_id, touchpoint_id) DO NOTHING
                RETURNING member_id, touchpoint_id
            """, tp_filter=tp_filter, kinds=RESPONSE_KINDS), params)
            added = cr.fetchall()
        members = {m for m, _t in removed + added if m}
        touchpoints = {t for _m, t in removed + added}
        self._update_members(members)
        self._update_attribution(touchpoint_ids=touchpoints)
        compat.invalidate_all(self.env)
        compat.invalidate_all(self.env)
        return len(added)

    # sql-write: member states derived from their responses; takes ids only, no values
    @api.model
    def _update_members(self, member_ids):
        """Member state, first response and revenue from their responses."""
        if not member_ids:
            return
        # the ORM's pending writes reach the tables before this query
        compat.flush(self.env)
        self.env.cr.execute("""
            UPDATE crm_campaign_member m
               SET response_date = a.first_date,
                   response_touchpoint_id = a.first_touchpoint,
                   revenue = COALESCE(a.revenue, 0),
                   response_rate = CASE WHEN a.first_date IS NULL THEN 0 ELSE 100 END,
                   state = CASE WHEN m.state = 'excluded' THEN 'excluded'
                                WHEN a.converted THEN 'converted'
                                WHEN a.first_date IS NOT NULL THEN 'responded'
                                WHEN m.contact_date IS NOT NULL THEN 'contacted'
                                ELSE 'planned' END
              FROM (SELECT ids.id, min(r.date) AS first_date,
                           (array_agg(r.touchpoint_id ORDER BY r.date, r.touchpoint_id)
                           )[1] AS first_touchpoint,
                           sum(r.amount) AS revenue,
                           COALESCE(bool_or(r.kind = 'purchase' AND r.amount > 0), FALSE)
                               AS converted
                      FROM unnest(%s::int[]) AS ids(id)
                      LEFT JOIN crm_campaign_response r ON r.member_id = ids.id
                     GROUP BY ids.id) a
             WHERE m.id = a.id
        """, (list(member_ids),))

    # sql-write: attribution shares derived from the responses; takes ids only, no values
    @api.model
    def _update_attribution(self, touchpoint_ids=None, member_ids=None):
        """Share each touchpoint's responses among the campaigns that had
        touched the customer before it: last touch, first touch, linear."""
        cr = self.env.cr
        if member_ids:
            cr.execute("""SELECT DISTINCT touchpoint_id FROM crm_campaign_response
                           WHERE member_id = ANY(%s)""", (list(member_ids),))
            touchpoint_ids = set(touchpoint_ids or ()) | {row[0] for row in cr.fetchall()}
        if not touchpoint_ids:
            return
        # the ORM's pending writes reach the tables before this query
        compat.flush(self.env)
        cr.execute("""
            WITH r AS (
                SELECT r.id, r.touchpoint_id, r.campaign_id, r.amount,
                       (r.via_utm OR (r.split_group = 'target' AND m.contact_date IS NOT NULL
                                      AND m.contact_date <= r.date)) AS touched,
                       COALESCE(m.contact_date, c.date_start) AS touch_date
                  FROM crm_campaign_response r
                  JOIN crm_campaign c ON c.id = r.campaign_id
                  LEFT JOIN crm_campaign_member m ON m.id = r.member_id
                 WHERE r.touchpoint_id = ANY(%s)
            ), w AS (
                SELECT r.*,
                       count(*) FILTER (WHERE r.touched) OVER (PARTITION BY r.touchpoint_id)
                           AS n,
                       row_number() OVER (PARTITION BY r.touchpoint_id
                                          ORDER BY r.touched DESC, r.touch_date, r.campaign_id)
                           AS first_rank,
                       row_number() OVER (PARTITION BY r.touchpoint_id
                                          ORDER BY r.touched DESC, r.touch_date DESC,
                                                   r.campaign_id DESC) AS last_rank
                  FROM r
            ), v AS (
                SELECT w.id, w.touched,
                       CASE WHEN w.touched AND w.last_rank = 1 THEN 1.0 ELSE 0.0 END AS wl,
                       CASE WHEN w.touched AND w.first_rank = 1 THEN 1.0 ELSE 0.0 END AS wf,
                       CASE WHEN w.touched THEN 1.0 / w.n ELSE 0.0 END AS wn,
                       w.amount
                  FROM w
            )
            UPDATE crm_campaign_response x
               SET touched = v.touched, weight_last = v.wl, weight_first = v.wf,
                   weight_linear = v.wn, revenue_last = v.amount * v.wl,
                   revenue_first = v.amount * v.wf, revenue_linear = v.amount * v.wn
              FROM v
             WHERE x.id = v.id
               AND (x.touched, x.weight_last, x.weight_first, x.weight_linear)
                   IS DISTINCT FROM (v.touched, v.wl, v.wf, v.wn)
        """, (list(touchpoint_ids),))


class CrmTouchpoint(models.Model):
    """Every write of touchpoints matches their campaign responses."""

    _inherit = "crm.touchpoint"

    MATCH_FIELDS = {"partner_id", "date", "direction", "kind", "amount", "campaign_id"}

    @api.model
    def _touchpoints_written(self, ids):
        result = super(CrmTouchpoint, self)._touchpoints_written(ids)
        Response = self.env["crm.campaign.response"]
        if ids is None:
            # a rebuild of the whole history: the launched campaigns again
            live = Response._live_campaigns()
            if live:
                Response._match(campaign_ids=live)
        elif ids:
            Response._match(touchpoint_ids=ids)
        return result

    @compat.model_create_multi
    def create(self, vals_list):
        records = compat.create_records(super(CrmTouchpoint, self).create, vals_list)
        self.env["crm.campaign.response"]._match(touchpoint_ids=records.ids)
        return records

    def write(self, vals):
        result = super(CrmTouchpoint, self).write(vals)
        if self.MATCH_FIELDS & set(vals):
            self.env["crm.campaign.response"]._match(touchpoint_ids=self.ids)
        return result

    def unlink(self):
        Response = self.env["crm.campaign.response"]
        # the members these touchpoints answered for lose the response
        self.env.cr.execute("""
            SELECT DISTINCT member_id FROM crm_campaign_response
             WHERE touchpoint_id = ANY(%s) AND member_id IS NOT NULL
        """, (self.ids,))
        members = [row[0] for row in self.env.cr.fetchall()]
        result = super(CrmTouchpoint, self).unlink()
        Response._update_members(members)
        Response._update_attribution(member_ids=members)
        return result
