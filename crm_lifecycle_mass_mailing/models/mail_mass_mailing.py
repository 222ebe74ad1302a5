# Copyright 2026 crm_lifecycle contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import models

from odoo.addons.crm_lifecycle import compat


class MailMassMailing(models.Model):
    _inherit = compat.MAILING_MODEL

    def write(self, values):
        """A mailing is sent when it turns `done` (in every version Odoo's
        send writes it after the emails are made, whoever or whatever,
        button or queue, sends it): its campaign's members are contacted."""
        result = super(MailMassMailing, self).write(values)
        if values.get("state") == "done":
            # sudo: whoever sends a mailing, its campaign's members are marked
            # contacted; only the campaigns of these mailings are touched
            campaigns = self.env["crm.campaign"].sudo().search(
                [("mass_mailing_id", "in", self.ids)])
            if campaigns:
                campaigns._record_mailing_contacts()
        return result
