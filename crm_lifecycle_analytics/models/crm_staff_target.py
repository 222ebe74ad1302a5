# Copyright 2026 crm_lifecycle contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Monthly targets per salesperson or team, and how far each got: the
actual figures come from the staff performance report, one query per
month and measure for all the targets refreshed."""
import datetime
from collections import defaultdict

from odoo import _, api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools.misc import format_date

from odoo.addons.crm_lifecycle import compat

MEASURES = [
    ("revenue", "Revenue"),
    ("contacts", "Contacts Made"),
    ("responses", "Campaign Responses"),
    ("response_time", "Median Response Time (h)"),
]
# the report's field summed for each measure (response time: the median)
MEASURE_FIELDS = {"revenue": "revenue", "contacts": "outbound_count",
                  "responses": "campaign_responded"}
# the report's field with a value in the rows behind a figure
ROW_FIELDS = dict(MEASURE_FIELDS, response_time="response_hours")


def month_start(value):
    value = fields.Date.from_string(value) if isinstance(value, str) else value
    return fields.Date.to_string(value.replace(day=1))


class CrmStaffTarget(models.Model):
    _name = "crm.staff.target"
    _description = "Staff Target"
    _order = "month desc, achievement desc, id"
    _rec_name = "measure"

    user_id = fields.Many2one(
        "res.users", string="Salesperson", index=True, ondelete="cascade",
        help="Leave empty for a target of the whole team.")
    team_id = fields.Many2one(
        "crm.team", string="Sales Team", index=True, ondelete="cascade",
        help="The team of a team target; for a salesperson's target, the team they were in.")
    company_id = fields.Many2one(
        "res.company", string="Company", required=True,
        default=lambda self: self.env.user.company_id)
    month = fields.Date(required=True, default=lambda self: month_start(
        fields.Date.context_today(self)), help="The month of the target (its first day).")
    measure = fields.Selection(MEASURES, required=True, default="revenue")
    target = fields.Float(required=True, help="The figure to reach in the month; for the "
                          "response time, the median to stay under.")
    actual = fields.Float(readonly=True, help="The figure reached, at the last refresh.")
    achievement = fields.Float(
        string="Achievement (%)", readonly=True, **compat.aggregator("avg"),
        help="Actual over target (for the response time: target over actual), in %.")
    projected = fields.Float(
        string="Projected (%)", readonly=True, **compat.aggregator("avg"),
        help="The achievement the month is heading for: for the current month, the "
             "achievement so far carried on at the same pace to the month's end (the median "
             "response time is not projected); for a past month, its achievement.")
    previous_achievement = fields.Float(
        string="Last Month (%)", readonly=True, **compat.aggregator("avg"),
        help="The achievement of the same salesperson or team on the same measure the month "
             "before, when it had a target.")
    trend = fields.Selection(
        [("up", "Improving"), ("steady", "Steady"), ("down", "Slipping"), ("new", "New")],
        readonly=True,
        help="The projected achievement against last month's: more than 5 points better "
             "(Improving) or worse (Slipping); New without a target last month.")
    rank = fields.Integer(
        readonly=True, **compat.aggregator("min"),
        help="Place on the leaderboard of the month and measure, by achievement (1: the "
             "best), among salespeople or among teams.")
    last_refresh = fields.Datetime(readonly=True)

    _sql_constraints = [
        ("target_positive", "CHECK (target > 0)", "A target must be above zero."),
    ]

    @api.constrains("user_id", "team_id")
    def _check_owner(self):
        for target in self:
            if not target.user_id and not target.team_id:
                raise ValidationError(_("A target belongs to a salesperson or a team."))

    @compat.model_create_multi
    def create(self, vals_list):
        vals_list = [dict(vals) for vals in vals_list]
        for vals in vals_list:
            if vals.get("month"):
                vals["month"] = month_start(vals["month"])
            if vals.get("user_id") and not vals.get("team_id"):
                vals["team_id"] = self.env["res.users"].browse(vals["user_id"]).sale_team_id.id
        records = compat.create_records(super(CrmStaffTarget, self).create, vals_list)
        records.refresh_actuals()
        return records

    def write(self, vals):
        if vals.get("month"):
            vals["month"] = month_start(vals["month"])
        result = super(CrmStaffTarget, self).write(vals)
        if {"month", "measure", "target", "user_id", "team_id"} & set(vals):
            self.refresh_actuals()
        return result

    def refresh_actuals(self):
        """Actual and achievement of the targets, from the performance
        report. The caller must be allowed to read these targets; what is
        written are figures computed here, never values the caller gave."""
        self.check_access_rights("read")
        self.check_access_rule("read")
        # sudo: a target's figures are the whole person's or team's, not the
        # part of the report the caller may read
        Report = self.env["crm.staff.performance"].sudo()
        groups = defaultdict(lambda: self.browse())
        for target in self:
            groups[(target.month, target.measure, bool(target.user_id),
                    target.company_id.id)] |= target
        now = fields.Datetime.now()
        today = fields.Date.from_string(fields.Date.context_today(self))
        for (month, measure, personal, company_id), targets in groups.items():
            start = fields.Date.from_string(month)
            end = (start + datetime.timedelta(days=32)).replace(day=1)
            # the share of the month gone by (a month to come: nothing yet)
            elapsed = min(max((today - start).days + 1, 0), (end - start).days) \
                / float((end - start).days)
            key = "user_id" if personal else "team_id"
            owners = targets.mapped(key).ids
            domain = [("date", ">=", fields.Date.to_string(start)),
                      ("date", "<", fields.Date.to_string(end)),
                      ("company_id", "=", company_id), (key, "in", owners)]
            if measure == "response_time":
                actual = {owner: stats[0] for owner, stats in
                          Report.response_time_percentiles(domain, groupby=key).items()}
            else:
                field = MEASURE_FIELDS[measure]
                actual = {g[key][0]: g[field] for g in
                          Report.read_group(domain, [key, field], [key]) if g[key]}
            previous_month = fields.Date.to_string(
                (start - datetime.timedelta(days=1)).replace(day=1))
            # sudo: last month's achievement of the same people or teams
            previous = {t[key].id: t.achievement for t in self.sudo().search([
                ("month", "=", previous_month), ("measure", "=", measure),
                ("company_id", "=", company_id), (key, "in", owners),
                ("user_id", "!=" if personal else "=", False)])}
            for target in targets:
                value = actual.get(target[key].id) or 0.0
                if measure == "response_time":
                    ratio = target.target / value if value else 0.0
                    projected = ratio
                else:
                    ratio = value / target.target
                    projected = ratio / elapsed if elapsed else 0.0
                last = previous.get(target[key].id)
                if last is None:
                    trend = "new"
                elif 100.0 * projected > last + 5:
                    trend = "up"
                elif 100.0 * projected < last - 5:
                    trend = "down"
                else:
                    trend = "steady"
                # sudo: the figures are facts, whoever asks for them (port>=13:
                # super().write skips the refresh with a context key)
                super(CrmStaffTarget, target.sudo()).write({
                    "actual": value, "achievement": 100.0 * ratio,
                    "projected": 100.0 * projected, "previous_achievement": last or 0.0,
                    "trend": trend, "last_refresh": now})
        self._update_ranks()
        return True

    # sql-write: ranks derived from the targets' figures (one window function); no caller input
    def _update_ranks(self):
        """Places on the leaderboards of the targets' months and measures
        (all the targets there, not only these): one statement."""
        if not self:
            return
        # the ORM's pending writes reach the tables before this query
        compat.flush(self.env)
        self.env.cr.execute("""
            UPDATE crm_staff_target t SET rank = r.rank
              FROM (SELECT id, rank() OVER (
                           PARTITION BY month, measure, company_id, user_id IS NULL
                           ORDER BY achievement DESC NULLS LAST) AS rank
                      FROM crm_staff_target
                     WHERE (month, measure) IN (SELECT month, measure FROM crm_staff_target
                                                 WHERE id = ANY(%s))) r
             WHERE t.id = r.id AND t.rank IS DISTINCT FROM r.rank
        """, (self.ids,))
        compat.invalidate_fields(self, ["rank"])

    @api.model
    def _cron_refresh(self):
        """Every night: this month's and last month's targets."""
        today = fields.Date.from_string(fields.Date.context_today(self))
        last = (today.replace(day=1) - datetime.timedelta(days=1)).replace(day=1)
        # sudo: the nightly cron refreshes every company's targets
        self.sudo().search([("month", ">=", fields.Date.to_string(last))]).refresh_actuals()

    def _lifecycle_name(self):
        """'Revenue · Jane Doe · December 2026', in the user's language."""
        measures = dict(self._fields["measure"]._description_selection(self.env))
        return " · ".join([
            measures.get(self.measure, self.measure or ""),
            (self.user_id or self.team_id).display_name or "",
            format_date(self.env, self.month, date_format="MMMM y")])

    # the record's name: 11 asks name_get, 17+ computes display_name (the
    # two hooks of the same name; each version calls its own)
    def name_get(self):
        return [(target.id, target._lifecycle_name()) for target in self]

    @api.depends("measure", "user_id", "team_id", "month")
    def _compute_display_name(self):
        for target in self:
            target.display_name = target._lifecycle_name()

    def action_refresh(self):
        self.refresh_actuals()
        return True

    def action_view_rows(self):
        """The performance rows behind the target's figure."""
        self.ensure_one()
        start = fields.Date.from_string(self.month)
        end = (start + datetime.timedelta(days=32)).replace(day=1)
        key = "user_id" if self.user_id else "team_id"
        action = compat.action_values(self.env.ref(
            "crm_lifecycle_analytics.crm_staff_performance_action"))
        field = ROW_FIELDS[self.measure]
        # only the rows that make the figure: not every contact of the month
        # with a zero in it
        action["name"] = self.display_name
        action["domain"] = [("date", ">=", fields.Date.to_string(start)),
                            ("date", "<", fields.Date.to_string(end)),
                            (key, "=", self[key].id), (field, "!=", 0),
                            ("source", "!=", "portfolio")]
        if self.measure == "response_time":
            action["domain"][-2] = (field, "!=", False)
        action["context"] = {"pivot_measures": [field], "pivot_row_groupby": ["partner_id"],
                             "graph_measure": field}
        action["view_mode"] = "pivot,tree,graph"
        action["views"] = [(False, "pivot"), (False, "tree"), (False, "graph")]
        return action
