# Copyright 2026 crm_lifecycle contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models


class MailActivity(models.Model):
    _inherit = "mail.activity"

    campaign_member_id = fields.Many2one(
        "crm.campaign.member", string="Campaign Member", readonly=True, index=True,
        ondelete="cascade",
        help="The campaign whose call or visit list this activity belongs to.")

    @api.onchange("activity_type_id")
    def _onchange_activity_type_id(self):
        """A dialog opened for a given responsible (the worklists' calls for
        the customer's salesperson: `lifecycle_activity_user_id` in the
        context) keeps it when the type is set. 13+: Odoo's onchange sets
        the type's default user or the current user, so the dialog offered
        the admin instead of the salesperson; 11: it leaves the user alone."""
        result = super(MailActivity, self)._onchange_activity_type_id()
        user_id = self.env.context.get("lifecycle_activity_user_id")
        if user_id and self.activity_type_id:
            self.user_id = user_id
        # an activity for a customer a running campaign holds out: warned
        warning = self._lifecycle_holdout_warning()
        if warning:
            result = dict(result or {}, warning=warning)
        return result

    def _lifecycle_holdout_warning(self):
        """The holdout warning of the customer the activity is for (a
        partner, or a record with a partner: a lead, an order)."""
        if not self.res_model or not self.res_id or self.res_model not in self.env:
            return None
        record = self.env[self.res_model].browse(self.res_id).exists()
        if not record:
            return None
        if self.res_model == "res.partner":
            partner = record
        elif "partner_id" in record._fields and \
                record._fields["partner_id"].comodel_name == "res.partner":
            partner = record.partner_id
        else:
            return None
        return partner._lifecycle_holdout_warning() if partner else None

    def action_feedback(self, feedback=False):
        """Done campaign activities make their member contacted; the
        touchpoint captured from the done activity carries the campaign."""
        campaign_activities = self.filtered("campaign_member_id")
        if not campaign_activities:
            return super(MailActivity, self).action_feedback(feedback=feedback)
        message_id = False
        Touchpoint = self.env["crm.touchpoint"]
        for activity in self:
            member = activity.campaign_member_id
            message_id = super(MailActivity, activity).action_feedback(feedback=feedback)
            if member and message_id:
                # sudo: members are written by the campaign engine for any agent;
                # the agent only marks their own activity done, and the member
                # and the message come from that activity, not from the caller
                member.sudo().write({"contact_message_id": message_id})
                # sudo: as above, the contact date of that one member
                member.sudo()._record_contacts(fields.Datetime.now(), touchpoints=False)
                Touchpoint._capture_sync("_sync_messages", [message_id],
                                         models_=["res.partner"])
        return message_id
