# Copyright 2026 crm_lifecycle contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The Overview the app opens on: one tile per question of the day (what
is due, who is lapsing, which campaigns run, what to review), each a count
(and an amount) of the records the user may see, opening those records."""
from odoo import _, fields, models
from odoo.exceptions import UserError
from odoo.tools.safe_eval import safe_eval

from .. import compat


class CrmLifecycleTile(models.Model):
    _name = "crm.lifecycle.tile"
    _description = "Customer Lifecycle Overview Tile"
    _order = "sequence, id"

    name = fields.Char(required=True, translate=True)
    description = fields.Char(translate=True, help="What the figure counts, in a line.")
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    icon = fields.Char(default="fa-list", help="A Font Awesome icon, e.g. fa-phone.")
    model_name = fields.Char(string="Model", required=True,
                             help="The records counted, e.g. crm.campaign.")
    domain = fields.Char(
        default="[]",
        help="Which records count; may use uid and context_today(), e.g. "
             "[('user_id', '=', uid)].")
    sum_field = fields.Char(
        string="Amount Field", help="A field summed beside the count, e.g. clv.")
    sum_label = fields.Char(string="Amount Label", translate=True)
    action_id = fields.Many2one(
        "ir.actions.act_window", string="Opens", required=True,
        help="The list the tile opens, filtered to the records counted.")
    open_field = fields.Char(
        string="Opens Through",
        help="When the tile counts one model and opens another: the field of the counted "
             "records naming the records to open, e.g. res_id of activities.")
    group_ids = fields.Many2many(
        "res.groups", string="Groups",
        help="Shown only to these groups (empty: to every Customer Lifecycle user).")
    alert = fields.Boolean(help="Shown in colour when its count is above zero.")
    value = fields.Integer(string="Count", compute="_compute_value")
    amount = fields.Float(compute="_compute_value", digits=(16, 0))

    def _eval_domain(self):
        self.ensure_one()
        return safe_eval(self.domain or "[]", {
            "uid": self.env.uid, "user": self.env.user, "datetime": compat.safe_eval_datetime(),
            "context_today": lambda: fields.Date.from_string(
                fields.Date.context_today(self))})

    def _records(self):
        """The model, as the user (its rules apply), and the domain; None
        when the user may not read the model."""
        self.ensure_one()
        if self.model_name not in self.env:
            return None, []
        Model = self.env[self.model_name]
        if not Model.check_access_rights("read", raise_exception=False):
            return None, []
        return Model, self._eval_domain()

    def _compute_value(self):
        for tile in self:
            Model, domain = tile._records()
            tile.value = Model.search_count(domain) if Model is not None else 0
            tile.amount = 0.0
            if Model is not None and tile.sum_field in Model._fields:
                groups = Model.read_group(domain, [tile.sum_field], [])
                tile.amount = (groups and groups[0].get(tile.sum_field)) or 0.0

    def action_open(self):
        self.ensure_one()
        Model, domain = self._records()
        if Model is None:
            raise UserError(_("You may not see these records."))
        action = compat.action_values(self.action_id)
        if self.open_field:
            ids = Model.search(domain).mapped(self.open_field)
            domain = [("id", "in", ids if isinstance(ids, list) else ids.ids)]
        action.update({"domain": domain, "context": {}, "display_name": self.name,
                       "name": self.name})
        return action
