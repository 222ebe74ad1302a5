# Copyright 2026 crm_lifecycle contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import datetime
import logging
import threading
import time

import numpy as np  # pylint: disable=missing-import-error
from psycopg2 import sql

from odoo import _, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import html_sanitize

from odoo.addons.crm_lifecycle import compat
from odoo.addons.crm_lifecycle.guard import check_companies, commit_retrying, wait_job_lock
from odoo.addons.crm_lifecycle.models.crm_campaign import REACH_CONDITIONS
from odoo.addons.crm_lifecycle.models.crm_touchpoint import CSAT_SCORES, NPS_SCORES
from odoo.addons.crm_lifecycle.sql import compose, idents, planner_settings

from .. import pgcopy
from ..stats import clv as clv_model, rfm

# DAYS_PER_MONTH: read by the tests from this module too
from ..stats.engine import DAYS_PER_MONTH, Arrays, Reading, Reference  # noqa: F401

_logger = logging.getLogger(__name__)

SEGMENT_SELECTION = [(code, label) for code, label, _rs, _fs in rfm.SEGMENTS]
NPS_CATEGORIES = [("promoter", "Promoter"), ("passive", "Passive"), ("detractor", "Detractor")]
# the latest scores and the open complaints of the customers with any, read
# before the metrics are computed: a detractor's lapse risk is one band up
# in the same pass (the band has one owner), and the feedback columns are
# written with the other metrics
FEEDBACK_READ_SQL = """
    SELECT commercial_partner_id,
           COALESCE(((array_agg(nps_score ORDER BY date DESC, id DESC)
                      FILTER (WHERE nps_score IS NOT NULL))[1])::int, -1),
           COALESCE(((array_agg(csat_score ORDER BY date DESC, id DESC)
                      FILTER (WHERE csat_score IS NOT NULL))[1])::int, -1),
           count(*) FILTER (WHERE kind = 'complaint' AND (resolved_date IS NULL
                                                     OR resolved_date >= %(until)s))
      FROM crm_touchpoint
     WHERE company_id = %(company)s AND date < %(until)s AND commercial_partner_id IS NOT NULL
       AND (nps_score IS NOT NULL OR csat_score IS NOT NULL OR kind = 'complaint')
       AND (%(partners)s::int[] IS NULL OR commercial_partner_id = ANY(%(partners)s::int[]))
     GROUP BY commercial_partner_id
"""
LAPSE_BANDS = [
    ("active", "Active"),
    ("cooling", "Cooling Down"),
    ("at_risk", "At Risk"),
    ("lapsed", "Lapsed"),
]
VALUE_TIERS = [("high", "High Value"), ("medium", "Medium Value"), ("low", "Low Value")]
# above this many customers the models are fitted on a random sample of
# them: the estimates' standard errors are already below a percent
FIT_SAMPLE = 100000


# The one read of the company's touchpoints up to the end of the as-of day,
# as fixed-width binary rows (see pgcopy): customer, date, amount, and
# channel, direction and kind packed in one integer (channel * 8, then 4 for
# a campaign send, 2 for inbound, 1 for a purchase). Everything else is
# reduced per customer with numpy as the rows arrive: no GROUP BY over
# millions of rows, nothing kept per touchpoint but the purchases.
# The server's work per row is most of the read, so each column is sent as
# it is stored where possible: the date as its binary form (microseconds
# since 2000-01-01, an int8), no arithmetic on it (extract() is numeric
# arithmetic since PostgreSQL 14), and an amount converted only when there
# is one (numeric to float8 goes through text). Amounts are those in the
# company's currency (crm.touchpoint company_amount, at the rate of the day).
READ_SQL = """
    COPY (SELECT t.commercial_partner_id, t.date,
                 CASE WHEN t.company_amount IS NULL THEN 0::float8
                      ELSE t.company_amount::float8 END,
                 (t.channel_id * 8 + (t.kind = 'campaign')::int * 4
                  + (t.direction = 'inbound')::int * 2 + (t.kind = 'purchase')::int)::int4{cost}
            FROM crm_touchpoint t
           WHERE t.company_id = %(company)s AND t.commercial_partner_id IS NOT NULL
             AND t.date < %(until)s{subset}) TO STDOUT (FORMAT binary)
"""
# the rows of some customers only (a refresh between nightly runs): through
# the timeline index
READ_SUBSET = """
             AND t.commercial_partner_id = ANY(%(partners)s::int[])"""
READ_COLUMNS = [("pid", "int4"), ("date", "int8"), ("amount", "float8"), ("code", "int4")]
# the cost of goods, read only from a company that records any
READ_COST = """,
                 CASE WHEN t.company_cost_amount IS NULL THEN 0::float8
                      ELSE t.company_cost_amount::float8 END"""
HAS_COST_SQL = """SELECT EXISTS (SELECT 1 FROM crm_touchpoint
                                  WHERE company_id = %s AND cost_amount IS NOT NULL)"""
# What the campaigns of the company cost per customer contacted up to the
# end of the as-of day: each member's cost of a contact (on its channel) and
# its campaign's fixed cost
# spread over the members it contacted (so that the customers' shares add up
# to the campaign's actual cost), less the channel's unit cost the read above
# already charged for the touchpoint of that contact (the campaign send, or
# the done call or visit): one row per customer.
CAMPAIGN_COST_SQL = """
    WITH c AS (
        SELECT c.id, c.fixed_cost, count(*) AS contacted
          FROM crm_campaign c
          JOIN crm_campaign_member m ON m.campaign_id = c.id
         WHERE c.company_id = %(company)s AND m.split_group = 'target'
           AND m.contact_date < %(until)s
         GROUP BY c.id
    )
    SELECT p.commercial_partner_id,
           sum(COALESCE(m.contact_cost, 0) + COALESCE(c.fixed_cost, 0) / c.contacted
               - COALESCE(ch.unit_cost, 0))::float8
      FROM c
      JOIN crm_campaign_member m ON m.campaign_id = c.id AND m.split_group = 'target'
                                AND m.contact_date < %(until)s
      JOIN res_partner p ON p.id = m.partner_id
      LEFT JOIN crm_touchpoint t
             ON t.source_system = 'odoo' AND t.date < %(until)s
            AND t.company_id = %(company)s
            AND t.external_ref = CASE WHEN m.contact_message_id IS NOT NULL
                                      THEN 'mail.message,' || m.contact_message_id
                                      ELSE 'crm.campaign.member,' || m.id END
      LEFT JOIN crm_touchpoint_channel ch ON ch.id = t.channel_id
     WHERE %(partners)s::int[] IS NULL OR p.commercial_partner_id = ANY(%(partners)s::int[])
     GROUP BY 1
"""
PARTNERS_SQL = """COPY (SELECT id FROM res_partner
                   WHERE active AND (%(partners)s::int[] IS NULL
                                     OR id = ANY(%(partners)s::int[]))
                   ORDER BY id) TO STDOUT (FORMAT binary)"""
# The company's other customers as their rows say, for a refresh of some
# customers between nightly runs: what places a customer among the others
# (Arrays._ranks), money to the cent as stored.
REFERENCE_SQL = """
    COPY (SELECT partner_id, (purchase_count > 0)::int::int2,
                 COALESCE(recency_days::float8, 'NaN'),
                 CASE WHEN purchase_count > 0 THEN purchase_count::float8 ELSE 'NaN' END,
                 CASE WHEN purchase_count > 0 THEN revenue::float8 ELSE 'NaN' END,
                 profit::float8,
                 COALESCE(clv, revenue)::float8,
                 COALESCE(clv::float8, 'NaN')
            FROM crm_customer_metrics
           WHERE company_id = %(company)s
             AND (%(partners)s::int[] IS NULL OR partner_id = ANY(%(partners)s::int[])))
      TO STDOUT (FORMAT binary)
"""
# Each write of a company's rows gives them a new generation (from a
# sequence: a value is never given twice, also when the write is rolled
# back): a process keeps the reference it read with its generation and
# reads it again only when another writer (the nightly run, a refresh in
# another process) changed the rows since.
GENERATION_SQL = """
    CREATE SEQUENCE IF NOT EXISTS crm_lifecycle_metrics_generation_seq;
    CREATE TABLE IF NOT EXISTS crm_lifecycle_metrics_generation (
        company_id integer PRIMARY KEY,
        generation bigint NOT NULL
    );
"""
REFERENCE_COLUMNS = [("partner_id", "int4"), ("buyer", "int2"), ("recency", "float8"),
                     ("frequency", "float8"), ("monetary", "float8"), ("profit", "float8"),
                     ("tier_basis", "float8"), ("value", "float8")]
# customers from which a full run's joins are hash joins by force (below,
# the planner's choice: a company of 10,000 joined by hash with every
# partner of the database took twice as long)
BIG_RUN = 100000
BIG_RUN_SETTINGS = {"enable_nestloop": "off", "jit": "off", "work_mem": "64MB"}
# (database, company id) -> {"generation": the rows' generation,
# "reference": the company's rows sorted (stats.engine.Reference), "added":
# the rows this process wrote since, REFERENCE_COLUMNS arrays}: about 20
# numbers per customer, 160 MB per million customers and process
_REFERENCES = {}
# rows written since the sort beyond which every row is read again
REFERENCE_REWRITTEN = 100000
_REFERENCES_LOCK = threading.Lock()
# the fields of a model the metrics are computed with (as stored: a refresh
# between nightly runs reads them back)
MODEL_PARAMS = ["state", "bg_r", "bg_alpha", "bg_a", "bg_b", "gg_p", "gg_q", "gg_gamma"]
# What a campaign can reach each of the customers reached outbound by
# (REACH_BITS), for the channel-shift what-if: one read of those partners,
# no query per customer or channel.
REACH_SQL = """COPY (SELECT cp.id,
                            (CASE WHEN NOT ({no_email}) AND NOT ({opt_out}) THEN 1 ELSE 0 END
                             + CASE WHEN NOT ({no_phone}) THEN 2 ELSE 0 END
                             + CASE WHEN NOT ({no_mobile}) THEN 4 ELSE 0 END
                             + CASE WHEN NOT ({no_address}) THEN 8 ELSE 0 END)::int4
                       FROM unnest(%(ids)s::int[]) AS k(id)
                       JOIN res_partner cp ON cp.id = k.id
                      ORDER BY cp.id)
               TO STDOUT (FORMAT binary)"""
# what a channel needs on file (reach_by) -> its bit in REACH_SQL
REACH_BITS = {"email": 1, "phone": 2, "mobile": 4, "address": 8}
# the latest consent of each customer for each channel (few rows)
CONSENTS_SQL = """
    SELECT DISTINCT ON (c.partner_id, c.channel_id) c.partner_id, c.channel_id, c.status
      FROM crm_partner_consent c
     WHERE c.company_id IS NULL OR c.company_id = %(company)s
     ORDER BY c.partner_id, c.channel_id, c.date DESC, c.id DESC
"""
# the channels a campaign can use, cheapest first
SHIFT_CHANNELS_SQL = """
    SELECT id, COALESCE(unit_cost, 0), reach_by, consent_policy FROM crm_touchpoint_channel
     WHERE active AND campaign_execution IS NOT NULL
     ORDER BY COALESCE(unit_cost, 0), sequence, id
"""

# The computed rows go to a temporary table by binary COPY (fixed width, no
# NULL: -1, 0 or NaN stand for "none"), then into crm_customer_metrics by
# one upsert, which turns them into dates, amounts and selection values.
STAGE_COLUMNS = [
    ("partner_id", "int4"), ("purchase_count", "int4"), ("repeat_count", "int4"),
    ("first_age", "int4"), ("last_age", "int4"), ("revenue", "float8"),
    ("average_spend", "float8"), ("r_score", "int2"), ("f_score", "int2"),
    ("m_score", "int2"), ("segment", "int2"), ("p_alive", "float8"),
    ("expected_purchases_90d", "float8"), ("clv", "float8"), ("lapse_band", "int2"),
    ("contact_count", "int4"), ("inbound_count", "int4"), ("last_contact_age", "int8"),
    ("cost_to_serve", "float8"), ("profit", "float8"), ("profit_rank", "int4"),
    ("profit_decile", "int2"), ("value_tier", "int2"), ("preferred_channel_id", "int4"),
    ("cost_of_goods", "float8"), ("margin", "float8"), ("months_active", "int2"),
    ("loyalty", "float8"), ("clv_decile", "int2"), ("last_nps", "int2"),
    ("last_csat", "int2"), ("open_complaints", "int4"), ("standing", "int2"),
    ("outbound_count", "int4"), ("outbound_cost", "float8"), ("shift_channel_id", "int4"),
    ("shift_profit", "float8"), ("shift_gain", "float8"), ("shift_reachable", "float8"),
]
# target column of crm_customer_metrics: its value from the stage row `s`
WRITE_COLUMNS = [
    ("partner_id", "s.partner_id"),
    ("purchase_count", "s.purchase_count"),
    ("repeat_count", "s.repeat_count"),
    ("first_purchase", "CASE WHEN s.first_age >= 0 THEN %(as_of)s::date - s.first_age END"),
    ("last_purchase", "CASE WHEN s.last_age >= 0 THEN %(as_of)s::date - s.last_age END"),
    ("revenue", "round(s.revenue::numeric, 2)"),
    ("average_spend", "round(NULLIF(s.average_spend, 'NaN')::numeric, 2)"),
    ("recency_days", "NULLIF(s.last_age, -1)"),
    ("tenure_days", "NULLIF(s.first_age, -1)"),
    ("r_score", "NULLIF(s.r_score, 0)"),
    ("f_score", "NULLIF(s.f_score, 0)"),
    ("m_score", "NULLIF(s.m_score, 0)"),
    ("rfm_segment", "(%(segments)s::varchar[])[NULLIF(s.segment, 0)]"),
    ("p_alive", "NULLIF(s.p_alive, 'NaN')"),
    ("expected_purchases_90d", "NULLIF(s.expected_purchases_90d, 'NaN')"),
    ("clv", "round(NULLIF(s.clv, 'NaN')::numeric, 2)"),
    ("lapse_band", "(%(bands)s::varchar[])[NULLIF(s.lapse_band, 0)]"),
    ("standing", "(%(standings)s::varchar[])[NULLIF(s.standing, 0)]"),
    ("last_nps", "CASE WHEN s.last_nps >= 0 THEN s.last_nps::varchar END"),
    ("last_csat", "CASE WHEN s.last_csat >= 0 THEN s.last_csat::varchar END"),
    ("nps_category", "CASE WHEN s.last_nps >= 9 THEN 'promoter' WHEN s.last_nps >= 7"
                     " THEN 'passive' WHEN s.last_nps >= 0 THEN 'detractor' END"),
    ("detractor", "s.last_nps BETWEEN 0 AND 6"),
    ("open_complaints", "s.open_complaints"),
    ("outbound_count", "s.outbound_count"),
    ("outbound_cost", "round(s.outbound_cost::numeric, 2)"),
    ("shift_channel_id", "NULLIF(s.shift_channel_id, 0)"),
    ("shift_profit", "round(s.shift_profit::numeric, 2)"),
    ("shift_gain", "round(s.shift_gain::numeric, 2)"),
    ("shift_reachable", "NULLIF(s.shift_reachable, 'NaN')"),
    ("contact_count", "s.contact_count"),
    ("inbound_count", "s.inbound_count"),
    ("last_contact", "CASE WHEN s.last_contact_age >= 0 THEN %(until)s::timestamp"
                     " - s.last_contact_age * interval '1 second' END"),
    ("cost_to_serve", "round(s.cost_to_serve::numeric, 2)"),
    ("profit", "round(s.profit::numeric, 2)"),
    ("profit_rank", "s.profit_rank"),
    ("profit_decile", "s.profit_decile"),
    ("value_tier", "(%(tiers)s::varchar[])[NULLIF(s.value_tier, 0)]"),
    ("preferred_channel_id", "NULLIF(s.preferred_channel_id, 0)"),
    ("cost_of_goods", "round(s.cost_of_goods::numeric, 2)"),
    ("margin", "round(s.margin::numeric, 2)"),
    ("months_active", "s.months_active"),
    ("loyalty", "round(NULLIF(s.loyalty, 'NaN')::numeric, 1)"),
    ("clv_decile", "NULLIF(s.clv_decile, 0)"),
]
STAGE_TABLE = "crm_lifecycle_metrics_stage"
# the salesperson and team of the customer `p`, kept on its rows: an archived
# customer is in nobody's portfolio
OWNER_SQL = "CASE WHEN p.active THEN p.user_id END"
TEAM_SQL = "CASE WHEN p.active THEN %s END" % compat.PARTNER_TEAM_SQL


class CrmCustomerMetrics(models.Model):
    """What the company knows and predicts about one customer: one row per
    customer (commercial partner) and company, recomputed set-based from
    the touchpoints (never stored on the partner itself)."""

    _name = "crm.customer.metrics"
    _description = "Customer Metrics"
    _order = "clv desc, revenue desc, id"
    _rec_name = "partner_id"
    # rows written by the engine only, a million at a time: no create/write
    # user columns (two foreign-key checks per row), computed_on says when
    _log_access = False

    # looked up by partner through the unique (partner, company) index
    # auto_join: the salespeople's record rule reads the customer's owner
    # (`partner_id.user_id`, `partner_id.team_id.user_id`); without it Odoo
    # 11 turns each branch into the list of every matching partner's id (a
    # million ids for "nobody owns it") on every read of a customer's
    # figures. Joined, the rule is one indexed join. Rules run as the
    # superuser, so nothing is read past a rule that was checked before.
    partner_id = fields.Many2one(
        "res.partner", string="Customer", required=True, readonly=True,
        ondelete="cascade", auto_join=True)
    company_id = fields.Many2one(
        "res.company", string="Company", required=True, readonly=True, index=True)
    currency_id = fields.Many2one(
        "res.currency", related="company_id.currency_id", readonly=True)
    # not stored: a reference per row would cost a foreign-key check per row
    # on every recompute; the row's company and day name the model
    model_id = fields.Many2one(
        "crm.clv.model", string="Model", compute="_compute_model_id",
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
        string="Recency (days)", readonly=True, **compat.aggregator("avg"),
        help="Days since the last purchase.")
    tenure_days = fields.Integer(
        string="Tenure (days)", readonly=True, **compat.aggregator("avg"),
        help="Days since the first purchase.")
    r_score = fields.Integer(
        string="R", readonly=True, **compat.aggregator("avg"),
        help="Recency score, 5 for the most recent fifth of the customers, 1 for the least.")
    f_score = fields.Integer(
        string="F", readonly=True, **compat.aggregator("avg"),
        help="Frequency score, 5 for the fifth of the customers with the most purchases.")
    m_score = fields.Integer(
        string="M", readonly=True, **compat.aggregator("avg"),
        help="Monetary score, 5 for the fifth of the customers with the highest revenue.")
    rfm_segment = fields.Selection(
        SEGMENT_SELECTION, string="RFM Segment", readonly=True,
        help="The customer's cell of the recency x frequency map.")
    p_alive = fields.Float(
        string="Probability Active", digits=(4, 3), readonly=True, **compat.aggregator("avg"),
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
        LAPSE_BANDS, string="Lapse Risk", readonly=True,
        help="From the probability of being active: Active (0.75 or more), Cooling Down "
             "(down to the lapse threshold of the settings), At Risk (down to half of it), "
             "Lapsed (below). A detractor (latest NPS 0 to 6) is one band higher.")
    standing = fields.Selection(
        rfm.STANDINGS, readonly=True, index=True,
        help="The RFM segment and the lapse risk read together. The segment ranks the "
             "customer against the other customers; the lapse risk reads the customer "
             "against their own buying rhythm. Thriving: a strong segment (Champions, Loyal, "
             "Potential Loyalists, New, Promising) buying at their rhythm. Gone Quiet: a "
             "strong segment, but silent much longer than usual for them: call now. Steady: "
             "buys rarely or long ago compared with others, but at their own rhythm. "
             "Slipping Away: Need Attention or About to Sleep, and at risk or lapsed. Lost: "
             "At Risk, Can't Lose or Hibernating, and at risk or lapsed.")
    contact_count = fields.Integer(
        string="Contacts", readonly=True,
        help="Touchpoints other than purchases and campaign sends (a campaign's mailing, "
             "letters or SMS sent to many customers at once).")
    last_nps = fields.Selection(
        NPS_SCORES, string="Latest NPS", readonly=True,
        help="The customer's latest Net Promoter Score (0-10), from feedback touchpoints, "
             "surveys or imports.")
    nps_category = fields.Selection(
        NPS_CATEGORIES, string="NPS Group", readonly=True,
        help="From the latest NPS: promoter (9-10), passive (7-8) or detractor (0-6).")
    detractor = fields.Boolean(
        readonly=True,
        help="The latest NPS is 0 to 6. A detractor's lapse risk is raised one band.")
    last_csat = fields.Selection(
        CSAT_SCORES, string="Latest CSAT", readonly=True,
        help="The customer's latest satisfaction score (1-5), from feedback touchpoints, "
             "ratings, surveys or imports.")
    open_complaints = fields.Integer(
        string="Open Complaints", readonly=True,
        help="Complaints of the customer not resolved on the day of the metrics.")
    inbound_count = fields.Integer(
        string="Inbound Contacts", readonly=True,
        help="Contacts the customer started (calls, emails, visits...); purchases are not "
             "contacts.")
    last_contact = fields.Datetime(
        string="Last Contact", readonly=True,
        help="The latest contact with the customer, either way (purchases and campaign "
             "sends are not contacts).")
    # the owner of an active customer, kept with the metrics (see
    # _sync_owners) so that Portfolio Health reads this table alone
    salesperson_id = fields.Many2one(
        "res.users", string="Salesperson", readonly=True,
        help="The customer's salesperson, whose portfolio it is in (none for an archived "
             "customer).")
    team_id = fields.Many2one(
        "crm.team", string="Sales Team", readonly=True,
        help="The customer's sales team, whose portfolio it is in.")
    next_activity_date = fields.Date(
        string="Next Activity", compute="_compute_next_activity_date",
        search="_search_next_activity_date",
        help="Deadline of the customer's next scheduled activity (on the customer or one "
             "of its contacts).")
    phone = fields.Char(related="partner_id.phone", readonly=True,
                        help="The customer's phone, to call from the list.")
    cost_to_serve = fields.Monetary(
        string="Cost to Serve", readonly=True,
        help="The unit costs of the channels of all the customer's touchpoints; for a "
             "contact made by a campaign, the campaign's cost per contact and its share of "
             "the campaign's fixed cost instead.")
    outbound_count = fields.Integer(
        string="Outbound Contacts", readonly=True,
        help="Contacts made and campaign messages sent to the customer.")
    outbound_cost = fields.Monetary(
        string="Outbound Cost", readonly=True,
        help="What the outbound contacts cost at their channels' costs per contact.")
    shift_channel_id = fields.Many2one(
        "crm.touchpoint.channel", string="Cheaper Channel", readonly=True,
        help="The cheapest channel a campaign may reach the customer by (what it needs on "
             "file, no refusal, consent where the channel asks for it), when it is cheaper "
             "than what their outbound contacts cost on average.")
    shift_profit = fields.Monetary(
        string="Profit if Shifted", readonly=True,
        help="The profit if every outbound contact had gone through the cheaper channel.")
    shift_gain = fields.Monetary(
        string="Gain from Shifting", readonly=True,
        help="Profit if shifted less today's profit.")
    shift_reachable = fields.Float(
        string="Reachable Cheaper (%)", readonly=True, digits=(5, 1),
        **compat.aggregator("avg"),
        help="100 when the customer can be reached by a cheaper channel, 0 when not (empty "
             "without outbound contacts): averaged over customers, the share reachable "
             "that way.")
    cost_of_goods = fields.Monetary(
        string="Cost of Goods", readonly=True,
        help="What the goods the customer bought cost the company, where the purchases "
             "record it (less the returns).")
    margin = fields.Monetary(
        string="Margin", readonly=True,
        help="Revenue less the cost of goods (where known).")
    profit = fields.Monetary(
        string="Profit", readonly=True,
        help="Revenue less the cost of goods (where known) and the cost to serve.")
    profit_rank = fields.Integer(
        string="Profit Rank", readonly=True, **compat.aggregator("min"),
        help="1 for the most profitable customer of the company.")
    profit_decile = fields.Integer(
        string="Profit Decile", readonly=True, **compat.aggregator("min"),
        help="1 for the most profitable tenth of the customers, 10 for the least.")
    clv_decile = fields.Integer(
        string="Value Decile", readonly=True, **compat.aggregator("min"),
        help="1 for the tenth of the customers with the highest predicted value, 10 for "
             "the lowest.")
    months_active = fields.Integer(
        string="Months Active", readonly=True, **compat.aggregator("avg"),
        help="Calendar months in which the customer bought.")
    loyalty = fields.Float(
        string="Loyalty (%)", digits=(5, 1), readonly=True, **compat.aggregator("avg"),
        help="Share of the months since the first purchase (both included) in which the "
             "customer bought: 100 for a customer who buys every month.")
    value_tier = fields.Selection(
        VALUE_TIERS, string="Value Tier", readonly=True,
        help="High: the top 20 % of the customers by predicted value (by revenue without a "
             "model), Medium: the next 30 %, Low: the rest.")
    preferred_channel_id = fields.Many2one(
        "crm.touchpoint.channel", string="Preferred Channel", readonly=True,
        help="The channel the customer uses most to contact the company: the one of most "
             "of their inbound contacts (purchases are not contacts). Empty for a customer "
             "who never contacted the company.")

    _sql_constraints = [
        ("partner_company_uniq", "UNIQUE (partner_id, company_id)",
         "A customer has one row of metrics per company."),
    ]

    def init(self):
        self.env.cr.execute(GENERATION_SQL)
        # every row is rewritten on every recompute: with room left on each
        # page the new versions stay on their page and the indexes are not
        # touched (HOT updates), half the writes of a full rewrite
        self.env.cr.execute("ALTER TABLE crm_customer_metrics SET (fillfactor = 45)")
        # the owners of the rows written before they were kept here
        self._sync_owners()

    # sql-write: derived columns (the owner and team of each row's customer, as
    # res.partner holds them); run after a write the ORM allowed, or by the engine
    @api.model
    def _sync_owners(self, partner_ids=None, user_ids=None):
        """Bring the salesperson and team of the rows of the customers
        `partner_ids` (of the salespeople `user_ids`; every row when both
        are None) to what their partners say, in one statement: the rows
        that changed only."""
        self.env.cr.execute(sql.SQL("""
            UPDATE crm_customer_metrics m
               SET salesperson_id = {owner}, team_id = {team}
              FROM res_partner p
             WHERE p.id = m.partner_id
               AND (%(partners)s::int[] IS NULL OR m.partner_id = ANY(%(partners)s::int[]))
               AND (%(users)s::int[] IS NULL OR m.salesperson_id = ANY(%(users)s::int[]))
               AND (m.salesperson_id, m.team_id) IS DISTINCT FROM ({owner}, {team})
        """).format(owner=sql.SQL(OWNER_SQL), team=sql.SQL(TEAM_SQL)),
            {"partners": partner_ids, "users": user_ids})
        compat.invalidate_fields(self.browse(), ["salesperson_id", "team_id"])
        # and the report that reads them
        compat.invalidate_fields(self.env["crm.staff.portfolio"], ["user_id", "team_id"])

    def _compute_model_id(self):
        # sudo: finds the model a row was computed with, returned as the user
        Model = self.env["crm.clv.model"].sudo()
        keys = {(m.company_id.id, m.computed_on) for m in self}
        latest = {}
        for company_id, day in keys:
            # the rows refreshed after the nightly run: its model, the latest
            latest[company_id, day] = Model.search(
                [("company_id", "=", company_id), ("date", "<=", day)],
                order="date desc, id desc", limit=1)
            latest[company_id, day] = compat.as_user(latest[company_id, day], self.env.user)
        for metrics in self:
            metrics.model_id = latest[metrics.company_id.id, metrics.computed_on]

    # ------------------------------------------------------------ engine
    @api.model
    @api.returns("crm.clv.model")  # over RPC: the ids of the models
    # not `recompute`: that name is the ORM's (it calls it after every write)
    def compute_metrics(self, company_ids=None, as_of=None):
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
        check_companies(self.env, companies)
        models_ = self.env["crm.clv.model"]
        for company in companies:
            # two recomputes of one company would both rewrite every row: the
            # second is refused (a serialization failure otherwise, or worse)
            # (a refresh of the customers just contacted ends within seconds)
            if not wait_job_lock(self.env, "metrics", company.id):
                raise UserError(_("The metrics of %(company)s are being recomputed right now: "
                                  "try again when it is done.") % {"company": company.name})
            self._check_rows_unchanged(company)
            with self.env.cr.savepoint():
                # sudo: the engine rewrites every customer row of the company, a
                # company the caller manages (checked above); it takes no other input
                models_ |= self.sudo()._recompute_company(company, as_of)
        compat.invalidate_all(self.env)
        return models_

    def _check_rows_unchanged(self, company):
        """Holding the company's lock: fail now, not after minutes of work,
        when another writer (a refresh of the customers just contacted)
        committed the company's rows after this transaction's snapshot
        began. The rows' generation row changed then: locking it raises
        the serialization failure Odoo runs the call again for, with a new
        snapshot (quietly: Odoo retries it, it is no error)."""
        self.env.cr.execute(
            "SELECT generation FROM crm_lifecycle_metrics_generation "
            "WHERE company_id = %s FOR UPDATE", (company.id,), log_exceptions=False)

    def _settings(self):
        read = self.env["res.config.settings"]._lifecycle_read_param
        return (read("lifecycle_clv_months"), read("lifecycle_monthly_discount"),
                read("lifecycle_lapse_threshold"))

    def _recompute_company(self, company, as_of, partner_ids=None, model=None):
        """Compute and write the rows of the company's customers as of a day;
        returns the model they were computed with. The nightly run fits a
        new model on every customer. `partner_ids`: only these customers,
        with `model` (the company's latest), ranked among the stored rows
        of the others (a refresh between nightly runs, see
        crm_metrics_queue): what a run over every customer with the same
        model gives them."""
        t0 = time.time()
        until = as_of + datetime.timedelta(days=1)
        data = Arrays(self._read_touchpoints(company, until, partner_ids), as_of)
        months, discount, lapse_threshold = self._settings()
        if model is None:
            model = self._fit_model(company, as_of, data)
        # the metrics follow from the model as stored (its parameters to six
        # decimals): a refresh later in the day reads the same numbers
        compat.flush(self.env)
        compat.invalidate_fields(model, MODEL_PARAMS)
        bg = gg = None
        if model.state == "fitted":
            bg, gg = model.bg_params(), model.gg_params()
        reference = None
        if partner_ids is not None:
            reference = self._read_reference(company, partner_ids)
        values = data.metrics(bg, gg, months, discount, lapse_threshold,
                              self._read_feedback(company, until, data.partner_id, partner_ids),
                              reference=reference)
        values.update(self._channel_shift(company, data.read, values["profit"]))
        self._write_rows(company, as_of, values, partner_ids)
        generation = self._new_generation(company)
        if partner_ids is None:
            model.duration = time.time() - t0
        else:
            self._keep_reference(company, partner_ids, generation)
        _logger.info("crm_lifecycle_analytics: metrics of %d customers of %s in %.1f s",
                     data.n_rows, company.name, time.time() - t0)
        return model

    def _fit_model(self, company, as_of, data):
        """The purchase and spend models fitted on the company's customers
        (or a fixed sample of them), with their holdout check: a new
        crm.clv.model."""
        b = data.buyers
        first = (as_of - datetime.timedelta(days=int(data.tenure[b].max()))
                 if b.any() else None)
        model_vals = {"company_id": company.id, "date": fields.Date.to_string(as_of),
                      "time_unit": "day", "customers": int(b.sum()),
                      "repeat_customers": int((data.x > 0).sum()),
                      "calibration_start": first and fields.Date.to_string(first)}
        bg = gg = None
        fit = np.flatnonzero(b)
        if len(fit) > FIT_SAMPLE:  # the same sample for the same customers
            fit = np.sort(np.random.RandomState(company.id).choice(fit, FIT_SAMPLE,
                                                                   replace=False))
        model_vals["sample_size"] = len(fit)
        if model_vals["repeat_customers"] >= 2:
            try:
                bg = clv_model.fit_bgnbd(data.x[fit], data.t_x[fit], data.T[fit])
                gg = clv_model.fit_gamma_gamma(data.x[fit], data.m[fit])
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
        check = []
        if bg is not None:
            holdout_vals, check = self._holdout_check(company, as_of, data)
            model_vals.update(holdout_vals)
        return self.env["crm.clv.model"].create(dict(
            model_vals, duration=0.0, check_ids=[(0, 0, line) for line in check]))

    def _holdout_check(self, company, as_of, data):
        """The purchase model fitted on the purchases up to a cut-off (the
        holdout period before the as-of day), its predictions for the
        period set against the purchases made, by number of repeat
        purchases before the cut-off. Returns the model's values and the
        lines of the check (none when too few customers bought before)."""
        horizon = self.env["res.config.settings"]._lifecycle_read_param(
            "lifecycle_holdout_days")
        row, age = data.read["days_row"], data.read["days_age"]
        n = data.n_rows
        before = age >= horizon      # days before the cut-off (ages sorted up)
        x_cal = np.bincount(row[before], minlength=n).astype(float)
        last = np.full(n, np.nan)
        cal_rows, cal_ages = row[before], age[before]
        if len(cal_rows):
            first = np.flatnonzero(np.r_[True, cal_rows[1:] != cal_rows[:-1]])
            last[cal_rows[first]] = cal_ages[first]
        known = np.flatnonzero(x_cal > 0)
        if len(known) > FIT_SAMPLE:
            known = np.sort(np.random.RandomState(company.id).choice(known, FIT_SAMPLE,
                                                                     replace=False))
        cutoff = as_of - datetime.timedelta(days=horizon)
        vals = {"holdout_days": horizon, "holdout_cutoff": fields.Date.to_string(cutoff),
                "holdout_customers": len(known)}
        if (x_cal[known] > 1).sum() < 2:
            return vals, []
        first_age = data.tenure[known]
        after = data.n[known] - x_cal[known]
        try:
            _params, table = clv_model.holdout_check(
                x_cal[known] - 1, first_age - last[known], first_age - horizon + 1, after,
                float(horizon))
        except ValueError as error:
            _logger.warning("crm_lifecycle_analytics: no holdout check for %s: %s",
                            company.name, error)
            return vals, []
        last_group = table[-1]["repeat"]
        lines = [{"repeat_purchases": line["repeat"],
                  "name": (_("%d or more") % line["repeat"]
                           if line["repeat"] == last_group and line["repeat"] >= 7
                           else "%d" % line["repeat"]),
                  "customers": int(line["customers"]), "predicted": line["predicted"],
                  "actual": line["actual"]} for line in table]
        predicted = sum(line["predicted"] * line["customers"] for line in table)
        actual = sum(line["actual"] * line["customers"] for line in table)
        vals.update({"holdout_predicted": predicted, "holdout_actual": actual,
                     "holdout_error": 100.0 * (predicted - actual) / actual if actual else 0.0})
        return vals, lines

    def _copy_out(self, query, params, columns, on_rows):
        """Run `COPY (query) TO STDOUT (FORMAT binary)`, the record arrays of
        its rows to on_rows as they arrive."""
        cr = self.env.cr
        reader = pgcopy.Reader(columns, on_rows)
        pgcopy.copy_out(cr, cr.mogrify(query, params).decode(), reader)
        return reader.rows

    def _read_touchpoints(self, company, until, subset=None):
        """The company's touchpoints up to `until`, reduced per customer:
        one read of the rows, see Reading. subset: the ids of the only
        customers to read."""
        partner_ids = []
        self._copy_out(PARTNERS_SQL, {"partners": subset}, [("id", "int4")],
                       lambda block: partner_ids.append(block["id"].astype(np.int64)))
        channels = self.env["crm.touchpoint.channel"].with_context(active_test=False).search([])
        reading = Reading(np.concatenate(partner_ids) if partner_ids else np.zeros(0, int),
                          {c.id: c.unit_cost for c in channels},
                          datetime.datetime.combine(until, datetime.time()))
        self.env.cr.execute(HAS_COST_SQL, (company.id,))
        cost = self.env.cr.fetchone()[0]
        self._copy_out(READ_SQL.format(cost=READ_COST if cost else "",
                                       subset=READ_SUBSET if subset is not None else ""),
                       {"company": company.id, "until": fields.Date.to_string(until),
                        "partners": subset},
                       READ_COLUMNS + ([("cost", "float8")] if cost else []), reading.add)
        read = reading.result()
        read["reach"] = self._read_reach(read["partner_id"][read["out_count"] > 0],
                                         read["partner_id"])
        self._add_campaign_costs(company, until, read, subset)
        return read

    def _read_reference_rows(self, company, partner_ids=None):
        """The rows of the company (of `partner_ids` only, when given) as
        the arrays of REFERENCE_COLUMNS."""
        blocks = []
        self._copy_out(REFERENCE_SQL, {"company": company.id, "partners": partner_ids},
                       REFERENCE_COLUMNS, blocks.append)
        rows = {}
        for name, _type in REFERENCE_COLUMNS:
            parts = [block[name] for block in blocks]
            rows[name] = np.concatenate(parts) if parts else np.zeros(0)
        rows["partner_id"] = rows["partner_id"].astype(np.int64)
        rows["buyer"] = rows["buyer"].astype(bool)
        return rows

    def _generation(self, company):
        self.env.cr.execute("SELECT generation FROM crm_lifecycle_metrics_generation "
                            "WHERE company_id = %s", (company.id,))
        row = self.env.cr.fetchone()
        return row and row[0]

    # sql-write: the generation of the company's rows, by the engine that wrote them
    def _new_generation(self, company):
        self.env.cr.execute("""
            INSERT INTO crm_lifecycle_metrics_generation (company_id, generation)
            VALUES (%(company)s, nextval('crm_lifecycle_metrics_generation_seq'))
            ON CONFLICT (company_id) DO UPDATE SET generation = EXCLUDED.generation
            RETURNING generation
        """, {"company": company.id})
        return self.env.cr.fetchone()[0]

    def _read_reference(self, company, partner_ids):
        """The company's customers other than `partner_ids` as their rows
        say, for Arrays._ranks: (the rows this process sorted when it last
        read them, those of them written since or refreshed now, the rows
        written since). Read again when another writer changed the rows."""
        key = (self.env.cr.dbname, company.id)
        generation = self._generation(company)
        with _REFERENCES_LOCK:
            cached = _REFERENCES.get(key)
        if cached is None or generation is None or cached["generation"] != generation:
            rows = self._read_reference_rows(company)
            cached = {"generation": generation, "reference": Reference(rows),
                      "added": {name: column[:0] for name, column in rows.items()}}
            with _REFERENCES_LOCK:
                _REFERENCES[key] = cached
        added = cached["added"]
        changed = np.union1d(added["partner_id"], partner_ids).astype(np.int64)
        still = ~np.isin(added["partner_id"], partner_ids)
        return (cached["reference"], cached["reference"].take(changed),
                {name: column[still] for name, column in added.items()})

    def _keep_reference(self, company, partner_ids, generation):
        """After this process wrote the rows of `partner_ids` (giving the
        company's rows `generation`): its reference with those rows as
        written, without reading the others again (up to a point: then
        every row is read and sorted again)."""
        key = (self.env.cr.dbname, company.id)
        with _REFERENCES_LOCK:
            cached = _REFERENCES.pop(key, None)
        if cached is None:
            return
        added = cached["added"]
        still = ~np.isin(added["partner_id"], partner_ids)
        written = self._read_reference_rows(company, partner_ids)
        added = {name: np.concatenate([column[still], written[name]])
                 for name, column in added.items()}
        if len(added["partner_id"]) > REFERENCE_REWRITTEN:
            return
        with _REFERENCES_LOCK:
            _REFERENCES[key] = {"generation": generation, "reference": cached["reference"],
                                "added": added}

    def _read_reach(self, reached, partner_ids):
        """What a campaign can reach each of `partner_ids` by (REACH_BITS;
        0 for those not in `reached`, the customers reached outbound)."""
        reach = np.zeros(len(partner_ids), dtype=np.int64)
        if not len(reached):
            return reach
        conditions = {"no_%s" % name: condition
                      for name, condition in REACH_CONDITIONS.items()}
        blocks = []
        query = compose(REACH_SQL, opt_out=compat.EMAIL_OPT_OUT_SQL, **conditions)
        self._copy_out(query.as_string(self.env.cr._obj), {"ids": [int(i) for i in reached]},
                       [("id", "int4"), ("reach", "int4")], blocks.append)
        if blocks:
            ids = np.concatenate([b["id"] for b in blocks]).astype(np.int64)
            bits = np.concatenate([b["reach"] for b in blocks]).astype(np.int64)
            reach[np.searchsorted(partner_ids, ids)] = bits
        return reach

    def _add_campaign_costs(self, company, until, read, subset=None):
        """The customers' shares of the campaigns' costs (CAMPAIGN_COST_SQL)
        into their cost to serve (customers with a row: every contacted
        member has the touchpoint of its contact)."""
        self.env.cr.execute(CAMPAIGN_COST_SQL, {
            "company": company.id, "until": fields.Date.to_string(until), "partners": subset})
        rows = self.env.cr.fetchall()
        if not rows or not len(read["partner_id"]):
            return
        pids, extra = (np.array(col) for col in zip(*rows))
        at = np.searchsorted(read["partner_id"], pids)
        at = np.minimum(at, len(read["partner_id"]) - 1)
        known = read["partner_id"][at] == pids
        read["cost"] = read["cost"] + np.bincount(at[known], weights=extra[known].astype(float),
                                                  minlength=len(read["partner_id"]))

    def _channel_shift(self, company, read, profit):
        """The channel-shift what-if of every customer row: the cheapest
        channel a campaign may reach them by (what it needs on file, no
        refusal, consent where the channel asks for it), when it costs less
        than their outbound contacts did on average, and the profit if
        every outbound contact had gone that way. Vectorised by what the
        customer can be reached by (16 cases); the few customers with a
        consent on record one by one."""
        cr = self.env.cr
        cr.execute(SHIFT_CHANNELS_SQL)
        channels = cr.fetchall()
        cr.execute(CONSENTS_SQL, {"company": company.id})
        consents = {}
        for partner_id, channel_id, status in cr.fetchall():
            consents.setdefault(partner_id, {})[channel_id] = status
        n = len(read["partner_id"])
        best_id, best_cost = np.zeros(n, dtype=np.int64), np.zeros(n)

        def cheapest(reach, given):
            for channel_id, cost, needs, policy in channels:
                status = given.get(channel_id)
                if needs in REACH_BITS and not reach & REACH_BITS[needs]:
                    continue
                if status == "refused" or (policy == "opt_in" and status != "granted"):
                    continue
                return channel_id, float(cost)
            return 0, 0.0
        by_reach = [cheapest(reach, {}) for reach in range(16)]
        reach = read["reach"] & 15
        best_id[:] = np.array([c for c, _v in by_reach])[reach]
        best_cost[:] = np.array([v for _c, v in by_reach])[reach]
        if consents:
            at = np.flatnonzero(np.isin(read["partner_id"], list(consents)))
            for i in at:
                best_id[i], best_cost[i] = cheapest(int(reach[i]),
                                                    consents[int(read["partner_id"][i])])
        count, cost = read["out_count"], read["out_cost"]
        shifted = np.round(count * best_cost, 2)
        cheaper = (count > 0) & (best_id > 0) & (shifted < np.round(cost, 2))
        gain = np.where(cheaper, np.round(cost, 2) - shifted, 0.0)
        return {"shift_channel_id": np.where(cheaper, best_id, 0),
                "shift_gain": gain, "shift_profit": np.round(profit, 2) + gain,
                "shift_reachable": np.where(count > 0, np.where(cheaper, 100.0, 0.0), np.nan)}

    def _read_feedback(self, company, until, partner_ids, subset=None):
        """The latest NPS and CSAT (-1: none) and the open complaints of
        each customer of `partner_ids` (sorted), from the few touchpoints
        that carry them (FEEDBACK_READ_SQL)."""
        n = len(partner_ids)
        nps, csat = np.full(n, -1, dtype=np.int64), np.full(n, -1, dtype=np.int64)
        complaints = np.zeros(n, dtype=np.int64)
        self.env.cr.execute(FEEDBACK_READ_SQL, {
            "company": company.id, "until": fields.Date.to_string(until), "partners": subset})
        rows = self.env.cr.fetchall()
        if rows and n:
            pids, last_nps, last_csat, count = (np.array(col, dtype=np.int64)
                                                for col in zip(*rows))
            at = np.minimum(np.searchsorted(partner_ids, pids), n - 1)
            known = partner_ids[at] == pids
            nps[at[known]], csat[at[known]] = last_nps[known], last_csat[known]
            complaints[at[known]] = count[known]
        return {"nps": nps, "csat": csat, "complaints": complaints}

    def _write_rows(self, company, as_of, values, subset=None):
        """Upsert the rows of the company (ids stay), delete the others: the
        values go to a temporary table by binary COPY, then in one
        statement to crm_customer_metrics. subset: only the rows of these
        customers are written or deleted."""
        cr = self.env.cr
        stage = sql.Identifier(STAGE_TABLE)
        cr.execute(sql.SQL("DROP TABLE IF EXISTS {}").format(stage))
        cr.execute(sql.SQL("CREATE TEMPORARY TABLE {} ({})").format(
            stage, sql.SQL(", ").join(
                sql.SQL("{} {} NOT NULL").format(sql.Identifier(c), sql.SQL(t))
                for c, t in STAGE_COLUMNS)))
        cr.copy_expert(
            sql.SQL("COPY {} ({}) FROM STDIN (FORMAT binary)").format(
                stage, idents([c for c, _t in STAGE_COLUMNS])).as_string(cr._obj),
            pgcopy.Writer(STAGE_COLUMNS, values))
        if subset is not None:
            self._merge_stage(company, as_of, stage, len(values["partner_id"]), subset)
            cr.execute(sql.SQL("DROP TABLE {}").format(stage))
            return
        cr.execute(sql.SQL("ANALYZE {}").format(stage))
        # joins of a million rows with a million: hash joins whatever the
        # statistics of the metrics table say (never analysed, or full of
        # the dead rows of the last run), and no JIT compilation; a small
        # company's rows go through the indexes
        settings = (BIG_RUN_SETTINGS if len(values["partner_id"]) >= BIG_RUN
                    else {"jit": "off"})
        with planner_settings(cr, **settings):
            self._merge_stage(company, as_of, stage, len(values["partner_id"]))
        cr.execute(sql.SQL("DROP TABLE {}").format(stage))

    # sql-write: derived metrics written in bulk for a company the caller manages
    # (compute_metrics checks the group and the companies)
    def _merge_stage(self, company, as_of, stage, rows, subset=None):
        cr = self.env.cr
        params = {
            "company": company.id, "as_of": fields.Date.to_string(as_of),
            "until": fields.Date.to_string(as_of + datetime.timedelta(days=1)),
            "segments": [code for code, _l in SEGMENT_SELECTION],
            "bands": [code for code, _l in LAPSE_BANDS],
            "tiers": [code for code, _l in VALUE_TIERS],
            "standings": [code for code, _l in rfm.STANDINGS], "partners": subset}
        # the customers known: updated in place (ids stay); a bulk update by
        # a join, not an upsert per row
        cr.execute("""SELECT count(*) FROM crm_customer_metrics
                       WHERE company_id = %(company)s AND (%(partners)s::int[] IS NULL
                                                           OR partner_id = ANY(%(partners)s))
                   """, params)
        before = cr.fetchone()[0]
        # with the owner and team of each customer (Portfolio Health reads
        # them here): the rows of a nightly run follow the partners whatever
        # wrote them
        owners = [("salesperson_id", OWNER_SQL), ("team_id", TEAM_SQL)]
        cr.execute(sql.SQL("""
            UPDATE crm_customer_metrics m SET computed_on = %(as_of)s, {updates}
              FROM {stage} s JOIN res_partner p ON p.id = s.partner_id
             WHERE m.company_id = %(company)s AND m.partner_id = s.partner_id
        """).format(stage=stage, updates=sql.SQL(", ").join(
            sql.SQL("{} = {}").format(sql.Identifier(c), sql.SQL(e))
            for c, e in WRITE_COLUMNS[1:] + owners)), params)
        updated = cr.rowcount
        if updated == rows and updated == before:
            return  # the same customers as last time: nothing to add or remove
        cr.execute(sql.SQL("""
            INSERT INTO crm_customer_metrics (company_id, computed_on, {cols})
            SELECT %(company)s, %(as_of)s, {exprs}
              FROM {stage} s JOIN res_partner p ON p.id = s.partner_id
             WHERE NOT EXISTS (SELECT 1 FROM crm_customer_metrics m
                                WHERE m.company_id = %(company)s
                                  AND m.partner_id = s.partner_id)
        """).format(cols=idents([c for c, _e in WRITE_COLUMNS + owners]), stage=stage,
                    exprs=sql.SQL(", ").join(sql.SQL(e) for _c, e in WRITE_COLUMNS + owners)
                    ), params)
        cr.execute(sql.SQL("""
            DELETE FROM crm_customer_metrics m
             WHERE m.company_id = %(company)s
               AND (%(partners)s::int[] IS NULL OR m.partner_id = ANY(%(partners)s::int[]))
               AND NOT EXISTS (SELECT 1 FROM {stage} s WHERE s.partner_id = m.partner_id)
        """).format(stage=stage), params)

    def _compute_next_activity_date(self):
        """One query for the rows shown (Odoo's stored next deadline of a
        partner is not refreshed when an activity is added)."""
        partners = self.mapped("partner_id").ids
        deadlines = {}
        if partners:
            self.env.cr.execute("""
                SELECT p.commercial_partner_id, min(a.date_deadline)
                  FROM mail_activity a JOIN res_partner p ON p.id = a.res_id
                 WHERE a.res_model = 'res.partner' AND p.commercial_partner_id = ANY(%s)
                 GROUP BY 1
            """, (partners,))
            deadlines = dict(self.env.cr.fetchall())
        for row in self:
            row.next_activity_date = deadlines.get(row.partner_id.id) or False

    @api.model
    def _search_next_activity_date(self, operator, value):
        """Rows with (`!= False`) or without (`= False`) a scheduled
        activity; other comparisons against the earliest deadline. One
        subquery over the activities, not a value per row."""
        deadlines = sql.SQL("""SELECT p.commercial_partner_id FROM mail_activity a
                                 JOIN res_partner p ON p.id = a.res_id
                                WHERE a.res_model = 'res.partner'""")
        if value is False and operator in ("=", "!="):
            params = ()
        elif operator in ("<", "<=", ">", ">=", "="):
            # the operator is one of the five above, never the caller's text
            deadlines += sql.SQL(" GROUP BY 1 HAVING min(a.date_deadline) {} %s").format(
                sql.SQL(operator))
            params = (value,)
        else:
            raise UserError(_("Next Activity can be searched as set, not set or compared "
                              "with a date."))
        self.env.cr.execute(deadlines, params)
        partners = [row[0] for row in self.env.cr.fetchall()]
        inside = "not in" if (value is False and operator == "=") else "in"
        return [("partner_id", inside, partners)]

    @api.model
    def action_segment_worth_shifting(self):
        """One click: a segment (a rule, kept up to date) of the customers of
        the user's company worth a cheaper channel, opened in its form."""
        context = self.env.context  # noqa: F841 (the language of _() on Odoo 18)
        company = self.env.user.company_id
        segment = self.env["crm.segment"].create({
            "name": _("Worth a Cheaper Channel"), "kind": "rule",
            "lifecycle_worth_shifting": True, "company_id": company.id})
        segment.refresh_members()
        return {"type": "ir.actions.act_window", "res_model": "crm.segment",
                "res_id": segment.id, "view_mode": "form", "target": "current"}

    def action_open_timeline(self):
        """The customer's timeline."""
        self.ensure_one()
        return self.partner_id.action_view_touchpoints()

    def action_schedule_call(self):
        """Odoo's own activity dialog on the customer, filled in for a call
        by the customer's salesperson (the user when there is none)."""
        self.ensure_one()
        partner = self.partner_id
        call = self.env.ref("mail.mail_activity_data_call")
        responsible = (partner.user_id or self.env.user).id
        return {
            "type": "ir.actions.act_window",
            "name": _("Schedule a Call: %s") % partner.display_name,
            "res_model": "mail.activity",
            "view_mode": "form",
            "views": [(self.env.ref("mail.mail_activity_view_form_popup").id, "form")],
            "target": "new",
            "context": {
                "default_res_model": "res.partner",
                "default_res_model_id": self.env.ref("base.model_res_partner").id,
                "default_res_id": partner.id,
                "default_activity_type_id": call.id,
                "default_summary": _("Win-back call"),
                "default_user_id": responsible,
                # kept when the dialog sets the type (see mail.activity)
                "lifecycle_activity_user_id": responsible,
                "default_date_deadline": fields.Date.context_today(self),
            },
        }

    @api.model
    def _cron_recompute(self):
        # sudo: the nightly cron works for every company; it takes no input
        companies = self.env["res.company"].sudo().search([])
        for company in companies:
            # one transaction per company, run again with a new snapshot when a
            # refresh of the customers just contacted committed the company's
            # rows after it began (compute_metrics fails at once then)
            # sudo: the cron (no caller) recomputes every company listed above
            commit_retrying(self.env.cr, lambda company=company: self.sudo().compute_metrics(
                company_ids=company.ids))
        self.env["crm.customer.snapshot"]._cron_snapshot()
        self._cron_win_back()

    @api.model
    def _cron_win_back(self):
        """After the nightly recompute: the win-back follow-ups, when the
        setting asks for them."""
        if not self.env["res.config.settings"]._lifecycle_read_param("lifecycle_win_back"):
            return 0
        # sudo: the nightly cron works for every company; it takes no input
        companies = self.env["res.company"].sudo().search([])
        # sudo: the cron (no caller) schedules for every company listed above
        return self.sudo().schedule_win_back(company_ids=companies.ids)

    # sql-write: one activity per lapsing valuable customer in one statement; the manager group
    # and the companies are checked first; the note is sanitised
    @api.model
    def schedule_win_back(self, company_ids=None):
        """Schedule a "Win Back" activity for the salesperson of every
        valuable customer (value tier of the settings) whose probability of
        being active fell below the lapse threshold, unless one is already
        open for the customer. Set-based: one INSERT. Customers without an
        active salesperson are left out. Returns the number scheduled."""
        if not self.env.user.has_group("crm_lifecycle.crm_lifecycle_group_manager"):
            raise UserError(_("Only Customer Lifecycle managers can schedule win-back "
                              "activities."))
        read = self.env["res.config.settings"]._lifecycle_read_param
        tiers = ["high"] if read("lifecycle_win_back_tiers") == "high" else ["high", "medium"]
        activity_type = self.env.ref("crm_lifecycle_analytics.mail_activity_type_win_back")
        companies = company_ids or self.env.user.company_ids.ids
        check_companies(self.env, companies)
        today = fields.Date.context_today(self)
        if not isinstance(today, datetime.date):  # port>=12: a date already
            today = fields.Date.from_string(today)
        deadline = today + datetime.timedelta(days=compat.activity_delay(activity_type))
        cr = self.env.cr
        # the ORM's pending writes reach the tables before this query
        compat.flush(self.env)
        # a customer with rows in several companies gets one activity, from
        # its most valuable row
        extra_columns, extra_values = compat.activity_columns_sql("p.user_id")
        query = compose("""
            INSERT INTO mail_activity (res_model_id, res_model, res_id, res_name,
                                       activity_type_id, summary, note, date_deadline,
                                       user_id, create_uid, write_uid, create_date,
                                       write_date {extra_columns})
            SELECT DISTINCT ON (m.partner_id)
                   %(model)s, 'res.partner', m.partner_id, p.{name}, %(type)s,
                   %(summary)s,
                   replace(replace(replace(%(note)s,
                       '%%(p_alive)s', round(m.p_alive::numeric, 2)::text),
                       '%%(value)s', coalesce(m.clv::text, '')),
                       '%%(last)s', coalesce(m.last_purchase::text, '')),
                   %(deadline)s, p.user_id, %(uid)s, %(uid)s, now() at time zone 'UTC',
                   now() at time zone 'UTC' {extra_values}
              FROM crm_customer_metrics m
              JOIN res_partner p ON p.id = m.partner_id AND p.active
              JOIN res_users u ON u.id = p.user_id AND u.active
             WHERE m.company_id = ANY(%(companies)s)
               AND m.p_alive < %(threshold)s AND m.value_tier = ANY(%(tiers)s)
               AND NOT EXISTS (SELECT 1 FROM mail_activity a
                                WHERE a.res_model = 'res.partner'
                                  AND a.res_id = m.partner_id
                                  AND a.activity_type_id = %(type)s)
             ORDER BY m.partner_id, m.clv DESC NULLS LAST
        """, name=sql.Identifier(compat.PARTNER_NAME_COLUMN), extra_columns=extra_columns,
                        extra_values=extra_values)
        cr.execute(query, {
            "model": self.env.ref("base.model_res_partner").id, "type": activity_type.id,
            "summary": activity_type.summary or activity_type.name,
            # an Html field written in SQL: the (translated) text sanitised
            # as the ORM would; the values filled in are numbers and dates
            "note": html_sanitize(_("<p>Probability still active: %(p_alive)s; predicted "
                                    "value: %(value)s; last purchase: %(last)s.</p>")),
            "deadline": fields.Date.to_string(deadline), "uid": self.env.uid,
            "companies": list(companies), "threshold": read("lifecycle_lapse_threshold"),
            "tiers": tiers})
        scheduled = cr.rowcount
        compat.invalidate_all(self.env)
        _logger.info("crm_lifecycle_analytics: %d win-back activities scheduled", scheduled)
        return scheduled

    @api.model
    def action_schedule_win_back(self):
        """Schedule now; then show the lapsed customers."""
        self.schedule_win_back()
        action = compat.action_values(self.env.ref(
            "crm_lifecycle_analytics.crm_customer_metrics_action_lapsing"))
        action["context"] = {}
        return action

    @api.model
    def action_recompute(self):
        self.compute_metrics()
        return compat.action_values(self.env.ref(
            "crm_lifecycle_analytics.crm_customer_metrics_action"))
