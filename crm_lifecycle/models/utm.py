# Copyright 2026 crm_lifecycle contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models


class UtmMedium(models.Model):
    _inherit = "utm.medium"

    touchpoint_channel_id = fields.Many2one(
        "crm.touchpoint.channel", string="Touchpoint Channel", ondelete="set null",
        help="Channel of the touchpoint recorded for a lead that came through this medium.")


class UtmSource(models.Model):
    _inherit = "utm.source"

    touchpoint_channel_id = fields.Many2one(
        "crm.touchpoint.channel", string="Touchpoint Channel", ondelete="set null",
        help="Channel of the touchpoint recorded for a lead from this source, when its "
        "medium names none.")
