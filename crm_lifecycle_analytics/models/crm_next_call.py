# Copyright 2026 crm_lifecycle contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Next Calls: each salesperson's customers ranked by the expected
incremental margin of one contact today,

    expected gain = uplift x predicted value x probability active
                    - the channel's cost per contact,

where the uplift is what the closed campaigns measured for the customer's
segment, the channel and the objective (crm.campaign.uplift). For each
customer the best of the channels and objectives of the segments it is in
now, among the channels it can be reached on: not one whose latest consent
of the customer is a refusal, nor an opt-in one without consent, nor one it
has nothing on file for (no email, no phone...) or, for email, refuses
mailings. Active customers with an active salesperson and predicted
figures only, and not those contacted in person today (UTC day): a call
logged takes the customer off today's list (a campaign's send does not).

A view: one row per customer (its metrics row, per company), the best
option picked per customer by a lateral subquery, so that the salesperson's
and the company's conditions of the record rules reach the scan of the
customers and only their options are weighed."""
from odoo import _, fields, models, tools
from odoo.exceptions import UserError

from odoo.addons.crm_lifecycle import compat
from odoo.addons.crm_lifecycle.models.crm_campaign import OBJECTIVES, REACH_CONDITIONS

# the customer flag of the partner cp: 11 `customer`, 13+ a customer rank
CUSTOMER_SQL = "cp.customer_rank > 0" if compat.VERSION >= 13 else "cp.customer"
# what makes the customer cp unreachable on the channel ch: nothing on file
# the channel needs, or (email) refusing mailings
UNREACHABLE_SQL = "CASE ch.reach_by %s ELSE FALSE END" % " ".join(
    "WHEN '%s' THEN (%s)" % (
        reach, condition + (" OR " + compat.EMAIL_OPT_OUT_SQL if reach == "email" else ""))
    for reach, condition in sorted(REACH_CONDITIONS.items()))
VIEW = """
CREATE OR REPLACE VIEW crm_next_call AS (
    SELECT m.id, m.id AS metrics_id, m.partner_id, cp.user_id, {team} AS team_id,
           m.company_id, b.uplift_id, b.segment_id, b.channel_id, b.objective, b.uplift,
           m.clv AS predicted_value, m.p_alive, b.channel_cost, b.expected_gain,
           b.how_sure, b.member_count
      FROM crm_customer_metrics m
      JOIN res_partner cp ON cp.id = m.partner_id
      CROSS JOIN LATERAL (
          SELECT u.id AS uplift_id, u.segment_id, u.channel_id, u.objective, u.uplift,
                 u.how_sure, u.member_count, COALESCE(ch.unit_cost, 0) AS channel_cost,
                 u.uplift::float8 / 100.0 * m.clv::float8 * m.p_alive::float8
                     - COALESCE(ch.unit_cost, 0)::float8 AS expected_gain
            FROM (SELECT DISTINCT sm.segment_id
                    FROM res_partner sp
                    JOIN crm_segment_member sm ON sm.partner_id = sp.id
                   WHERE sp.commercial_partner_id = m.partner_id AND sm.date_to IS NULL) s
            JOIN crm_campaign_uplift u
                 ON u.company_id = m.company_id AND u.segment_id = s.segment_id
            JOIN crm_touchpoint_channel ch ON ch.id = u.channel_id
            LEFT JOIN LATERAL (
                SELECT c.status FROM crm_partner_consent c
                 WHERE c.partner_id = m.partner_id AND c.channel_id = u.channel_id
                   AND (c.company_id IS NULL OR c.company_id = m.company_id)
                 ORDER BY c.date DESC, c.id DESC
                 LIMIT 1) cs ON TRUE
           WHERE u.uplift IS NOT NULL AND ch.active AND NOT ({unreachable})
             AND (cs.status = 'granted'
                  OR cs.status IS NULL AND ch.consent_policy IS DISTINCT FROM 'opt_in')
           ORDER BY expected_gain DESC, u.how_sure DESC, u.channel_id, u.objective,
                    u.segment_id
           LIMIT 1) b
     WHERE cp.active AND {customer} AND cp.user_id IS NOT NULL
       AND m.clv IS NOT NULL AND m.p_alive IS NOT NULL
       -- today's list: a customer contacted in person today (a call logged, not a
       -- campaign's send) is done
       AND NOT EXISTS (SELECT 1 FROM crm_touchpoint t
                        WHERE t.commercial_partner_id = m.partner_id
                          AND t.direction = 'outbound' AND t.kind = 'contact'
                          AND t.date >= date_trunc('day', now() at time zone 'UTC'))
       AND EXISTS (SELECT 1 FROM res_users su WHERE su.id = cp.user_id AND su.active)
)
""".format(team=compat.PARTNER_TEAM_SQL.replace("p.", "cp."), customer=CUSTOMER_SQL,
           unreachable=UNREACHABLE_SQL)


class CrmNextCall(models.Model):
    _name = "crm.next.call"
    _description = "Next Calls"
    _auto = False
    _order = "expected_gain desc, id"
    _rec_name = "partner_id"
    _depends = {
        "crm.customer.metrics": ["partner_id", "company_id", "clv", "p_alive"],
        "res.partner": ["active", "user_id", "commercial_partner_id", "email", "phone",
                        "mobile", "street", "city"],
        "crm.segment.member": ["segment_id", "partner_id", "date_to"],
        "crm.campaign.uplift": ["company_id", "segment_id", "channel_id", "objective",
                                "uplift", "how_sure", "member_count"],
        "crm.touchpoint.channel": ["active", "unit_cost", "consent_policy", "reach_by"],
        "crm.partner.consent": ["partner_id", "channel_id", "company_id", "status", "date"],
        "crm.touchpoint": ["commercial_partner_id", "direction", "kind", "date"],
    }

    metrics_id = fields.Many2one(
        "crm.customer.metrics", string="Customer Metrics", readonly=True)
    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    user_id = fields.Many2one(
        "res.users", string="Salesperson", readonly=True, help="The customer's salesperson.")
    team_id = fields.Many2one("crm.team", string="Sales Team", readonly=True)
    company_id = fields.Many2one("res.company", string="Company", readonly=True)
    currency_id = fields.Many2one(related="company_id.currency_id", readonly=True)
    uplift_id = fields.Many2one(
        "crm.campaign.uplift", string="Measured Uplift", readonly=True,
        help="The campaigns' figures the uplift comes from.")
    segment_id = fields.Many2one(
        "crm.segment", string="Segment", readonly=True,
        help="The segment of the customer whose campaigns measured the uplift.")
    channel_id = fields.Many2one(
        "crm.touchpoint.channel", string="Best Channel", readonly=True,
        help="The channel with the highest expected gain among those the customer can be "
             "reached on (consent, contact details).")
    objective = fields.Selection(
        OBJECTIVES, readonly=True,
        help="What to contact the customer for: the campaign objective with the highest "
             "expected gain on the channel.")
    uplift = fields.Float(
        string="Uplift (%)", readonly=True, digits=(16, 2), **compat.aggregator("avg"),
        help="Responses one contact causes per 100 contacts, as the closed campaigns "
             "measured them for the segment, channel and objective (target rate less "
             "control rate).")
    predicted_value = fields.Monetary(
        string="Predicted Value", readonly=True,
        help="The customer's predicted lifetime value (its metrics).")
    p_alive = fields.Float(
        string="Probability Active", readonly=True, digits=(4, 3),
        **compat.aggregator("avg"),
        help="The probability that the customer still buys (its metrics).")
    channel_cost = fields.Monetary(
        string="Channel Cost", readonly=True, **compat.aggregator("avg"),
        help="The channel's cost per contact.")
    expected_gain = fields.Monetary(
        string="Expected Gain", readonly=True,
        help="What one contact is expected to add: uplift x predicted value x probability "
             "active, less the channel's cost per contact.")
    how_sure = fields.Float(
        string="How Sure (%)", readonly=True, digits=(16, 1), **compat.aggregator("avg"),
        help="The probability that the uplift is above zero, from the campaigns' target "
             "and control counts (normal approximation).")
    member_count = fields.Integer(
        string="Measured On", readonly=True, **compat.aggregator("max"),
        help="Campaign members (target and control) the uplift was measured on.")

    @compat.model_cr_context
    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute(VIEW)

    def _check_customer_writable(self):
        """The customer of the row, when the user may read and change it
        (the rules of the row itself are checked reading it)."""
        self.ensure_one()
        partner = self.partner_id
        if not partner:
            raise UserError(_("This customer is no longer on the list."))
        for operation in ("read", "write"):
            partner.check_access_rights(operation)
            partner.check_access_rule(operation)
        return partner

    def action_log_call(self):
        """Record that the user contacted the customer just now on the row's
        channel: a done outbound contact, through the ORM as the user."""
        partner = self._check_customer_writable()
        self.env["crm.touchpoint"].create({
            "partner_id": partner.id, "channel_id": self.channel_id.id,
            "direction": "outbound", "kind": "contact", "user_id": self.env.uid,
            "company_id": self.company_id.id, "date": fields.Datetime.now(),
            "subject": _("Next call: %(objective)s") % {"objective": dict(
                self._fields["objective"]._description_selection(self.env)).get(
                    self.objective, "")},
        })
        return True

    def action_schedule_call(self):
        """A call activity for today for the user on the customer: the
        worklist's scheduling wizard, run at once for this customer."""
        self._check_customer_writable()
        wizard = self.env["crm.customer.activity.wizard"].with_context(
            active_model="crm.customer.metrics", active_ids=self.metrics_id.ids,
        ).create({"assign_to": "me",
                  "date_deadline": fields.Date.context_today(self)})
        return wizard.action_schedule()

    def action_open_customer(self):
        self.ensure_one()
        return {"type": "ir.actions.act_window", "res_model": "res.partner",
                "res_id": self.partner_id.id, "view_mode": "form",
                "name": _("Customer"), "target": "current"}
