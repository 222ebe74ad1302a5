# Copyright 2026 crm_lifecycle contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Campaigns: an audience taken from segments, split at random into a
target group that is contacted and a control group that is not, so that the
campaign is judged by what it changed, not only by who answered.

The audience is built in one INSERT ... SELECT: the segments' customers,
each either excluded with a reason (archived or merged, opted out, refused
the channel, no consent on an opt-in channel, nothing to reach them by) or
drawn into the target or control group by a hash of the campaign's seed and
the customer (the same seed always gives the same split, whatever the order
of the rows). Contacts made are touchpoints carrying the campaign's UTM
campaign; responses are matched when touchpoints are written
(crm_campaign_response.py).
"""
import base64
import csv
import hashlib
import io
import random
import uuid
from datetime import timedelta

from psycopg2 import sql

from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import html_sanitize, plaintext2html

from .. import compat
from ..guard import check_companies, csv_cell
from ..sql import compose

OBJECTIVES = [
    ("acquisition", "Acquisition"),
    ("cross_sell", "Cross-Sell"),
    ("up_sell", "Up-Sell"),
    ("retention", "Retention"),
    ("win_back", "Win-Back"),
    ("loyalty", "Loyalty"),
    ("awareness", "Awareness"),
]
STATES = [
    ("draft", "Draft"),
    ("planned", "Planned"),
    # launched, but nothing has reached the target group yet (a mailing still
    # to send, calls still to make): no figure to judge it by
    ("launched", "Launched, Not Yet Sent"),
    ("running", "Running"),
    ("done", "Done"),
    ("cancel", "Cancelled"),
]
MEMBER_STATES = [
    ("planned", "Planned"),
    ("excluded", "Excluded"),
    ("contacted", "Contacted"),
    ("responded", "Responded"),
    ("converted", "Converted"),
]
GROUPS = [("target", "Target"), ("control", "Control")]
# why a member of a campaign that routes each customer is on its channel
# (crm_campaign_route.py)
ROUTE_REASONS = [
    ("responses", "Answered Campaigns There"),
    ("preferred", "Their Preferred Channel"),
    ("segment", "Best Rate in Their Segment"),
    ("campaign", "The Campaign's Channel"),
    ("fallback", "Only Channel Allowed for Them"),
]
EXCLUSION_REASONS = [
    ("universal", "Universal Holdout"),
    ("inactive", "Archived or Merged"),
    ("opt_out", "Opted Out of Mailings"),
    ("refused", "Refused the Channel"),
    ("no_consent", "No Consent for the Channel"),
    ("no_address", "Nothing to Reach Them By"),
]
# The universal holdout: a share of the customers (setting, at most
# MAX_UNIVERSAL_PERCENT) kept out of every campaign, to measure what all the
# campaigns together earn. A customer's draw is uniform in [0, 1) from the
# database's own seed and the customer's id: the same at every campaign and
# recompute, and a new customer enters at the same rate. The same draw in
# SQL (the audience) and in Python (`universal_draw`).
UNIVERSAL_PERCENT_KEY = "crm_lifecycle.universal_holdout_percent"
UNIVERSAL_SEED_KEY = "crm_lifecycle.universal_holdout_seed"
MAX_UNIVERSAL_PERCENT = 10.0
UNIVERSAL_DRAW_SQL = (
    "((('x' || substr(md5(%(universal_seed)s || ':' || {id}::text), 1, 8))::bit(32)::int"
    "::float8 + 2147483648.0) / 4294967296.0)")


def universal_draw(seed, partner_id):
    """A customer's draw of the universal holdout, as UNIVERSAL_DRAW_SQL
    computes it (the md5's first 32 bits read as a signed integer, moved
    up by 2^31)."""
    value = int(hashlib.md5(("%s:%d" % (seed, partner_id)).encode()).hexdigest()[:8], 16)
    return ((value + 2 ** 31) % 2 ** 32) / 4294967296.0


def universal_holdout(env):
    """(share, seed) of the universal holdout: share 0.0 when off. The seed
    is drawn once, the first time the holdout is used."""
    # sudo: settings of the suite stored as system parameters; the seed is
    # written once with a random value, nothing the caller gives
    params = env["ir.config_parameter"].sudo()
    try:
        share = min(max(float(params.get_param(UNIVERSAL_PERCENT_KEY) or 0.0), 0.0),
                    MAX_UNIVERSAL_PERCENT) / 100.0
    except ValueError:
        share = 0.0
    seed = params.get_param(UNIVERSAL_SEED_KEY) or ""
    if share and not seed:
        seed = uuid.uuid4().hex
        params.set_param(UNIVERSAL_SEED_KEY, seed)
    return share, seed


# what a customer needs on file for each `reach_by` of the channel
REACH_CONDITIONS = {
    "email": "COALESCE(btrim(cp.email), '') = ''",
    "phone": "COALESCE(btrim(cp.phone), '') = '' AND COALESCE(btrim(cp.mobile), '') = ''",
    "mobile": "COALESCE(btrim(cp.mobile), '') = '' AND COALESCE(btrim(cp.phone), '') = ''",
    "address": "COALESCE(btrim(cp.street), '') = '' OR COALESCE(btrim(cp.city), '') = ''",
}
EXPORT_COLUMNS = ["name", "email", "phone", "mobile", "street", "street2", "zip", "city",
                  "country", "salesperson", "reference"]


def new_seed():
    return random.SystemRandom().randint(1, 2 ** 31 - 1)


class CrmCampaign(models.Model):
    """A marketing or sales campaign on one channel to the customers of one
    or more segments, with a holdout control group."""

    _name = "crm.campaign"
    _description = "Customer Campaign"
    _inherit = ["mail.thread"]
    _inherits = {"utm.campaign": "utm_campaign_id"}
    _order = "date_planned desc, id desc"

    utm_campaign_id = fields.Many2one(
        "utm.campaign", string="UTM Campaign", required=True, ondelete="cascade",
        auto_join=True,
        help="Leads, orders, mailings and touchpoints carrying this UTM campaign are "
             "attributed to the campaign.")
    objective = fields.Selection(
        OBJECTIVES, required=True, default="retention", **compat.TRACKING,
        help="What the campaign is for; earlier campaigns with the same channel give the "
             "forecast.")
    description = fields.Text(help="The offer and the message.")
    active = fields.Boolean(default=True)
    color = fields.Integer()
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.user.company_id)
    currency_id = fields.Many2one(
        "res.currency", related="company_id.currency_id", readonly=True)
    user_id = fields.Many2one(
        "res.users", string="Owner", default=lambda self: self.env.user,
        **compat.TRACKING, help="Who plans and answers for the campaign.")
    team_id = fields.Many2one(
        "crm.team", string="Sales Channel",
        default=lambda self: self.env["crm.team"]._get_default_team_id(),
        help="The team running the campaign; its contacts are counted for this team.")
    segment_ids = fields.Many2many(
        "crm.segment", "crm_campaign_segment_rel", "campaign_id", "segment_id",
        string="Segments",
        help="The audience: the customers of these segments (companies for their contacts).")
    channel_id = fields.Many2one(
        "crm.touchpoint.channel", string="Channel", required=True, ondelete="restrict",
        **compat.TRACKING,
        help="How the target customers are reached. The channel's consent rule and what "
             "a customer needs on file decide who is excluded.")
    execution = fields.Selection(
        related="channel_id.campaign_execution", readonly=True, string="Execution")
    activity_type_id = fields.Many2one(
        "mail.activity.type", string="Activity Type",
        default=lambda self: self.env.ref("mail.mail_activity_data_call",
                                          raise_if_not_found=False),
        help="Call or visit campaigns: the activity scheduled for each target customer.")
    agent_ids = fields.Many2many(
        "res.users", "crm_campaign_agent_rel", "campaign_id", "user_id", string="Agents",
        help="Call-centre agents sharing the call list fairly (each gets the same number "
             "of customers, give or take one). Empty: each customer's own salesperson, or "
             "the owner for customers without one.")
    date_planned = fields.Date(
        string="Planned Start", required=True, default=fields.Date.context_today,
        **compat.TRACKING)
    date_planned_end = fields.Date(string="Planned End")
    date_start = fields.Datetime(
        string="Launched On", readonly=True, copy=False,
        help="Responses are counted from this moment.")
    date_done = fields.Datetime(string="Closed On", readonly=True, copy=False)
    response_days = fields.Integer(
        string="Response Window (days)", required=True, default=30,
        help="A member's inbound contact, new lead or order counts as a response when it "
             "comes within this many days after the launch.")
    date_response_end = fields.Datetime(
        string="Responses Until", compute="_compute_date_response_end",
        help="End of the response window.")
    budget = fields.Monetary(
        help="What may be spent. A campaign whose planned cost is above its budget cannot "
             "be planned.")
    fixed_cost = fields.Monetary(help="Creative, printing, agency: cost whatever the audience.")
    cost_per_contact = fields.Monetary(
        help="Cost of one contact (postage, call minutes, staff time). Defaults to the "
             "channel's cost per contact.")
    holdout_percent = fields.Float(
        string="Control Group (%)", default=10.0, digits=(5, 2),
        help="Share of the audience drawn at random into the control group, which is never "
             "contacted: what the campaign changed is the difference between the groups.")
    seed = fields.Integer(
        string="Random Seed", default=lambda self: new_seed(), copy=False,
        help="The draw into target and control is fixed by this number: the same seed "
             "gives the same split.")
    state = fields.Selection(
        STATES, default="draft", required=True, readonly=True, copy=False,
        **compat.TRACKING,
        help="Launched, Not Yet Sent: the campaign was launched but no target customer has "
             "been contacted yet (a mailing to send, calls or visits to make). It becomes "
             "Running with the first contact.")
    member_ids = fields.One2many("crm.campaign.member", "campaign_id", string="Members")
    export_attachment_id = fields.Many2one(
        "ir.attachment", string="Target List", readonly=True, copy=False,
        help="The export of the target customers made at launch (letters, SMS).")

    # live figures (one aggregate query for all the campaigns shown)
    audience_count = fields.Integer(string="Audience", compute="_compute_figures")
    target_count = fields.Integer(string="Target", compute="_compute_figures")
    control_count = fields.Integer(string="Control", compute="_compute_figures")
    excluded_count = fields.Integer(string="Excluded", compute="_compute_figures")
    contacted_count = fields.Integer(string="Contacted", compute="_compute_figures")
    target_responded = fields.Integer(
        string="Target Responses", compute="_compute_figures",
        help="Target members who responded (or bought) in the window.")
    control_responded = fields.Integer(
        string="Control Responses", compute="_compute_figures",
        help="Control members who responded (or bought) in the window: what would have "
             "happened anyway.")
    target_revenue = fields.Monetary(string="Target Revenue", compute="_compute_figures")
    control_revenue = fields.Monetary(string="Control Revenue", compute="_compute_figures")
    response_count = fields.Integer(
        string="Responses", compute="_compute_figures",
        help="All matched responses, non-members carrying the campaign's UTM included.")
    activity_count = fields.Integer(string="Open Activities", compute="_compute_figures")
    target_rate = fields.Float(
        string="Target Response Rate (%)", compute="_compute_figures", digits=(5, 2))
    control_rate = fields.Float(
        string="Control Response Rate (%)", compute="_compute_figures", digits=(5, 2))
    planned_cost = fields.Monetary(
        compute="_compute_figures",
        help="Fixed cost plus the cost per contact for every target member.")
    actual_cost = fields.Monetary(
        string="Cost So Far", compute="_compute_figures",
        help="Fixed cost plus the cost per contact for every member contacted.")
    exclusion_summary = fields.Char(
        string="Exclusions", compute="_compute_figures",
        help="Audience members excluded, by reason.")
    contact_status = fields.Char(
        string="Sending", compute="_compute_figures",
        help="What a launched campaign still waits for before it reaches anyone (its mailing "
             "to be sent, its calls or visits to be done), and how many target customers "
             "have been contacted.")

    _sql_constraints = [
        ("holdout_range", "CHECK (holdout_percent >= 0 AND holdout_percent < 100)",
         "The control group share must be at least 0 % and below 100 %."),
        ("response_days_positive", "CHECK (response_days > 0)",
         "The response window must be at least one day."),
    ]

    def init(self):
        # response matching looks the launched campaigns up on every write
        self.env.cr.execute("DROP INDEX IF EXISTS crm_campaign_live_idx")
        self.env.cr.execute("""
            CREATE INDEX IF NOT EXISTS crm_campaign_launched_idx
                ON crm_campaign (state) WHERE state IN ('launched', 'running', 'done')
        """)

    # ------------------------------------------------------------ compute
    @api.depends("date_start", "response_days")
    def _compute_date_response_end(self):
        for campaign in self:
            campaign.date_response_end = campaign.date_start and fields.Datetime.to_string(
                fields.Datetime.from_string(campaign.date_start)
                + timedelta(days=campaign.response_days or 0))

    def _figures(self):
        """{campaign id: aggregate row} of the members, responses and open
        activities, in three queries for the whole recordset."""
        result = {cid: {} for cid in self.ids}
        ids = [cid for cid in self.ids if isinstance(cid, int)]
        if not ids:
            return result
        cr = self.env.cr
        # the ORM's pending writes reach the tables before these queries
        compat.flush(self.env)
        cr.execute("""
            SELECT campaign_id,
                   count(*) FILTER (WHERE split_group IS NOT NULL),
                   count(*) FILTER (WHERE split_group = 'target'),
                   count(*) FILTER (WHERE split_group = 'control'),
                   count(*) FILTER (WHERE state = 'excluded'),
                   count(*) FILTER (WHERE contact_date IS NOT NULL),
                   count(*) FILTER (WHERE split_group = 'target' AND response_date IS NOT NULL),
                   count(*) FILTER (WHERE split_group = 'control' AND response_date IS NOT NULL),
                   COALESCE(sum(revenue) FILTER (WHERE split_group = 'target'), 0),
                   COALESCE(sum(revenue) FILTER (WHERE split_group = 'control'), 0),
                   COALESCE(sum(contact_cost) FILTER (WHERE split_group = 'target'), 0),
                   COALESCE(sum(contact_cost) FILTER (WHERE contact_date IS NOT NULL), 0)
              FROM crm_campaign_member WHERE campaign_id = ANY(%s) GROUP BY 1
        """, (ids,))
        keys = ("audience", "target", "control", "excluded", "contacted", "target_responded",
                "control_responded", "target_revenue", "control_revenue", "target_cost",
                "contacted_cost")
        for row in cr.fetchall():
            result[row[0]].update(zip(keys, row[1:]))
        cr.execute("""
            SELECT campaign_id, exclusion_reason, count(*) FROM crm_campaign_member
             WHERE campaign_id = ANY(%s) AND state = 'excluded' GROUP BY 1, 2 ORDER BY 3 DESC
        """, (ids,))
        for cid, reason, count in cr.fetchall():
            result[cid].setdefault("exclusions", []).append((reason, count))
        cr.execute("""
            SELECT campaign_id, count(*) FROM crm_campaign_response
             WHERE campaign_id = ANY(%s) GROUP BY 1
        """, (ids,))
        for cid, count in cr.fetchall():
            result[cid]["responses"] = count
        cr.execute("""
            SELECT m.campaign_id, count(*) FROM mail_activity a
              JOIN crm_campaign_member m ON m.id = a.campaign_member_id
             WHERE m.campaign_id = ANY(%s) GROUP BY 1
        """, (ids,))
        for cid, count in cr.fetchall():
            result[cid]["activities"] = count
        return result

    def _compute_figures(self):
        figures = self._figures()
        for campaign in self:
            fig = figures.get(campaign.id, {})
            target, control = fig.get("target", 0), fig.get("control", 0)
            campaign.audience_count = fig.get("audience", 0)
            campaign.target_count = target
            campaign.control_count = control
            campaign.excluded_count = fig.get("excluded", 0)
            campaign.contacted_count = fig.get("contacted", 0)
            campaign.target_responded = fig.get("target_responded", 0)
            campaign.control_responded = fig.get("control_responded", 0)
            campaign.target_revenue = fig.get("target_revenue", 0.0)
            campaign.control_revenue = fig.get("control_revenue", 0.0)
            campaign.response_count = fig.get("responses", 0)
            campaign.activity_count = fig.get("activities", 0)
            campaign.target_rate = 100.0 * campaign.target_responded / target if target else 0.0
            campaign.control_rate = \
                100.0 * campaign.control_responded / control if control else 0.0
            # each member costs a contact on its own channel (routing)
            campaign.planned_cost = campaign.fixed_cost + float(fig.get("target_cost", 0.0))
            campaign.actual_cost = campaign.fixed_cost + float(fig.get("contacted_cost", 0.0))
            campaign.exclusion_summary = campaign._exclusion_text(fig.get("exclusions", []))
            campaign.contact_status = campaign._contact_status() or False

    def _contact_status(self):
        """The line a launched campaign shows while nothing has reached its
        target group; False otherwise (bridges name what is awaited)."""
        self.ensure_one()
        if self.state != "launched":
            return False
        values = {"contacted": self.contacted_count, "target": self.target_count,
                  "open": self.activity_count}
        if self.execution == "activity":
            return _("Waiting for the first call or visit to be done: %(contacted)d of "
                     "%(target)d target customers contacted, %(open)d open activities. No "
                     "verdict before the first contact.") % values
        return _("Nothing sent yet: %(contacted)d of %(target)d target customers contacted. "
                 "No verdict before the first contact.") % values

    # ------------------------------------------------------------ ORM
    @api.onchange("channel_id")
    def _onchange_channel_id(self):
        if self.channel_id:
            self.cost_per_contact = self.channel_id.unit_cost

    def _holdout_error(self, value):
        """The message for a control group share out of range (the database
        constraint holdout_range: at least 0 and below 100), or None."""
        if value is None or value is False or 0.0 <= float(value) < 100.0:
            return None
        return _("%(field)s must be at least 0 and below 100: it is the share of the "
                 "audience held out and never contacted (100 would leave no one to contact). "
                 "%(value)s was entered.") % {
                     "field": self._fields["holdout_percent"]._description_string(self.env),
                     "value": "%g" % float(value)}

    @api.onchange("holdout_percent")
    def _onchange_holdout_percent(self):
        message = self._holdout_error(self.holdout_percent)
        if message:
            return {"warning": {"title": _("Control group share out of range"),
                                "message": message}}
        return None

    @api.constrains("holdout_percent")
    def _check_holdout_percent(self):
        for campaign in self:
            message = campaign._holdout_error(campaign.holdout_percent)
            if message:
                raise ValidationError(message)

    def _check_holdout_vals(self, vals):
        """Before the database constraint: a clear message on the field."""
        if "holdout_percent" in vals:
            message = self._holdout_error(vals["holdout_percent"])
            if message:
                raise ValidationError(message)

    @compat.model_create_multi
    def create(self, vals_list):
        vals_list = [dict(vals) for vals in vals_list]
        for vals in vals_list:
            self._check_holdout_vals(vals)
            if "cost_per_contact" not in vals and vals.get("channel_id"):
                vals["cost_per_contact"] = self.env["crm.touchpoint.channel"].browse(
                    vals["channel_id"]).unit_cost
        return compat.create_records(super(CrmCampaign, self).create, vals_list)

    def _locked_after_launch(self):
        """The fields the audience and the figures rest on (bridges add
        theirs)."""
        return {"segment_ids", "channel_id", "holdout_percent", "seed", "company_id"}

    def write(self, vals):
        self._check_holdout_vals(vals)
        locked = self._locked_after_launch()
        if locked & set(vals) and self.filtered(
                lambda c: c.state in ("launched", "running", "done")):
            raise UserError(_("The audience, channel, control group and seed of a launched "
                              "campaign cannot change: its figures rest on them."))
        return super(CrmCampaign, self).write(vals)

    def unlink(self):
        if self.filtered(lambda c: c.state in ("launched", "running", "done")):
            raise UserError(_("A launched campaign cannot be deleted; archive it instead."))
        utm = self.mapped("utm_campaign_id")
        result = super(CrmCampaign, self).unlink()
        # the UTM campaign goes with it unless something else uses it
        for campaign in utm:
            try:
                with self.env.cr.savepoint():
                    campaign.unlink()
            except Exception:  # pylint: disable=broad-except
                continue
        return result

    @api.constrains("segment_ids", "company_id")
    def _check_segments(self):
        for campaign in self:
            other = campaign.segment_ids.filtered(lambda s: s.company_id != campaign.company_id)
            if other:
                raise ValidationError(_(
                    "Campaign %(campaign)s: segment %(segment)s belongs to another company.")
                    % {"campaign": campaign.name, "segment": other[0].name})

    # ------------------------------------------------------------ audience
    def _check_manager(self):
        """Every action of a campaign: a manager, allowed by the ORM to change
        these campaigns, in their companies (the actions then work in SQL)."""
        if not self.env.user.has_group("crm_lifecycle.crm_lifecycle_group_manager"):
            raise UserError(_("Only Customer Lifecycle managers can plan and run campaigns."))
        self.check_access_rights("write")
        self.check_access_rule("write")
        check_companies(self.env, self.mapped("company_id"))

    def _audience_checks(self, channel=None):
        """The exclusion checks for contacting the customers on `channel`
        (the campaign's by default), in order: [(reason, SQL condition)].
        The conditions read `cp` (the customer's res_partner row) and `cs`
        (its latest consent for the channel); bridges add their own."""
        self.ensure_one()
        channel = channel or self.channel_id
        checks = []
        if universal_holdout(self.env)[0]:
            # first: a customer of the universal holdout is never drawn
            checks.append(("universal", UNIVERSAL_DRAW_SQL.format(id="cp.id")
                           + " < %(universal)s"))
        checks.append(("inactive", "NOT cp.active"))
        reach = channel.reach_by or "none"
        if reach == "email":
            checks.append(("opt_out", compat.EMAIL_OPT_OUT_SQL))
        checks.append(("refused", "cs.status = 'refused'"))
        if channel.consent_policy == "opt_in":
            checks.append(("no_consent", "cs.status IS NULL"))
        if reach in REACH_CONDITIONS:
            checks.append(("no_address", REACH_CONDITIONS[reach]))
        return checks

    def _audience_extra(self):
        """Extra joins and parameters for the checks of a bridge."""
        return "", {}

    def _route_scores(self):
        """The CTEs and ORDER BY keys that rank the allowed channels of a
        customer for a routed campaign (crm_campaign_route.py): the earlier
        responses of the customer per channel, their inbound contacts per
        channel, their segment's response rate per channel; and the reason
        of the choice."""
        ctes = """, history AS (
                SELECT m.partner_id, m.channel_id, count(*) AS responses
                  FROM crm_campaign_member m
                  JOIN seg ON seg.partner_id = m.partner_id
                 WHERE m.channel_id = ANY(%(channel_ids)s) AND m.split_group = 'target'
                   AND m.contact_date IS NOT NULL AND m.response_date IS NOT NULL
                   AND m.campaign_id <> %(campaign_id)s
                 GROUP BY 1, 2
            ), inbound AS (
                SELECT t.commercial_partner_id AS partner_id, t.channel_id, count(*) AS contacts
                  FROM crm_touchpoint t
                  JOIN seg ON seg.partner_id = t.commercial_partner_id
                 WHERE t.channel_id = ANY(%(channel_ids)s) AND t.direction = 'inbound'
                   AND (t.company_id IS NULL OR t.company_id = %(company_id)s)
                 GROUP BY 1, 2
            ), seg_rate AS (
                SELECT m.segment_id, m.channel_id,
                       avg((m.response_date IS NOT NULL)::int)::float8 AS rate
                  FROM crm_campaign_member m
                 WHERE m.segment_id = ANY(%(segment_ids)s)
                   AND m.channel_id = ANY(%(channel_ids)s) AND m.split_group = 'target'
                   AND m.contact_date IS NOT NULL AND m.campaign_id <> %(campaign_id)s
                 GROUP BY 1, 2
            )"""
        joins = """LEFT JOIN history h ON h.partner_id = pr.partner_id
                                       AND h.channel_id = pr.channel_id
                   LEFT JOIN inbound i ON i.partner_id = pr.partner_id
                                      AND i.channel_id = pr.channel_id
                   LEFT JOIN seg_rate sr ON sr.segment_id = pr.segment_id
                                        AND sr.channel_id = pr.channel_id"""
        # an allowed channel first, then the rule's keys (none for the others:
        # a customer no channel reaches keeps the campaign's channel's reason)
        order = """pr.reason IS NULL DESC,
                   CASE WHEN pr.reason IS NULL THEN COALESCE(h.responses, 0) END DESC,
                   CASE WHEN pr.reason IS NULL THEN COALESCE(i.contacts, 0) END DESC,
                   CASE WHEN pr.reason IS NULL THEN sr.rate END DESC NULLS LAST,
                   pr.rank"""
        why = """CASE WHEN pr.reason IS NOT NULL THEN NULL
                      WHEN h.responses > 0 THEN 'responses'
                      WHEN i.contacts > 0 THEN 'preferred'
                      WHEN sr.rate IS NOT NULL THEN 'segment'
                      WHEN pr.rank = 1 THEN 'campaign'
                      ELSE 'fallback' END"""
        return ctes, joins, order, why

    def _audience_query(self):
        """The SELECT of the audience rows: partner_id, reason, split_group,
        user_id, arm_id, channel_id, channel_reason, contact_cost; and its
        parameters. Each customer is judged on every channel the campaign
        may use (its own, and its routes' when it routes each customer) and
        keeps the first allowed one by the routing rule."""
        self.ensure_one()
        routes = self._route_channels()
        channel_ids = [channel.id for channel, _cost in routes]
        # each channel's checks, as one CASE on the channel of the pair
        reason = "CASE ch.pr_channel %s END" % " ".join(
            "WHEN %d THEN (CASE %s END)" % (channel.id, " ".join(
                "WHEN (%s) THEN '%s'" % (condition, code)
                for code, condition in self._audience_checks(channel)))
            for channel, _cost in routes)
        extra_joins, extra_params = self._audience_extra()
        routed = len(routes) > 1
        if routed:
            score_ctes, score_joins, order, why = self._route_scores()
            distinct, order = "DISTINCT ON (pr.partner_id)", "ORDER BY pr.partner_id, " + order
        else:
            # one channel, one row per customer: nothing to choose
            score_ctes = score_joins = distinct = order = ""
            why = "NULL::varchar"
        agents = self.agent_ids.ids
        if agents:
            # the agents share the calls and visits: the target members on a channel worked
            # by activities (all of them, unless the campaign routes some elsewhere)
            assign = """CASE WHEN s.split_group = 'target'
                              AND s.channel_id = ANY(%(call_channels)s) THEN
                            (%(agents)s::int[])[1 + ((row_number() OVER (
                                PARTITION BY s.split_group, s.channel_id = ANY(%(call_channels)s)
                                ORDER BY s.draw, s.partner_id) - 1) %% %(n_agents)s)::int]
                        ELSE COALESCE(s.salesperson_id, %(owner)s) END"""
        else:
            assign = "COALESCE(s.salesperson_id, %(owner)s)"
        # the offer of a target member: where its draw falls within [holdout, 1)
        arm_ids, arm_bounds = self._arm_draw()
        if len(arm_ids) > 1:
            arm = """CASE WHEN s.split_group = 'target' THEN (%(arm_ids)s::int[])[
                         width_bucket((s.draw - %(holdout)s) / (1.0 - %(holdout)s),
                                      %(arm_bounds)s::float8[]) + 1] END"""
        elif arm_ids:
            arm = "CASE WHEN s.split_group = 'target' THEN (%(arm_ids)s::int[])[1] END"
        else:
            arm = "NULL::int"
        query = compose("""
            WITH seg AS (
                SELECT p.commercial_partner_id AS partner_id, min(sm.segment_id) AS segment_id
                  FROM crm_segment_member sm
                  JOIN res_partner p ON p.id = sm.partner_id
                 WHERE sm.segment_id = ANY(%(segment_ids)s) AND sm.date_to IS NULL
                 GROUP BY 1
            ), consent AS (
                SELECT DISTINCT ON (c.partner_id, c.channel_id) c.partner_id, c.channel_id,
                       c.status
                  FROM crm_partner_consent c
                 WHERE c.channel_id = ANY(%(channel_ids)s)
                   AND (c.company_id IS NULL OR c.company_id = %(company_id)s)
                 ORDER BY c.partner_id, c.channel_id, c.date DESC, c.id DESC
            ), pairs AS (
                SELECT seg.partner_id, seg.segment_id, cp.user_id AS salesperson_id,
                       ch.pr_channel AS channel_id, ch.rank, ch.cost,
                       {reason} AS reason
                  FROM seg
                  JOIN res_partner cp ON cp.id = seg.partner_id
                 CROSS JOIN unnest(%(channel_ids)s::int[], %(channel_costs)s::numeric[])
                       WITH ORDINALITY AS ch(pr_channel, cost, rank)
                  LEFT JOIN consent cs ON cs.partner_id = seg.partner_id
                                      AND cs.channel_id = ch.pr_channel
                  {extra_joins}
            ){score_ctes}, judged AS (
                SELECT {distinct} pr.*, {why} AS channel_reason,
                       (('x' || substr(md5(%(seed)s || ':' || pr.partner_id::text), 1, 8)
                        )::bit(32)::int::float8 + 2147483648.0) / 4294967296.0 AS draw
                  FROM pairs pr
                  {score_joins}
                 {order}
            ), s AS (
                SELECT j.*, CASE WHEN j.reason IS NOT NULL THEN NULL
                                 WHEN j.draw < %(holdout)s THEN 'control'
                                 ELSE 'target' END AS split_group
                  FROM judged j
            )
            SELECT s.partner_id, s.segment_id, s.reason, s.split_group, {assign} AS user_id,
                   {arm} AS arm_id, s.channel_id, s.channel_reason, s.cost AS contact_cost
              FROM s
        """, reason=reason, extra_joins=extra_joins, score_ctes=score_ctes,
                        score_joins=score_joins, distinct=distinct, order=order, why=why,
                        assign=assign, arm=arm)
        share, seed = universal_holdout(self.env)
        params = dict(extra_params, segment_ids=self.segment_ids.ids,
                      universal=share, universal_seed=seed,
                      channel_ids=channel_ids,
                      channel_costs=[cost or 0.0 for _channel, cost in routes],
                      campaign_id=self.id or 0,
                      company_id=self.company_id.id,
                      seed=str(self.seed), holdout=self.holdout_percent / 100.0,
                      agents=agents, n_agents=len(agents) or 1,
                      call_channels=[channel.id for channel, _cost in routes
                                     if channel.campaign_execution == "activity"],
                      arm_ids=arm_ids, arm_bounds=arm_bounds,
                      owner=self.user_id.id or self.env.uid)
        return query, params

    # sql-write: the audience (thousands of members) in a few statements; reached only through
    # the campaign actions, whose _check_manager holds the caller to the manager group, the
    # write rule and the companies of the campaign
    def _draw_audience(self, costs=None):
        """Replace the members by the audience drawn now: one DELETE and one
        INSERT ... SELECT, which returns what it wrote. Returns
        {(group, exclusion reason): members} (group None for the excluded,
        reason None for the drawn); `costs`, a dict when given, receives
        the members' cost of a contact summed the same way."""
        self.ensure_one()
        if self.state not in ("draft", "planned"):
            raise UserError(_("The audience of campaign %s can no longer change: it has "
                              "been launched.") % self.name)
        if not self.segment_ids:
            raise UserError(_("Choose the segments of campaign %s first.") % self.name)
        select, params = self._audience_query()
        cr = self.env.cr
        # the ORM's pending writes reach the tables before these queries
        compat.flush(self.env)
        cr.execute("DELETE FROM crm_campaign_member WHERE campaign_id = %s", (self.id,))
        query = compose("""
            WITH written AS (
                INSERT INTO crm_campaign_member (campaign_id, company_id, team_id, partner_id,
                                                 segment_id, split_group, state,
                                                 exclusion_reason, user_id, arm_id,
                                                 channel_id, channel_reason, contact_cost,
                                                 response_rate)
                SELECT %(campaign_id)s, %(company_id)s, %(team_id)s, a.partner_id,
                       a.segment_id, a.split_group,
                       CASE WHEN a.reason IS NULL THEN 'planned' ELSE 'excluded' END,
                       a.reason, a.user_id, a.arm_id, a.channel_id, a.channel_reason,
                       a.contact_cost, 0
                  FROM ({select}) a
                RETURNING split_group, exclusion_reason, contact_cost
            )
            SELECT split_group, exclusion_reason, count(*), COALESCE(sum(contact_cost), 0)
              FROM written GROUP BY 1, 2
        """, select=select)
        params = dict(params, campaign_id=self.id, team_id=self.team_id.id or None)
        cr.execute(query, params)
        counts = {}
        for group, reason, count, cost in cr.fetchall():
            counts[(group, reason)] = count
            if costs is not None:
                costs[(group, reason)] = float(cost)
        compat.invalidate_all(self.env)
        return counts

    def _build_audience(self):
        """Draw the audience again; returns the number of members written."""
        return sum(self._draw_audience().values())

    def _exclusion_text(self, exclusions):
        """'Reason: n, ...' of [(reason, members)], the most first."""
        reasons = dict(self.env["crm.campaign.member"]._fields["exclusion_reason"]
                       ._description_selection(self.env))
        return ", ".join("%s: %d" % (reasons.get(reason, reason), count)
                         for reason, count in sorted(exclusions, key=lambda rc: -rc[1]))

    def action_build_audience(self):
        """Refresh the segments, then draw the audience again."""
        self._check_manager()
        for campaign in self:
            campaign.segment_ids.refresh_members()
            campaign._build_audience()
        return True

    # ------------------------------------------------------------ states
    def action_plan(self):
        self._check_manager()
        for campaign in self:
            if campaign.state != "draft":
                raise UserError(_("Only a draft campaign can be planned."))
            campaign.segment_ids.refresh_members()
            # the draw says what it wrote: nothing is read back
            costs = {}
            counts = campaign._draw_audience(costs)
            target = sum(n for (group, _r), n in counts.items() if group == "target")
            control = sum(n for (group, _r), n in counts.items() if group == "control")
            if not target and control:
                raise UserError(_(
                    "Campaign %(name)s has no one to contact: the %(n)d customers of its "
                    "audience were all drawn into the control group. Lower the control "
                    "group share or widen the segments.") % {
                        "name": campaign.name, "n": control})
            if not target:
                excluded = [(reason, n) for (_g, reason), n in counts.items() if reason]
                raise UserError(_(
                    "Campaign %(name)s has no one to contact: its segments are empty or every "
                    "customer in them is excluded (%(excluded)s).") % {
                        "name": campaign.name,
                        "excluded": campaign._exclusion_text(excluded) or "-"})
            # each target member costs a contact on its own channel
            contacts_cost = sum(cost for (group, _r), cost in costs.items() if group == "target")
            planned_cost = campaign.fixed_cost + contacts_cost
            if campaign.budget and planned_cost > campaign.budget:
                raise UserError(_(
                    "Campaign %(name)s would cost %(cost).2f (fixed cost plus %(n)d contacts "
                    "costing %(contacts).2f), above its budget of %(budget).2f. Raise the "
                    "budget, lower the costs or narrow the segments.") % {
                        "name": campaign.name, "cost": planned_cost,
                        "n": target, "contacts": contacts_cost,
                        "budget": campaign.budget})
            campaign.state = "planned"
        return True

    def action_launch(self):
        """Contact the target group through the channel; the control group is
        never contacted. Responses count from now on. The campaign is
        Launched, Not Yet Sent until its first contact (at once for an
        export, when the mailing is sent, with the first call or visit done)
        and Running from then on."""
        self._check_manager()
        for campaign in self:
            if campaign.state != "planned":
                raise UserError(_("Only a planned campaign can be launched."))
            campaign.write({"state": "launched", "date_start": fields.Datetime.now()})
            campaign._execute()
        return True

    def _execute(self):
        """Reach the target group: the campaign's channel's execution, or,
        for a routed campaign, each execution of the channels its target
        members were routed to, for those members only (a call list for
        the ones on the phone, a mailing for the ones on email, ...)."""
        self.ensure_one()
        if not self.routing:
            execution = self.channel_id.campaign_execution or "export"
            return getattr(self, "_execute_%s" % execution)()
        self.env.cr.execute("""
            SELECT DISTINCT channel_id FROM crm_campaign_member
             WHERE campaign_id = %s AND split_group = 'target'
        """, (self.id,))
        used = self.env["crm.touchpoint.channel"].browse(
            [row[0] for row in self.env.cr.fetchall()])
        by_execution = {}
        for channel in used.sorted(lambda c: (c != self.channel_id, c.sequence, c.id)):
            by_execution.setdefault(channel.campaign_execution or "export",
                                    self.env["crm.touchpoint.channel"])
            by_execution[channel.campaign_execution or "export"] |= channel
        for execution, channels in by_execution.items():
            getattr(self, "_execute_%s" % execution)(channels=channels)
        return True

    # sql-write: the campaign's open activities removed in one statement; _check_manager above
    # holds the caller
    def action_done(self):
        self._check_manager()
        for campaign in self:
            if campaign.state not in ("launched", "running"):
                raise UserError(_("Only a running campaign can be closed."))
        # open call or visit activities of the campaign are no longer due
        self.env.cr.execute("""
            DELETE FROM mail_activity a USING crm_campaign_member m
             WHERE m.id = a.campaign_member_id AND m.campaign_id = ANY(%s)
        """, (self.ids,))
        self.write({"state": "done", "date_done": fields.Datetime.now()})
        return True

    def action_cancel(self):
        self._check_manager()
        if self.filtered(lambda c: c.state in ("launched", "running", "done")):
            raise UserError(_("A launched campaign cannot be cancelled; close it instead."))
        self.write({"state": "cancel"})
        return True

    def action_draft(self):
        self._check_manager()
        if self.filtered(lambda c: c.state not in ("planned", "cancel")):
            raise UserError(_("Only a planned or cancelled campaign can go back to draft."))
        self.write({"state": "draft"})
        return True

    def _mark_contacted(self):
        """The first contact of a launched campaign was made: it is running
        (and may be judged) from now on."""
        self.filtered(lambda c: c.state == "launched").write({"state": "running"})

    # ------------------------------------------------------------ execution
    def _target_members(self, channels=None):
        self.ensure_one()
        domain = [("channel_id", "in", channels.ids)] if channels else []
        return self.env["crm.campaign.member"].search(domain + [
            ("campaign_id", "=", self.id), ("split_group", "=", "target"),
            ("state", "=", "planned")])

    # sql-write: one activity per target member in one statement (no notification per row);
    # reached through action_launch and action_resume (_check_manager); the note is escaped
    # and sanitised as the ORM would
    def _execute_activity(self, on_hold=False, channels=None):
        """A call or visit list: one activity per target member, for its
        assigned salesperson or agent, inserted set-based (no notification
        email per activity). `on_hold`: only for the members a pause put on
        hold (the campaign resumes). `channels`: only for the members routed
        to these channels."""
        self.ensure_one()
        model = self.env["ir.model"]._get("res.partner")
        activity_type = self.activity_type_id
        deadline = fields.Date.to_string(max(
            fields.Date.from_string(self.date_planned),
            fields.Date.from_string(fields.Date.context_today(self))))
        # the ORM's pending writes reach the tables before this query
        compat.flush(self.env)
        extra_columns, extra_values = compat.activity_columns_sql("m.user_id")
        query = compose("""
            INSERT INTO mail_activity (res_id, res_model_id, res_model, res_name,
                                       activity_type_id, summary, note, date_deadline,
                                       user_id, campaign_member_id, create_uid, write_uid,
                                       create_date, write_date {extra_columns})
            SELECT m.partner_id, %(model_id)s, 'res.partner', p.{name},
                   %(type_id)s, COALESCE(o.summary, %(summary)s), COALESCE(o.note, %(note)s),
                   %(deadline)s, m.user_id, m.id,
                   %(uid)s, %(uid)s, now() at time zone 'UTC', now() at time zone 'UTC'
                   {extra_values}
              FROM crm_campaign_member m
              JOIN res_partner p ON p.id = m.partner_id
              LEFT JOIN unnest(%(arm_ids)s::int[], %(arm_summaries)s::text[],
                               %(arm_notes)s::text[]) AS o(arm_id, summary, note)
                     ON o.arm_id = m.arm_id
             WHERE m.campaign_id = %(campaign_id)s AND m.split_group = 'target'
               AND m.state = 'planned' AND m.user_id IS NOT NULL
               AND (NOT %(on_hold)s OR (m.on_hold AND m.contact_date IS NULL))
               AND (%(channels)s::int[] IS NULL OR m.channel_id = ANY(%(channels)s::int[]))
        """, name=sql.Identifier(compat.PARTNER_NAME_COLUMN), extra_columns=extra_columns,
                        extra_values=extra_values)
        # each offer's calls say the offer (its summary and its description)
        arms = self.arm_ids
        self.env.cr.execute(query, {
            "arm_ids": arms.ids,
            "arm_summaries": [("%s: %s" % (self.name, arm.name))[:255] for arm in arms],
            "arm_notes": [html_sanitize(plaintext2html(arm.description or self.description
                                                       or arm.name)) for arm in arms],
            "model_id": model.id, "type_id": activity_type.id or None, "summary": self.name,
            # an Html field written in SQL: escaped and sanitised as the ORM would
            "note": html_sanitize(plaintext2html(self.description)) if self.description
            else None,
            "deadline": deadline, "uid": self.env.uid, "campaign_id": self.id,
            "on_hold": bool(on_hold), "channels": channels.ids if channels else None})
        compat.invalidate_all(self.env)
        return self.env.cr.rowcount

    def _execute_mailing(self, channels=None):
        """Without the mass mailing bridge, an email campaign exports its
        target list like a letter campaign."""
        return self._execute_export(channels=channels)

    def _execute_export(self, channels=None):
        """The target list (of the members routed to `channels`, when
        given) as a CSV file attached to the campaign; every member listed
        is contacted now."""
        self.ensure_one()
        members = self._target_members(channels)
        output = io.StringIO()
        writer = csv.writer(output)
        offers = bool(self.arm_ids)
        writer.writerow(EXPORT_COLUMNS + (["offer"] if offers else [])
                        + (["channel"] if self.routing else []))
        for member in members:
            partner = member.partner_id
            values = (partner.name, partner.email, partner.phone, partner.mobile,
                      partner.street, partner.street2, partner.zip, partner.city,
                      partner.country_id.name, member.user_id.name, partner.ref)
            if offers:
                values += (member.arm_id.name,)
            if self.routing:
                values += (member.channel_id.name,)
            writer.writerow([csv_cell(value) for value in values])
        values = {
            "datas": base64.b64encode(output.getvalue().encode("utf-8")),
            "mimetype": "text/csv",
            "res_model": self._name,
            "res_id": self.id,
        }
        title = self.name or "campaign"
        if channels and self.routing:
            # a routed campaign may export for several channels: one file each
            title = "%s (%s)" % (title, ", ".join(channels.mapped("name")))
        values.update(compat.attachment_name(_("%s - target list.csv") % title,
                                             "%s.csv" % title))
        attachment = self.env["ir.attachment"].create(values)
        self.export_attachment_id = attachment
        members._record_contacts(fields.Datetime.now())
        return len(members)

    # ------------------------------------------------------------ buttons
    def _member_action(self, domain, context=None):
        self.ensure_one()
        action = compat.action_values(self.env.ref(
            "crm_lifecycle.crm_campaign_member_action"))
        action["domain"] = [("campaign_id", "=", self.id)] + domain
        action["context"] = dict(context or {}, default_campaign_id=self.id)
        return action

    def action_view_members(self):
        return self._member_action([], {"search_default_group_split": 1})

    def action_view_excluded(self):
        return self._member_action([("state", "=", "excluded")],
                                   {"search_default_group_reason": 1})

    def action_view_responses(self):
        self.ensure_one()
        action = compat.action_values(self.env.ref(
            "crm_lifecycle.crm_campaign_response_action"))
        action["domain"] = [("campaign_id", "=", self.id)]
        action["context"] = {"search_default_group_split": 1}
        return action

    def action_view_activities(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": _("Campaign Activities"),
            "res_model": "mail.activity",
            "view_mode": "tree,form",
            "domain": [("campaign_member_id.campaign_id", "=", self.id)],
        }

    def action_rematch(self):
        """Match the responses of the campaign again from the touchpoints
        (after a late import of dated contacts, for instance)."""
        self._check_manager()
        self.env["crm.campaign.response"]._match(campaign_ids=self.ids)
        return True


class CrmCampaignMember(models.Model):
    """A customer of a campaign's audience: excluded (with the reason), or
    in the target group (contacted) or the control group (not contacted)."""

    _name = "crm.campaign.member"
    _description = "Campaign Member"
    _order = "campaign_id desc, id"
    _rec_name = "partner_id"
    # written set-based by the audience build and the response matching
    _log_access = False

    campaign_id = fields.Many2one(
        "crm.campaign", string="Campaign", required=True, readonly=True, ondelete="cascade")
    partner_id = fields.Many2one(
        "res.partner", string="Customer", required=True, readonly=True, ondelete="cascade",
        index=True)
    company_id = fields.Many2one("res.company", string="Company", readonly=True)
    segment_id = fields.Many2one(
        "crm.segment", string="Segment", readonly=True, ondelete="set null",
        help="The campaign segment the customer came from (the first one, when in several).")
    team_id = fields.Many2one(
        "crm.team", string="Sales Team", readonly=True, ondelete="set null",
        help="The campaign's sales team when the audience was drawn.")
    split_group = fields.Selection(
        GROUPS, string="Group", readonly=True,
        help="Target: contacted by the campaign. Control: drawn at random and never "
             "contacted, to measure what would have happened anyway.")
    state = fields.Selection(MEMBER_STATES, required=True, default="planned", readonly=True)
    exclusion_reason = fields.Selection(
        EXCLUSION_REASONS, string="Excluded Because", readonly=True)
    user_id = fields.Many2one(
        "res.users", string="Salesperson", readonly=True,
        help="Who contacts the customer (its salesperson, or the agent it was given to).")
    contact_date = fields.Datetime(string="Contacted On", readonly=True)
    contact_message_id = fields.Many2one(
        "mail.message", string="Contact Message", readonly=True, ondelete="set null",
        help="The done call or visit activity that contacted the member.")
    response_date = fields.Datetime(
        string="Responded On", readonly=True, help="First response in the window.")
    response_touchpoint_id = fields.Many2one(
        "crm.touchpoint", string="Response", readonly=True, ondelete="set null",
        help="The first touchpoint that counted as the customer's response.")
    revenue = fields.Monetary(
        readonly=True, currency_field="currency_id",
        help="Purchases of the customer within the response window.")
    response_rate = fields.Float(
        string="Response Rate (%)", readonly=True, digits=(5, 2), **compat.aggregator("avg"),
        help="100 when the member responded within the window, 0 otherwise: averaged over a "
             "group (the target or control group of a campaign) it is the group's response "
             "rate, which compares groups of different sizes where counts do not.")
    currency_id = fields.Many2one(
        "res.currency", related="company_id.currency_id", readonly=True)
    campaign_state = fields.Selection(
        related="campaign_id.state", string="Campaign Status", readonly=True)
    channel_id = fields.Many2one(
        "crm.touchpoint.channel", string="Channel", readonly=True, ondelete="restrict",
        help="The channel the member is contacted on: the campaign's, or, for a campaign "
             "that routes each customer, the one chosen for them.")
    channel_reason = fields.Selection(
        ROUTE_REASONS, string="Channel Chosen Because", readonly=True,
        help="Why a routed member is contacted on its channel: the channel they answered "
             "earlier campaigns on, the one they contact you on most, the best response rate "
             "of their segment, or the campaign's own channel (the next allowed one when the "
             "campaign's is not allowed for them).")
    contact_cost = fields.Monetary(
        string="Cost of a Contact", readonly=True, currency_field="currency_id",
        help="What one contact of this member costs on its channel (the campaign's cost per "
             "contact, or its route's).")

    @compat.model_create_multi
    def create(self, vals_list):
        """A member made through the ORM (the audience is drawn in SQL) is on
        its campaign's channel, at its cost, unless told otherwise."""
        vals_list = [dict(vals) for vals in vals_list]
        for vals in vals_list:
            if vals.get("campaign_id") and not vals.get("channel_id"):
                campaign = self.env["crm.campaign"].browse(vals["campaign_id"])
                vals["channel_id"] = campaign.channel_id.id
                vals.setdefault("contact_cost", campaign.cost_per_contact)
        return compat.create_records(super(CrmCampaignMember, self).create, vals_list)

    # sql-write: module install or update steps, no user input: the response rate of members
    # drawn before the field existed, derived from their own response date; and the contacts
    # an earlier version wrote for mailings, letters and SMS as each salesperson's personal
    # contacts become the campaign sends of the campaign's owner (see _record_contacts)
    def init(self):
        cr = self.env.cr
        cr.execute("""
            UPDATE crm_campaign_member
               SET response_rate = CASE WHEN response_date IS NULL THEN 0 ELSE 100 END
             WHERE response_rate IS NULL
        """)
        cr.execute("""
            UPDATE crm_touchpoint t
               SET kind = 'campaign', user_id = c.user_id
              FROM crm_campaign_member m
              JOIN crm_campaign c ON c.id = m.campaign_id
              JOIN crm_touchpoint_channel ch ON ch.id = c.channel_id
             WHERE t.res_model = 'crm.campaign.member' AND t.res_id = m.id
               AND t.source_system = 'odoo' AND t.kind = 'contact'
               AND t.external_ref = 'crm.campaign.member,' || m.id
               AND ch.campaign_execution IS DISTINCT FROM 'activity'
        """)
        # the members drawn before routing were all on their campaign's channel, at its cost
        cr.execute("""
            UPDATE crm_campaign_member m
               SET channel_id = c.channel_id, contact_cost = COALESCE(c.cost_per_contact, 0)
              FROM crm_campaign c
             WHERE c.id = m.campaign_id AND m.channel_id IS NULL
        """)
        cr.execute("""
            CREATE UNIQUE INDEX IF NOT EXISTS crm_campaign_member_uniq
                ON crm_campaign_member (campaign_id, partner_id)
        """)
        # the touchpoint of a done campaign activity finds its campaign
        cr.execute("""
            CREATE INDEX IF NOT EXISTS crm_campaign_member_message_idx
                ON crm_campaign_member (contact_message_id)
             WHERE contact_message_id IS NOT NULL
        """)

    # sql-write: members marked contacted and their touchpoints written set-based; called by
    # the launch (_check_manager) and by the capture of a done campaign activity (a system
    # step)
    def _record_contacts(self, date, touchpoints=True):
        """The target members in `self` were contacted at `date`: set-based,
        they become contacted and, unless the contact is already a
        touchpoint (a done activity), a touchpoint of the campaign is
        written for each: a contact of the member's salesperson for a call
        or visit campaign, a campaign send of the owner for the others."""
        members = self.filtered(lambda m: m.split_group == "target")
        if not members:
            return 0
        cr = self.env.cr
        # the ORM's pending writes reach the tables before these queries
        compat.flush(self.env)
        cr.execute("""
            UPDATE crm_campaign_member
               SET contact_date = %s,
                   state = CASE WHEN state = 'planned' THEN 'contacted' ELSE state END
             WHERE id = ANY(%s) AND split_group = 'target' AND contact_date IS NULL
            RETURNING id, campaign_id
        """, (date, members.ids))
        rows = cr.fetchall()
        contacted = [row[0] for row in rows]
        if touchpoints and contacted:
            # a call or visit list is worked by the salesperson or agent of
            # each member: their personal contact; a mailing, letters or SMS
            # go to everyone at once: a campaign send of the campaign's owner
            self.env["crm.touchpoint"]._sync_insert("""
                SELECT m.partner_id, m.contact_date AS date, m.channel_id,
                       'outbound' AS direction,
                       CASE WHEN ch.campaign_execution = 'activity' THEN 'contact'
                            ELSE 'campaign' END AS kind,
                       CASE WHEN ch.campaign_execution = 'activity' THEN m.user_id
                            ELSE c.user_id END AS user_id,
                       c.team_id, c.company_id, left(u.name, 256) AS subject,
                       NULL::text AS summary, NULL::numeric AS amount, NULL::int AS currency_id,
                       'crm.campaign.member' AS res_model, m.id AS res_id,
                       c.utm_campaign_id AS campaign_id, 'odoo' AS source_system,
                       'crm.campaign.member,' || m.id AS external_ref,
                       NULL::numeric AS cost_amount
                  FROM crm_campaign_member m
                  JOIN crm_campaign c ON c.id = m.campaign_id
                  JOIN crm_touchpoint_channel ch ON ch.id = m.channel_id
                  JOIN utm_campaign u ON u.id = c.utm_campaign_id
                 WHERE m.id = ANY(%(ids)s)
            """, {"ids": contacted})
        # a response that came after the contact is now the campaign's doing
        self.env["crm.campaign.response"]._update_attribution(member_ids=contacted)
        compat.invalidate_all(self.env)
        # a launched campaign that has now reached someone is running
        self.env["crm.campaign"].browse({row[1] for row in rows})._mark_contacted()
        return len(contacted)

    def action_open_partner(self):
        self.ensure_one()
        return {"type": "ir.actions.act_window", "res_model": "res.partner",
                "res_id": self.partner_id.id, "view_mode": "form", "target": "current"}
