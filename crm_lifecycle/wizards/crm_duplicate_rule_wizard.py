# Copyright 2026 crm_lifecycle contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Configuration > Duplicate Rules: change the finder's rules, see before
saving which pairs would appear or disappear and how precise the finder
would be on the pairs reviewers already decided, then save."""
from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

from ..models.crm_duplicate_rule import (
    EXACT_ONLY,
    MATCHES,
    RULE_FIELDS,
    exception_values,
    field_name,
)

# The pairs of each kind listed in the preview (the counts are whole).
PREVIEW_PAIRS = 200


class CrmDuplicateRuleWizard(models.TransientModel):
    _name = "crm.duplicate.rule.wizard"
    _inherit = "crm.lifecycle.wizard"
    _description = "Duplicate Rules"

    line_ids = fields.One2many("crm.duplicate.rule.wizard.line", "wizard_id", string="Rules")
    exceptions = fields.Text(
        help="Values that prove nothing, one per line: an email address, the start of one "
             "(info@ for every address starting so), or a phone number (a switchboard shared "
             "by many customers). Two records sharing one are not the more alike for it.")
    state = fields.Selection([("edit", "Edit"), ("preview", "Preview")], default="edit",
                             readonly=True)
    threshold = fields.Float(digits=(3, 2), readonly=True,
                             help="The threshold of the duplicate finder (Settings).")
    open_count = fields.Integer(string="Pairs to Review Now", readonly=True)
    appear_count = fields.Integer(
        string="Pairs That Would Appear", readonly=True,
        help="Pairs the finder would propose with these rules that it does not propose now "
             "(pairs reviewers decided stay decided).")
    disappear_count = fields.Integer(
        string="Pairs That Would Disappear", readonly=True,
        help="Pairs to review now that the finder would not propose with these rules.")
    decided_merged = fields.Integer(string="Merged by Reviewers", readonly=True)
    decided_distinct = fields.Integer(string="Not Duplicates by Reviewers", readonly=True)
    precision_now = fields.Float(
        string="Precision Now (%)", digits=(5, 1), readonly=True,
        help="Among the pairs reviewers decided that the rules in force propose: the share "
             "they merged.")
    recall_now = fields.Float(
        string="Recall Now (%)", digits=(5, 1), readonly=True,
        help="Among the pairs reviewers merged: the share the rules in force propose.")
    precision_new = fields.Float(
        string="Precision with These Rules (%)", digits=(5, 1), readonly=True,
        help="Among the pairs reviewers decided that these rules would propose: the share "
             "they merged.")
    recall_new = fields.Float(
        string="Recall with These Rules (%)", digits=(5, 1), readonly=True,
        help="Among the pairs reviewers merged: the share these rules would propose.")
    pair_ids = fields.One2many("crm.duplicate.rule.wizard.pair", "wizard_id",
                               string="Pairs That Would Change", readonly=True)

    @api.model
    def default_get(self, fields_list):
        values = super(CrmDuplicateRuleWizard, self).default_get(fields_list)
        rules = self.env["crm.duplicate.rule"]._rules()
        values["line_ids"] = [(0, 0, dict(rules[field], field=field))
                              for field, _label in RULE_FIELDS]
        exceptions = rules["exceptions"]
        values["exceptions"] = "\n".join(
            exceptions["email_starts"] + exceptions["emails"] + exceptions["phones"])
        values["threshold"] = self.env["crm.partner.duplicate"]._threshold()
        return values

    def _rules(self):
        """The rules written in this window, checked."""
        self.ensure_one()
        rules = self.env["crm.duplicate.rule"]._rules()
        for line in self.line_ids:
            if not 0 <= line.weight < 1:
                raise ValidationError(_("%(field)s: the weight is between 0 and 1 (1 "
                                        "excluded).") % {"field": line._field_name()})
            if line.field in EXACT_ONLY and line.match != "exact":
                raise ValidationError(_("%(field)s compares exactly: another value is "
                                        "another one.") % {"field": line._field_name()})
            rules[line.field] = {"use": line.use, "match": line.match, "weight": line.weight}
        values = exception_values(self.env, self.exceptions)
        rules["exceptions"] = {
            "emails": [v for k, v in values if k == "email" and not v.endswith("@")],
            "email_starts": [v for k, v in values if k == "email" and v.endswith("@")],
            "phones": [v for k, v in values if k == "phone"]}
        return rules

    def action_preview(self):
        self._check_lifecycle_rights()
        rules = self._rules()
        result = self.env["crm.partner.duplicate"].preview_rules(rules, limit=PREVIEW_PAIRS)
        pairs = [(0, 0, dict(zip(("change", "partner_a_id", "partner_b_id", "score_now",
                                  "score_new", "reasons_new"), row)))
                 for row in result["appear"] + result["disappear"]]
        self.write({
            "state": "preview", "threshold": result["threshold"],
            "open_count": result["open_count"], "appear_count": result["appear_count"],
            "disappear_count": result["disappear_count"],
            "decided_merged": result["decided_merged"],
            "decided_distinct": result["decided_distinct"],
            "precision_now": result["precision_now"], "recall_now": result["recall_now"],
            "precision_new": result["precision_new"], "recall_new": result["recall_new"],
            "pair_ids": [(5, 0, 0)] + pairs})
        return {"type": "ir.actions.act_window", "res_model": self._name, "res_id": self.id,
                "view_mode": "form", "target": "new", "name": _("Duplicate Rules")}

    def action_save(self):
        self._check_lifecycle_rights()
        rules = self._rules()
        Rule = self.env["crm.duplicate.rule"]
        existing = {rule.field: rule for rule in Rule.search([])}
        for sequence, (field, _label) in enumerate(RULE_FIELDS):
            values = dict(rules[field], sequence=sequence)
            if field in existing:
                existing[field].write(values)
            else:
                Rule.create(dict(values, field=field))
        Exception_ = self.env["crm.duplicate.exception"]
        wanted = set(exception_values(self.env, self.exceptions))
        kept = Exception_.search([])
        kept.filtered(lambda e: (e.kind, e.value) not in wanted).unlink()
        have = {(e.kind, e.value) for e in kept.exists()}
        for kind, value in sorted(wanted - have):
            Exception_.create({"kind": kind, "value": value})
        return {"type": "ir.actions.act_window_close"}


class CrmDuplicateRuleWizardLine(models.TransientModel):
    _name = "crm.duplicate.rule.wizard.line"
    _inherit = "crm.lifecycle.wizard"
    _description = "Duplicate Rules: a Field"
    _order = "id"

    wizard_id = fields.Many2one("crm.duplicate.rule.wizard", required=True,
                                ondelete="cascade")
    field = fields.Selection(RULE_FIELDS, required=True)
    use = fields.Boolean(
        string="Counts", help="Whether this field's agreement counts as evidence that two "
                              "records are one customer (and its disagreement against).")
    match = fields.Selection(
        MATCHES, required=True, default="exact",
        help="Exact: the same values. Fuzzy: typos and small differences count; high "
             "precision asks for more alike values than low. Email, phone and tax ID compare "
             "exactly.")
    weight = fields.Float(
        digits=(3, 2),
        help="How strongly the field's agreement says the records are one customer, from 0 "
             "to 1 (1 excluded). The street has no weight of its own: it tells how much the "
             "name counts.")

    def _field_name(self):
        return field_name(self)


class CrmDuplicateRuleWizardPair(models.TransientModel):
    _name = "crm.duplicate.rule.wizard.pair"
    _inherit = "crm.lifecycle.wizard"
    _description = "Duplicate Rules: a Pair That Would Change"
    _order = "change, score_new desc, score_now desc, id"

    wizard_id = fields.Many2one("crm.duplicate.rule.wizard", required=True,
                                ondelete="cascade")
    change = fields.Selection([("appear", "Would appear"), ("disappear", "Would disappear")],
                              required=True)
    partner_a_id = fields.Many2one("res.partner", string="Customer")
    partner_b_id = fields.Many2one("res.partner", string="Possible Duplicate")
    score_now = fields.Float(string="Score Now", digits=(4, 3))
    score_new = fields.Float(string="Score with These Rules", digits=(4, 3))
    reasons_new = fields.Char(string="Reasons with These Rules")
