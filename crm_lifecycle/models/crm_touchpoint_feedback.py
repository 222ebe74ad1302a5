# Copyright 2026 crm_lifecycle contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""What customers tell the company, as scored touchpoints: a Net Promoter
Score (0-10) or satisfaction score (CSAT, 1-5) on feedback, a severity and
a resolution date on complaints. Scores come from imports and ingestion
like any touchpoint, and from Odoo's ratings and surveys through their
bridges; the analytics turn them into each customer's latest scores, open
complaints and detractor flag."""
from odoo import _, fields, models
from odoo.exceptions import UserError

from .crm_touchpoint import CSAT_SCORES, NPS_SCORES, SEVERITIES


class CrmTouchpoint(models.Model):
    _inherit = "crm.touchpoint"

    nps_score = fields.Selection(
        NPS_SCORES, string="NPS Score",
        help="How likely the customer says they are to recommend the company, from 0 (not "
             "at all) to 10 (extremely likely): 9-10 promoter, 7-8 passive, 0-6 detractor.")
    csat_score = fields.Selection(
        CSAT_SCORES, string="CSAT Score",
        help="How satisfied the customer says they are, from 1 (very unsatisfied) to 5 "
             "(very satisfied).")
    severity = fields.Selection(
        SEVERITIES, help="How serious the complaint is.")
    resolved_date = fields.Datetime(
        string="Resolved On", copy=False,
        help="When the complaint was resolved; empty while it is open.")

    def init(self):
        super(CrmTouchpoint, self).init()
        # the few touchpoints the customer metrics read for their feedback
        self.env.cr.execute("""
            CREATE INDEX IF NOT EXISTS crm_touchpoint_feedback_idx
                ON crm_touchpoint (company_id, commercial_partner_id)
             WHERE nps_score IS NOT NULL OR csat_score IS NOT NULL OR kind = 'complaint'
        """)

    def action_resolve(self):
        """Close the complaints now."""
        if self.filtered(lambda t: t.kind != "complaint"):
            raise UserError(_("Only complaints are resolved."))
        self.filtered(lambda t: not t.resolved_date).write(
            {"resolved_date": fields.Datetime.now()})
        return True

    def action_reopen(self):
        self.write({"resolved_date": False})
        return True
