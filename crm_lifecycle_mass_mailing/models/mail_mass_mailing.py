# Copyright 2026 crm_lifecycle contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import models


class MailMassMailing(models.Model):
    _inherit = "mail.mass_mailing"

    def send_mail(self, res_ids=None):
        result = super(MailMassMailing, self).send_mail(res_ids=res_ids)
        # sudo: whoever sends a mailing, its campaign's members are marked
        # contacted; only the campaigns of these mailings are touched
        campaigns = self.env["crm.campaign"].sudo().search([("mass_mailing_id", "in", self.ids)])
        if campaigns:
            campaigns._record_mailing_contacts()
        return result
