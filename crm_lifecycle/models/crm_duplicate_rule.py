# Copyright 2026 crm_lifecycle contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The rules of the duplicate finder a company tunes: which fields count,
exact or fuzzy, how strongly, and the values that prove nothing (a shared
switchboard, info@ addresses). The defaults are the finder's own weights
(COMPARE_SQL); the screen to change them, with a preview of what a change
does, is the wizard crm.duplicate.rule.wizard."""
from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

from ..identity import company_region, email_key, to_e164

RULE_FIELDS = [
    ("email", "Email"),
    ("phone", "Phone"),
    ("vat", "Tax ID"),
    ("name", "Name"),
    ("street", "Street"),
]
MATCHES = [
    ("exact", "Exact"),
    ("high", "Fuzzy: high precision"),
    ("medium", "Fuzzy: medium precision"),
    ("low", "Fuzzy: low precision"),
]
# The finder's own rules (COMPARE_SQL): what each field's agreement weighs
# at best, and how alike names and streets must be.
DEFAULT_RULES = {
    "email": {"use": True, "match": "exact", "weight": 0.95},
    "phone": {"use": True, "match": "exact", "weight": 0.85},
    "vat": {"use": True, "match": "exact", "weight": 0.95},
    "name": {"use": True, "match": "medium", "weight": 0.97},
    "street": {"use": True, "match": "medium", "weight": 0.0},
}
# Fuzzy names: the similarity from which a name starts to count, and from
# which it counts fully; streets: the similarity from which two streets are
# the same.
NAME_RAMP = {"high": (0.6, 0.9), "medium": (0.4, 0.85), "low": (0.3, 0.7)}
STREET_MIN = {"exact": 0.999, "high": 0.6, "medium": 0.45, "low": 0.3}
# Fields that only compare exactly: an email or a tax ID with a typo is
# another one.
EXACT_ONLY = ("email", "phone", "vat")


def sql_params(rules):
    """The parameters of the finder's queries (COMPARE_SQL) for `rules`
    ({field: {use, match, weight}}, as crm.duplicate.rule._rules())."""
    name, street = rules["name"], rules["street"]
    return {
        "use_email": rules["email"]["use"], "w_email": rules["email"]["weight"],
        "use_phone": rules["phone"]["use"], "w_phone": rules["phone"]["weight"],
        "use_vat": rules["vat"]["use"], "w_vat": rules["vat"]["weight"],
        "use_name": name["use"], "name_exact": name["match"] == "exact",
        "name_floor": NAME_RAMP.get(name["match"], NAME_RAMP["medium"])[0],
        "name_full": NAME_RAMP.get(name["match"], NAME_RAMP["medium"])[1],
        # the place and street factors of a name are scaled so that the
        # best of them is the name's weight
        "w_name": name["weight"] / DEFAULT_RULES["name"]["weight"],
        "use_street": street["use"], "street_min": STREET_MIN[street["match"]],
    }


def exception_values(env, text):
    """[(kind, value)] of the exceptions written one per line: an address
    (info@example.com), the start of one (info@), or a phone number.
    Raises a ValidationError naming the line of a value that is none."""
    region = (company_region(env) or "").upper() or None
    values = []
    for number, line in enumerate((text or "").splitlines(), 1):
        value = line.strip()
        if not value:
            continue
        if "@" in value:
            if " " in value or value.count("@") > 1 or value.startswith("@"):
                raise ValidationError(_(
                    "Exceptions, line %(line)d: %(value)r is no email address nor the start "
                    "of one (write info@ for every address that starts so).") % {
                        "line": number, "value": value})
            values.append(("email", email_key(value)))
            continue
        phone = to_e164(value, region)
        if not phone:
            raise ValidationError(_(
                "Exceptions, line %(line)d: %(value)r is neither an email address nor a phone "
                "number.") % {"line": number, "value": value})
        values.append(("phone", phone))
    return sorted(set(values))


def field_name(record):
    """The label of a rule's field, in the user's language."""
    return dict(record._fields["field"]._description_selection(record.env))[record.field]


class CrmDuplicateRule(models.Model):
    _name = "crm.duplicate.rule"
    _description = "Duplicate Finder: Rule of a Field"
    _order = "sequence, id"
    _rec_name = "field"

    sequence = fields.Integer(default=10)
    field = fields.Selection(RULE_FIELDS, required=True, readonly=True)
    use = fields.Boolean(
        string="Counts", default=True,
        help="Whether this field's agreement counts as evidence that two records are one "
             "customer (and its disagreement against).")
    match = fields.Selection(
        MATCHES, string="Match", required=True, default="exact",
        help="Exact: the values must be the same (after case, spaces, accents, legal forms "
             "and phone formats are set aside). Fuzzy: typos and small differences count; "
             "high precision asks for more alike values than low.")
    weight = fields.Float(
        string="Weight", digits=(3, 2),
        help="How strongly the field's agreement says the records are one customer, from 0 "
             "(not at all) to 1 (certainly). For the name: its weight in the same place and "
             "street. The street has no weight of its own: it tells how much the name counts.")

    _sql_constraints = [
        ("field_uniq", "UNIQUE (field)", "Each field has one rule."),
        ("weight_range", "CHECK (weight >= 0 AND weight < 1)",
         "A weight is between 0 and 1 (1 excluded: no field alone is certain)."),
    ]

    @api.constrains("field", "match")
    def _check_match(self):
        for rule in self:
            if rule.field in EXACT_ONLY and rule.match != "exact":
                raise ValidationError(_("%(field)s compares exactly: another value is "
                                        "another one.") % {"field": rule._field_name()})

    def _field_name(self):
        return field_name(self)

    @api.model
    def _rules(self):
        """{field: {use, match, weight}} of the rules in force, the finder's
        own for a field without a rule, and the exceptions
        {'emails': [...], 'email_starts': [...], 'phones': [...]}."""
        rules = {k: dict(v) for k, v in DEFAULT_RULES.items()}
        for rule in self.search([]):
            rules[rule.field] = {"use": rule.use, "match": rule.match, "weight": rule.weight}
        rules["exceptions"] = self.env["crm.duplicate.exception"]._values()
        return rules


class CrmDuplicateException(models.Model):
    _name = "crm.duplicate.exception"
    _description = "Duplicate Finder: Value That Proves Nothing"
    _order = "kind, value"
    _rec_name = "value"

    kind = fields.Selection([("email", "Email"), ("phone", "Phone")], required=True,
                            readonly=True)
    value = fields.Char(
        required=True, readonly=True,
        help="An email address, the start of one (info@: every address starting so), or a "
             "phone number in international form. Two records sharing it are not the more "
             "alike for it.")

    _sql_constraints = [
        ("value_uniq", "UNIQUE (kind, value)", "An exception is listed once."),
    ]

    @api.model
    def _values(self):
        emails, starts, phones = [], [], []
        for exception in self.search([]):
            if exception.kind == "phone":
                phones.append(exception.value)
            elif exception.value.endswith("@"):
                starts.append(exception.value)
            else:
                emails.append(exception.value)
        return {"emails": emails, "email_starts": starts, "phones": phones}
