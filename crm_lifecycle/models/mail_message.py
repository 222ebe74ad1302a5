# Copyright 2026 crm_lifecycle contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, models


class MailMessage(models.Model):
    _inherit = "mail.message"

    @api.model
    def create(self, values):
        message = super(MailMessage, self).create(values)
        model = values.get("model")
        if model and values.get("res_id") and \
                model in self.env["crm.touchpoint"]._message_models():
            self.env["crm.touchpoint"]._capture_sync(
                "_sync_messages", message.ids, models_=[model])
        return message
