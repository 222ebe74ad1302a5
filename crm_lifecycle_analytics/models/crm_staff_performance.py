# Copyright 2026 crm_lifecycle contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Staff and team performance: one row per event a salesperson is credited
with (a touchpoint, a campaign contact or response, a won lead), in a SQL
view, so that the pivot sums them by person, team, channel and period and
every figure opens the rows, customers and touchpoints behind it.

Response time: the weekday hours from an inbound touchpoint to the next
outbound one with the customer, stored on the touchpoint by crm_lifecycle
(see crm_touchpoint_answer.py), so the report reads one column.
"""
from psycopg2 import sql

from odoo import api, fields, models, tools
from odoo.osv import expression

from odoo.addons.crm_lifecycle import compat
from odoo.addons.crm_lifecycle.models.crm_touchpoint import NOT_CONTACT_KINDS_SQL
from odoo.addons.crm_lifecycle.sql import compose

# The view, from named parts as Odoo's own reports build theirs: the columns
# every row has (KEYS), then the measures (MEASURES, with the value a part
# that does not give one has), then one part per source: its FROM and WHERE
# and its expression of each key and of the measures it gives. Adding a
# measure is one line in MEASURES and one in each part that gives it.
# Each part's id is its source row's id times 8 plus the part. Averaged
# measures (response time, share at risk, scores) are NULL outside their
# part, so that avg() in the pivot counts only the rows they belong to.
KEYS = ["id", "source", "date", "user_id", "team_id", "company_id", "partner_id",
        "channel_id", "touchpoint_id", "campaign_id", "lead_id"]
MEASURES = [
    ("outbound_count", "0"), ("inbound_count", "0"), ("campaign_sent_count", "0"),
    ("response_hours", "NULL::float8"), ("revenue", "0"), ("margin", "0"),
    ("campaign_members", "0"), ("campaign_contacted", "0"), ("campaign_responded", "0"),
    ("incremental_responses", "0::float8"), ("leads_won", "0"), ("won_revenue", "0"),
    ("nps", "NULL::numeric"),
    ("csat", "NULL::float8"), ("complaint_count", "0"), ("open_complaint_count", "0"),
    ("resolution_hours", "NULL::numeric"),
]
PARTS = [
    # every touchpoint credited to a salesperson
    {"keys": {
        "id": "t.id::bigint * 8", "source": "'touchpoint'::varchar", "date": "t.date",
        "user_id": "t.user_id", "team_id": "t.team_id", "company_id": "t.company_id",
        "partner_id": "t.commercial_partner_id", "channel_id": "t.channel_id",
        "touchpoint_id": "t.id", "campaign_id": "NULL::int", "lead_id": "NULL::int"},
     "measures": {
        "outbound_count": "(t.direction = 'outbound' AND t.kind NOT IN {not_contact})::int",
        "inbound_count": "(t.direction = 'inbound' AND t.kind NOT IN {not_contact})::int",
        "campaign_sent_count": "(t.kind = 'campaign')::int",
        "response_hours": "t.response_hours",
        "revenue": "CASE WHEN t.kind = 'purchase' THEN COALESCE(t.company_amount, 0) "
                   "ELSE 0 END",
        "margin": "CASE WHEN t.kind = 'purchase' AND t.company_cost_amount IS NOT NULL "
                  "THEN COALESCE(t.company_amount, 0) - t.company_cost_amount ELSE 0 END",
        "nps": "CASE WHEN t.nps_score::int >= 9 THEN 100.0 WHEN t.nps_score::int >= 7 "
               "THEN 0.0 WHEN t.nps_score IS NOT NULL THEN -100.0 END",
        "csat": "t.csat_score::float8",
        "complaint_count": "(t.kind = 'complaint')::int",
        "open_complaint_count": "(t.kind = 'complaint' AND t.resolved_date IS NULL)::int",
        "resolution_hours": "CASE WHEN t.kind = 'complaint' AND t.resolved_date IS NOT NULL "
                            "THEN EXTRACT(epoch FROM t.resolved_date - t.date) / 3600.0 END"},
     "from": "crm_touchpoint t WHERE t.user_id IS NOT NULL"},
    # target members assigned to a salesperson: contacted, and the response
    # above the control group's rate (incremental)
    {"keys": {
        "id": "m.id::bigint * 8 + 1", "source": "'campaign'",
        "date": "COALESCE(m.contact_date, c.date_start)", "user_id": "m.user_id",
        "team_id": "m.team_id", "company_id": "m.company_id", "partner_id": "m.partner_id",
        "channel_id": "m.channel_id", "touchpoint_id": "NULL", "campaign_id": "m.campaign_id",
        "lead_id": "NULL"},
     "measures": {
        "campaign_members": "1",
        "campaign_contacted": "(m.contact_date IS NOT NULL "
                              "AND ch.campaign_execution = 'activity')::int",
        "incremental_responses": "(m.response_date IS NOT NULL)::int - ctl.rate"},
     "from": """crm_campaign_member m
          JOIN crm_campaign c ON c.id = m.campaign_id
          JOIN crm_touchpoint_channel ch ON ch.id = m.channel_id
          LEFT JOIN (SELECT campaign_id, avg((response_date IS NOT NULL)::int)::float8 AS rate
                       FROM crm_campaign_member WHERE split_group = 'control'
                      GROUP BY campaign_id) ctl ON ctl.campaign_id = m.campaign_id
         WHERE m.split_group = 'target' AND m.user_id IS NOT NULL
           AND c.date_start IS NOT NULL"""},
    # the responses of those members
    {"keys": {
        "id": "m.id::bigint * 8 + 2", "source": "'campaign'", "date": "m.response_date",
        "user_id": "m.user_id", "team_id": "m.team_id", "company_id": "m.company_id",
        "partner_id": "m.partner_id", "channel_id": "m.channel_id",
        "touchpoint_id": "m.response_touchpoint_id", "campaign_id": "m.campaign_id",
        "lead_id": "NULL"},
     "measures": {"campaign_responded": "1"},
     "from": """crm_campaign_member m JOIN crm_campaign c ON c.id = m.campaign_id
         WHERE m.response_date IS NOT NULL AND m.split_group = 'target'
           AND m.user_id IS NOT NULL"""},
    # leads won
    {"keys": {
        "id": "l.id::bigint * 8 + 3", "source": "'lead'", "date": "l.date_closed",
        "user_id": "l.user_id", "team_id": "l.team_id", "company_id": "l.company_id",
        "partner_id": "p.commercial_partner_id", "channel_id": "NULL", "touchpoint_id": "NULL",
        "campaign_id": "NULL", "lead_id": "l.id"},
     "measures": {"leads_won": "1", "won_revenue": "COALESCE({lead_revenue}, 0)"},
     "from": """crm_lead l
          JOIN crm_stage s ON s.id = l.stage_id
          LEFT JOIN res_partner p ON p.id = l.partner_id
         WHERE l.active AND {won} AND l.date_closed IS NOT NULL
           AND l.user_id IS NOT NULL"""},
]


def _part_sql(part):
    """The SELECT of one part: every key, then every measure (its own
    expression or the default)."""
    columns = ["%s AS %s" % (part["keys"][key], key) for key in KEYS]
    columns += ["%s AS %s" % (part["measures"].get(name, default), name)
                for name, default in MEASURES]
    unknown = set(part["measures"]) - {name for name, _d in MEASURES}
    assert not unknown, unknown
    return "SELECT %s\n  FROM %s" % (",\n       ".join(columns), part["from"])


VIEW = """
CREATE OR REPLACE VIEW {table} AS (
    SELECT x.*, (x.response_hours IS NOT NULL)::int AS answered_count
      FROM (%s) x
)
""" % "\nUNION ALL\n".join(_part_sql(part) for part in PARTS)
VIEW = VIEW.replace("{not_contact}", NOT_CONTACT_KINDS_SQL).replace(
    "{lead_revenue}", compat.LEAD_REVENUE_SQL).replace("{won}", compat.WON_STAGE_SQL)


class CrmStaffPerformance(models.Model):
    """What each salesperson and team did, event by event."""

    _name = "crm.staff.performance"
    _description = "Staff Performance"
    _auto = False
    _order = "date desc"
    _rec_name = "date"
    # what the view reads: 13+ writes these fields to their tables before
    # searching it (the ORM holds writes back; 11 writes them at once)
    _depends = {
        "crm.touchpoint": [
            "date", "user_id", "team_id", "company_id", "commercial_partner_id",
            "channel_id", "direction", "kind", "response_hours", "company_amount",
            "company_cost_amount",
            "nps_score", "csat_score", "resolved_date"],
        "crm.campaign.member": [
            "campaign_id", "split_group", "user_id", "team_id", "company_id", "partner_id",
            "contact_date", "response_date", "response_touchpoint_id"],
        "crm.campaign": ["channel_id", "date_start"],
        "crm.touchpoint.channel": ["campaign_execution"],
        "crm.lead": ["active", "stage_id", "date_closed", "user_id", "team_id", "company_id",
                     "partner_id", compat.LEAD_REVENUE_FIELD],
        "crm.stage": [compat.WON_STAGE_FIELD],
        "res.partner": ["commercial_partner_id"],
    }

    source = fields.Selection(
        [("touchpoint", "Touchpoint"), ("campaign", "Campaign"), ("lead", "Won Lead")],
        readonly=True)
    date = fields.Datetime(readonly=True)
    user_id = fields.Many2one("res.users", string="Salesperson", readonly=True)
    team_id = fields.Many2one("crm.team", string="Sales Team", readonly=True)
    company_id = fields.Many2one("res.company", string="Company", readonly=True)
    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    channel_id = fields.Many2one("crm.touchpoint.channel", string="Channel", readonly=True)
    touchpoint_id = fields.Many2one("crm.touchpoint", string="Touchpoint", readonly=True)
    campaign_id = fields.Many2one("crm.campaign", string="Campaign", readonly=True)
    lead_id = fields.Many2one("crm.lead", string="Lead", readonly=True)
    outbound_count = fields.Integer(
        string="Contacts Made", readonly=True,
        help="Personal outbound contacts: calls, emails, visits... the salesperson made to "
             "customers. A campaign's mailing, letters or SMS are not counted here but in "
             "Campaign Sends.")
    inbound_count = fields.Integer(
        string="Contacts Handled", readonly=True,
        help="Inbound contacts of the salesperson's customers (purchases are not contacts).")
    campaign_sent_count = fields.Integer(
        string="Campaign Sends", readonly=True,
        help="Messages of campaigns sent to many customers at once (mass mailings, letters, "
             "SMS), one per customer, credited to the campaign's owner and team.")
    answered_count = fields.Integer(
        string="Answered", readonly=True,
        help="Inbound contacts followed by an outbound contact with the customer.")
    response_hours = fields.Float(
        string="Response Time (h)", readonly=True, **compat.aggregator("avg"),
        help="Weekday hours from an inbound contact to the next outbound contact with the "
             "customer (averaged in the pivot; the leaderboard shows median and 90th "
             "percentile).")
    revenue = fields.Float(readonly=True, help="Purchases of the customers.")
    margin = fields.Float(
        readonly=True,
        help="Revenue less the cost of goods, for the purchases whose cost of goods is known.")
    campaign_members = fields.Integer(
        string="Campaign Targets", readonly=True,
        help="Target members of launched campaigns assigned to the salesperson.")
    campaign_contacted = fields.Integer(
        string="Campaign Contacts", readonly=True,
        help="Target members of call or visit campaigns the salesperson contacted. The "
             "members of a mailing, letter or SMS campaign are not contacted by their "
             "salesperson: see Campaign Sends.")
    campaign_responded = fields.Integer(
        string="Campaign Responses", readonly=True,
        help="Responses of the target members assigned to the salesperson.")
    incremental_responses = fields.Float(
        string="Incremental Responses", readonly=True, digits=(16, 1),
        help="Responses of the salesperson's target members beyond what the campaign's "
             "control group says would have come anyway: for each member, responded (1 or 0) "
             "less the control group's response rate. Campaigns without a control group "
             "do not count.")
    leads_won = fields.Integer(string="Leads Won", readonly=True)
    won_revenue = fields.Float(string="Won Revenue", readonly=True,
                               help="Expected revenue of the leads won.")
    nps = fields.Float(
        string="NPS", readonly=True, **compat.aggregator("avg"),
        help="Net Promoter Score of the feedback of the customers: the share of promoters "
             "(9-10) less the share of detractors (0-6), from -100 to 100.")
    csat = fields.Float(
        string="CSAT", readonly=True, **compat.aggregator("avg"),
        help="Average satisfaction score (1-5) of the feedback of the customers.")
    complaint_count = fields.Integer(string="Complaints", readonly=True)
    open_complaint_count = fields.Integer(
        string="Open Complaints", readonly=True, help="Complaints not resolved yet.")
    resolution_hours = fields.Float(
        string="Resolution Time (h)", readonly=True, **compat.aggregator("avg"),
        help="Hours from a complaint to its resolution (resolved complaints), averaged.")

    this_quarter = fields.Boolean(
        string="This Quarter", compute="_compute_this_quarter", search="_search_this_quarter",
        help="The row's date is in the current calendar quarter (in the user's time zone).")

    @api.model
    def _quarter_start(self):
        today = fields.Date.from_string(fields.Date.context_today(self))
        return today.replace(month=1 + (today.month - 1) // 3 * 3, day=1)

    def _compute_this_quarter(self):
        start = fields.Date.to_string(self._quarter_start())
        for row in self:
            row.this_quarter = bool(row.date and row.date >= start)

    def _search_this_quarter(self, operator, value):
        inside = (operator == "=") == bool(value)
        start = fields.Date.to_string(self._quarter_start())
        return [("date", ">=" if inside else "<", start)]

    def init(self):
        cr = self.env.cr
        tools.drop_view_if_exists(cr, self._table)
        cr.execute(VIEW.replace("{table}", self._table))

    @api.model
    def read_group(self, domain, fields, groupby, offset=0, limit=None, orderby=False,
                   lazy=True):
        """With `staff_hide_idle` in the context (the Staff Performance
        screen), groups none of whose rows has a figure in the measures
        asked for are left out: a team or salesperson with nothing to show
        (Odoo's demo teams, someone who only has won leads when contacts are
        shown) is no empty line of the pivot. A group is kept when one of
        its rows has a non-zero measure, so a group kept always has its
        parent kept, and the totals are those of the groups shown."""
        result = super(CrmStaffPerformance, self).read_group(
            domain, fields, groupby, offset=offset, limit=limit, orderby=orderby, lazy=lazy)
        groupbys = [groupby] if isinstance(groupby, str) else list(groupby or [])
        if not self.env.context.get("staff_hide_idle") or not groupbys or not result:
            return result
        if lazy:
            groupbys = groupbys[:1]
        grouped = {g.split(":")[0] for g in groupbys}
        measures = sorted({
            name for name in (f.split(":")[0] for f in fields or [])
            if name in self._fields and name not in grouped
            and self._fields[name].type in ("integer", "float", "monetary")})
        if not measures:
            return result
        # the rows with a figure: a measure above or below zero (NULL is none)
        figure = expression.OR([["|", (name, ">", 0), (name, "<", 0)] for name in measures])
        active = super(CrmStaffPerformance, self).read_group(
            expression.AND([list(domain or []), figure]), [measures[0]] + sorted(grouped),
            groupbys, lazy=False)
        keys = {tuple(str(group.get(g)) for g in groupbys) for group in active}
        return [group for group in result
                if tuple(str(group.get(g)) for g in groupbys) in keys]

    @api.model
    def response_time_percentiles(self, domain=None, groupby="user_id"):
        """{group id: (median, 90th percentile, answered contacts)} of the
        response times of the rows in `domain` (record rules applied), by
        `user_id` or `team_id`: one query."""
        if groupby not in ("user_id", "team_id"):
            raise ValueError("groupby must be user_id or team_id")
        query = self._where_calc(list(domain or []) + [("response_hours", "!=", False)])
        self._apply_ir_rules(query, "read")
        from_clause, where_clause, params = compat.query_parts(query)
        # the ORM's pending writes reach the tables before this query
        compat.flush(self.env)
        # the FROM and WHERE are Odoo's own query builder's, from the domain
        self.env.cr.execute(compose("""
            SELECT "crm_staff_performance".{group},
                   percentile_cont(0.5) WITHIN GROUP (
                       ORDER BY "crm_staff_performance".response_hours),
                   percentile_cont(0.9) WITHIN GROUP (
                       ORDER BY "crm_staff_performance".response_hours),
                   count(*)
              FROM {from_} WHERE {where} GROUP BY 1
        """, group=sql.Identifier(groupby), from_=from_clause, where=where_clause or "TRUE"),
            params)
        return {row[0]: (row[1], row[2], row[3]) for row in self.env.cr.fetchall()}

    def action_open_source(self):
        """The record behind the row: its touchpoint, campaign or lead."""
        self.ensure_one()
        if self.touchpoint_id:
            model, res_id = "crm.touchpoint", self.touchpoint_id.id
        elif self.lead_id:
            model, res_id = "crm.lead", self.lead_id.id
        else:
            model, res_id = "crm.campaign", self.campaign_id.id
        return {"type": "ir.actions.act_window", "res_model": model, "res_id": res_id,
                "view_mode": "form", "target": "current"}

    def action_open_timeline(self):
        """The customer's timeline."""
        self.ensure_one()
        return self.partner_id.action_view_touchpoints()
