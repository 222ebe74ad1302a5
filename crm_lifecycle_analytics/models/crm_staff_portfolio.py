# Copyright 2026 crm_lifecycle contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Portfolio Health: each salesperson's customers as of their latest
metrics, one row per customer owned.

A view on crm_customer_metrics alone: the owner and team of each customer
are kept on its metrics (the nightly run and every write of a customer's
salesperson, team or archiving bring them there, see
crm.customer.metrics._sync_owners), so the report reads one table, at the
cost of one scan of it, not a join with every partner.
"""
from odoo import fields, models, tools

from odoo.addons.crm_lifecycle import compat

from .crm_customer_metrics import LAPSE_BANDS, SEGMENT_SELECTION, VALUE_TIERS

# "not contacted": for the number of days of the settings before the metrics.
# Plain float8 and date arithmetic: the report reads a million rows.
VIEW = """
CREATE OR REPLACE VIEW {table} AS (
    SELECT cm.id, cm.computed_on AS date, cm.salesperson_id AS user_id, cm.team_id,
           cm.company_id, cm.partner_id, cm.rfm_segment, cm.lapse_band, cm.value_tier,
           1 AS customers_owned, COALESCE(cm.clv, 0)::float8 AS portfolio_value,
           CASE WHEN cm.lapse_band IN ('at_risk', 'lapsed') THEN 100.0::float8
                ELSE 0.0::float8 END AS at_risk_share,
           (cm.last_contact IS NULL OR cm.last_contact < (cm.computed_on - q.days)::timestamp)::int
               AS quiet_customers
      FROM crm_customer_metrics cm
     CROSS JOIN (SELECT COALESCE((SELECT NULLIF(value, '')::int FROM ir_config_parameter
                                   WHERE key = 'crm_lifecycle_analytics.quiet_days'),
                                 90) AS days) q
     WHERE cm.salesperson_id IS NOT NULL
)
"""


class CrmStaffPortfolio(models.Model):
    """The customers each salesperson owns, with their value and risk."""

    _name = "crm.staff.portfolio"
    _description = "Portfolio Health"
    _auto = False
    _order = "portfolio_value desc, id"
    _rec_name = "partner_id"
    # what the view reads (13+ writes these fields to their tables before
    # searching it)
    _depends = {
        "crm.customer.metrics": ["computed_on", "salesperson_id", "team_id", "company_id",
                                 "partner_id", "rfm_segment", "lapse_band", "value_tier",
                                 "clv", "last_contact"],
    }

    date = fields.Date(string="As Of", readonly=True,
                       help="The day of the customer's latest metrics.")
    user_id = fields.Many2one("res.users", string="Salesperson", readonly=True)
    team_id = fields.Many2one("crm.team", string="Sales Team", readonly=True)
    company_id = fields.Many2one("res.company", string="Company", readonly=True)
    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    rfm_segment = fields.Selection(SEGMENT_SELECTION, string="RFM Segment", readonly=True)
    lapse_band = fields.Selection(LAPSE_BANDS, string="Lapse Risk", readonly=True)
    value_tier = fields.Selection(VALUE_TIERS, string="Value Tier", readonly=True)
    customers_owned = fields.Integer(
        string="Customers Owned", readonly=True,
        help="Customers whose salesperson this is (as of their latest metrics).")
    portfolio_value = fields.Float(
        string="Portfolio Value", readonly=True,
        help="Sum of the predicted lifetime values of the customers owned.")
    at_risk_share = fields.Float(
        string="At Risk or Lapsed (%)", readonly=True, **compat.aggregator("avg"),
        help="Share of the customers owned whose lapse risk is At Risk or Lapsed.")
    quiet_customers = fields.Integer(
        string="Not Contacted", readonly=True,
        help="Customers owned that nobody contacted for the number of days set in the "
             "settings (90 by default) before their latest metrics.")

    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute(VIEW.replace("{table}", self._table))

    def action_open_customer(self):
        """The customer's form."""
        self.ensure_one()
        return {"type": "ir.actions.act_window", "res_model": "res.partner",
                "res_id": self.partner_id.id, "view_mode": "form", "target": "current"}

    def action_open_timeline(self):
        """The customer's timeline."""
        self.ensure_one()
        return self.partner_id.action_view_touchpoints()
