# Copyright 2026 crm_lifecycle contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models

CONSENT_STATUSES = [("granted", "Granted"), ("refused", "Refused")]


class CrmPartnerConsent(models.Model):
    """What a customer agreed to, or refused, for one channel, when and how
    we know it. The latest record of a customer and channel is the one that
    holds: a campaign never reaches a customer whose latest word for its
    channel is a refusal, nor, on an opt-in channel, one who never agreed."""

    _name = "crm.partner.consent"
    _description = "Customer Consent"
    _order = "date desc, id desc"
    _rec_name = "partner_id"

    partner_id = fields.Many2one(
        "res.partner", string="Customer", required=True, ondelete="cascade",
        help="The customer the consent is about.")
    channel_id = fields.Many2one(
        "crm.touchpoint.channel", string="Channel", required=True, ondelete="cascade",
        help="The channel the consent is for (email, SMS, phone...).")
    status = fields.Selection(
        CONSENT_STATUSES, required=True, default="granted",
        help="Granted: the customer agreed to be contacted through this channel. "
             "Refused: the customer asked not to be.")
    date = fields.Datetime(
        required=True, default=fields.Datetime.now,
        help="When the customer gave or refused the consent.")
    source = fields.Char(
        required=True,
        help="How the consent was collected: web form, signed contract, phone call, "
             "shop counter, unsubscribe link...")
    note = fields.Text()
    company_id = fields.Many2one(
        "res.company", default=lambda self: self.env.user.company_id,
        help="Empty: the consent holds for every company.")

    def init(self):
        # the audience build reads the latest consent of each customer for
        # one channel
        self.env.cr.execute("""
            CREATE INDEX IF NOT EXISTS crm_partner_consent_latest_idx
                ON crm_partner_consent (channel_id, partner_id, date DESC, id DESC)
        """)
