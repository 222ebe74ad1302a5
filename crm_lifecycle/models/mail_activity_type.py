# Copyright 2026 crm_lifecycle contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models


class MailActivityType(models.Model):
    _inherit = "mail.activity.type"

    touchpoint_channel_id = fields.Many2one(
        "crm.touchpoint.channel", string="Touchpoint Channel", ondelete="set null",
        help="When an activity of this type is marked as done on a customer or a document "
        "of a customer, a touchpoint through this channel is recorded. Leave empty for "
        "internal activities (to-dos).")
