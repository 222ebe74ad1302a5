# Copyright 2026 crm_lifecycle contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import re

from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

CODE_RE = re.compile(r"^[a-z][a-z0-9_]*$")


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

    _sql_constraints = [
        ("code_uniq", "unique(code)", "The channel code must be unique."),
    ]

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
