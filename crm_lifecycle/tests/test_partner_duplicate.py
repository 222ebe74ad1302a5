# Copyright 2026 crm_lifecycle contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from hypothesis import HealthCheck, given, settings, strategies as st

from odoo.exceptions import UserError

from .. import compat, identity_linkage as linkage
from ..models import crm_partner_duplicate as dup_model
from .common import CUSTOMER, CrmLifecycleCase
from .identity_data import generate, load, precision_recall, true_pairs


class TestFindDuplicates(CrmLifecycleCase):
    @classmethod
    def setUpClass(cls):
        super(TestFindDuplicates, cls).setUpClass()
        cls.Duplicate = cls.env["crm.partner.duplicate"]
        cls.Partner = cls.env["res.partner"]
        cls.be, cls.bg = cls.env.ref("base.be"), cls.env.ref("base.bg")

    def partner(self, **vals):
        for name, value in CUSTOMER.items():
            vals.setdefault(name, value)
        return self.Partner.create(vals)

    def pair(self, p1, p2):
        a, b = sorted((p1.id, p2.id))
        return self.Duplicate.search([("partner_a_id", "=", a), ("partner_b_id", "=", b)])

    def find(self, *partners):
        return self.Duplicate.find_duplicates(partner_ids=[p.id for p in partners])

    def test_same_email_in_another_case_is_a_pair_with_its_reason(self):
        p1 = self.partner(name="Atlas Foods SRL", email="office@atlas.example", city="Cluj")
        p2 = self.partner(name="ATLAS FOODS S.R.L.", email=" Office@Atlas.example ",
                          city="Cluj")
        self.find(p1, p2)
        pair = self.pair(p1, p2)
        self.assertTrue(pair)
        self.assertGreaterEqual(pair.score, 0.95)
        self.assertIn("email", pair.reason_codes)
        self.assertIn("name", pair.reason_codes.split(", "))
        self.assertIn("same email", pair.reasons)

    def test_phone_written_differently_and_transliterated_name(self):
        p1 = self.partner(name="Иван Петров", phone="02 981 2345", city="София",
                          country_id=self.bg.id)
        p2 = self.partner(name="Petrov Ivan", phone="+359 2 981 23 45", city="Sofia",
                          country_id=self.bg.id)
        self.find(p1, p2)
        pair = self.pair(p1, p2)
        self.assertTrue(pair, "same E.164 phone and the same name in Latin letters")
        self.assertIn("phone", pair.reason_codes)

    def test_typo_in_name_same_street_and_city(self):
        p1 = self.partner(name="Lucas Janssens", street="Meir 12", city="Antwerpen", zip="2000")
        p2 = self.partner(name="Lucas Jansens", street="Meir 12", city="Antwerpen", zip="2000")
        self.find(p1, p2)
        self.assertTrue(self.pair(p1, p2))

    def test_namesake_in_another_city_is_not_a_pair(self):
        p1 = self.partner(name="Lucas Peeters", city="Gent", zip="9000", phone="09 111 22 33",
                          country_id=self.be.id)
        p2 = self.partner(name="Lucas Peeters", city="Namur", zip="5000",
                          phone="081 444 55 66", country_id=self.be.id)
        self.find(p1, p2)
        self.assertFalse(self.pair(p1, p2))

    def test_colleagues_sharing_a_switchboard_are_not_a_pair(self):
        p1 = self.partner(name="Emma Maes", phone="+32 2 555 00 00", city="Bruxelles")
        p2 = self.partner(name="Jules Dubois", phone="02 555 00 00", city="Bruxelles",
                          country_id=self.be.id)
        self.find(p1, p2)
        self.assertFalse(self.pair(p1, p2))

    def test_same_vat_is_a_pair_different_vats_are_not(self):
        p1 = self.partner(name="Nova Logistics NV", vat="BE0123456749", is_company=True)
        p2 = self.partner(name="Nova Logistic", vat="be 0123 456 749", is_company=True)
        p3 = self.partner(name="Nova Logistics BV", vat="NL999999999B01", is_company=True)
        self.find(p1, p2, p3)
        self.assertTrue(self.pair(p1, p2))
        self.assertFalse(self.pair(p1, p3), "different tax IDs weigh against")

    def test_not_a_duplicate_is_remembered(self):
        p1 = self.partner(name="Zeta Textiles", email="z@zeta.example")
        p2 = self.partner(name="Zeta Textiles", email="z@zeta.example")
        self.find(p1, p2)
        pair = self.pair(p1, p2)
        pair.action_not_duplicate()
        count = self.find(p1, p2)
        self.assertEqual(pair.state, "distinct")
        self.assertEqual(len(self.pair(p1, p2)), 1)
        self.assertEqual(count, self.Duplicate.search_count([("state", "=", "review")]))

    def test_pair_below_a_raised_threshold_is_dropped(self):
        p1 = self.partner(name="Lucas Janssens", street="Meir 12", city="Antwerpen")
        p2 = self.partner(name="Lucas Jansens", street="Meir 12", city="Antwerpen")
        self.find(p1, p2)
        score = self.pair(p1, p2).score
        self.env["ir.config_parameter"].set_param("crm_lifecycle.duplicate_threshold",
                                                  str(min(1.0, score + 0.01)))
        self.find(p1, p2)
        self.assertFalse(self.pair(p1, p2))

    def test_partners_of_users_are_left_out(self):
        p1 = self.partner(name="Test Salesman", email="salesman@example.com")
        self.find(p1, self.salesman.partner_id)
        self.assertFalse(self.pair(p1, self.salesman.partner_id))

    def test_only_managers_look_for_duplicates(self):
        with self.assertRaises(UserError):
            self.Duplicate.with_user(self.employee).find_duplicates()

    def test_partner_form_warns_of_a_likely_duplicate(self):
        p1 = self.partner(name="Orion Media", email="hi@orion.example")
        new = self.Partner.new({"name": "Orion Media SA", "email": "HI@orion.example"})
        # the ids the form shows (13+: a new record's x2many holds new
        # records standing for the saved ones)
        shown = [getattr(r.id, "origin", r.id) for r in new.lifecycle_duplicate_ids]
        self.assertIn(p1.id, shown)
        p3 = self.partner(name="Unrelated Co", email="other@example.org")
        self.assertFalse(p3.lifecycle_duplicate_ids)

    def test_labelled_customer_list(self):
        """Precision and recall at the default threshold on a labelled list
        created through the ORM (phones and keys computed as in use)."""
        rows = generate(150, seed=11)
        ids = load(self.env, rows)
        self.Duplicate.find_duplicates(partner_ids=ids)
        found = {(d.partner_a_id.id, d.partner_b_id.id)
                 for d in self.Duplicate.search([("partner_a_id", "in", ids),
                                                 ("partner_b_id", "in", ids)])}
        truth = true_pairs(rows, ids)
        precision, recall = precision_recall(found, truth)
        self.assertGreater(len(truth), 20)
        self.assertGreaterEqual(precision, 0.95, (len(found), len(truth)))
        self.assertGreaterEqual(recall, 0.9, (len(found), len(truth)))

    def test_pairs_left_out_could_not_reach_the_minimum(self):
        """The finder leaves out the name keys of records that carry other
        emails and phones, and skips the similarities of pairs whose best
        possible score is below the threshold: the pairs above it are
        exactly those of a full comparison, score for score."""
        rows = generate(120, seed=5)
        # records without an email or a phone, whose name keys are kept
        for row in rows[::7]:
            row["email"] = row["phone"] = row["mobile"] = False
        ids = load(self.env, rows)
        # two complete records that only a name links: 0.62 at best
        twins = [self.partner(name="Ionela Marinescu", email="ionela%d@example.ro" % i,
                              phone="+40 721 000 00%d" % i, street="Strada Lunga 5",
                              city="Brasov", zip="500001") for i in (1, 2)]
        ids += [p.id for p in twins]
        cr = self.env.cr

        def scored(min_score, full=False):
            # the steps of find_duplicates, from its flush on
            compat.flush(self.env)
            self.Duplicate._drop_work_tables()
            cr.execute(dup_model.CANDIDATES_SQL)
            cr.execute("CREATE UNIQUE INDEX ON lifecycle_dup_p (id); ANALYZE lifecycle_dup_p")
            self.Duplicate._find_pairs(ids, 0.0 if full else min_score)
            self.Duplicate._score_pairs(min_score=0.0 if full else min_score)
            cr.execute("SELECT a_id, b_id, score, reason_codes FROM lifecycle_dup_scored "
                       "WHERE score >= %s", (min_score,))
            return set(cr.fetchall())

        twin_pair = tuple(sorted(p.id for p in twins))
        self.assertIn(twin_pair, {r[:2] for r in scored(0.5, full=True)})
        for minimum in (0.5, 0.75, 0.9):
            expected = scored(minimum, full=True)
            self.assertTrue(expected)
            self.assertEqual(scored(minimum), expected, minimum)
        # some of the pairs above the default come only from a name key
        names_only = [r for r in scored(0.75) if not {"email", "phone", "vat"}
                      & set(r[3].split(", "))]
        self.assertTrue(names_only)
        self.Duplicate._drop_work_tables()


class TestRecogniseAtEntry(CrmLifecycleCase):
    def test_new_lead_attaches_to_the_known_customer(self):
        lead = self.env["crm.lead"].create({
            "name": "Wants a quote", "email_from": "Grace <GRACE@ada-customer.example>"})
        self.assertEqual(lead.partner_id, self.contact)
        lead = self.env["crm.lead"].create({"name": "Called", "phone": "+32 470 12 34 56"})
        self.assertEqual(lead.partner_id, self.contact)

    def test_unknown_or_ambiguous_sender_stays_without_customer(self):
        lead = self.env["crm.lead"].create({"name": "New", "email_from": "new@nowhere.example"})
        self.assertFalse(lead.partner_id)
        self.env["res.partner"].create({"name": "Linus Twin", "email": "linus@example.org"})
        lead = self.env["crm.lead"].create({"name": "Who?", "email_from": "linus@example.org"})
        self.assertFalse(lead.partner_id, "two customers have this email: not certain")

    def test_ingestion_attaches_to_the_customer_and_never_creates_one(self):
        before = self.env["res.partner"].search_count([])
        res = self.Touchpoint.ingest([{
            "source_system": "web", "external_ref": "w1", "date": "2026-05-04 10:00:00",
            "channel": "web", "direction": "inbound", "kind": "contact", "subject": "Form",
            "email": " Linus@Example.org"}])
        self.assertEqual(self.Touchpoint.browse(res[0]["id"]).partner_id, self.person)
        self.assertEqual(self.env["res.partner"].search_count([]), before)


class TestSetBasedFill(CrmLifecycleCase):
    def test_fast_load_fills_the_keys_the_orm_would(self):
        """Partners inserted by SQL get, from the set-based fillers, the same
        identity keys and E.164 phones as partners created by the ORM."""
        rows = generate(15, seed=5)
        fast = self.env["res.partner"].browse(load(self.env, rows, fast=True))
        slow = self.env["res.partner"].browse(load(self.env, rows))
        fields_ = ["identity_name_key", "identity_city_key", "phone_e164"]
        self.assertTrue(any(fast.mapped("phone_e164")))
        self.assertEqual([[p[f] for f in fields_] for p in fast],
                         [[p[f] for f in fields_] for p in slow])


GIVEN = ["mitchell", "harley", "madeline", "isabelle", "taylor", "lydia", "hollie", "dylan",
         "ionela", "stefan", "dewi", "mariana"]
SURNAMES = ["green", "mccarthy", "mason", "hathaway", "webb", "stubbs", "lillie", "zilm",
            "marinescu", "petrova", "santoso", "ionescu"]
STREETS = ["wallaby place", "pridham street", "hoseason street", "gundulu place",
           "kent street", "strada lunga", "jalan merdeka", "ulitsa vitosha"]
CITIES = ["cleveland", "marsden", "granville", "utakarra", "towradgi", "brasov", "bandung",
          "plovdiv"]


def typo(word, kind, at):
    """`word` with one typo at position `at`: two letters swapped, one
    dropped, one replaced or a space inserted."""
    at = at % max(len(word) - 1, 1)
    if kind == "swap":
        return word[:at] + word[at + 1] + word[at] + word[at + 2:]
    if kind == "drop":
        return word[:at] + word[at + 1:]
    if kind == "replace":
        return word[:at] + ("x" if word[at] != "x" else "q") + word[at + 1:]
    return word[:at + 1] + " " + word[at + 1:]


class TestBlockingSurvivesTypos(CrmLifecycleCase):
    """Issue 21, item 0: two records of one person with nothing but a name
    and an address (no email, phone or tax ID) and a typo in any one field
    become a candidate pair: no blocking key needs one field to be equal."""

    @classmethod
    def setUpClass(cls):
        super(TestBlockingSurvivesTypos, cls).setUpClass()
        cls.Duplicate = cls.env["crm.partner.duplicate"]

    def candidates(self, ids):
        # the blocking step of find_duplicates, over these partners only
        cr = self.env.cr
        compat.flush(self.env)
        self.Duplicate._drop_work_tables()
        cr.execute(dup_model.CANDIDATES_SQL)
        cr.execute("CREATE UNIQUE INDEX ON lifecycle_dup_p (id); ANALYZE lifecycle_dup_p")
        self.Duplicate._find_pairs(ids, 0.0)
        cr.execute("SELECT a_id, b_id FROM lifecycle_dup_pairs")
        found = set(cr.fetchall())
        self.Duplicate._drop_work_tables()
        return found

    @settings(max_examples=60, deadline=None,
              suppress_health_check=[HealthCheck.function_scoped_fixture,
                                     HealthCheck.too_slow])
    @given(st.sampled_from(GIVEN), st.sampled_from(SURNAMES), st.integers(1, 400),
           st.sampled_from(STREETS), st.integers(0, len(CITIES) - 1),
           st.sampled_from(["given", "surname", "street", "city", "zip"]),
           st.sampled_from(["swap", "drop", "replace", "space"]), st.integers(0, 20))
    def test_a_typo_in_any_one_field_keeps_the_pair_a_candidate(
            self, given, surname, number, street, city, field, kind, at):
        values = {"given": given, "surname": surname, "street": street,
                  "city": CITIES[city], "zip": "%04d" % (2000 + 97 * city)}
        copy = dict(values, **{field: typo(values[field], kind, at)})
        self.env.cr.execute("SAVEPOINT typo_example")
        try:
            partners = [self.env["res.partner"].create(dict(
                CUSTOMER, name="%s %s" % (v["given"], v["surname"]),
                street="%d %s" % (number, v["street"]), city=v["city"], zip=v["zip"]))
                for v in (values, copy)]
            pair = tuple(sorted(p.id for p in partners))
            self.assertIn(pair, self.candidates(list(pair)), (values, copy))
        finally:
            self.env.cr.execute("ROLLBACK TO SAVEPOINT typo_example")
            compat.invalidate_all(self.env)

    def test_typo_in_the_city_or_swapped_zip_digits_still_a_pair(self):
        Partner = self.env["res.partner"]
        base = dict(CUSTOMER, name="Roisin Bishop", street="32 Manning Street")
        for city, zip_code in (("Oaklegih", "3166"), ("Oakleigh", "3616")):
            a = Partner.create(dict(base, city="Oakleigh", zip="3166"))
            b = Partner.create(dict(base, city=city, zip=zip_code))
            self.Duplicate.find_duplicates(partner_ids=[a.id, b.id])
            low, high = sorted((a.id, b.id))
            self.assertTrue(self.Duplicate.search([("partner_a_id", "=", low),
                                                   ("partner_b_id", "=", high)]),
                            (city, zip_code))
            (a | b).write({"active": False})

    def test_namesakes_in_another_city_and_zip_stay_apart(self):
        Partner = self.env["res.partner"]
        base = dict(CUSTOMER, name="Jack Broadby", street="10 Davies Place")
        a = Partner.create(dict(base, city="Colonel Light Gardens", zip="2226"))
        b = Partner.create(dict(base, city="Tin Can Bay", zip="4580"))
        self.Duplicate.find_duplicates(partner_ids=[a.id, b.id])
        low, high = sorted((a.id, b.id))
        self.assertFalse(self.Duplicate.search([("partner_a_id", "=", low),
                                                ("partner_b_id", "=", high)]))

    def test_a_name_whose_words_sound_alike_is_no_pair_with_itself(self):
        # "Anna Ana": both words give one Soundex key, twice for one partner
        Partner = self.env["res.partner"]
        alone = Partner.create(dict(CUSTOMER, name="Anna Ana", street="3 Fox Place",
                                    city="Gerogery", zip="2642"))
        self.assertEqual(self.candidates([alone.id]), set())
        self.Duplicate.find_duplicates(partner_ids=[alone.id])


# Parts of one group of companies (issue 21, item 1): the same switchboard
# and street, names one distinctive word apart, in the four languages and in
# Latin transliteration. (name of one, name of the other, country)
GROUP_PARTS = [
    ("Mega Construct Service SRL", "Mega Construct SRL", "base.ro"),
    ("Dacia Logistics SRL", "Dacia S.R.L.", "base.ro"),
    ("Transilvania Holding SA", "Transilvania SA", "base.ro"),
    ("Агрострой Сервиз ООД", "Агрострой ООД", "base.bg"),
    ("Петров Холдинг ЕООД", "Петров ЕООД", "base.bg"),
    ("Agrostroy Serviz OOD", "Агрострой ООД", "base.bg"),
    ("PT Sinar Makmur Service", "PT Sinar Makmur", "base.id"),
    ("PT Bumi Jaya Logistik Tbk", "PT Bumi Jaya Tbk", "base.id"),
    ("华为技术服务有限公司", "华为技术有限公司", "base.cn"),
    ("上海远东物流有限公司", "上海远东有限公司", "base.cn"),
    ("Huawei Jishu Fuwu Co Ltd", "华为技术有限公司", "base.cn"),
    ("Nordic Foods Nord GmbH", "Nordic Foods GmbH", "base.de"),
]


class TestDistinctEntitiesThatLookAlike(CrmLifecycleCase):
    """Two companies sharing a switchboard phone and a street, whose names
    differ by one word, are two customers unless the email or the tax ID
    says otherwise; other tax IDs are decisive; a company and a person are
    never one record."""

    @classmethod
    def setUpClass(cls):
        super(TestDistinctEntitiesThatLookAlike, cls).setUpClass()
        cls.Duplicate = cls.env["crm.partner.duplicate"]

    def company(self, name, country, n, **vals):
        return self.env["res.partner"].create(dict(
            CUSTOMER, name=name, is_company=True, country_id=self.env.ref(country).id,
            phone="+40 21 300 %04d" % n, street="Strada Fabricii %d" % n, city="Cluj",
            zip="400%03d" % n, **vals))

    def proposed(self, a, b):
        self.Duplicate.find_duplicates(partner_ids=[a.id, b.id])
        low, high = sorted((a.id, b.id))
        return self.Duplicate.search([("partner_a_id", "=", low), ("partner_b_id", "=", high)])

    def test_group_parts_with_a_shared_phone_and_address_are_not_proposed(self):
        for n, (one, other, country) in enumerate(GROUP_PARTS):
            a = self.company(one, country, n, email="office@part-a-%d.example" % n)
            b = self.company(other, country, n, email="contact@part-b-%d.example" % n)
            self.assertFalse(self.proposed(a, b), (one, other))

    def test_the_same_pattern_with_a_shared_email_or_tax_id_is_still_proposed(self):
        for n, (one, other, country) in enumerate(GROUP_PARTS):
            shared = ({"email": "orders@same-%d.example" % n} if n % 2
                      else {"vat": "RO%08d" % (18547290 + n)})
            a = self.company(one, country, 100 + n, **shared)
            b = self.company(other, country, 100 + n, **shared)
            pair = self.proposed(a, b)
            self.assertTrue(pair, (one, other, shared))

    def test_the_same_website_confirms_the_same_entity(self):
        a = self.company("Nordica Logistics SRL", "base.ro", 150,
                         email="office@nordica-logistics.example",
                         website="https://www.nordica.example/logistica")
        # a list of companies with their websites but no emails
        b = self.company("Nordica SRL", "base.ro", 150, website="nordica.example")
        pair = self.proposed(a, b)
        self.assertTrue(pair)
        self.assertIn("website", pair.reason_codes.split(", "))
        self.assertIn("same website", pair.reasons)
        # a page on a social network is no website of one's own
        c = self.company("Borealis Service SRL", "base.ro", 151,
                         email="office@borealis-service.example",
                         website="https://www.facebook.com/borealis")
        d = self.company("Borealis SRL", "base.ro", 151, website="facebook.com/borealis.srl")
        self.assertFalse(self.proposed(c, d))

    def test_the_same_name_written_differently_is_no_other_entity(self):
        # legal form written out, transliterated, spaced: no extra word
        for n, (one, other, country) in enumerate([
                ("Dacia SRL", "DACIA S.R.L.", "base.ro"),
                ("Агрострой ООД", "Agrostroy OOD", "base.bg"),
                ("Huawei Jishu Co Ltd", "华为技术有限公司", "base.cn")]):
            a = self.company(one, country, 200 + n)
            b = self.company(other, country, 200 + n)
            pair = self.proposed(a, b)
            self.assertTrue(pair, (one, other))
            self.assertNotIn("!word", pair.reason_codes)

    def test_other_tax_ids_and_a_company_beside_a_person_are_never_one_record(self):
        a = self.company("Carpathia Trade SRL", "base.ro", 300, vat="RO18547290",
                         email="office@carpathia.example")
        b = self.company("Carpathia Trade SRL", "base.ro", 300, vat="RO14399840",
                         email="office@carpathia.example")
        self.assertFalse(self.proposed(a, b))
        person = self.env["res.partner"].create(dict(
            CUSTOMER, name="Carpathia Trade", is_company=False, phone=a.phone,
            street=a.street, city=a.city, zip=a.zip, email="office@carpathia.example"))
        self.assertFalse(self.proposed(a, person))


class TestLearntWeights(CrmLifecycleCase):
    """Issue 21, item 3: the Fellegi-Sunter model learnt on a run over the
    whole base scores the pairs that only a name and an address link; pairs
    with a shared email, phone or tax ID keep the hand-weighted score; the
    reviewers' decisions are learnt from."""

    @classmethod
    def setUpClass(cls):
        super(TestLearntWeights, cls).setUpClass()
        cls.Duplicate = cls.env["crm.partner.duplicate"]
        cls.Model = cls.env["crm.duplicate.model"]

    def pair_of(self, a, b):
        low, high = sorted((a.id, b.id))
        return self.Duplicate.search([("partner_a_id", "=", low), ("partner_b_id", "=", high)])

    def test_a_learnt_model_decides_name_and_address_pairs(self):
        Partner = self.env["res.partner"]
        a = Partner.create(dict(CUSTOMER, name="Silas Noble", street="235 Ainsworth Street",
                                city="Clayton", zip="2281"))
        b = Partner.create(dict(CUSTOMER, name="Silas Noble", street="Kent Road",
                                city="Clayton", zip="2281"))
        # colleagues at one switchboard: left to the hand-weighted score
        c = Partner.create(dict(CUSTOMER, name="Greta Becker", phone="+49 30 1234567",
                                street="Marktplatz 7", city="Koeln", zip="50667"))
        d = Partner.create(dict(CUSTOMER, name="Greta Zimmermann", phone="+49 30 1234567",
                                street="Marktplatz 7", city="Koeln", zip="50667"))
        ids = [a.id, b.id, c.id, d.id]
        self.Model.search([]).unlink()
        self.Duplicate.find_duplicates(partner_ids=ids)
        self.assertFalse(self.pair_of(a, b), "the hand weights alone: another street")
        # a model that learnt that the same name in the same place is one
        # customer whatever the street (as on FEBRL)
        m = [[0.01] * levels for _name, levels in linkage.FS_FIELDS]
        u = [[0.9] + [0.1 / (levels - 1)] * (levels - 1) for _name, levels in linkage.FS_FIELDS]
        m[0][4], m[4][8], m[5] = 0.9, 0.9, [0.4, 0.3, 0.3]
        u[5] = [0.9, 0.05, 0.05]
        self.Model._store(False, linkage.Model(0.5, m, u), {(4, None, None, None, 8, 0, None): 1},
                          0)
        self.Duplicate.find_duplicates(partner_ids=ids)
        self.assertTrue(self.pair_of(a, b))
        self.assertGreaterEqual(self.pair_of(a, b).score, 0.75)
        self.assertFalse(self.pair_of(c, d), "a shared switchboard stays weighed by hand")

    def test_a_run_over_the_whole_base_learns_and_keeps_the_model(self):
        rows = generate(400, seed=11)
        for row in rows[::2]:
            row["email"] = row["phone"] = row["mobile"] = False
        load(self.env, rows)
        self.Model.search([]).unlink()
        self.Duplicate.find_duplicates()
        kept = self.Model.search([("company_id", "=", False)])
        self.assertEqual(len(kept), 1)
        self.assertTrue(0 < kept.match_share < 100)
        self.assertEqual(len(kept.weight_ids), sum(n for _f, n in linkage.FS_FIELDS))
        name = {w.level: w.weight for w in kept.weight_ids if w.field == "name"}
        # the same name says more than names with nothing in common
        self.assertGreater(name[4], name[0])
        self.assertTrue(kept.suggested_threshold)
        self.assertTrue(0 < kept.estimated_precision <= 100)

        # reviewers say the pairs of the most common pattern are not one
        # customer: the next run learns it
        pairs = self.Duplicate.search([("state", "=", "review")])
        self.assertTrue(pairs)
        before = {(w.field, w.level): w.weight for w in kept.weight_ids}
        pairs.action_not_duplicate()
        self.Duplicate.find_duplicates()
        relearnt = self.Model.search([("company_id", "=", False)])
        # (those the model speaks for: no email, phone or tax ID shared)
        self.assertTrue(0 < relearnt.decided_count <= len(pairs), relearnt.decided_count)
        after = {(w.field, w.level): w.weight for w in relearnt.weight_ids}
        self.assertNotEqual(before, after)
