# Copyright 2026 crm_lifecycle contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import _, api, fields, models
from odoo.exceptions import UserError

from ..models.crm_partner_merge_log import MERGE_FIELDS


def _survivor_order(partner):
    """The record kept by default: most touchpoints, then the oldest."""
    return (-partner.touchpoint_count, partner.id)


class CrmPartnerMergeWizard(models.TransientModel):
    _name = "crm.partner.merge.wizard"
    _inherit = ["crm.lifecycle.wizard"]
    _description = "Merge Customers"

    partner_ids = fields.Many2many(
        "res.partner", "crm_partner_merge_wizard_partner_rel", "wizard_id", "partner_id",
        string="Customers", help="The records merged into one.")
    survivor_id = fields.Many2one(
        "res.partner", string="Keep", required=True,
        help="The record that stays; the others are archived and point to it. Everything "
             "linked to them moves to it.")
    line_ids = fields.One2many("crm.partner.merge.wizard.line", "wizard_id",
                               string="Values")
    pair_ids = fields.Many2many("crm.partner.duplicate", string="Pairs")

    @api.model
    def action_open(self, partner_ids, pairs=None):
        self._check_lifecycle_rights()
        partners = self.env["res.partner"].browse(partner_ids)
        if len(partners) < 2:
            raise UserError(_("Select at least two customers to merge."))
        survivor = partners.sorted(key=_survivor_order)[0]
        wizard = self.create({
            "partner_ids": [(6, 0, partners.ids)],
            "survivor_id": survivor.id,
            "pair_ids": [(6, 0, pairs.ids if pairs else [])],
        })
        wizard.line_ids = wizard._line_commands()
        return {
            "type": "ir.actions.act_window",
            "name": _("Merge Customers"),
            "res_model": self._name,
            "res_id": wizard.id,
            "view_mode": "form",
            "target": "new",
        }

    @api.model
    def default_get(self, fields_list):
        res = super(CrmPartnerMergeWizard, self).default_get(fields_list)
        if self.env.context.get("active_model") == "res.partner":
            partners = self.env["res.partner"].browse(self.env.context.get("active_ids", []))
            res["partner_ids"] = [(6, 0, partners.ids)]
            if partners:
                res["survivor_id"] = partners.sorted(key=_survivor_order)[0].id
        return res

    def _line_commands(self):
        """One line per field whose value differs between the records: by
        default the survivor's value, or the newest record's when the
        survivor has none."""
        commands = [(5, 0, 0)]
        survivor = self.survivor_id
        others = (self.partner_ids - survivor).sorted("id", reverse=True)
        for name in MERGE_FIELDS:
            field = self.env["res.partner"]._fields.get(name)
            if field is None:  # not a field of this Odoo version (13+: team_id)
                continue
            values = {self._value_text(p, name) for p in self.partner_ids}
            values.discard("")
            if len(values) < 2 and (not values or self._value_text(survivor, name)):
                continue
            source = survivor
            if not self._value_text(survivor, name):
                source = next(p for p in others if self._value_text(p, name))
            commands.append((0, 0, {"field_name": name,
                                    "field_label": field.get_description(self.env)["string"],
                                    "partner_id": source.id}))
        return commands

    @api.model
    def _value_text(self, partner, name):
        value = partner[name]
        if isinstance(value, models.BaseModel):
            return value.display_name or ""
        return value and str(value) or ""

    @api.onchange("survivor_id", "partner_ids")
    def _onchange_survivor(self):
        if self.survivor_id and self.survivor_id not in self.partner_ids:
            self.partner_ids |= self.survivor_id
        self.line_ids = self._line_commands()

    def action_merge(self):
        self._check_lifecycle_rights()
        self.ensure_one()
        values = {}
        for line in self.line_ids:
            if line.partner_id and line.partner_id != self.survivor_id:
                value = line.partner_id[line.field_name]
                values[line.field_name] = (value.id if isinstance(value, models.BaseModel)
                                           else value)
        log_id = self.env["crm.partner.merge.log"].merge_partners(
            self.survivor_id.id, (self.partner_ids - self.survivor_id).ids, values)
        return {
            "type": "ir.actions.act_window",
            "name": _("Merge"),
            "res_model": "crm.partner.merge.log",
            "res_id": log_id,
            "view_mode": "form",
            "target": "current",
            # the merged records are archived: show them
            "context": {"active_test": False},
        }


class CrmPartnerMergeWizardLine(models.TransientModel):
    _name = "crm.partner.merge.wizard.line"
    _inherit = ["crm.lifecycle.wizard"]
    _description = "Merge Customers: Value to Keep"

    wizard_id = fields.Many2one("crm.partner.merge.wizard", required=True, ondelete="cascade")
    field_name = fields.Char(string="Field Name", required=True)
    field_label = fields.Char(string="Field", readonly=True)
    partner_id = fields.Many2one(
        "res.partner", string="Take From",
        help="The record whose value the surviving customer keeps.")
    value = fields.Char(string="Value", compute="_compute_value")

    @api.depends("partner_id", "field_name")
    def _compute_value(self):
        for line in self:
            if line.partner_id and line.field_name:
                line.value = line.wizard_id._value_text(line.partner_id, line.field_name)
            else:
                line.value = False


class CrmPartnerMergeAutoWizard(models.TransientModel):
    _name = "crm.partner.merge.auto.wizard"
    _inherit = ["crm.lifecycle.wizard"]
    _description = "Merge All Pairs Above a Score"

    min_score = fields.Float(
        string="Minimum Score", digits=(4, 3), required=True, default=0.95,
        help="Every open pair scoring at least this is merged. Pairs sharing a record are "
             "merged as one group.")
    pair_count = fields.Integer(string="Pairs", compute="_compute_counts")
    group_count = fields.Integer(string="Groups", compute="_compute_counts")

    def _groups(self):
        """Connected groups of partners over the open pairs above min_score
        (union-find)."""
        pairs = self.env["crm.partner.duplicate"].search(
            [("state", "=", "review"), ("score", ">=", self.min_score)])
        parent = {}

        def root(x):
            while parent.setdefault(x, x) != x:
                parent[x] = parent[parent[x]]
                x = parent[x]
            return x

        for pair in pairs:
            parent[root(pair.partner_a_id.id)] = root(pair.partner_b_id.id)
        groups = {}
        for pid in parent:
            groups.setdefault(root(pid), []).append(pid)
        return pairs, sorted(sorted(g) for g in groups.values())

    @api.depends("min_score")
    def _compute_counts(self):
        for wizard in self:
            pairs, groups = wizard._groups()
            wizard.pair_count = len(pairs)
            wizard.group_count = len(groups)

    def action_merge(self):
        """Merge every group, all in one transaction."""
        self._check_lifecycle_rights()
        self.ensure_one()
        _pairs, groups = self._groups()
        Wizard = self.env["crm.partner.merge.wizard"]
        log_ids = []
        for group in groups:
            partners = self.env["res.partner"].browse(group)
            survivor = partners.sorted(key=_survivor_order)[0]
            wizard = Wizard.create({"partner_ids": [(6, 0, group)],
                                    "survivor_id": survivor.id})
            wizard.line_ids = wizard._line_commands()
            log_ids.append(wizard.action_merge()["res_id"])
        return {
            "type": "ir.actions.act_window",
            "name": _("Merges"),
            "res_model": "crm.partner.merge.log",
            "view_mode": "tree,form",
            "domain": [("id", "in", log_ids)],
            "context": {"active_test": False},
        }
