# Copyright 2026 crm_lifecycle contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import datetime
import logging

from odoo import _, api, fields, models
from odoo.exceptions import UserError

from odoo.addons.crm_lifecycle import compat
from odoo.addons.crm_lifecycle.guard import check_companies

from .crm_customer_metrics import LAPSE_BANDS, SEGMENT_SELECTION, VALUE_TIERS

_logger = logging.getLogger(__name__)

NO_SEGMENT = "none"


class CrmCustomerSnapshot(models.Model):
    """Where each customer stood at a month: segment, value tier, risk and
    predicted value, with where it stood at the snapshot before. Taken
    set-based from the metrics once a month; the segment migration report
    reads these rows."""

    _name = "crm.customer.snapshot"
    _description = "Customer Segment Snapshot"
    _order = "month desc, clv desc, id"
    _rec_name = "partner_id"
    # written by one INSERT per company and month
    _log_access = False

    month = fields.Date(
        string="Month", required=True, readonly=True,
        help="The month of the snapshot (its first day).")
    # auto_join: as crm.customer.metrics's (the salespeople's rule on the
    # customer's owner is one join, not a million ids per read)
    partner_id = fields.Many2one(
        "res.partner", string="Customer", required=True, readonly=True, ondelete="cascade",
        index=True, auto_join=True)
    company_id = fields.Many2one(
        "res.company", string="Company", required=True, readonly=True)
    currency_id = fields.Many2one(
        "res.currency", related="company_id.currency_id", readonly=True)
    rfm_segment = fields.Selection(SEGMENT_SELECTION, string="Segment", readonly=True)
    value_tier = fields.Selection(VALUE_TIERS, string="Value Tier", readonly=True)
    lapse_band = fields.Selection(LAPSE_BANDS, string="Lapse Risk", readonly=True)
    clv = fields.Monetary(string="Predicted Value", readonly=True)
    revenue = fields.Monetary(string="Revenue", readonly=True,
                              help="Revenue to date at the snapshot.")
    previous_month = fields.Date(
        string="Previous Snapshot", readonly=True,
        help="The month of the customer's snapshot before this one, if any.")
    previous_segment = fields.Selection(
        SEGMENT_SELECTION + [(NO_SEGMENT, "No Earlier Segment")], string="From Segment",
        readonly=True,
        help="The segment at the company's previous snapshot: No Earlier Segment for a "
             "customer who had not bought yet.")
    previous_value_tier = fields.Selection(
        VALUE_TIERS + [(NO_SEGMENT, "No Earlier Tier")], string="From Value Tier",
        readonly=True)
    previous_clv = fields.Monetary(string="Previous Predicted Value", readonly=True)
    clv_change = fields.Monetary(
        string="Value Change", readonly=True,
        help="Predicted value now less the predicted value at the previous snapshot.")
    moved = fields.Boolean(
        string="Changed Segment", readonly=True,
        help="The customer is in another segment than at the previous snapshot.")

    _sql_constraints = [
        ("partner_company_month_uniq", "UNIQUE (company_id, month, partner_id)",
         "A customer has one snapshot per company and month."),
    ]

    # sql-write: a copy of the metrics per month, one statement per company; the manager group
    # and the companies are checked first
    @api.model
    def take_snapshot(self, company_ids=None, month=None):
        """Snapshot the metrics of the companies' customers for a month
        (default: the current one), replacing that month's snapshot. Each
        row also records the segment, tier and value of the company's
        previous snapshot. One statement per company. Returns the number
        of rows written."""
        if not self.env.user.has_group("crm_lifecycle.crm_lifecycle_group_manager"):
            raise UserError(_("Only Customer Lifecycle managers can take segment snapshots."))
        month = month or fields.Date.context_today(self)
        if not isinstance(month, datetime.date):  # a string (port>=12: a date)
            month = fields.Date.from_string(month)
        month = fields.Date.to_string(month.replace(day=1))
        companies = company_ids or self.env.user.company_ids.ids
        check_companies(self.env, companies)
        cr = self.env.cr
        written = 0
        for company_id in companies:
            # the ORM's pending writes reach the tables before this query
            compat.flush(self.env)
            cr.execute("DELETE FROM crm_customer_snapshot WHERE company_id = %s AND month = %s",
                       (company_id, month))
            cr.execute("""
                INSERT INTO crm_customer_snapshot (
                    month, partner_id, company_id, rfm_segment, value_tier, lapse_band, clv,
                    revenue, previous_month, previous_segment, previous_value_tier,
                    previous_clv, clv_change, moved)
                SELECT %(month)s, m.partner_id, m.company_id, m.rfm_segment, m.value_tier,
                       m.lapse_band, m.clv, m.revenue, prev.month,
                       coalesce(prev.rfm_segment, %(none)s),
                       coalesce(prev.value_tier, %(none)s), prev.clv,
                       m.clv - coalesce(prev.clv, 0),
                       m.rfm_segment IS DISTINCT FROM prev.rfm_segment
                  FROM crm_customer_metrics m
                  LEFT JOIN crm_customer_snapshot prev
                         ON prev.company_id = m.company_id AND prev.partner_id = m.partner_id
                        AND prev.month = (SELECT max(s.month) FROM crm_customer_snapshot s
                                           WHERE s.company_id = %(company)s
                                             AND s.month < %(month)s)
                 WHERE m.company_id = %(company)s AND m.rfm_segment IS NOT NULL
            """, {"month": month, "company": company_id, "none": NO_SEGMENT})
            written += cr.rowcount
        compat.invalidate_all(self.env)
        _logger.info("crm_lifecycle_analytics: segment snapshot of %s: %d customers",
                     month, written)
        return written

    @api.model
    def _cron_snapshot(self):
        """After the nightly recompute: the month's snapshot, the first
        night of the month (or the first night the job runs in it)."""
        month = fields.Date.to_string(
            fields.Date.from_string(fields.Date.context_today(self)).replace(day=1))
        # sudo: the monthly cron works for every company; it takes no input
        companies = self.env["res.company"].sudo().search([])
        self.env.cr.execute("SELECT DISTINCT company_id FROM crm_customer_snapshot "
                            "WHERE month = %s", (month,))
        done = {company_id for company_id, in self.env.cr.fetchall()}
        todo = [c for c in companies.ids if c not in done]
        if not todo:
            return 0
        # sudo: as above, the cron's own companies list
        written = self.sudo().take_snapshot(company_ids=todo, month=month)
        # the company view (retention, cohorts) with the month's snapshot
        # sudo: as above, the cron's own companies list
        self.env["crm.retention.month"].sudo().refresh(company_ids=todo)
        return written

    @api.model
    def action_take_snapshot(self):
        """Take (or retake) this month's snapshot now, then show the
        migration report."""
        self.take_snapshot()
        # the value ledger and the rest of the company view follow the snapshot
        self.env["crm.retention.month"].refresh()
        return compat.action_values(self.env.ref(
            "crm_lifecycle_analytics.crm_customer_snapshot_action_migration"))
