# Copyright 2026 crm_lifecycle contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The cockpit of a running campaign: per agent, and per agent and day of
contact, the open calls, the contacts made, the responses of the customers
contacted and the responses they caused per 100 contacts against the
control group, with the 95 % interval (Newcombe, stats/uplift.py).

The lines are derived figures, computed again each time the cockpit is
shown (one scan of the campaign's members, grouped three ways at once: the
groups, the agents, the agents' days) and kept in a table only so that the
screen can list, sort and group them; a refresh already under way in
another request is not waited for (its lines are shown).

An agent's customers are a random share of the target group when the calls
were dealt by the draw (the campaign's agents at launch); calls moved by
value afterwards make an agent's customers worth more than the average, and
their comparison with the control group flatters them: the cockpit says
so.
"""
from psycopg2.extras import execute_values

from odoo import _, api, fields, models

from odoo.addons.crm_lifecycle import compat
from odoo.addons.crm_lifecycle.guard import try_job_lock
from odoo.addons.crm_lifecycle.sql import compose, planner_settings

from ..stats import uplift

# the query of the cockpit: one scan of the campaign's members, grouped by
# group (the control's figures), by group and agent, and by group, agent
# and day of contact in the user's time zone
COCKPIT_SQL = """
    SELECT m.split_group, m.user_id,
           (m.contact_date AT TIME ZONE 'UTC' AT TIME ZONE %(tz)s)::date AS day,
           GROUPING(m.user_id, (m.contact_date AT TIME ZONE 'UTC' AT TIME ZONE %(tz)s)::date)
               AS level,
           count(*) AS members,
           count(*) FILTER (WHERE m.contact_date IS NULL AND m.state = 'planned'
                              AND (m.on_hold OR oa.member_id IS NOT NULL)) AS open_calls,
           count(*) FILTER (WHERE m.contact_date IS NOT NULL) AS contacted,
           count(*) FILTER (WHERE m.response_date IS NOT NULL
                              AND (m.split_group = 'control' OR m.contact_date IS NOT NULL))
               AS responded,
           COALESCE(sum(m.revenue) FILTER (WHERE m.split_group = 'control'
                                             OR m.contact_date IS NOT NULL), 0) AS revenue
      FROM crm_campaign_member m
      LEFT JOIN (SELECT DISTINCT campaign_member_id AS member_id FROM mail_activity
                  WHERE campaign_member_id IS NOT NULL) oa ON oa.member_id = m.id
     WHERE m.campaign_id = %(campaign)s AND m.split_group IS NOT NULL
     GROUP BY GROUPING SETS (
         (m.split_group),
         (m.split_group, m.user_id),
         (m.split_group, m.user_id,
          (m.contact_date AT TIME ZONE 'UTC' AT TIME ZONE %(tz)s)::date))
"""


class CrmCampaignCockpitLine(models.Model):
    _name = "crm.campaign.cockpit.line"
    _description = "Campaign Cockpit: an Agent (and a Day)"
    _order = "campaign_id, kind, day desc, incremental_per_100 desc, user_id"
    _rec_name = "user_id"
    # written set-based by the cockpit's refresh
    _log_access = False

    campaign_id = fields.Many2one("crm.campaign", string="Campaign", required=True,
                                  readonly=True, ondelete="cascade", index=True)
    company_id = fields.Many2one("res.company", string="Company", readonly=True)
    kind = fields.Selection([("agent", "Agent"), ("day", "Agent and Day")], required=True,
                            readonly=True)
    user_id = fields.Many2one("res.users", string="Agent", readonly=True)
    day = fields.Date(string="Contact Day", readonly=True,
                      help="The day the customers were contacted (in the time zone of who "
                           "opened the cockpit).")
    members = fields.Integer(string="Customers", readonly=True,
                             help="Target customers given to the agent.")
    open_calls = fields.Integer(string="Open Calls", readonly=True,
                                help="Calls or visits still to make (on hold included).")
    contacted = fields.Integer(string="Contacts Made", readonly=True)
    responded = fields.Integer(string="Responses", readonly=True,
                               help="Customers contacted who responded in the window.")
    revenue = fields.Float(string="Revenue", readonly=True,
                           help="Purchases of the customers contacted, in the window.")
    response_rate = fields.Float(string="Response Rate (%)", readonly=True, digits=(16, 1),
                                 help="Responses per 100 contacts made.")
    control_rate = fields.Float(string="Control Rate (%)", readonly=True, digits=(16, 1),
                                help="Responses per 100 members of the control group (never "
                                     "contacted).")
    incremental_per_100 = fields.Float(
        string="Incremental per 100 Contacts", readonly=True, digits=(16, 1),
        help="Responses the agent's contacts caused per 100 contacts: the response rate of "
             "the customers the agent contacted minus the control group's.")
    incremental_low = fields.Float(string="Low", readonly=True, digits=(16, 1),
                                   help="Lower bound of the 95 % interval (Newcombe).")
    incremental_high = fields.Float(string="High", readonly=True, digits=(16, 1),
                                    help="Upper bound of the 95 % interval (Newcombe).")
    incremental_responses = fields.Float(
        string="Incremental Responses", readonly=True, digits=(16, 1),
        help="Responses caused: the incremental rate times the contacts made.")
    evidence = fields.Selection(
        [("better", "Above Control"), ("unclear", "Not Clear Yet"), ("worse", "Below Control"),
         ("none", "No Contact Yet")], readonly=True,
        help="Above Control: the 95 % interval is above zero; Below: under zero.")


class CrmCampaign(models.Model):
    _inherit = "crm.campaign"

    cockpit_agent_ids = fields.One2many(
        "crm.campaign.cockpit.line", compute="_compute_cockpit", string="Agents",
        help="Per agent: open calls, contacts made, responses and the responses caused per "
             "100 contacts against the control group, with their 95 % interval.")
    cockpit_day_ids = fields.One2many(
        "crm.campaign.cockpit.line", compute="_compute_cockpit", string="Per Day",
        help="The same per agent and day of contact.")
    cockpit_refreshed_on = fields.Datetime(
        string="Figures As Of", compute="_compute_cockpit",
        help="When the cockpit's figures were computed (each time it is shown).")
    cockpit_note = fields.Char(compute="_compute_cockpit")

    def _member_value_sql(self):
        """Most valuable first: the customer's predicted lifetime value in
        the campaign's company (its metrics); without metrics yet, its
        purchases as without the analytics."""
        join, value = super(CrmCampaign, self)._member_value_sql()
        return (compose("""{join}
                  LEFT JOIN crm_customer_metrics mvm
                         ON mvm.partner_id = m.partner_id AND mvm.company_id = c.company_id""",
                        join=join),
                compose("COALESCE(mvm.clv, {value})", value=value))

    def _cockpit_rows(self):
        """The cockpit query's rows: {'control': (n, responded)}, and
        [(kind, user, day, members, open, contacted, responded, revenue)]."""
        self.ensure_one()
        # the ORM's pending writes reach the tables before this query
        compat.flush(self.env)
        # a few hundred thousand rows grouped once: compiling the query (JIT) would cost
        # more than running it
        with planner_settings(self.env.cr, jit="off"):
            self.env.cr.execute(COCKPIT_SQL, {"campaign": self.id,
                                              "tz": self.env.user.tz or "UTC"})
            rows = self.env.cr.fetchall()
        control = (0, 0)
        lines = []
        for group, user, day, level, members, open_calls, contacted, responded, revenue \
                in rows:
            if group == "control":
                if level == 3:
                    control = (members, responded)
                continue
            if level == 3:
                continue
            kind = "agent" if level == 1 else "day"
            if kind == "day" and day is None:
                continue  # not contacted yet: in the agent's line only
            lines.append((kind, user, day, members, open_calls, contacted, responded,
                          float(revenue)))
        return control, lines

    def _cockpit_values(self, control, line):
        """The values of a cockpit line: its counts and its incremental
        rate against the control group with the interval."""
        kind, user, day, members, open_calls, contacted, responded, revenue = line
        values = {"campaign_id": self.id, "company_id": self.company_id.id, "kind": kind,
                  "user_id": user, "day": day, "members": members, "open_calls": open_calls,
                  "contacted": contacted, "responded": responded, "revenue": revenue,
                  "response_rate": 100.0 * responded / contacted if contacted else 0.0,
                  "control_rate": 100.0 * control[1] / control[0] if control[0] else 0.0,
                  "incremental_per_100": 0.0, "incremental_low": 0.0,
                  "incremental_high": 0.0, "incremental_responses": 0.0, "evidence": "none"}
        rates = uplift.proportion_difference(responded, contacted, control[1], control[0])
        if rates.difference is not None:
            values.update(
                incremental_per_100=100.0 * rates.difference,
                incremental_low=100.0 * rates.low, incremental_high=100.0 * rates.high,
                incremental_responses=rates.difference * contacted,
                evidence="better" if rates.low > 0 else "worse" if rates.high < 0
                else "unclear")
        return values

    # sql-write: the cockpit's derived lines of one campaign replaced in two statements; the
    # caller may read the campaign (the ORM checked it to compute this field on it) and the
    # lines say nothing its members' figures do not
    def _refresh_cockpit(self):
        """Compute the campaign's cockpit lines again; False when another
        request is computing them now (its lines stay)."""
        self.ensure_one()
        if not try_job_lock(self.env, "campaign_cockpit", self.id):
            return False
        control, lines = self._cockpit_rows()
        values = [self._cockpit_values(control, line) for line in lines]
        cr = self.env.cr
        cr.execute("DELETE FROM crm_campaign_cockpit_line WHERE campaign_id = %s", (self.id,))
        columns = ["campaign_id", "company_id", "kind", "user_id", "day", "members",
                   "open_calls", "contacted", "responded", "revenue", "response_rate",
                   "control_rate", "incremental_per_100", "incremental_low",
                   "incremental_high", "incremental_responses", "evidence"]
        if values:
            execute_values(
                cr, "INSERT INTO crm_campaign_cockpit_line (%s) VALUES %%s" % ", ".join(
                    columns), [tuple(v[c] for c in columns) for v in values])
        compat.invalidate_all(self.env)
        return True

    @api.depends("state")
    def _compute_cockpit(self):
        Line = self.env["crm.campaign.cockpit.line"]
        now = fields.Datetime.now()
        for campaign in self:
            if not isinstance(campaign.id, int) or \
                    campaign.state in ("draft", "planned", "cancel"):
                campaign.cockpit_agent_ids = Line
                campaign.cockpit_day_ids = Line
                campaign.cockpit_refreshed_on = False
                campaign.cockpit_note = False
                continue
            campaign._refresh_cockpit()
            lines = Line.search([("campaign_id", "=", campaign.id)])
            campaign.cockpit_agent_ids = lines.filtered(lambda line: line.kind == "agent")
            campaign.cockpit_day_ids = lines.filtered(lambda line: line.kind == "day")
            campaign.cockpit_refreshed_on = now
            campaign.cockpit_note = _(
                "Each agent's customers are compared with the whole control group: fair while "
                "the calls were dealt by the draw; calls moved to an agent by customer value "
                "make that agent's customers better than the average, and their figures "
                "flatter the agent.")

    def action_open_cockpit(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": _("Cockpit: %s") % self.name,
            "res_model": "crm.campaign",
            "res_id": self.id,
            "view_mode": "form",
            "views": [(self.env.ref(
                "crm_lifecycle_analytics.crm_campaign_view_form_cockpit").id, "form")],
            "target": "current",
        }

    def action_refresh_cockpit(self):
        """The form reloads after the button: the figures are computed as it
        is read."""
        return True
