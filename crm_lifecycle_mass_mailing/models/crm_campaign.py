# Copyright 2026 crm_lifecycle contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from markupsafe import Markup

from odoo import _, api, fields, models
from odoo.tools import html_escape, plaintext2html

from odoo.addons.crm_lifecycle import compat
from odoo.addons.crm_lifecycle.sql import compose


class CrmCampaign(models.Model):
    _inherit = "crm.campaign"

    mass_mailing_id = fields.Many2one(
        compat.MAILING_MODEL, string="Mailing", readonly=True, copy=False,
        ondelete="set null",
        help="The mass mailing that sends the campaign's email to its target group.")

    def _mailing_values(self):
        """The mass mailing of the campaign: to the target group, with the
        campaign's UTM campaign and the email medium."""
        self.ensure_one()
        body = plaintext2html(self.description) if self.description \
            else "<p>%s</p>" % html_escape(self.name)
        return dict(compat.mailing_subject(self.name), **{
            "campaign_id": self.utm_campaign_id.id,
            "medium_id": self.env.ref("utm.utm_medium_email").id,
            "mailing_model_id": self.env["ir.model"]._get("res.partner").id,
            "mailing_domain": repr([("lifecycle_target_campaign_ids", "=", self.id)]),
            "body_html": body,
            "reply_to_mode": compat.MAILING_REPLY_TO_EMAIL,
        })

    def _execute_mailing(self, channels=None):
        """Prepare the campaign's mass mailing to its target members on an
        emailing channel (all of them, unless the campaign routes each
        customer); the members become contacted when it is sent."""
        self.ensure_one()
        mailing = self.env[compat.MAILING_MODEL].create(self._mailing_values())
        self.mass_mailing_id = mailing
        # HTML in which the values are escaped: 18 escapes a text body whole
        self.message_post(body=Markup(_(
            "Mailing %(mailing)s prepared for the %(count)d customers of the target group: "
            "write its content and send it from the mailing.")) % {
                "mailing": mailing.name,
                "count": len(self._target_members(channels)) if channels else self.target_count})
        return mailing

    @api.depends("mass_mailing_id")
    def _compute_figures(self):
        """The figures' sending status names the mailing once there is one."""
        return super(CrmCampaign, self)._compute_figures()

    def _contact_status(self):
        """A launched email campaign waits for its mailing to be sent."""
        status = super(CrmCampaign, self)._contact_status()
        if status and self.mass_mailing_id:
            return _("Waiting for the mailing to be sent: %(contacted)d of %(target)d target "
                     "customers contacted. No verdict before the first email goes out; send "
                     "it from the Mailing button.") % {
                         "contacted": self.contacted_count, "target": self.target_count}
        return status

    def _record_mailing_contacts(self):
        """The target members the campaign's mailing went to (emails not
        cancelled) are contacted now: one query, then the set-based contact
        recording (a touchpoint of the campaign each)."""
        cr = self.env.cr
        # the ORM's pending writes reach the tables before the mailing's traces are read
        compat.flush(self.env)
        cr.execute(compose("""
            SELECT m.id FROM crm_campaign_member m
              JOIN crm_campaign c ON c.id = m.campaign_id
              JOIN {traces} s ON s.mass_mailing_id = c.mass_mailing_id
                             AND s.model = 'res.partner' AND s.res_id = m.partner_id
             WHERE c.id = ANY(%s) AND m.split_group = 'target' AND m.contact_date IS NULL
               AND {sent}
        """, traces=compat.MAILING_TRACE_TABLE, sent=compat.MAILING_TRACE_OK_SQL), (self.ids,))
        member_ids = [row[0] for row in cr.fetchall()]
        return self.env["crm.campaign.member"].browse(member_ids)._record_contacts(
            fields.Datetime.now())

    def action_view_mailing(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window", "res_model": compat.MAILING_MODEL,
            "res_id": self.mass_mailing_id.id, "view_mode": "form", "target": "current",
            "name": _("Mailing"),
        }
