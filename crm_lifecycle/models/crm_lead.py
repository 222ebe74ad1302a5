# Copyright 2026 crm_lifecycle contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import logging

from odoo import api, models

from .. import compat

_logger = logging.getLogger(__name__)

SYNC_FIELDS = {"partner_id", "name", "description", "user_id", "team_id", "medium_id",
               "source_id", "campaign_id", "company_id"}


class CrmLead(models.Model):
    _inherit = "crm.lead"

    @api.model
    def _lifecycle_known_customer(self, vals):
        """The existing customer a new lead certainly comes from: exactly one
        active partner with its email, or else with its phone (E.164)."""
        for key, field in (("email", "email_from"), ("phone", "phone"), ("phone", "mobile")):
            value = vals.get(field)
            if not value:
                continue
            if key == "email":
                value = value.strip()
                if "<" in value:  # "Name <address>"
                    value = value.split("<", 1)[1].rstrip(">").strip()
            partner_id, _error = self.env["res.partner"]._lifecycle_match_customers(
                [{key: value}])[0]
            if partner_id:
                return partner_id
        return False

    @compat.model_create_multi
    def create(self, vals_list):
        vals_list = [self._lifecycle_with_customer(vals) for vals in vals_list]
        leads = compat.create_records(super(CrmLead, self).create, vals_list)
        with_customer = leads.filtered("partner_id")
        if with_customer:
            self.env["crm.touchpoint"]._capture_sync("_sync_leads", with_customer.ids)
        return leads

    def _lifecycle_with_customer(self, vals):
        """The values of a new lead, with the known customer its email or
        phone names when it has none."""
        if not vals.get("partner_id") and not self.env.context.get("lifecycle_no_match"):
            try:
                with self.env.cr.savepoint():
                    partner_id = self._lifecycle_known_customer(vals)
                if partner_id:
                    vals = dict(vals, partner_id=partner_id)
            except Exception:  # never block the user's save
                _logger.exception("crm_lifecycle: recognising the customer of a lead failed")
        return vals

    def write(self, vals):
        res = super(CrmLead, self).write(vals)
        if SYNC_FIELDS & set(vals):
            self.env["crm.touchpoint"]._capture_sync("_sync_leads", self.ids)
        return res
