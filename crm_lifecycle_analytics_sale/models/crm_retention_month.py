# Copyright 2026 crm_lifecycle contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, models

# the share of each month's buying customers who bought in two or more
# product categories that month (the categories of their orders)
# sql-write: derived rows of the company view, run by _refresh_extra (see there)
MULTI_CATEGORY_SQL = """
    UPDATE crm_retention_month r
       SET multi_category_rate = 100.0 * COALESCE(x.multi, 0) / r.active_customers
      FROM crm_retention_month r2
      LEFT JOIN (
          SELECT c.month, count(*) FILTER (WHERE c.categories >= 2) AS multi
            FROM (SELECT t.commercial_partner_id AS partner_id,
                         date_trunc('month', t.date)::date AS month,
                         count(DISTINCT rel.categ_id) AS categories
                    FROM crm_touchpoint t
                    JOIN crm_touchpoint_product_category_rel rel ON rel.touchpoint_id = t.id
                   WHERE t.company_id = %(company)s AND t.kind = 'purchase'
                     AND t.date < %(until)s AND COALESCE(t.company_amount, 0) > 0
                   GROUP BY 1, 2) c
            JOIN crm_lifecycle_purchase_month p
              ON p.partner_id = c.partner_id AND p.month = c.month
           GROUP BY c.month) x ON x.month = r2.month
     WHERE r.id = r2.id AND r.company_id = %(company)s AND r.active_customers > 0
"""


class CrmRetentionMonth(models.Model):
    _inherit = "crm.retention.month"

    # sql-write: the multi-category rate of the months refresh() has just written for a
    # company it checked (group and companies)
    @api.model
    def _refresh_extra(self, company_id, params):
        result = super(CrmRetentionMonth, self)._refresh_extra(company_id, params)
        self.env.cr.execute(MULTI_CATEGORY_SQL, params)
        return result
