# Copyright 2026 crm_lifecycle contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Schedule a call (or any activity) for the customers picked in a
worklist: one Odoo activity per customer, through the ORM and as the
user, so the activities' own access rules apply."""
import datetime

from odoo import _, api, fields, models
from odoo.exceptions import UserError

from odoo.addons.crm_lifecycle import compat
from odoo.addons.crm_lifecycle.guard import USER_GROUP

# a worklist selection, not a campaign: bigger lists are a campaign's job
MAX_CUSTOMERS = 500


class CrmCustomerActivityWizard(models.TransientModel):
    _name = "crm.customer.activity.wizard"
    _inherit = "crm.lifecycle.wizard"
    _description = "Schedule Activities for Customers"
    _lifecycle_group = USER_GROUP

    metrics_ids = fields.Many2many(
        "crm.customer.metrics", string="Customers",
        default=lambda self: self._default_metrics(),
        help="The customers picked in the list.")
    customer_count = fields.Integer(compute="_compute_customer_count", string="Customers")
    activity_type_id = fields.Many2one(
        "mail.activity.type", string="Activity", required=True,
        default=lambda self: self.env.ref("mail.mail_activity_data_call",
                                          raise_if_not_found=False),
        domain=compat.ACTIVITY_TYPE_PARTNER_DOMAIN,
        help="What to do with each customer: a call by default.")
    summary = fields.Char(help="The subject of the activities; empty: the activity's own.")
    date_deadline = fields.Date(
        string="Due Date", required=True, default=fields.Date.context_today,
        help="When the activities are due.")
    assign_to = fields.Selection(
        [("salesperson", "The customer's salesperson"), ("me", "Me")],
        string="Assign to", required=True, default="salesperson",
        help="The customer's salesperson (you, for a customer without one) or yourself.")
    state = fields.Selection([("draft", "Draft"), ("done", "Done")], default="draft",
                             readonly=True)
    result = fields.Char(readonly=True, help="What was scheduled.")
    skip_planned = fields.Boolean(
        string="Skip Customers with a Planned Activity", default=True,
        help="Leave out the customers who already have an activity planned.")

    @api.model
    def _default_metrics(self):
        if self.env.context.get("active_model") != "crm.customer.metrics":
            return []
        return [(6, 0, self.env.context.get("active_ids") or [])]

    @api.depends("metrics_ids")
    def _compute_customer_count(self):
        for wizard in self:
            wizard.customer_count = len(wizard.metrics_ids.mapped("partner_id"))

    @api.onchange("activity_type_id")
    def _onchange_activity_type_id(self):
        if self.activity_type_id:
            self.summary = self.activity_type_id.summary
            self.date_deadline = fields.Date.to_string(
                fields.Date.from_string(fields.Date.context_today(self))
                + datetime.timedelta(days=compat.activity_delay(self.activity_type_id)))

    def action_schedule(self):
        """One activity per customer (not per row of metrics: a customer
        has a row per company), then a summary of what was done."""
        self.ensure_one()
        self._check_lifecycle_rights()
        partners = self.metrics_ids.mapped("partner_id")
        if not partners:
            raise UserError(_("Pick the customers in the list first."))
        if len(partners) > MAX_CUSTOMERS:
            raise UserError(_("%(count)d customers picked: schedule at most %(max)d at a "
                              "time (for more, plan a campaign).") % {
                                  "count": len(partners), "max": MAX_CUSTOMERS})
        if self.skip_planned:
            planned = set(self.env["crm.customer.metrics"].search([
                ("id", "in", self.metrics_ids.ids), ("next_activity_date", "!=", False),
            ]).mapped("partner_id").ids)
            partners = partners.filtered(lambda p: p.id not in planned)
        model = self.env.ref("base.model_res_partner")
        Activity = self.env["mail.activity"]
        for partner in partners:
            user = partner.user_id if self.assign_to == "salesperson" else self.env.user
            Activity.create({
                "res_model_id": model.id, "res_id": partner.id,
                "activity_type_id": self.activity_type_id.id,
                "summary": self.summary, "date_deadline": self.date_deadline,
                "user_id": (user if user.active else self.env.user).id})
        skipped = len(self.metrics_ids.mapped("partner_id")) - len(partners)
        message = _("%d activities scheduled.") % len(partners)
        if skipped:
            message += " " + _("%d customers skipped: they already have an activity "
                               "planned.") % skipped
        self.write({"state": "done", "result": message})
        return {
            "type": "ir.actions.act_window", "name": _("Activities Scheduled"),
            "res_model": self._name, "res_id": self.id, "view_mode": "form",
            "views": [(False, "form")], "target": "new",
        }
