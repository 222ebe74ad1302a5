# Copyright 2026 crm_lifecycle contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""What all the campaigns together earn: the customers the campaigns may
reach against those of the universal holdout (never reached by any), their
revenue per customer over a period, and the difference times the customers
reached, with its 95 % interval (Welch), in total and per sales team."""
import datetime

from odoo import _, api, fields, models
from odoo.exceptions import UserError

from odoo.addons.crm_lifecycle import compat
from odoo.addons.crm_lifecycle.guard import check_companies
from odoo.addons.crm_lifecycle.models.crm_campaign import UNIVERSAL_DRAW_SQL, universal_holdout
from odoo.addons.crm_lifecycle.sql import compose

from ..stats import uplift

# a period longer than this reads too many purchases for a window the user
# waits on
MAX_DAYS = 3 * 366


class CrmUniversalHoldoutReport(models.TransientModel):
    _name = "crm.universal.holdout.report"
    _inherit = "crm.lifecycle.wizard"
    _description = "Universal Holdout: What All Campaigns Earn"

    date_from = fields.Date(
        string="From", required=True, default=lambda self: self._default_date_from(),
        help="First day of the purchases counted (a year by default).")
    date_to = fields.Date(string="To", required=True, default=fields.Date.context_today,
                          help="Last day of the purchases counted.")
    margin_percent = fields.Float(
        string="Margin (%)",
        default=lambda self: self.env["crm.campaign"]._default_margin_percent(),
        help="Share of the incremental revenue the company keeps: the incremental margin.")
    company_id = fields.Many2one("res.company", default=lambda self: self.env.user.company_id,
                                 readonly=True)
    currency_id = fields.Many2one("res.currency", related="company_id.currency_id",
                                  readonly=True)
    summary = fields.Text(readonly=True)
    line_ids = fields.One2many("crm.universal.holdout.report.line", "report_id",
                               string="Teams", readonly=True)

    @api.model
    def _default_date_from(self):
        today = fields.Date.from_string(fields.Date.context_today(self))
        return fields.Date.to_string(today - datetime.timedelta(days=365))

    def action_compute(self):
        """Fill the lines: one query over the company's customers and their
        purchases of the period, the statistics per team and in total."""
        self._check_lifecycle_rights()
        self.ensure_one()
        check_companies(self.env, self.company_id)
        share, seed = universal_holdout(self.env)
        if not share:
            raise UserError(_("There is no universal holdout: set its share in the Customer "
                              "Lifecycle settings first. Its customers need time to show what "
                              "the campaigns earn without them."))
        days = (fields.Date.from_string(self.date_to)
                - fields.Date.from_string(self.date_from)).days
        if not 0 <= days <= MAX_DAYS:
            raise UserError(_("The period must run forward and last at most %d days.")
                            % MAX_DAYS)
        column = compat.CUSTOMER_COLUMN[0]
        compat.flush(self.env)
        self.env.cr.execute(report_query(column), {
            "company": self.company_id.id, "universal": share, "universal_seed": seed,
            "date_from": str(self.date_from),
            "date_to": str(self.date_to)})
        groups = {}
        for team_id, held, n, total, squares in self.env.cr.fetchall():
            for key in (team_id or 0, "all"):
                figures = groups.setdefault(key, {True: [0, 0.0, 0.0], False: [0, 0.0, 0.0]})
                figures[held][0] += n
                figures[held][1] += float(total)
                figures[held][2] += float(squares)
        margin = (self.margin_percent or 0.0) / 100.0
        lines = []
        for key in sorted(groups, key=lambda k: (k != "all", str(k))):
            figures = groups[key]
            (n_h, sum_h, sq_h), (n_r, sum_r, sq_r) = figures[True], figures[False]
            diff = uplift.mean_difference(sum_r, sq_r, n_r, sum_h, sq_h, n_h)

            def total(value, n=n_r):
                return value * n if value is not None else 0.0
            lines.append((0, 0, {
                "team_id": key if key not in ("all", 0) else False, "is_total": key == "all",
                "reached": n_r, "held_out": n_h,
                "revenue_reached": diff.mean_target or 0.0,
                "revenue_held_out": diff.mean_control or 0.0,
                "incremental_revenue": total(diff.difference),
                "incremental_low": total(diff.low), "incremental_high": total(diff.high),
                "incremental_margin": total(diff.difference) * margin,
                "p_value": diff.p_value if diff.p_value is not None else 1.0,
            }))
        self.line_ids = [(5, 0, 0)] + lines
        whole = self.line_ids.filtered("is_total")
        self.summary = _(
            "%(reached)d customers the campaigns may reach against %(held)d held out "
            "(%(share).1f %%): incremental revenue %(revenue).2f (95 %% interval %(low).2f to "
            "%(high).2f), incremental margin %(margin).2f, from %(start)s to %(end)s.") % {
                "reached": whole.reached, "held": whole.held_out, "share": 100.0 * share,
                "revenue": whole.incremental_revenue, "low": whole.incremental_low,
                "high": whole.incremental_high, "margin": whole.incremental_margin,
                "start": self.date_from, "end": self.date_to}
        return {"type": "ir.actions.act_window", "res_model": self._name, "res_id": self.id,
                "view_mode": "form", "target": "new", "name": self._description}


# the customer flag of each Odoo (compat.CUSTOMER_COLUMN)
CUSTOMER_CONDITIONS = {"customer": "p.customer", "customer_rank": "p.customer_rank > 0"}


def report_query(column):
    """The report's query: per team and side of the holdout, the company's
    customers (commercial entities), their count and the sum and sum of
    squares of their revenue over the period (0 for a customer who bought
    nothing). `column`: the customer flag of this Odoo."""
    return compose("""
        WITH customers AS (
            SELECT p.id, {team} AS team_id, {draw} < %(universal)s AS held
              FROM res_partner p
             WHERE p.active AND p.commercial_partner_id = p.id AND {customer}
               AND (p.company_id IS NULL OR p.company_id = %(company)s)
        ), bought AS (
            SELECT t.commercial_partner_id AS id, sum(t.company_amount) AS amount
              FROM crm_touchpoint t
             WHERE t.company_id = %(company)s AND t.kind = 'purchase'
               AND t.date >= %(date_from)s::date
               AND t.date < %(date_to)s::date + 1
             GROUP BY 1
        )
        SELECT c.team_id, c.held, count(*), coalesce(sum(b.amount), 0),
               coalesce(sum(b.amount * b.amount), 0)
          FROM customers c LEFT JOIN bought b ON b.id = c.id
         GROUP BY 1, 2
    """, draw=UNIVERSAL_DRAW_SQL.format(id="p.id"), customer=CUSTOMER_CONDITIONS[column],
                   team=compat.PARTNER_TEAM_SQL)


class CrmUniversalHoldoutReportLine(models.TransientModel):
    _name = "crm.universal.holdout.report.line"
    _inherit = "crm.lifecycle.wizard"
    _description = "Universal Holdout: a Team"
    _order = "is_total desc, team_id"

    report_id = fields.Many2one("crm.universal.holdout.report", required=True,
                                ondelete="cascade")
    currency_id = fields.Many2one("res.currency", related="report_id.currency_id",
                                  readonly=True)
    team_id = fields.Many2one("crm.team", string="Sales Team", readonly=True,
                              help="The customers' sales team (empty: none; 13+: the team "
                                   "of their salesperson).")
    is_total = fields.Boolean(string="All Teams", readonly=True)
    reached = fields.Integer(string="Customers Reachable", readonly=True,
                             help="Customers the campaigns may reach (not held out).")
    held_out = fields.Integer(string="Customers Held Out", readonly=True,
                              help="Customers of the universal holdout: no campaign reaches "
                                   "them.")
    revenue_reached = fields.Monetary(string="Revenue per Reachable Customer", readonly=True)
    revenue_held_out = fields.Monetary(string="Revenue per Held-Out Customer", readonly=True)
    incremental_revenue = fields.Monetary(
        string="Incremental Revenue", readonly=True,
        help="What the campaigns together added: the difference of the revenue per customer "
             "times the customers reachable.")
    incremental_low = fields.Monetary(string="Low (95 %)", readonly=True)
    incremental_high = fields.Monetary(string="High (95 %)", readonly=True)
    incremental_margin = fields.Monetary(string="Incremental Margin", readonly=True)
    p_value = fields.Float(string="p-value", digits=(16, 4), readonly=True,
                           help="Welch's test of the two revenues per customer.")
