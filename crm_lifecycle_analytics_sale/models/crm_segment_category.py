# Copyright 2026 crm_lifecycle contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Segment x product category penetration: the share of an RFM segment's
customers who bought each category, from the categories the metrics record
per customer (no read of the touchpoints)."""
from odoo import fields, models, tools

from odoo.addons.crm_lifecycle import compat
from odoo.addons.crm_lifecycle_analytics.models.crm_customer_metrics import SEGMENT_SELECTION

VIEW_SQL = """
CREATE OR REPLACE VIEW {table} AS (
    SELECT row_number() OVER (ORDER BY b.company_id, b.rfm_segment, b.categ_id) AS id,
           b.company_id, b.rfm_segment, b.categ_id, b.customers,
           s.customers AS segment_customers, 100.0 * b.customers / s.customers AS share
      FROM (SELECT m.company_id, m.rfm_segment, r.categ_id, count(*) AS customers
              FROM crm_customer_metrics_categ_rel r
              JOIN crm_customer_metrics m ON m.id = r.metrics_id
             WHERE m.rfm_segment IS NOT NULL
             GROUP BY 1, 2, 3) b
      JOIN (SELECT company_id, rfm_segment, count(*) AS customers
              FROM crm_customer_metrics
             WHERE rfm_segment IS NOT NULL
             GROUP BY 1, 2) s ON s.company_id = b.company_id AND s.rfm_segment = b.rfm_segment
)
"""


class CrmSegmentCategory(models.Model):
    _name = "crm.segment.category"
    _description = "Segment and Product Category"
    _auto = False
    _order = "rfm_segment, share desc"
    _rec_name = "categ_id"

    company_id = fields.Many2one("res.company", readonly=True)
    rfm_segment = fields.Selection(SEGMENT_SELECTION, string="RFM Segment", readonly=True)
    categ_id = fields.Many2one("product.category", string="Product Category", readonly=True)
    customers = fields.Integer(
        string="Buyers", readonly=True,
        help="Customers of the segment who bought in the category.")
    segment_customers = fields.Integer(
        string="Segment Customers", readonly=True, **compat.aggregator("max"),
        help="Customers of the segment.")
    share = fields.Float(
        string="Penetration (%)", readonly=True, digits=(5, 1), **compat.aggregator("avg"),
        help="The share of the segment's customers who bought in the category.")

    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute(VIEW_SQL.format(table=self._table))
