# Copyright 2026 crm_lifecycle contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Response times per salesperson and per team, month by month: the median
and the 90th percentile beside the mean, which a pivot cannot compute (it
sums or averages rows), in a SQL view over the staff performance rows."""
import datetime

from odoo import _, fields, models, tools

from odoo.addons.crm_lifecycle import compat

from .crm_touchpoint_awaiting import ANSWER_TARGETS_SQL, TARGET_HOURS_SQL

# one row per month, company, team and salesperson, and one per month,
# company and team (GROUPING SETS: one pass over the inbound contacts)
VIEW = """
CREATE OR REPLACE VIEW crm_staff_response_time AS (
    SELECT row_number() OVER (ORDER BY g.month, g.company_id, g.team_id NULLS FIRST,
                                       g.user_id NULLS FIRST)::int AS id, g.*
      FROM (
        SELECT date_trunc('month', p.date)::date AS month, p.company_id, p.team_id,
               p.user_id,
               CASE WHEN GROUPING(p.user_id) = 1 THEN 'team' ELSE 'user' END AS level,
               sum(p.inbound_count)::int AS inbound_count,
               sum(p.answered_count)::int AS answered_count,
               (sum(p.inbound_count) - sum(p.answered_count))::int AS unanswered_count,
               avg(p.response_hours) AS mean_hours,
               percentile_cont(0.5) WITHIN GROUP (ORDER BY p.response_hours) AS median_hours,
               percentile_cont(0.9) WITHIN GROUP (ORDER BY p.response_hours) AS p90_hours,
               count(*) FILTER (WHERE p.response_hours <= {target})::int
                   AS within_target_count,
               100.0 * count(*) FILTER (WHERE p.response_hours <= {target})
                   / NULLIF(sum(p.inbound_count), 0) AS within_target_rate
          FROM crm_staff_performance p
          LEFT JOIN crm_customer_metrics m
                 ON m.partner_id = p.partner_id AND m.company_id = p.company_id
         CROSS JOIN {targets}
         WHERE p.source = 'touchpoint' AND p.inbound_count = 1
         GROUP BY GROUPING SETS (
             (date_trunc('month', p.date), p.company_id, p.team_id, p.user_id),
             (date_trunc('month', p.date), p.company_id, p.team_id))
      ) g
)
""".format(target=TARGET_HOURS_SQL, targets=ANSWER_TARGETS_SQL)


class CrmStaffResponseTime(models.Model):
    """How fast each salesperson and team answered customers, month by month."""

    _name = "crm.staff.response.time"
    _description = "Response Times"
    _auto = False
    _order = "month desc, level, median_hours desc"
    _rec_name = "month"
    # the view reads the staff performance rows, made of these touchpoint
    # fields (13+ writes them to their table before searching it)
    _depends = {"crm.touchpoint": ["date", "user_id", "team_id", "company_id", "direction",
                                   "kind", "response_hours"]}

    month = fields.Date(string="Month", readonly=True)
    company_id = fields.Many2one("res.company", string="Company", readonly=True)
    team_id = fields.Many2one("crm.team", string="Sales Team", readonly=True)
    user_id = fields.Many2one(
        "res.users", string="Salesperson", readonly=True,
        help="Empty on the row of a whole team.")
    level = fields.Selection(
        [("user", "Salesperson"), ("team", "Team")], string="Level", readonly=True,
        help="A salesperson's own contacts, or all the contacts of a team.")
    inbound_count = fields.Integer(
        string="Contacts Handled", readonly=True,
        help="Contacts from customers (calls, emails, visits...) in the month.")
    answered_count = fields.Integer(string="Answered", readonly=True)
    unanswered_count = fields.Integer(
        string="Unanswered", readonly=True,
        help="Contacts from customers with no contact back from the company yet.")
    mean_hours = fields.Float(
        string="Mean (h)", readonly=True, digits=(16, 1),
        help="Average weekday hours until the answer; a few very slow answers pull it up.")
    median_hours = fields.Float(
        string="Median (h)", readonly=True, digits=(16, 1),
        help="Half the answered contacts were answered faster than this (weekday hours).")
    p90_hours = fields.Float(
        string="90th Percentile (h)", readonly=True, digits=(16, 1),
        help="Nine answered contacts in ten were answered faster than this (weekday hours).")
    within_target_count = fields.Integer(
        string="Answered in Time", readonly=True,
        help="Contacts answered within the response time promised to their customer's "
             "value tier (Settings: Answer Within).")
    within_target_rate = fields.Float(
        string="Answered in Time (%)", readonly=True, digits=(16, 1),
        help="Share of the contacts handled that were answered within their customer's "
             "value tier's target (the unanswered count as late).")

    @compat.model_cr_context
    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute(VIEW)

    def _touchpoint_domain(self):
        self.ensure_one()
        start = fields.Date.from_string(self.month)
        end = (start.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)
        domain = [("date", ">=", fields.Date.to_string(start)),
                  ("date", "<", fields.Date.to_string(end)),
                  ("direction", "=", "inbound"), ("company_id", "=", self.company_id.id),
                  ("team_id", "=", self.team_id.id)]
        if self.level == "user":
            domain.append(("user_id", "=", self.user_id.id))
        return domain

    def _open_touchpoints(self, title, domain):
        action = compat.action_values(self.env.ref("crm_lifecycle.crm_touchpoint_action"))
        name = "%s · %s · %s" % (title, (self.user_id or self.team_id).display_name or "",
                                 fields.Date.to_string(fields.Date.from_string(self.month))[:7])
        action.update({"name": name, "display_name": name, "domain": domain, "context": {}})
        return action

    def action_view_unanswered(self):
        """The row's contacts still waiting for an answer."""
        self.ensure_one()
        return self._open_touchpoints(
            _("Unanswered"), self._touchpoint_domain() + [("awaiting_answer", "=", True)])

    def action_view_slowest(self):
        """The row's slowest answered contacts: the tenth at or above the
        90th percentile."""
        self.ensure_one()
        return self._open_touchpoints(
            _("Slowest Answers"), self._touchpoint_domain() + [
                ("response_hours", "!=", False), ("response_hours", ">=", self.p90_hours)])
