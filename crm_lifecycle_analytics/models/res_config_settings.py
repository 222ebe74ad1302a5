# Copyright 2026 crm_lifecycle contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

from .crm_touchpoint_awaiting import ANSWER_TARGET_KEYS


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    lifecycle_clv_months = fields.Integer(
        string="Lifetime Value Horizon (months)",
        help="Number of future months summed in the predicted customer "
        "lifetime value.",
    )
    lifecycle_monthly_discount = fields.Float(
        string="Monthly Discount Rate",
        digits=(6, 4),
        help="Discount rate per month applied to future spend in the "
        "predicted lifetime value (0.01 = 1 % a month).",
    )
    lifecycle_lapse_threshold = fields.Float(
        string="Lapse Threshold",
        digits=(3, 2),
        help="A customer whose probability of still being active falls below "
        "this value is flagged as lapsed.",
    )

    lifecycle_holdout_days = fields.Integer(
        string="Holdout Period (days)",
        help="The check of every fitted model: the purchase model is fitted again on the "
        "history up to this many days before the day of the metrics, and its predictions "
        "for these days are compared with the purchases made.",
    )

    lifecycle_quiet_days = fields.Integer(
        string="Not Contacted For (days)",
        help="The staff report counts the customers of each salesperson nobody contacted for "
        "this many days.",
    )

    lifecycle_win_back = fields.Boolean(
        string="Win-Back Activities",
        help="Every night, after the metrics, schedule a Win Back activity for the "
        "salesperson of each valuable customer whose probability of being active fell "
        "below the lapse threshold (never a second one while one is open).",
    )
    lifecycle_win_back_tiers = fields.Selection(
        [("high", "High value customers"), ("medium", "High and medium value customers")],
        string="Win Back For",
        help="Which value tiers get win-back activities.",
    )

    lifecycle_stop_futile = fields.Boolean(
        string="Stop Futile Campaigns",
        help="Every hour, close the running campaigns whose stop rule says Futile (their "
             "rise of the response rate surely below their Worthwhile Uplift): their open "
             "calls and visits are removed and the campaign's chatter says why.")

    lifecycle_answer_hours_high = fields.Float(
        string="Answer High Value Within (h)", digits=(16, 1),
        help="Response time promised to high value customers, in weekday hours: Awaiting "
             "an Answer marks their contacts overdue after it, and Response Times counts the "
             "share answered within it.")
    lifecycle_answer_hours_medium = fields.Float(
        string="Answer Medium Value Within (h)", digits=(16, 1),
        help="Response time promised to medium value customers, in weekday hours.")
    lifecycle_answer_hours_low = fields.Float(
        string="Answer Others Within (h)", digits=(16, 1),
        help="Response time promised to low value customers and to customers without "
             "metrics, in weekday hours.")

    @api.model
    def _lifecycle_param_fields(self):
        res = super(ResConfigSettings, self)._lifecycle_param_fields()
        res.update(
            {
                "lifecycle_clv_months": ("crm_lifecycle_analytics.clv_months", 12),
                "lifecycle_monthly_discount": (
                    "crm_lifecycle_analytics.monthly_discount",
                    0.01,
                ),
                "lifecycle_lapse_threshold": (
                    "crm_lifecycle_analytics.lapse_threshold",
                    0.5,
                ),
                "lifecycle_holdout_days": ("crm_lifecycle_analytics.holdout_days", 180),
                "lifecycle_quiet_days": ("crm_lifecycle_analytics.quiet_days", 90),
                "lifecycle_win_back": ("crm_lifecycle_analytics.win_back", False),
                "lifecycle_win_back_tiers": (
                    "crm_lifecycle_analytics.win_back_tiers",
                    "high",
                ),
                "lifecycle_stop_futile": ("crm_lifecycle_analytics.stop_futile", False),
            }
        )
        res.update(
            {
                "lifecycle_answer_hours_%s" % tier: (key, default)
                for tier, (key, default) in ANSWER_TARGET_KEYS.items()
            }
        )
        return res

    @api.constrains(
        "lifecycle_clv_months",
        "lifecycle_monthly_discount",
        "lifecycle_lapse_threshold",
        "lifecycle_holdout_days",
        "lifecycle_quiet_days",
        "lifecycle_answer_hours_high",
        "lifecycle_answer_hours_medium",
        "lifecycle_answer_hours_low",
    )
    def _check_lifecycle_analytics(self):
        for settings in self:
            for tier in ANSWER_TARGET_KEYS:
                if not 0 < settings["lifecycle_answer_hours_%s" % tier] <= 1000:
                    raise ValidationError(
                        _("A response time target must be above 0 and at most 1000 "
                          "weekday hours.")
                    )
            if not 1 <= settings.lifecycle_clv_months <= 120:
                raise ValidationError(
                    _("The lifetime value horizon must be between 1 and 120 months.")
                )
            if not 0 <= settings.lifecycle_monthly_discount < 1:
                raise ValidationError(
                    _("The monthly discount rate must be at least 0 and below 1.")
                )
            if not 0 < settings.lifecycle_lapse_threshold < 1:
                raise ValidationError(
                    _("The lapse threshold must be strictly between 0 and 1.")
                )
            if not 7 <= settings.lifecycle_holdout_days <= 730:
                raise ValidationError(
                    _("The holdout period must be between 7 and 730 days.")
                )
            if not 1 <= settings.lifecycle_quiet_days <= 3650:
                raise ValidationError(
                    _("The number of days without contact must be between 1 and 3650.")
                )
