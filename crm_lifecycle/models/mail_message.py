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
        # only a comment or a done activity is ever a touchpoint (see
        # _message_select): a note, a tracking or a creation log (every
        # record's first message) costs no capture
        subtypes = {compat.xmlid_id(self.env, "mail.mt_comment"),
                    compat.xmlid_id(self.env, "mail.mt_activities")}
        by_model = {}
        for message, values in zip(messages, vals_list):
            model = values.get("model")
            if model and values.get("res_id") and model in captured \
                    and values.get("subtype_id") in subtypes:
                by_model.setdefault(model, []).append(message.id)
        for model, ids in sorted(by_model.items()):
            Touchpoint._capture_sync("_sync_messages", ids, models_=[model])
        return messages
