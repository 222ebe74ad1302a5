# Copyright 2026 crm_lifecycle contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import models

from .. import compat


class MailMessage(models.Model):
    _inherit = "mail.message"

    @compat.model_create_multi
    def create(self, vals_list):
        messages = compat.create_records(super(MailMessage, self).create, vals_list)
        Touchpoint = self.env["crm.touchpoint"]
        captured = Touchpoint._message_models()
        by_model = {}
        for message, values in zip(messages, vals_list):
            model = values.get("model")
            if model and values.get("res_id") and model in captured:
                by_model.setdefault(model, []).append(message.id)
        for model, ids in sorted(by_model.items()):
            Touchpoint._capture_sync("_sync_messages", ids, models_=[model])
        return messages
