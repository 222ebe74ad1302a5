# Copyright 2026 crm_lifecycle contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models
from odoo.tools.sql import column_exists

from odoo.addons.crm_lifecycle import compat
from odoo.addons.crm_lifecycle.sql import compose


class CrmTouchpoint(models.Model):
    _inherit = "crm.touchpoint"

    product_categ_ids = fields.Many2many(
        "product.category", "crm_touchpoint_product_category_rel", "touchpoint_id",
        "categ_id", string="Product Categories", readonly=True,
        help="Categories of the products bought in this purchase.")

    @api.model
    def _sync_sources(self):
        res = super(CrmTouchpoint, self)._sync_sources()
        res["orders"] = self._sync_orders
        return res

    # sql-write: touchpoints made from confirmed orders as the system under the reserved source
    # 'odoo' (see _sync_insert); no caller input
    @api.model
    def _sync_orders(self, ids=None):
        """Purchase touchpoints of confirmed sale orders, with the product
        categories bought; orders cancelled or back to quotation lose theirs.
        The amount is the order's untaxed total: revenue, like the cost of
        goods beside it, is net of taxes."""
        p = self._sync_params()
        p["ch_order"] = self.env["crm.touchpoint.channel"]._get_by_code("order").id
        ids_filter = self._sync_ids_filter("o.id", ids, p)
        # the cost of goods where Odoo knows it: the lines' cost price of
        # sale_margin (in the order's currency, as the amount)
        if column_exists(self.env.cr, "sale_order_line", "purchase_price"):
            cost = """(SELECT sum(l.purchase_price * l.product_uom_qty)
                         FROM sale_order_line l WHERE l.order_id = o.id)"""
        else:
            cost = "NULL::numeric"
        select = """
            SELECT o.partner_id AS partner_id,
                   {date} AS date,
                   %(ch_order)s AS channel_id, 'inbound' AS direction, 'purchase' AS kind,
                   o.user_id AS user_id, o.team_id AS team_id,
                   COALESCE(o.company_id, %(company)s) AS company_id,
                   left(o.name, 256) AS subject, left(o.client_order_ref, 4000) AS summary,
                   o.amount_untaxed AS amount, {currency} AS currency_id,
                   'sale.order' AS res_model, o.id AS res_id, o.campaign_id AS campaign_id,
                   'odoo' AS source_system, 'sale.order,' || o.id AS external_ref,
                   {cost} AS cost_amount
              FROM sale_order o
             WHERE o.state IN ('sale', 'done') AND {ids}
        """.format(ids=ids_filter, cost=cost, date=compat.ORDER_DATE_SQL,
                   currency=compat.ORDER_CURRENCY_SQL)
        count = self._sync_insert(select, p)
        ids_filter = self._sync_ids_filter("t.res_id", ids, p)
        self._sync_delete("""
            t.res_model = 'sale.order' AND t.external_ref LIKE 'sale.order,%%' AND {ids}
            AND NOT EXISTS (SELECT 1 FROM sale_order o
                             WHERE o.id = t.res_id AND o.state IN ('sale', 'done'))
        """.format(ids=ids_filter), p)
        ids_filter = self._sync_ids_filter("t.res_id", ids, p)
        # the ORM's pending writes reach the tables before this query
        compat.flush(self.env)
        self.env.cr.execute(compose("""
            INSERT INTO crm_touchpoint_product_category_rel (touchpoint_id, categ_id)
            SELECT DISTINCT t.id, pt.categ_id
              FROM crm_touchpoint t
              JOIN sale_order_line l ON l.order_id = t.res_id
              JOIN product_product pp ON pp.id = l.product_id
              JOIN product_template pt ON pt.id = pp.product_tmpl_id
             WHERE t.source_system = 'odoo' AND t.res_model = 'sale.order'
               AND t.external_ref = 'sale.order,' || t.res_id AND {ids}
            ON CONFLICT DO NOTHING
        """, ids=ids_filter), p)
        return count
