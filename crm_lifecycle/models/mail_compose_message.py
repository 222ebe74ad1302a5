# Copyright 2026 crm_lifecycle contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, models

from .. import compat


class MailComposeMessage(models.TransientModel):
    _inherit = "mail.compose.message"

    @api.onchange("model", compat.COMPOSER_RECORD_FIELD, "partner_ids")
    def _onchange_lifecycle_holdout(self):
        """A message about to reach a customer a running campaign holds in
        its control group (the record written on: a customer, a lead or an
        order of one; or a recipient): warned, as a call or an activity
        is. Mass mailings are the campaigns' own business."""
        if self.composition_mode == "mass_mail":
            return None
        # the recipients as stored partners (13+ gives the form's new records)
        partners = compat.origin(self.partner_ids)
        res_ids = compat.composer_res_ids(self)
        if self.model and len(res_ids) == 1 and self.model in self.env:
            record = self.env[self.model].browse(res_ids).exists()
            if self.model == "res.partner":
                partners = record | partners
            elif record and "partner_id" in record._fields and \
                    record._fields["partner_id"].comodel_name == "res.partner":
                partners = record.partner_id | partners
        for partner in partners:
            warning = partner._lifecycle_holdout_warning()
            if warning:
                return {"warning": warning}
        return None
