# Copyright 2026 crm_lifecycle contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo.exceptions import AccessError, UserError, ValidationError

from ..models.crm_duplicate_rule import DEFAULT_RULES
from .common import CUSTOMER, CrmLifecycleCase


class TestDuplicateRules(CrmLifecycleCase):
    """Configuration > Duplicate Rules: the finder follows the rules, and the
    preview says before saving which pairs a change moves."""

    @classmethod
    def setUpClass(cls):
        super(TestDuplicateRules, cls).setUpClass()
        cls.Duplicate = cls.env["crm.partner.duplicate"]
        cls.Partner = cls.env["res.partner"]
        cls.Wizard = cls.env["crm.duplicate.rule.wizard"]

    def partner(self, **vals):
        for name, value in CUSTOMER.items():
            vals.setdefault(name, value)
        return self.Partner.create(vals)

    def pair(self, p1, p2):
        a, b = sorted((p1.id, p2.id))
        return self.Duplicate.search([("partner_a_id", "=", a), ("partner_b_id", "=", b)])

    def open_pairs(self):
        return set(self.Duplicate.search([("state", "=", "review")]).mapped(
            lambda d: (d.partner_a_id.id, d.partner_b_id.id)))

    def wizard(self, exceptions=None, **changes):
        """A Duplicate Rules window with `changes` ({field: {use, match,
        weight}}) made to the rules in force."""
        wizard = self.Wizard.create(self.Wizard.default_get(list(self.Wizard._fields)))
        for line in wizard.line_ids:
            if line.field in changes:
                line.write(changes[line.field])
        if exceptions is not None:
            wizard.exceptions = exceptions
        return wizard

    def make_pairs(self):
        """Three pairs, each found by one field: a shared info@ address, a
        shared phone, a name with a typo at the same address."""
        self.mail = (self.partner(name="Jan Peeters", email="info@peeters.example", city="Gent")
                     | self.partner(name="Jan Peters", email="INFO@peeters.example",
                                    city="Namur"))
        self.phone = (self.partner(name="Sofie Wouters", phone="+32 9 111 22 33", city="Gent")
                      | self.partner(name="Sofie Wauters", phone="09 111 22 33", city="Aalst",
                                     country_id=self.env.ref("base.be").id))
        self.typo = (self.partner(name="Lucas Janssens", street="Meir 12", city="Antwerpen",
                                  zip="2000")
                     | self.partner(name="Lucas Jansens", street="Meir 12", city="Antwerpen",
                                    zip="2000"))
        self.Duplicate.find_duplicates()

    def test_defaults_are_the_finders_own_weights(self):
        rules = self.env["crm.duplicate.rule"]._rules()
        for field, rule in DEFAULT_RULES.items():
            self.assertEqual(rules[field]["use"], rule["use"], field)
            self.assertEqual(rules[field]["match"], rule["match"], field)
            self.assertAlmostEqual(rules[field]["weight"], rule["weight"], 6, field)
        self.assertEqual(rules["exceptions"], {"emails": [], "email_starts": [], "phones": []})

    def test_each_pair_is_found_by_its_field(self):
        self.make_pairs()
        for pair in (self.mail, self.phone, self.typo):
            self.assertTrue(self.pair(*pair), pair.mapped("name"))
        self.assertIn("email", self.pair(*self.mail).reason_codes)
        self.assertIn("phone", self.pair(*self.phone).reason_codes)

    def test_a_generic_email_proves_nothing_as_the_preview_said(self):
        self.make_pairs()
        before = self.open_pairs()
        wizard = self.wizard(exceptions="info@")
        wizard.action_preview()
        mail_pair = tuple(sorted(self.mail.ids))
        gone = {(p.partner_a_id.id, p.partner_b_id.id)
                for p in wizard.pair_ids if p.change == "disappear"}
        self.assertIn(mail_pair, gone)
        self.assertFalse(wizard.pair_ids.filtered(lambda p: p.change == "appear"))
        self.assertEqual(wizard.open_count, len(before))
        # nothing changed yet: the preview writes nothing
        self.assertEqual(self.open_pairs(), before)
        self.assertFalse(self.env["crm.duplicate.exception"].search([]))

        wizard.action_save()
        self.assertEqual(self.env["crm.duplicate.exception"].search([]).mapped("value"),
                         ["info@"])
        self.Duplicate.find_duplicates()
        after = self.open_pairs()
        # the pairs moved exactly as the preview said
        self.assertEqual(before - after, gone)
        self.assertEqual(len(before - after), wizard.disappear_count)
        self.assertEqual(after - before, set())
        self.assertTrue(self.pair(*self.phone))

    def test_rules_that_do_not_count_and_exact_names(self):
        self.make_pairs()
        before = self.open_pairs()
        wizard = self.wizard(phone={"use": False}, name={"match": "exact"})
        wizard.action_preview()
        gone = {(p.partner_a_id.id, p.partner_b_id.id)
                for p in wizard.pair_ids if p.change == "disappear"}
        self.assertIn(tuple(sorted(self.phone.ids)), gone)
        self.assertIn(tuple(sorted(self.typo.ids)), gone)
        self.assertNotIn(tuple(sorted(self.mail.ids)), gone)
        wizard.action_save()
        self.Duplicate.find_duplicates()
        self.assertEqual(before - self.open_pairs(), gone)
        self.assertFalse(self.pair(*self.phone))
        self.assertFalse(self.pair(*self.typo))
        self.assertTrue(self.pair(*self.mail))

    def test_a_lower_name_precision_makes_pairs_appear(self):
        # names 0.63 alike (trigrams): half their weight at medium precision
        p1 = self.partner(name="Elena Dumitru", street="Strada Lunga 5", city="Brasov")
        p2 = self.partner(name="Elena Dumitrescu", street="Strada Lunga 5", city="Brasov")
        self.Duplicate.find_duplicates()
        score = self.pair(p1, p2).score
        self.assertLess(score or 0.0, 0.75)
        before = self.open_pairs()
        wizard = self.wizard(name={"match": "low"})
        wizard.action_preview()
        came = {(p.partner_a_id.id, p.partner_b_id.id)
                for p in wizard.pair_ids if p.change == "appear"}
        self.assertIn(tuple(sorted((p1.id, p2.id))), came)
        self.assertEqual(wizard.appear_count, len(came))
        wizard.action_save()
        self.Duplicate.find_duplicates()
        self.assertEqual(self.open_pairs() - before, came)

    def test_precision_on_the_reviewers_decisions(self):
        self.make_pairs()
        # a reviewer merged the typo pair and said the info@ pair are two
        self.pair(*self.mail).action_not_duplicate()
        self.pair(*self.typo).write({"state": "merged"})
        wizard = self.wizard(exceptions="info@")
        wizard.action_preview()
        self.assertEqual((wizard.decided_merged, wizard.decided_distinct), (1, 1))
        self.assertAlmostEqual(wizard.precision_now, 50.0, 1)
        self.assertAlmostEqual(wizard.precision_new, 100.0, 1)
        self.assertAlmostEqual(wizard.recall_now, 100.0, 1)
        self.assertAlmostEqual(wizard.recall_new, 100.0, 1)

    def test_bad_rules_say_which_line_and_change_nothing(self):
        wizard = self.wizard(exceptions="info@\nnot a number")
        with self.assertRaisesRegex(ValidationError, "line 2: 'not a number'"):
            wizard.action_save()
        wizard = self.wizard(name={"weight": 1.5})
        with self.assertRaisesRegex(ValidationError, "weight is between 0 and 1"):
            wizard.action_preview()
        wizard = self.wizard(email={"match": "low"})
        with self.assertRaisesRegex(ValidationError, "compares exactly"):
            wizard.action_save()
        self.assertFalse(self.env["crm.duplicate.exception"].search([]))
        self.assertEqual(self.env["crm.duplicate.rule"].search([
            ("field", "=", "name")]).weight, 0.97)

    def test_phone_exceptions_in_any_format(self):
        wizard = self.wizard(exceptions=" +32 9 111 22 33 \n\nOffice@Example.com")
        wizard.action_save()
        self.assertEqual(
            sorted(self.env["crm.duplicate.exception"].search([]).mapped("value")),
            ["+3291112233", "office@example.com"])
        self.make_pairs()
        self.assertFalse(self.pair(*self.phone), "the switchboard proves nothing")

    def test_only_managers_change_the_rules(self):
        user = self.env["res.users"].create({
            "name": "Rule Reader", "login": "rule_reader",
            "groups_id": [(6, 0, [self.env.ref("crm_lifecycle.crm_lifecycle_group_user").id,
                                  self.env.ref("base.group_user").id])]})
        with self.assertRaises(AccessError):
            self.Wizard.with_user(user).create({})
        with self.assertRaises(UserError):
            self.Duplicate.with_user(user).preview_rules(self.env["crm.duplicate.rule"]._rules())
        with self.assertRaises(AccessError):
            self.env["crm.duplicate.rule"].with_user(user).search([]).write({"use": False})
