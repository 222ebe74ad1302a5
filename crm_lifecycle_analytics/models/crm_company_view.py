# Copyright 2026 crm_lifecycle contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The company as a whole over time: retention and churn per month, the
repeat-purchase rate, and the cohort matrix (first-purchase month x months
since). Both are made from the purchase history in one pass per company
(a purchase month per customer, read once), so that the whole history is
backfilled by the same statement that keeps it up to date; the monthly
snapshot job refreshes them, and a manager can at any time."""
import datetime
import logging

from odoo import _, api, fields, models
from odoo.exceptions import UserError

from odoo.addons.crm_lifecycle import compat
from odoo.addons.crm_lifecycle.guard import check_companies, is_superuser

_logger = logging.getLogger(__name__)

# a customer active in a month is retained when they buy again within this
# many months after it (a month whose window has not ended yet has no rate)
RETENTION_MONTHS = 3

# The customer-months with purchases of one company (net of returns, in the
# company's currency), read once into a temporary table: what both reports
# are made from. A month whose purchases net to zero or less is no active
# month (a return only).
PURCHASE_MONTHS_SQL = """
    CREATE TEMPORARY TABLE crm_lifecycle_purchase_month ON COMMIT DROP AS
    SELECT commercial_partner_id AS partner_id,
           date_trunc('month', date)::date AS month,
           sum(COALESCE(company_amount, 0)) AS revenue
      FROM crm_touchpoint
     WHERE company_id = %(company)s AND kind = 'purchase'
       AND commercial_partner_id IS NOT NULL AND date < %(until)s
     GROUP BY 1, 2
    HAVING sum(COALESCE(company_amount, 0)) > 0
"""
# sql-write: rows derived from the company's purchases, run by refresh (see there)
RETENTION_SQL = """
    INSERT INTO crm_retention_month (
        company_id, month, active_customers, new_customers, returning_customers,
        retained_customers, retention_rate, churn_rate, repeat_rate, revenue)
    SELECT %(company)s, p.month, count(*),
           count(*) FILTER (WHERE p.month = p.cohort),
           count(*) FILTER (WHERE p.month > p.cohort),
           CASE WHEN p.month + %(window)s * interval '1 month' < %(current)s
                THEN count(*) FILTER (WHERE p.next_month
                                            <= p.month + %(window)s * interval '1 month') END,
           CASE WHEN p.month + %(window)s * interval '1 month' < %(current)s
                THEN 100.0 * count(*) FILTER (WHERE p.next_month
                                              <= p.month + %(window)s * interval '1 month')
                     / count(*) END,
           CASE WHEN p.month + %(window)s * interval '1 month' < %(current)s
                THEN 100.0 - 100.0 * count(*) FILTER (WHERE p.next_month
                                                      <= p.month + %(window)s
                                                         * interval '1 month')
                     / count(*) END,
           100.0 * count(*) FILTER (WHERE p.month > p.cohort) / count(*),
           sum(p.revenue)
      FROM (SELECT partner_id, month, revenue,
                   min(month) OVER (PARTITION BY partner_id) AS cohort,
                   lead(month) OVER (PARTITION BY partner_id ORDER BY month) AS next_month
              FROM crm_lifecycle_purchase_month) p
     GROUP BY p.month
"""
# sql-write: rows derived from the company's purchases, run by refresh (see there)
COHORT_SQL = """
    INSERT INTO crm_cohort_cell (company_id, cohort, age, cohort_customers, customers,
                                 share, revenue)
    SELECT %(company)s, c.cohort, c.age, s.size, c.customers, 100.0 * c.customers / s.size,
           c.revenue
      FROM (SELECT f.cohort,
                   ((extract(year FROM p.month) - extract(year FROM f.cohort)) * 12
                    + extract(month FROM p.month) - extract(month FROM f.cohort))::int AS age,
                   count(*) AS customers, sum(p.revenue) AS revenue
              FROM crm_lifecycle_purchase_month p
              JOIN (SELECT partner_id, min(month) AS cohort FROM crm_lifecycle_purchase_month
                     GROUP BY 1) f ON f.partner_id = p.partner_id
             GROUP BY 1, 2) c
      JOIN (SELECT cohort, count(*) AS size
              FROM (SELECT min(month) AS cohort FROM crm_lifecycle_purchase_month
                     GROUP BY partner_id) x
             GROUP BY 1) s ON s.cohort = c.cohort
"""

# The value ledger: from one monthly snapshot to the next, the change of the
# company's total predicted value in parts that add up to it. Each customer
# of either snapshot is in exactly one part: new (not in the previous one),
# left (not in this one), lapsed (their lapse risk became Lapsed), segment
# moves (another RFM segment), upgrades and downgrades (same segment, value
# up or down); the opening and closing totals frame them.
LEDGER_PARTS = [
    ("opening", "Opening Value"),
    ("new", "New Customers"),
    ("upgrades", "Upgrades"),
    ("downgrades", "Downgrades"),
    ("moves", "Segment Moves"),
    ("lapsed", "Lapsed"),
    ("left", "Left"),
    ("closing", "Closing Value"),
]
# sql-write: rows derived from the company's snapshots, run by refresh (see there)
LEDGER_SQL = """
    WITH months AS (
        SELECT month, lag(month) OVER (ORDER BY month) AS previous
          FROM (SELECT DISTINCT month FROM crm_customer_snapshot
                 WHERE company_id = %(company)s) x
    ), pairs AS (
        SELECT mo.month, p.*
          FROM months mo
          JOIN LATERAL (
              SELECT cur.partner_id IS NOT NULL AS here, old.partner_id IS NOT NULL AS before,
                     COALESCE(cur.clv, 0) AS clv, COALESCE(old.clv, 0) AS old_clv,
                     CASE WHEN old.partner_id IS NULL THEN 'new'
                          WHEN cur.partner_id IS NULL THEN 'left'
                          WHEN cur.lapse_band = 'lapsed'
                           AND old.lapse_band IS DISTINCT FROM 'lapsed' THEN 'lapsed'
                          WHEN cur.rfm_segment IS DISTINCT FROM old.rfm_segment THEN 'moves'
                          WHEN COALESCE(cur.clv, 0) >= COALESCE(old.clv, 0) THEN 'upgrades'
                          ELSE 'downgrades' END AS part
                FROM (SELECT partner_id, clv, rfm_segment, lapse_band
                        FROM crm_customer_snapshot
                       WHERE company_id = %(company)s AND month = mo.month) cur
                FULL JOIN (SELECT partner_id, clv, rfm_segment, lapse_band
                             FROM crm_customer_snapshot
                            WHERE company_id = %(company)s AND month = mo.previous) old
                  ON old.partner_id = cur.partner_id
          ) p ON TRUE
         WHERE mo.previous IS NOT NULL
    )
    INSERT INTO crm_value_ledger (company_id, month, part, sequence, amount, customers)
    SELECT %(company)s, month, part, array_position(%(parts)s::varchar[], part),
           sum(amount), sum(customers)
      FROM (SELECT month, part, clv - old_clv AS amount, 1 AS customers FROM pairs
            UNION ALL
            SELECT month, 'opening', old_clv, before::int FROM pairs
            UNION ALL
            SELECT month, 'closing', clv, here::int FROM pairs) x
     GROUP BY month, part
"""


class CrmRetentionMonth(models.Model):
    """One month of the company: who bought, who was new, who came back,
    who bought again within the retention window."""

    _name = "crm.retention.month"
    _description = "Retention by Month"
    _order = "month desc, company_id"
    _rec_name = "month"
    # written by one INSERT per company
    _log_access = False

    company_id = fields.Many2one("res.company", required=True, readonly=True, index=True)
    currency_id = fields.Many2one(
        "res.currency", related="company_id.currency_id", readonly=True)
    month = fields.Date(required=True, readonly=True, help="The month (its first day).")
    active_customers = fields.Integer(
        string="Buying Customers", readonly=True,
        help="Customers with a purchase in the month (net of returns).")
    new_customers = fields.Integer(
        readonly=True, help="Customers whose first purchase was in the month.")
    returning_customers = fields.Integer(
        readonly=True, help="Customers of the month who had bought in an earlier month.")
    retained_customers = fields.Integer(
        readonly=True,
        help="Customers of the month who bought again within the %d months after it "
             "(empty while that window has not ended)." % RETENTION_MONTHS)
    retention_rate = fields.Float(
        string="Retention (%)", readonly=True, digits=(5, 1), **compat.aggregator("avg"),
        help="The share of the month's buying customers who bought again within the %d "
             "months after it." % RETENTION_MONTHS)
    churn_rate = fields.Float(
        string="Churn (%)", readonly=True, digits=(5, 1), **compat.aggregator("avg"),
        help="100 less the retention: the share who did not buy again within the window.")
    repeat_rate = fields.Float(
        string="Repeat Purchase (%)", readonly=True, digits=(5, 1),
        **compat.aggregator("avg"),
        help="The share of the month's buying customers who had bought before.")
    multi_category_rate = fields.Float(
        string="Multi-Category (%)", readonly=True, digits=(5, 1), **compat.aggregator("avg"),
        help="The share of the month's buying customers who bought in two or more product "
             "categories that month (with Sales).")
    revenue = fields.Monetary(readonly=True, help="Net revenue of the month.")

    _sql_constraints = [
        ("company_month_uniq", "UNIQUE (company_id, month)",
         "A company has one retention row per month."),
    ]

    # sql-write: rows derived from the purchases (two INSERT ... SELECT per company) after the
    # manager group and the companies are checked; nothing comes from the caller but the ids
    @api.model
    def refresh(self, company_ids=None):
        """Rebuild the company view of the companies (default: the user's)
        from their whole purchase history: the months and the cohort
        matrix. One read of the purchases per company. Returns the number
        of months written."""
        if not (is_superuser(self.env)
                or self.env.user.has_group("crm_lifecycle.crm_lifecycle_group_manager")):
            raise UserError(_("Only Customer Lifecycle managers can refresh the company view."))
        companies = company_ids or self.env.user.company_ids.ids
        check_companies(self.env, companies)
        today = fields.Date.context_today(self)
        if isinstance(today, str):
            today = fields.Date.from_string(today)
        current = today.replace(day=1)
        following = (current + datetime.timedelta(days=32)).replace(day=1)
        # the purchases up to the end of this month; a month's retention
        # once its window has ended
        params = {"window": RETENTION_MONTHS, "current": fields.Date.to_string(current),
                  "until": fields.Date.to_string(following)}
        cr = self.env.cr
        written = 0
        # the ORM's pending writes reach the tables before these queries
        compat.flush(self.env)
        for company_id in companies:
            params["company"] = company_id
            cr.execute("DROP TABLE IF EXISTS crm_lifecycle_purchase_month")
            cr.execute(PURCHASE_MONTHS_SQL, params)
            cr.execute("ANALYZE crm_lifecycle_purchase_month")
            cr.execute("DELETE FROM crm_retention_month WHERE company_id = %s", (company_id,))
            cr.execute("DELETE FROM crm_cohort_cell WHERE company_id = %s", (company_id,))
            cr.execute(RETENTION_SQL, params)
            written += cr.rowcount
            cr.execute(COHORT_SQL, params)
            cr.execute("DELETE FROM crm_value_ledger WHERE company_id = %s", (company_id,))
            cr.execute(LEDGER_SQL, dict(params, parts=[code for code, _l in LEDGER_PARTS]))
            self._refresh_extra(company_id, params)
            cr.execute("DROP TABLE crm_lifecycle_purchase_month")
        compat.invalidate_all(self.env)
        _logger.info("crm_lifecycle_analytics: company view of %d companies: %d months",
                     len(companies), written)
        return written

    @api.model
    def _refresh_extra(self, company_id, params):
        """Hook for the bridges, while the purchase months are readable
        (crm_lifecycle_purchase_month): the Sales bridge fills the
        multi-category rate."""
        return True

    @api.model
    def _backfill(self):
        """At install and update: the whole history of every company (the
        same statements as the monthly refresh)."""
        # sudo: install/update of the module, every company; no caller input
        return self.sudo().refresh(company_ids=self.env["res.company"].sudo().search([]).ids)

    @api.model
    def action_refresh(self):
        self.refresh()
        return compat.action_values(self.env.ref(
            "crm_lifecycle_analytics.crm_retention_month_action"))


class CrmCohortCell(models.Model):
    """One cell of the cohort matrix: the customers whose first purchase was
    in a month (the cohort), and how many of them bought, and for how much,
    a number of months later."""

    _name = "crm.cohort.cell"
    _description = "Cohort"
    _order = "cohort desc, age"
    _rec_name = "cohort"
    _log_access = False

    company_id = fields.Many2one("res.company", required=True, readonly=True, index=True)
    currency_id = fields.Many2one(
        "res.currency", related="company_id.currency_id", readonly=True)
    cohort = fields.Date(
        string="First Purchase Month", required=True, readonly=True,
        help="The month of the cohort's first purchase.")
    age = fields.Integer(
        string="Months Since", required=True, readonly=True,
        help="Months after the first purchase month (0: that month).")
    cohort_customers = fields.Integer(
        string="Cohort Size", readonly=True, **compat.aggregator("max"),
        help="Customers whose first purchase was in the cohort's month.")
    customers = fields.Integer(
        string="Buying Customers", readonly=True,
        help="Customers of the cohort who bought in that month.")
    share = fields.Float(
        string="Still Buying (%)", readonly=True, digits=(5, 1), **compat.aggregator("avg"),
        help="The share of the cohort who bought in that month.")
    revenue = fields.Monetary(readonly=True, help="What the cohort bought in that month.")

    _sql_constraints = [
        ("cohort_age_uniq", "UNIQUE (company_id, cohort, age)",
         "A cohort has one cell per month since."),
    ]


class CrmValueLedger(models.Model):
    """One part of the change of the company's predicted value from one
    monthly snapshot to the next (LEDGER_SQL): the parts of a month add up
    from its opening to its closing value."""

    _name = "crm.value.ledger"
    _description = "Value Ledger"
    _order = "month desc, sequence"
    _rec_name = "part"
    _log_access = False

    company_id = fields.Many2one("res.company", required=True, readonly=True, index=True)
    currency_id = fields.Many2one(
        "res.currency", related="company_id.currency_id", readonly=True)
    month = fields.Date(
        required=True, readonly=True,
        help="The month of the snapshot the change leads to (from the snapshot before).")
    part = fields.Selection(
        LEDGER_PARTS, required=True, readonly=True,
        help="New Customers: not in the previous snapshot. Left: not in this one. Lapsed: "
             "their lapse risk became Lapsed. Segment Moves: in another RFM segment. "
             "Upgrades and Downgrades: same segment, predicted value up or down. Opening and "
             "Closing Value: the totals the parts lead from and to.")
    sequence = fields.Integer(readonly=True)
    amount = fields.Monetary(
        string="Predicted Value", readonly=True,
        help="The change of predicted value of the part (the total for the opening and "
             "closing values).")
    customers = fields.Integer(readonly=True)
