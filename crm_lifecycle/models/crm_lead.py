# Copyright 2026 crm_lifecycle contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, models

SYNC_FIELDS = {"partner_id", "name", "description", "user_id", "team_id", "medium_id",
               "source_id", "campaign_id", "company_id"}


class CrmLead(models.Model):
    _inherit = "crm.lead"

    @api.model
    def create(self, vals):
        lead = super(CrmLead, self).create(vals)
        if lead.partner_id:
            self.env["crm.touchpoint"]._capture_sync("_sync_leads", lead.ids)
        return lead

    def write(self, vals):
        res = super(CrmLead, self).write(vals)
        if SYNC_FIELDS & set(vals):
            self.env["crm.touchpoint"]._capture_sync("_sync_leads", self.ids)
        return res
