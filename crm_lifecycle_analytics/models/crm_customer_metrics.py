# Copyright 2026 crm_lifecycle contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import datetime
import logging
import time

import numpy as np  # pylint: disable=missing-import-error
from psycopg2 import sql

from odoo import _, api, fields, models
from odoo.exceptions import UserError

from odoo.addons.crm_lifecycle.models.crm_touchpoint import idents

from ..stats import clv as clv_model, rfm

_logger = logging.getLogger(__name__)

SEGMENT_SELECTION = [(code, label) for code, label, _rs, _fs in rfm.SEGMENTS]
LAPSE_BANDS = [
    ("active", "Active"),
    ("cooling", "Cooling Down"),
    ("at_risk", "At Risk"),
    ("lapsed", "Lapsed"),
]
VALUE_TIERS = [("high", "High Value"), ("medium", "Medium Value"), ("low", "Low Value")]
DAYS_PER_MONTH = 30.4375

# One pass over the company's touchpoints per part: purchases summed per
# customer and day (a day with a positive net amount is one purchase; a
# return is a negative amount), then per customer; contacts and their cost
# to serve per customer. Purchases up to the end of the as-of day.
AGGREGATE_SQL = """
    WITH days AS (
        SELECT t.commercial_partner_id AS pid, (t.date)::date AS d, sum(t.amount) AS v
          FROM crm_touchpoint t
         WHERE t.company_id = %(company)s AND t.kind = 'purchase'
           AND t.commercial_partner_id IS NOT NULL AND t.date < %(until)s
         GROUP BY 1, 2
    ), purchases AS (
        SELECT pid,
               count(*) FILTER (WHERE v > 0) AS n,
               min(d) FILTER (WHERE v > 0) AS first_d,
               max(d) FILTER (WHERE v > 0) AS last_d,
               sum(v) AS revenue,
               coalesce(sum(v) FILTER (WHERE v > 0), 0) AS positive,
               (array_agg(v ORDER BY d) FILTER (WHERE v > 0))[1] AS first_v
          FROM days GROUP BY pid
    ), contacts AS (
        SELECT t.commercial_partner_id AS pid,
               count(*) FILTER (WHERE t.kind <> 'purchase') AS contacts,
               count(*) FILTER (WHERE t.direction = 'inbound') AS inbound,
               max(t.date) FILTER (WHERE t.kind <> 'purchase') AS last_contact,
               coalesce(sum(c.unit_cost), 0) AS cost_to_serve,
               mode() WITHIN GROUP (ORDER BY t.channel_id)
                   FILTER (WHERE t.direction = 'inbound') AS preferred_channel
          FROM crm_touchpoint t
          LEFT JOIN crm_touchpoint_channel c ON c.id = t.channel_id
         WHERE t.company_id = %(company)s AND t.commercial_partner_id IS NOT NULL
           AND t.date < %(until)s
         GROUP BY 1
    )
    -- days from the first and the last purchase to the as-of day: numbers,
    -- not dates, so that the arrays are built without a loop per customer
    SELECT pid, coalesce(p.n, 0), %(as_of)s::date - p.first_d, %(as_of)s::date - p.last_d,
           coalesce(p.revenue, 0),
           coalesce(p.positive, 0), coalesce(p.first_v, 0), coalesce(c.contacts, 0),
           coalesce(c.inbound, 0), c.last_contact, coalesce(c.cost_to_serve, 0),
           c.preferred_channel
      FROM purchases p FULL JOIN contacts c USING (pid)
      JOIN res_partner rp ON rp.id = pid
     WHERE rp.active
     ORDER BY pid
"""
# the columns written back, with their PostgreSQL types
WRITE_COLUMNS = [
    ("partner_id", "int"), ("purchase_count", "int"), ("repeat_count", "int"),
    ("first_purchase", "date"), ("last_purchase", "date"), ("revenue", "numeric"),
    ("average_spend", "numeric"), ("recency_days", "int"), ("tenure_days", "int"),
    ("r_score", "int"), ("f_score", "int"), ("m_score", "int"), ("rfm_segment", "varchar"),
    ("p_alive", "float8"), ("expected_purchases_90d", "float8"), ("clv", "numeric"),
    ("lapse_band", "varchar"), ("contact_count", "int"), ("inbound_count", "int"),
    ("last_contact", "timestamp"), ("cost_to_serve", "numeric"), ("profit", "numeric"),
    ("profit_rank", "int"), ("profit_decile", "int"), ("value_tier", "varchar"),
    ("preferred_channel_id", "int"),
]


class CrmCustomerMetrics(models.Model):
    """What the company knows and predicts about one customer: one row per
    customer (commercial partner) and company, recomputed set-based from
    the touchpoints (never stored on the partner itself)."""

    _name = "crm.customer.metrics"
    _description = "Customer Metrics"
    _order = "clv desc, revenue desc, id"
    _rec_name = "partner_id"

    partner_id = fields.Many2one(
        "res.partner", string="Customer", required=True, readonly=True, index=True,
        ondelete="cascade")
    company_id = fields.Many2one(
        "res.company", string="Company", required=True, readonly=True, index=True)
    currency_id = fields.Many2one(
        "res.currency", related="company_id.currency_id", readonly=True)
    model_id = fields.Many2one(
        "crm.clv.model", string="Model", readonly=True,
        help="The fitted customer models the predictions of this row come from.")
    computed_on = fields.Date(string="As Of", readonly=True)
    purchase_count = fields.Integer(
        string="Purchases", readonly=True,
        help="Days with purchases: several orders on one day count as one purchase.")
    repeat_count = fields.Integer(
        string="Repeat Purchases", readonly=True, help="Purchases after the first one.")
    first_purchase = fields.Date(string="First Purchase", readonly=True)
    last_purchase = fields.Date(string="Last Purchase", readonly=True)
    revenue = fields.Monetary(
        string="Revenue", readonly=True,
        help="Historical value: all purchases less returns, in the company's currency.")
    average_spend = fields.Monetary(
        string="Average Spend", readonly=True, help="Revenue per purchase.")
    recency_days = fields.Integer(
        string="Recency (days)", readonly=True, group_operator="avg",
        help="Days since the last purchase.")
    tenure_days = fields.Integer(
        string="Tenure (days)", readonly=True, group_operator="avg",
        help="Days since the first purchase.")
    r_score = fields.Integer(
        string="R", readonly=True, group_operator="avg",
        help="Recency score, 5 for the most recent fifth of the customers, 1 for the least.")
    f_score = fields.Integer(
        string="F", readonly=True, group_operator="avg",
        help="Frequency score, 5 for the fifth of the customers with the most purchases.")
    m_score = fields.Integer(
        string="M", readonly=True, group_operator="avg",
        help="Monetary score, 5 for the fifth of the customers with the highest revenue.")
    rfm_segment = fields.Selection(
        SEGMENT_SELECTION, string="RFM Segment", readonly=True, index=True,
        help="The customer's cell of the recency x frequency map.")
    p_alive = fields.Float(
        string="Probability Active", digits=(4, 3), readonly=True, group_operator="avg",
        help="Probability that the customer still buys (BG/NBD model): low after a long "
             "silence compared with the customer's own rhythm.")
    expected_purchases_90d = fields.Float(
        string="Expected Purchases (90 days)", digits=(10, 2), readonly=True,
        help="Purchases the model expects from the customer in the next 90 days.")
    clv = fields.Monetary(
        string="Predicted Value", readonly=True,
        help="Predicted lifetime value: the discounted value of the purchases expected over "
             "the horizon set in the settings (BG/NBD x Gamma-Gamma).")
    lapse_band = fields.Selection(
        LAPSE_BANDS, string="Lapse Risk", readonly=True, index=True,
        help="From the probability of being active: Active (0.75 or more), Cooling Down "
             "(down to the lapse threshold of the settings), At Risk (down to half of it), "
             "Lapsed (below).")
    contact_count = fields.Integer(
        string="Contacts", readonly=True, help="Touchpoints other than purchases.")
    inbound_count = fields.Integer(
        string="Inbound Contacts", readonly=True,
        help="Touchpoints the customer started (calls, emails, visits...).")
    last_contact = fields.Datetime(string="Last Contact", readonly=True)
    cost_to_serve = fields.Monetary(
        string="Cost to Serve", readonly=True,
        help="The unit costs of the channels of all the customer's touchpoints.")
    profit = fields.Monetary(
        string="Profit", readonly=True, help="Revenue less the cost to serve.")
    profit_rank = fields.Integer(
        string="Profit Rank", readonly=True, group_operator="min",
        help="1 for the most profitable customer of the company.")
    profit_decile = fields.Integer(
        string="Profit Decile", readonly=True, group_operator="min",
        help="1 for the most profitable tenth of the customers, 10 for the least.")
    value_tier = fields.Selection(
        VALUE_TIERS, string="Value Tier", readonly=True, index=True,
        help="High: the top 20 % of the customers by predicted value (by revenue without a "
             "model), Medium: the next 30 %, Low: the rest.")
    preferred_channel_id = fields.Many2one(
        "crm.touchpoint.channel", string="Preferred Channel", readonly=True,
        help="The channel the customer uses most to contact the company.")

    _sql_constraints = [
        ("partner_company_uniq", "UNIQUE (partner_id, company_id)",
         "A customer has one row of metrics per company."),
    ]

    # ------------------------------------------------------------ engine
    @api.model
    def recompute(self, company_ids=None, as_of=None):
        """Recompute the metrics of every customer of the companies (default:
        the user's companies) as of a day (default: today). Set-based: one
        aggregate query per company, the models fitted on the arrays, the
        rows written back in bulk. Per company all or nothing: a failure
        leaves the previous rows as they were. Returns the models fitted."""
        if not self.env.user.has_group("crm_lifecycle.crm_lifecycle_group_manager"):
            raise UserError(_("Only Customer Lifecycle managers can recompute the metrics."))
        as_of = as_of or fields.Date.context_today(self)
        if not isinstance(as_of, datetime.date):  # a string over RPC
            as_of = fields.Date.from_string(as_of)
        companies = (self.env["res.company"].browse(company_ids) if company_ids
                     else self.env.user.company_ids)
        models_ = self.env["crm.clv.model"]
        for company in companies:
            with self.env.cr.savepoint():
                models_ |= self.sudo()._recompute_company(company, as_of)
        self.invalidate_cache()
        return models_

    def _settings(self):
        read = self.env["res.config.settings"]._lifecycle_read_param
        return (read("lifecycle_clv_months"), read("lifecycle_monthly_discount"),
                read("lifecycle_lapse_threshold"))

    def _recompute_company(self, company, as_of):
        t0 = time.time()
        cr = self.env.cr
        until = as_of + datetime.timedelta(days=1)
        cr.execute(AGGREGATE_SQL, {"company": company.id, "until": fields.Date.to_string(until),
                                   "as_of": fields.Date.to_string(as_of)})
        rows = cr.fetchall()
        months, discount, lapse_threshold = self._settings()
        data = _Arrays(rows, as_of)
        first = (as_of - datetime.timedelta(days=int(data.tenure[data.buyers].max()))
                 if data.buyers.any() else None)
        model_vals = {"company_id": company.id, "date": fields.Date.to_string(as_of),
                      "time_unit": "day", "customers": int(data.buyers.sum()),
                      "repeat_customers": int((data.x > 0).sum()),
                      "calibration_start": first and fields.Date.to_string(first)}
        bg = gg = None
        if model_vals["repeat_customers"] >= 2:
            b = data.buyers
            try:
                bg = clv_model.fit_bgnbd(data.x[b], data.t_x[b], data.T[b])
                gg = clv_model.fit_gamma_gamma(data.x[b], data.m[b])
                if not (np.all(np.isfinite(list(bg.values())))
                        and np.all(np.isfinite(list(gg.values()))) and gg["q"] > 1):
                    raise ValueError("degenerate fit")
            except ValueError as error:
                _logger.warning("crm_lifecycle_analytics: no customer model for %s: %s",
                                company.name, error)
                bg = gg = None
        if bg is not None:
            model_vals.update({
                "bg_r": bg["r"], "bg_alpha": bg["alpha"], "bg_a": bg["a"], "bg_b": bg["b"],
                "bg_log_likelihood": bg["log_likelihood"], "gg_p": gg["p"], "gg_q": gg["q"],
                "gg_gamma": gg["gamma"], "gg_log_likelihood": gg["log_likelihood"],
                "mean_spend": gg["p"] * gg["gamma"] / (gg["q"] - 1),
            })
        else:
            model_vals["state"] = "not_enough_data"
        values = data.metrics(bg, gg, months, discount, lapse_threshold)
        model = self.env["crm.clv.model"].create(dict(model_vals, duration=0.0))
        self._write_rows(company, model, as_of, values)
        model.duration = time.time() - t0
        _logger.info("crm_lifecycle_analytics: metrics of %d customers of %s in %.1f s",
                     len(rows), company.name, model.duration)
        return model

    def _write_rows(self, company, model, as_of, values):
        """Upsert the rows of the company (ids stay), delete the others."""
        cr = self.env.cr
        names = [c for c, _t in WRITE_COLUMNS]
        query = sql.SQL("""
            INSERT INTO crm_customer_metrics AS m
                   (company_id, model_id, computed_on, create_uid, write_uid, create_date,
                    write_date, {cols})
            SELECT %(company)s, %(model)s, %(as_of)s, %(uid)s, %(uid)s,
                   now() at time zone 'UTC', now() at time zone 'UTC', v.*
              FROM unnest({arrays}) AS v({cols})
            ON CONFLICT (partner_id, company_id) DO UPDATE SET
                   model_id = excluded.model_id, computed_on = excluded.computed_on,
                   write_uid = excluded.write_uid, write_date = excluded.write_date,
                   {updates}
        """).format(
            cols=idents(names),
            arrays=sql.SQL(", ").join(
                sql.SQL("{}::{}[]").format(sql.Placeholder(c), sql.SQL(t))
                for c, t in WRITE_COLUMNS),
            updates=sql.SQL(", ").join(
                sql.SQL("{col} = excluded.{col}").format(col=sql.Identifier(c))
                for c in names[1:]))
        cr.execute(query, dict(values, company=company.id, model=model.id,
                               as_of=fields.Date.to_string(as_of), uid=self.env.uid))
        cr.execute("""DELETE FROM crm_customer_metrics
                       WHERE company_id = %s AND NOT partner_id = ANY(%s)""",
                   (company.id, values["partner_id"]))

    @api.model
    def _cron_recompute(self):
        self.sudo().recompute(company_ids=self.env["res.company"].sudo().search([]).ids)

    @api.model
    def action_recompute(self):
        self.recompute()
        return self.env.ref("crm_lifecycle_analytics.crm_customer_metrics_action").read()[0]


def _dates(as_of, ages):
    """'YYYY-MM-DD' of the days `ages` days before as_of (None for NaN),
    vectorised."""
    days = np.datetime64(as_of, "D") - np.nan_to_num(ages).astype("timedelta64[D]")
    return np.where(np.isnan(ages), None, days.astype(str).astype(object))


class _Arrays(object):
    """The aggregate rows of one company as arrays, and the metrics computed
    from them (vectorised; time in days)."""

    def __init__(self, rows, as_of):
        cols = list(zip(*rows)) if rows else [()] * 12
        self.n_rows = len(rows)
        self.partner_id = np.array(cols[0], dtype=np.int64)
        self.n = np.array(cols[1], dtype=float)
        # days before the as-of day (NaN: no purchase)
        first_age = np.array(cols[2], dtype=float)
        last_age = np.array(cols[3], dtype=float)
        self.revenue = np.array(cols[4], dtype=float)
        positive = np.array(cols[5], dtype=float)
        first_v = np.array(cols[6], dtype=float)
        self.contacts = np.array(cols[7], dtype=np.int64)
        self.inbound = np.array(cols[8], dtype=np.int64)
        self.last_contact = list(cols[9])
        self.cost = np.array(cols[10], dtype=float)
        self.channel = list(cols[11])
        self.buyers = self.n > 0
        b = self.buyers
        self.x = np.where(b, self.n - 1, 0.0)
        self.t_x = np.where(b, first_age - last_age, 0.0)
        # observed to the end of the as-of day
        self.T = np.where(b, first_age + 1, 1.0)
        self.recency = np.where(b, last_age, np.nan)
        self.tenure = np.where(b, first_age, np.nan)
        self.first_purchase = _dates(as_of, self.tenure)
        self.last_purchase = _dates(as_of, self.recency)
        # the mean value of the repeat purchases (Gamma-Gamma's m)
        with np.errstate(divide="ignore", invalid="ignore"):
            self.m = np.where(self.x > 0, (positive - first_v) / self.x, 0.0)
        self.m = np.where(self.m > 0, self.m, 0.0)
        self.x = np.where((self.x > 0) & (self.m <= 0), 0.0, self.x)

    def metrics(self, bg, gg, months, discount, lapse_threshold):
        b = self.buyers
        n = self.n_rows
        none_f = np.full(n, np.nan)
        r, f, m = rfm.rfm_scores(self.recency, np.where(b, self.n, np.nan),
                                 np.where(b, self.revenue, np.nan))
        segments = rfm.segment(r, f)
        p_alive, expected, value = none_f.copy(), none_f.copy(), none_f.copy()
        if bg is not None:
            p_alive[b] = clv_model.p_alive(bg, self.x[b], self.t_x[b], self.T[b])
            expected[b] = clv_model.expected_purchases(bg, 90, self.x[b], self.t_x[b],
                                                       self.T[b])
            value[b] = clv_model.clv(bg, gg, self.x[b], self.t_x[b], self.T[b], self.m[b],
                                     months=months, monthly_discount=discount,
                                     periods_per_month=DAYS_PER_MONTH)
        band = np.full(n, None, dtype=object)
        with np.errstate(invalid="ignore"):
            band[p_alive >= 0.75] = "active"
            band[(p_alive < 0.75) & (p_alive >= lapse_threshold)] = "cooling"
            band[(p_alive < lapse_threshold) & (p_alive >= lapse_threshold / 2)] = "at_risk"
            band[p_alive < lapse_threshold / 2] = "lapsed"
        profit = self.revenue - self.cost
        # rank 1 = most profitable; ties by partner id (stable order)
        order = np.lexsort((self.partner_id, -profit))
        rank = np.empty(n, dtype=np.int64)
        rank[order] = np.arange(1, n + 1)
        decile = np.ceil(10.0 * rank / max(n, 1)).astype(np.int64)
        tier_basis = np.where(np.isnan(value), self.revenue, value) if bg else self.revenue
        tier = np.full(n, None, dtype=object)
        if b.any():
            tier_order = np.lexsort((self.partner_id[b], -tier_basis[b]))
            tier_rank = np.empty(int(b.sum()), dtype=float)
            tier_rank[tier_order] = np.arange(1, int(b.sum()) + 1) / b.sum()
            tier[b] = np.where(tier_rank <= 0.2, "high",
                               np.where(tier_rank <= 0.5, "medium", "low"))

        def opt(values, digits=None):
            out = []
            for v in values:
                if v is None or (isinstance(v, float) and np.isnan(v)):
                    out.append(None)
                else:
                    out.append(round(float(v), digits) if digits is not None else v)
            return out

        def ints(values):
            return [None if np.isnan(v) else int(v) for v in values]

        average = np.where(b, self.revenue / np.maximum(self.n, 1), np.nan)
        return {
            "partner_id": self.partner_id.tolist(),
            "purchase_count": self.n.astype(int).tolist(),
            "repeat_count": np.maximum(self.n - 1, 0).astype(int).tolist(),
            "first_purchase": list(self.first_purchase),
            "last_purchase": list(self.last_purchase),
            "revenue": opt(self.revenue, 2),
            "average_spend": opt(average, 2),
            "recency_days": ints(self.recency),
            "tenure_days": ints(self.tenure),
            "r_score": [int(v) or None for v in r],
            "f_score": [int(v) or None for v in f],
            "m_score": [int(v) or None for v in m],
            "rfm_segment": [s or None for s in segments],
            "p_alive": opt(p_alive, 6),
            "expected_purchases_90d": opt(expected, 4),
            "clv": opt(value, 2),
            "lapse_band": list(band),
            "contact_count": self.contacts.tolist(),
            "inbound_count": self.inbound.tolist(),
            "last_contact": self.last_contact,
            "cost_to_serve": opt(self.cost, 2),
            "profit": opt(profit, 2),
            "profit_rank": rank.tolist(),
            "profit_decile": decile.tolist(),
            "value_tier": list(tier),
            "preferred_channel_id": self.channel,
        }
