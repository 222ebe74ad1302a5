# Copyright 2026 crm_lifecycle contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""What the duplicate finder learnt: per company, the Fellegi-Sunter model
estimated from the comparison patterns of its candidate pairs and the
reviewers' decisions (identity_linkage), with each field's weights shown."""
import json

from odoo import _, api, fields, models

from .. import identity_linkage as linkage

FIELD_SELECTION = [
    ("name", "Name"),
    ("email", "Email"),
    ("phone", "Phone"),
    ("vat", "Tax ID"),
    ("place", "City and Zip"),
    ("street", "Street"),
    ("street2", "Street 2"),
]


def level_names(env, field):
    """The words of each level of a field (FS_FIELDS), in the language of
    `env`."""
    context = env.context  # noqa: F841  (_() reads the language from here)
    same = [_("other"), _("a typo away"), _("the same")]
    if field == "name":
        return [_("nothing in common"), _("a word in common"), _("similar"),
                _("very similar"), _("the same")]
    if field in ("email", "phone", "vat"):
        return [_("other"), _("the same")]
    if field == "place":
        both = [_("city %(city)s, zip %(zip)s") % {"city": city, "zip": zip_code}
                for city in same for zip_code in same]
        return (both + [_("city %(city)s (no zip)") % {"city": city} for city in same]
                + [_("zip %(zip)s (no city)") % {"zip": zip_code} for zip_code in same])
    if field == "street":
        return [_("other"), _("similar"), _("the same")]
    return [_("other"), _("similar")]


class CrmDuplicateModel(models.Model):
    _name = "crm.duplicate.model"
    _description = "Duplicate Finder: Learnt Weights"
    _order = "company_id"
    _rec_name = "company_id"

    company_id = fields.Many2one(
        "res.company", readonly=True, index=True,
        help="The company whose customers the weights were learnt on; empty: all customers "
             "together, used for a company with too few pairs of its own.")
    learnt_on = fields.Datetime(readonly=True)
    pair_count = fields.Integer(
        string="Pairs Compared", readonly=True,
        help="Candidate pairs compared on the run the weights were learnt on.")
    decided_count = fields.Integer(
        string="Reviewers' Decisions", readonly=True,
        help="Pairs reviewers merged or marked as not duplicates, among those the weights "
             "decide (no email, phone or tax ID shared): their decisions count as known "
             "answers.")
    match_share = fields.Float(
        string="Matches (%)", readonly=True, digits=(5, 1),
        help="The estimated share of the compared pairs that are one customer.")
    converged = fields.Boolean(readonly=True)
    weight_ids = fields.One2many("crm.duplicate.weight", "model_id", string="Weights",
                                 readonly=True)
    data = fields.Text(readonly=True, help="Technical: the model and the pattern counts.")
    estimated_precision = fields.Float(
        string="Estimated Precision (%)", compute="_compute_quality", digits=(5, 1),
        help="At the current threshold: the expected share of the proposed pairs that are "
             "one customer, by the model's own estimate.")
    estimated_recall = fields.Float(
        string="Estimated Recall (%)", compute="_compute_quality", digits=(5, 1),
        help="At the current threshold: the expected share of the customers written twice "
             "that are proposed, among the pairs the model decides.")
    suggested_threshold = fields.Float(
        compute="_compute_quality", digits=(3, 2),
        help="The lowest threshold at which the model expects 99 % of the proposed pairs to be "
             "right.")

    def _model(self):
        return linkage.Model.from_dict(json.loads(self.data)["model"])

    def _counts(self):
        return {linkage.parse(p): n for p, n in json.loads(self.data)["counts"].items()}

    def quality(self, threshold):
        """(precision, recall) in % expected at `threshold`."""
        self.ensure_one()
        precision, recall = linkage.expected_quality(self._model(), self._counts(), threshold)
        return 100.0 * precision, 100.0 * recall

    @api.depends("data")
    def _compute_quality(self):
        threshold = self.env["crm.partner.duplicate"]._threshold()
        for record in self:
            if not record.data:
                record.estimated_precision = record.estimated_recall = 0.0
                record.suggested_threshold = 0.0
                continue
            record.estimated_precision, record.estimated_recall = record.quality(threshold)
            record.suggested_threshold = linkage.suggest_threshold(
                record._model(), record._counts()) or 0.0

    @api.model
    def _store(self, company_id, model, counts, decided):
        """Replace the learnt weights of `company_id` (False: all)."""
        self.search([("company_id", "=", company_id)]).unlink()
        weights = []
        for (field, _levels), m_row, u_row, w_row, in zip(
                linkage.FS_FIELDS, model.m, model.u, model.weights()):
            names = level_names(self.env, field)
            for level, (m, u, weight) in enumerate(zip(m_row, u_row, w_row)):
                weights.append((0, 0, {
                    "field": field, "level": level, "level_name": names[level],
                    "m": 100.0 * m, "u": 100.0 * u, "weight": weight}))
        return self.create({
            "company_id": company_id, "learnt_on": fields.Datetime.now(),
            "pair_count": sum(counts.values()), "decided_count": decided,
            "match_share": 100.0 * model.lam, "converged": model.converged,
            "data": json.dumps({
                "model": model.as_dict(),
                "counts": {",".join("x" if v is None else str(v) for v in p): n
                           for p, n in counts.items()}}),
            "weight_ids": weights})


class CrmDuplicateWeight(models.Model):
    _name = "crm.duplicate.weight"
    _description = "Duplicate Finder: Weight of a Field's Level"
    _order = "model_id, sequence, id"

    model_id = fields.Many2one("crm.duplicate.model", required=True, ondelete="cascade",
                               readonly=True, index=True)
    company_id = fields.Many2one(related="model_id.company_id", store=True, readonly=True)
    sequence = fields.Integer(compute="_compute_sequence", store=True)
    field = fields.Selection(FIELD_SELECTION, required=True, readonly=True)
    level = fields.Integer(readonly=True)
    level_name = fields.Char(string="Agreement", readonly=True)
    m = fields.Float(
        string="Among Duplicates (%)", readonly=True, digits=(5, 2),
        help="How often the field is at this level when the two records are one customer.")
    u = fields.Float(
        string="Among Others (%)", readonly=True, digits=(5, 2),
        help="How often the field is at this level when they are two customers.")
    weight = fields.Float(
        readonly=True, digits=(5, 2),
        help="What this level adds to the evidence of one customer, in bits (log2 of the two "
             "shares): positive for, negative against.")

    @api.depends("field", "level")
    def _compute_sequence(self):
        order = [code for code, _label in FIELD_SELECTION]
        for weight in self:
            weight.sequence = order.index(weight.field) * 100 + weight.level
