# Copyright 2026 crm_lifecycle contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Awaiting an Answer, by customer value: the inbound contacts nobody has
answered yet, the most valuable customers first, each with the response
time its customer's value tier is promised (settings: Answer Within, per
tier) and whether it is overdue, in weekday hours as the response times are
counted. A SQL view over the touchpoints and the customers' metrics; the
response time targets are read from the settings by the view itself, so a
change of them shows at once."""
from odoo import _, fields, models, tools

from odoo.addons.crm_lifecycle import compat

from .crm_customer_metrics import VALUE_TIERS

# the response time targets per value tier (weekday hours): settings, and
# their defaults
ANSWER_TARGET_KEYS = {
    "high": ("crm_lifecycle_analytics.answer_hours_high", 4.0),
    "medium": ("crm_lifecycle_analytics.answer_hours_medium", 24.0),
    "low": ("crm_lifecycle_analytics.answer_hours_low", 72.0),
}
# the targets as one row (high, medium, low), for the views
ANSWER_TARGETS_SQL = "(SELECT %s) AS k" % ", ".join(
    "COALESCE((SELECT NULLIF(value, '')::float8 FROM ir_config_parameter "
    "WHERE key = '%s'), %s) AS %s" % (key, default, tier)
    for tier, (key, default) in sorted(ANSWER_TARGET_KEYS.items()))
# the target of a customer's tier (no metrics: the low tier's)
TARGET_HOURS_SQL = ("CASE m.value_tier WHEN 'high' THEN k.high WHEN 'medium' THEN k.medium "
                    "ELSE k.low END")
VIEW = """
CREATE OR REPLACE VIEW crm_touchpoint_awaiting AS (
    SELECT t.id, t.id AS touchpoint_id, t.date, t.commercial_partner_id AS partner_id,
           t.partner_id AS contact_id, t.channel_id, t.kind, t.subject, t.user_id,
           t.team_id, t.company_id, COALESCE(m.clv, 0) AS customer_value,
           COALESCE(m.value_tier, 'low') AS value_tier,
           {target} AS target_hours,
           (crm_lifecycle_weekday_seconds((now() AT TIME ZONE 'UTC')::timestamp)
            - crm_lifecycle_weekday_seconds(t.date)) / 3600.0 AS waiting_hours,
           (crm_lifecycle_weekday_seconds((now() AT TIME ZONE 'UTC')::timestamp)
            - crm_lifecycle_weekday_seconds(t.date)) / 3600.0 > {target} AS overdue
      FROM crm_touchpoint t
      LEFT JOIN crm_customer_metrics m
             ON m.partner_id = t.commercial_partner_id AND m.company_id = t.company_id
     CROSS JOIN {targets}
     WHERE t.direction = 'inbound' AND t.kind NOT IN ('purchase', 'campaign')
       AND t.answered_date IS NULL
)
""".format(target=TARGET_HOURS_SQL, targets=ANSWER_TARGETS_SQL)


class CrmTouchpointAwaiting(models.Model):
    _name = "crm.touchpoint.awaiting"
    _description = "Awaiting an Answer"
    _auto = False
    _order = "customer_value desc, date"
    _rec_name = "subject"
    _depends = {"crm.touchpoint": ["date", "direction", "kind", "answered_date",
                                   "commercial_partner_id", "company_id"],
                "crm.customer.metrics": ["clv", "value_tier"]}

    touchpoint_id = fields.Many2one("crm.touchpoint", string="Touchpoint", readonly=True)
    date = fields.Datetime(string="Received On", readonly=True)
    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    contact_id = fields.Many2one("res.partner", string="Contact", readonly=True)
    channel_id = fields.Many2one("crm.touchpoint.channel", string="Channel", readonly=True)
    kind = fields.Selection(related="touchpoint_id.kind", readonly=True)
    subject = fields.Char(readonly=True)
    user_id = fields.Many2one("res.users", string="Salesperson", readonly=True)
    team_id = fields.Many2one("crm.team", string="Sales Team", readonly=True)
    company_id = fields.Many2one("res.company", string="Company", readonly=True)
    currency_id = fields.Many2one(related="company_id.currency_id", readonly=True)
    customer_value = fields.Monetary(
        string="Customer Value", readonly=True,
        help="The customer's predicted lifetime value (its metrics).")
    value_tier = fields.Selection(
        VALUE_TIERS, string="Value Tier", readonly=True,
        help="Customers without metrics count as low value.")
    target_hours = fields.Float(
        string="Answer Within (h)", readonly=True, digits=(16, 1),
        help="The response time promised to the customer's value tier (Settings), in "
             "weekday hours.")
    waiting_hours = fields.Float(
        string="Waiting (h)", readonly=True, digits=(16, 1),
        help="Weekday hours since the contact came in.")
    overdue = fields.Boolean(readonly=True,
                             help="Waiting longer than its value tier's target.")

    @compat.model_cr_context
    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute(VIEW)

    def action_open_customer(self):
        self.ensure_one()
        return {"type": "ir.actions.act_window", "res_model": "res.partner",
                "res_id": self.partner_id.id, "view_mode": "form",
                "name": _("Customer"), "target": "current"}

    def action_open_touchpoint(self):
        self.ensure_one()
        return {"type": "ir.actions.act_window", "res_model": "crm.touchpoint",
                "res_id": self.touchpoint_id.id, "view_mode": "form",
                "name": _("Touchpoint"), "target": "current"}
