# Copyright 2026 crm_lifecycle contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Move Calls: an operations lead gives open calls or visits of a running
campaign from some agents to others (crm_campaign_allocation.py)."""
from odoo import _, api, fields, models
from odoo.exceptions import UserError

from ..models.crm_campaign_allocation import MOVE_ORDERS

# the most calls one move may name (a bound on the input; 0 moves them all)
MAX_CALLS = 1000000


class CrmCampaignMoveCalls(models.TransientModel):
    _name = "crm.campaign.move.calls"
    _inherit = "crm.lifecycle.wizard"
    _description = "Move Campaign Calls"

    campaign_id = fields.Many2one("crm.campaign", string="Campaign", required=True,
                                  readonly=True, ondelete="cascade")
    company_id = fields.Many2one(related="campaign_id.company_id", readonly=True)
    from_user_ids = fields.Many2many(
        "res.users", "crm_campaign_move_calls_from_rel", "wizard_id", "user_id",
        string="From", required=True,
        help="The agents giving calls (their open calls in this campaign).")
    to_user_ids = fields.Many2many(
        "res.users", "crm_campaign_move_calls_to_rel", "wizard_id", "user_id",
        string="To", required=True,
        help="The agents taking them, each about the same number.")
    order = fields.Selection(
        MOVE_ORDERS, string="Which Calls", required=True, default="deadline",
        help="Oldest Calls First: the calls due first, dealt in turn. Most Valuable Customers "
             "First: the customers worth most (their predicted lifetime value with the "
             "analytics, else their purchases), dealt back and forth so that each agent "
             "taking calls gets about the same value.")
    count = fields.Integer(
        string="How Many", default=0,
        help="How many open calls to move; 0 moves all the open calls of the agents giving "
             "them.")
    open_count = fields.Integer(
        string="Their Open Calls", compute="_compute_open_count",
        help="The open calls of the agents giving calls, in this campaign.")
    agent_summary = fields.Text(
        string="Open Calls per Agent", compute="_compute_open_count", readonly=True)

    @api.depends("campaign_id", "from_user_ids")
    def _compute_open_count(self):
        for wizard in self:
            if not wizard.campaign_id:
                wizard.open_count = 0
                wizard.agent_summary = False
                continue
            counts = wizard.campaign_id.open_call_counts()
            wizard.open_count = sum(counts.get(user.id, 0) for user in wizard.from_user_ids)
            users = self.env["res.users"].browse([uid for uid in counts if uid])
            wizard.agent_summary = "\n".join(
                "%s: %d" % (user.name, counts[user.id])
                for user in users.sorted(lambda u: (-counts[u.id], u.name)))

    @api.model
    def default_get(self, fields_list):
        values = super(CrmCampaignMoveCalls, self).default_get(fields_list)
        campaign_id = values.get("campaign_id") or self.env.context.get("default_campaign_id")
        if campaign_id and "from_user_ids" in fields_list and not values.get("from_user_ids"):
            # the agent holding the most open calls gives them
            counts = self.env["crm.campaign"].browse(campaign_id).open_call_counts()
            busiest = sorted((uid for uid in counts if uid), key=lambda u: -counts[u])[:1]
            values["from_user_ids"] = [(6, 0, busiest)]
        return values

    def action_move(self):
        self._check_lifecycle_rights()
        self.ensure_one()
        if not 0 <= self.count <= MAX_CALLS:
            raise UserError(_("How Many must be between 0 (all) and %d.") % MAX_CALLS)
        self.campaign_id.move_calls(self.from_user_ids, self.to_user_ids,
                                    count=self.count, order=self.order)
        return {"type": "ir.actions.act_window_close"}
