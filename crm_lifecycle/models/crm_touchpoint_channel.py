# Copyright 2026 crm_lifecycle contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import re

from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

from .. import compat

CODE_RE = re.compile(r"^[a-z][a-z0-9_]*$")

EXECUTIONS = [
    ("mailing", "Mass Mailing"),
    ("activity", "Activities for the Salespeople"),
    ("export", "Export of the Target List"),
]
REACH_BY = [
    ("email", "Email Address"),
    ("phone", "Phone or Mobile"),
    ("mobile", "Mobile (or Phone)"),
    ("address", "Postal Address"),
    ("none", "Nothing"),
]
CONSENT_POLICIES = [
    ("opt_out", "Unless Refused (Opt-Out)"),
    ("opt_in", "Only With Consent (Opt-In)"),
]
# what the channels of the module's data do in a campaign; filled in
# for the rows of an existing database that predate these fields
CHANNEL_CAMPAIGN_DEFAULTS = {
    "email": ("mailing", "email", "opt_out"),
    "phone": ("activity", "phone", "opt_out"),
    "meeting": ("activity", "phone", "opt_out"),
    "visit": ("activity", "address", "opt_out"),
    "sms": ("export", "mobile", "opt_in"),
    "fax": ("export", "phone", "opt_in"),
    "letter": ("export", "address", "opt_out"),
}


class CrmTouchpointChannel(models.Model):
    """A way a customer and the company reach each other.

    Every touchpoint names one channel; the channel's unit cost is the cost
    to serve one contact through it, used by the profitability metrics.
    """

    _name = "crm.touchpoint.channel"
    _description = "Touchpoint Channel"
    _order = "sequence, id"

    name = fields.Char(required=True, translate=True)
    code = fields.Char(
        required=True,
        help="Short technical code used by imports and the ingestion API "
        "(lower case letters, digits and underscores), e.g. 'phone'.",
    )
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    unit_cost = fields.Monetary(
        string="Cost per Contact",
        currency_field="currency_id",
        help="Average cost to serve one contact through this channel "
        "(staff time, postage, fees). Used to compute customer profitability.",
    )
    currency_id = fields.Many2one(
        "res.currency",
        required=True,
        default=lambda self: self.env.user.company_id.currency_id,
    )
    note = fields.Text(string="Description", translate=True)
    campaign_execution = fields.Selection(
        EXECUTIONS, string="Campaign Execution",
        help="How a campaign on this channel reaches its target customers: a mass mailing, "
             "activities (a call or visit list) for the salespeople or agents, or an export "
             "of the list (letters, SMS). Empty: an export.")
    reach_by = fields.Selection(
        REACH_BY, string="Needs",
        help="What a customer must have on file to be reached through this channel: "
             "customers without it are excluded from a campaign's audience.")
    consent_policy = fields.Selection(
        CONSENT_POLICIES, string="Consent", default="opt_out",
        help="Opt-out: a customer is contacted unless they refused this channel. Opt-in: "
             "only customers who gave their consent for this channel are contacted.")

    _sql_constraints = [
        ("code_uniq", "unique(code)", "The channel code must be unique."),
    ]

    # sql-write: a module install or update step, no user
    def init(self):
        # channels created before the campaign fields existed
        for code, (execution, reach, policy) in CHANNEL_CAMPAIGN_DEFAULTS.items():
            self.env.cr.execute("""
                UPDATE crm_touchpoint_channel
                   SET campaign_execution = %s, reach_by = %s, consent_policy = %s
                 WHERE code = %s AND campaign_execution IS NULL AND reach_by IS NULL
            """, (execution, reach, policy, code))

    @compat.model_create_multi
    def create(self, vals_list):
        vals_list = [dict(vals) for vals in vals_list]
        for vals in vals_list:
            defaults = CHANNEL_CAMPAIGN_DEFAULTS.get(vals.get("code"))
            if defaults:
                for name, value in zip(("campaign_execution", "reach_by", "consent_policy"),
                                       defaults):
                    vals.setdefault(name, value)
        return compat.create_records(super(CrmTouchpointChannel, self).create, vals_list)

    @api.constrains("code")
    def _check_code(self):
        for channel in self:
            if not CODE_RE.match(channel.code or ""):
                raise ValidationError(
                    _(
                        "Channel code %(code)r is invalid: use lower case letters, "
                        "digits and underscores, starting with a letter."
                    )
                    % {"code": channel.code}
                )

    @api.model
    def _get_by_code(self, code):
        """Return the channel with this code (archived ones included)."""
        return self.with_context(active_test=False).search(
            [("code", "=", code)], limit=1
        )
