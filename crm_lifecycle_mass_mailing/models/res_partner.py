# Copyright 2026 crm_lifecycle contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import _, fields, models
from odoo.exceptions import UserError


class ResPartner(models.Model):
    _inherit = "res.partner"

    lifecycle_target_campaign_ids = fields.Many2many(
        "crm.campaign", string="Target of Campaigns",
        compute="_compute_lifecycle_target_campaign_ids",
        search="_search_lifecycle_target_campaign_ids",
        help="The campaigns whose target group the customer is in: the recipients of a "
             "campaign's mailing.")

    def _compute_lifecycle_target_campaign_ids(self):
        ids = [pid for pid in self.ids if isinstance(pid, int)]
        campaigns = {pid: [] for pid in ids}
        if ids:
            self.env.cr.execute("""
                SELECT partner_id, campaign_id FROM crm_campaign_member
                 WHERE partner_id = ANY(%s) AND split_group = 'target'
            """, (ids,))
            for partner_id, campaign_id in self.env.cr.fetchall():
                campaigns[partner_id].append(campaign_id)
        for partner in self:
            partner.lifecycle_target_campaign_ids = [(6, 0, campaigns.get(partner.id, []))]

    def _search_lifecycle_target_campaign_ids(self, operator, value):
        if operator not in ("=", "in"):
            raise UserError(_("Campaign targets can only be searched by campaign."))
        campaign_ids = [value] if isinstance(value, int) else list(value or [])
        # the members on a channel that sends a mailing (all of them, unless
        # the campaign routes each customer to their channel)
        self.env.cr.execute("""
            SELECT DISTINCT m.partner_id FROM crm_campaign_member m
              JOIN crm_touchpoint_channel ch ON ch.id = m.channel_id
             WHERE m.campaign_id = ANY(%s) AND m.split_group = 'target'
               AND ch.campaign_execution = 'mailing'
        """, (campaign_ids,))
        return [("id", "in", [row[0] for row in self.env.cr.fetchall()])]
