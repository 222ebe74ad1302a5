# Copyright 2026 crm_lifecycle contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import datetime

from psycopg2 import sql

from odoo import fields, models

from odoo.addons.crm_lifecycle import compat
from odoo.addons.crm_lifecycle.sql import planner_settings
from odoo.addons.crm_lifecycle_analytics.models.crm_customer_metrics import BIG_RUN

# the categories of a segment a customer could be offered: its most bought
# ones (by number of customers, at least two of them)
GAP_TOP = 3


class CrmCustomerMetrics(models.Model):
    _inherit = "crm.customer.metrics"

    categ_ids = fields.Many2many(
        "product.category", "crm_customer_metrics_categ_rel", "metrics_id", "categ_id",
        string="Categories Bought", readonly=True,
        help="Product categories of the customer's purchases up to the as-of day.")
    gap_categ_ids = fields.Many2many(
        "product.category", "crm_customer_metrics_gap_categ_rel", "metrics_id", "categ_id",
        string="Cross-Sell Gaps", readonly=True,
        help="Among the %d categories most bought by the customers of the same RFM segment, "
             "those this customer has not bought yet." % GAP_TOP)

    def _recompute_company(self, company, as_of, partner_ids=None, model=None):
        model = super(CrmCustomerMetrics, self)._recompute_company(
            company, as_of, partner_ids=partner_ids, model=model)
        self._compute_categories(company, as_of, partner_ids)
        return model

    # sql-write: derived metrics written by the engine for a company the caller manages
    # (compute_metrics checks the group and the companies)
    def _compute_categories(self, company, as_of, subset=None):
        """Categories bought and cross-sell gaps of the company's customers
        (of `subset` only, the segments' top categories read from every
        customer): set-based, three statements per relation (inside the
        recompute's savepoint, so all or nothing with the metrics)."""
        cr = self.env.cr
        params = {"company": company.id, "top": GAP_TOP, "partners": subset,
                  "until": fields.Date.to_string(as_of + datetime.timedelta(days=1))}
        # a full run of a big company joins a million rows with a million; a
        # few customers, or a small company's, go through the indexes
        settings = {}
        if subset is None:
            cr.execute("SELECT count(*) FROM crm_customer_metrics WHERE company_id = %s",
                       (company.id,))
            if cr.fetchone()[0] >= BIG_RUN:
                settings = {"enable_nestloop": "off", "jit": "off"}
        with planner_settings(cr, **settings):
            for table in ("crm_customer_metrics_categ_rel",
                          "crm_customer_metrics_gap_categ_rel"):
                # the ORM's pending writes reach the tables before these queries
                compat.flush(self.env)
                cr.execute(sql.SQL("""
                    DELETE FROM {table} r USING crm_customer_metrics m
                     WHERE r.metrics_id = m.id AND m.company_id = %(company)s
                       AND (%(partners)s::int[] IS NULL
                            OR m.partner_id = ANY(%(partners)s::int[]))
                """).format(table=sql.Identifier(table)), params)
            # a category counts as bought when a purchase (not a return) of
            # the customer carried it
            cr.execute("""
                INSERT INTO crm_customer_metrics_categ_rel (metrics_id, categ_id)
                SELECT DISTINCT m.id, c.categ_id
                  FROM crm_touchpoint t
                  JOIN crm_touchpoint_product_category_rel c ON c.touchpoint_id = t.id
                  JOIN crm_customer_metrics m ON m.partner_id = t.commercial_partner_id
                                             AND m.company_id = t.company_id
                 WHERE t.company_id = %(company)s AND t.kind = 'purchase'
                   AND t.date < %(until)s AND coalesce(t.amount, 0) >= 0
                   AND (%(partners)s::int[] IS NULL
                        OR t.commercial_partner_id = ANY(%(partners)s::int[]))
            """, params)
            cr.execute("""
                WITH bought AS (
                    SELECT m.rfm_segment, r.categ_id, count(*) AS customers
                      FROM crm_customer_metrics_categ_rel r
                      JOIN crm_customer_metrics m ON m.id = r.metrics_id
                     WHERE m.company_id = %(company)s AND m.rfm_segment IS NOT NULL
                     GROUP BY 1, 2
                    HAVING count(*) >= 2
                ), top AS (
                    SELECT rfm_segment, categ_id FROM (
                        SELECT b.*, row_number() OVER (
                                   PARTITION BY rfm_segment
                                   ORDER BY customers DESC, categ_id) AS rank
                          FROM bought b) ranked
                     WHERE rank <= %(top)s
                )
                INSERT INTO crm_customer_metrics_gap_categ_rel (metrics_id, categ_id)
                SELECT m.id, top.categ_id
                  FROM crm_customer_metrics m
                  JOIN top ON top.rfm_segment = m.rfm_segment
                 WHERE m.company_id = %(company)s
                   AND (%(partners)s::int[] IS NULL OR m.partner_id = ANY(%(partners)s::int[]))
                   AND NOT EXISTS (SELECT 1 FROM crm_customer_metrics_categ_rel r
                                    WHERE r.metrics_id = m.id AND r.categ_id = top.categ_id)
            """, params)
        compat.invalidate_fields(self, ["categ_ids", "gap_categ_ids"])
