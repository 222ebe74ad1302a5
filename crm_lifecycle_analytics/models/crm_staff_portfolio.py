# Copyright 2026 crm_lifecycle contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Portfolio Health: each salesperson's customers as of their latest
metrics, one row per customer owned.

A view on a narrow copy of crm_customer_metrics (crm_staff_portfolio_base,
kept by triggers): the owner and team of each customer are kept on its
metrics (the nightly run and every write of a customer's salesperson, team
or archiving bring them there, see crm.customer.metrics._sync_owners), so
the report reads one narrow table, not the metrics' fifty columns nor a
join with every partner.
"""
from psycopg2 import sql

from odoo import fields, models, tools

from odoo.addons.crm_lifecycle import compat
from odoo.addons.crm_lifecycle.sql import ensure_statement_triggers

from .crm_customer_metrics import LAPSE_BANDS, SEGMENT_SELECTION, VALUE_TIERS

# The report's rows, narrow: a metrics row has some fifty columns, this
# table's rows the ten the report reads (a scan of it reads about a seventh
# of the pages). Kept by statement triggers on crm_customer_metrics in the
# writing transaction, whoever writes (the nightly run, the refreshes
# between runs, the owners' hook, SQL): the customers with a salesperson.
# Pages half empty: the nightly run rewrites every row, in place (a HOT
# update, no index entry) where the page has room: about 3.5 s per million
# rows, against 6 s for full pages.
COLUMNS = ("id", "computed_on", "salesperson_id", "team_id", "company_id", "partner_id",
           "rfm_segment", "lapse_band", "value_tier", "clv", "last_contact")
# sql-write: the report's copy filled once from the metrics rows, when the module creates it
BASE_TABLE = """
    CREATE TABLE crm_staff_portfolio_base (
        id integer PRIMARY KEY,
        computed_on date,
        salesperson_id integer NOT NULL,
        team_id integer,
        company_id integer,
        partner_id integer,
        rfm_segment varchar,
        lapse_band varchar,
        value_tier varchar,
        clv float8,
        last_contact timestamp
    ) WITH (fillfactor = 45);
    INSERT INTO crm_staff_portfolio_base ({columns})
    SELECT {columns} FROM crm_customer_metrics WHERE salesperson_id IS NOT NULL;
"""
# sql-write: part of BASE_FUNCTION (below)
_UPSERT = """
        INSERT INTO crm_staff_portfolio_base ({columns})
        SELECT {columns} FROM crm_staff_portfolio_new WHERE salesperson_id IS NOT NULL
        ON CONFLICT (id) DO UPDATE SET {updates};"""
# sql-write: the report's copy of the metrics rows a statement wrote (whoever wrote them,
# held by the ORM or by the database's own grants), nothing more
BASE_FUNCTION = """
CREATE OR REPLACE FUNCTION crm_staff_portfolio_sync() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN{upsert}
    ELSIF TG_OP = 'DELETE' THEN
        DELETE FROM crm_staff_portfolio_base b
         USING crm_staff_portfolio_old o WHERE b.id = o.id;
    ELSE
        DELETE FROM crm_staff_portfolio_base b
         USING crm_staff_portfolio_new n WHERE b.id = n.id AND n.salesperson_id IS NULL;{upsert}
    END IF;
    RETURN NULL;
END
$$
"""
BASE_TRIGGERS = {
    "crm_staff_portfolio_ins": "AFTER INSERT ON crm_customer_metrics "
                               "REFERENCING NEW TABLE AS crm_staff_portfolio_new",
    "crm_staff_portfolio_upd": "AFTER UPDATE ON crm_customer_metrics "
                               "REFERENCING NEW TABLE AS crm_staff_portfolio_new",
    "crm_staff_portfolio_del": "AFTER DELETE ON crm_customer_metrics "
                               "REFERENCING OLD TABLE AS crm_staff_portfolio_old",
}
# "not contacted": for the number of days of the settings before the metrics.
# Plain float8 and date arithmetic: the report reads a million rows.
VIEW = """
CREATE OR REPLACE VIEW {table} AS (
    SELECT cm.id, cm.computed_on AS date, cm.salesperson_id AS user_id, cm.team_id,
           cm.company_id, cm.partner_id, cm.rfm_segment, cm.lapse_band, cm.value_tier,
           1 AS customers_owned, COALESCE(cm.clv, 0) AS portfolio_value,
           CASE WHEN cm.lapse_band IN ('at_risk', 'lapsed') THEN 100.0::float8
                ELSE 0.0::float8 END AS at_risk_share,
           (cm.last_contact IS NULL OR cm.last_contact < (cm.computed_on - q.days)::timestamp)::int
               AS quiet_customers
      FROM crm_staff_portfolio_base cm
     CROSS JOIN (SELECT COALESCE((SELECT NULLIF(value, '')::int FROM ir_config_parameter
                                   WHERE key = 'crm_lifecycle_analytics.quiet_days'),
                                 90) AS days) q
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
        cr = self.env.cr
        columns = sql.SQL(", ").join(sql.Identifier(c) for c in COLUMNS)
        cr.execute("SELECT to_regclass('crm_staff_portfolio_base')")
        if not cr.fetchone()[0]:
            cr.execute(sql.SQL(BASE_TABLE).format(columns=columns))
        upsert = sql.SQL(_UPSERT).format(columns=columns, updates=sql.SQL(", ").join(
            sql.SQL("{0} = EXCLUDED.{0}").format(sql.Identifier(c))
            for c in COLUMNS if c != "id"))
        cr.execute(sql.SQL(BASE_FUNCTION).format(upsert=upsert))
        ensure_statement_triggers(cr, "crm_customer_metrics", BASE_TRIGGERS,
                                  "crm_staff_portfolio_sync")
        tools.drop_view_if_exists(cr, self._table)
        cr.execute(VIEW.replace("{table}", self._table))

    def action_open_customer(self):
        """The customer's form."""
        self.ensure_one()
        return {"type": "ir.actions.act_window", "res_model": "res.partner",
                "res_id": self.partner_id.id, "view_mode": "form", "target": "current"}

    def action_open_timeline(self):
        """The customer's timeline."""
        self.ensure_one()
        return self.partner_id.action_view_touchpoints()
