# Copyright 2026 crm_lifecycle contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The normalised keys: pure functions, no database."""

from hypothesis import given, settings, strategies as st

from .. import compat
from ..identity import city_key, email_key, fold, name_key, to_e164, vat_key
from .identity_data import generate, precision_recall, true_pairs


class TestKeys(compat.pure_test_case()):
    def test_accents_case_and_punctuation_fold(self):
        self.assertEqual(fold("Ştefan  RĂDULESCU-Ţurcanu"), "stefan radulescu turcanu")
        self.assertEqual(fold("O'Brien"), "obrien")

    def test_legal_forms_removed_in_every_spelling(self):
        for name in ("Atlas Foods SRL", "Atlas Foods S.R.L.", "ATLAS FOODS", "Atlas Foods srl",
                     "Foods Atlas Ltd", "Atlas Foods GmbH & Co. KG"):
            self.assertEqual(name_key(name), "atlas foods", name)
        self.assertEqual(name_key("PT Maju Jaya Tbk"), name_key("Maju Jaya"))
        self.assertEqual(name_key("Ангелов ООД"), name_key("Angelov"))

    def test_chinese_legal_forms_removed_before_transliteration(self):
        self.assertEqual(name_key("华新科技有限公司"), name_key("华新科技股份有限公司"))
        self.assertEqual(name_key("华新科技有限公司"), "huaxinkeji")

    def test_name_made_only_of_legal_forms_is_kept(self):
        self.assertEqual(name_key("Ltd"), "ltd")

    def test_cyrillic_and_latin_spellings_meet(self):
        self.assertEqual(name_key("Петров Иван"), name_key("Ivan Petrov"))
        self.assertEqual(city_key("София"), "sofiya")

    def test_email_vat_and_phone_keys(self):
        self.assertEqual(email_key("  Info@Example.COM "), "info@example.com")
        self.assertEqual(vat_key("be 0477.472.701"), "BE0477472701")
        self.assertEqual(to_e164("0470 12 34 56", "BE"), "+32470123456")
        self.assertEqual(to_e164("0032 470-12-34-56", "BE"), "+32470123456")
        self.assertFalse(to_e164("12", "BE"))
        self.assertFalse(to_e164("not a phone", "BE"))

    @settings(max_examples=200, deadline=None)
    @given(st.lists(st.text(alphabet="abcdefghijklmnopqrstuvwxyzăşţéüß", min_size=1,
                            max_size=8), min_size=1, max_size=4), st.randoms())
    def test_word_order_and_case_never_change_the_key(self, words, rnd):
        shuffled = list(words)
        rnd.shuffle(shuffled)
        self.assertEqual(name_key(" ".join(words)), name_key(" ".join(shuffled).upper()))

    @settings(max_examples=200, deadline=None)
    @given(st.text(max_size=40))
    def test_keys_are_plain_lower_case_words(self, text):
        key = name_key(text)
        self.assertEqual(key, key.strip())
        self.assertTrue(all(c.isalnum() and c.isascii() for c in key.replace(" ", "")), key)
        self.assertEqual(key, " ".join(sorted(key.split())))


class TestLabelledData(compat.pure_test_case()):
    def test_generator_is_deterministic_and_labelled(self):
        rows = generate(200, seed=3)
        self.assertEqual(rows, generate(200, seed=3))
        self.assertNotEqual(rows, generate(200, seed=4))
        truth = true_pairs(rows, list(range(len(rows))))
        self.assertGreater(len(truth), 30)
        # hard negatives are there: shared phones between different customers
        phones = {}
        for row in rows:
            if row["phone"]:
                phones.setdefault(to_e164(row["phone"], row["country_code"]), set()).add(
                    row["entity"])
        self.assertTrue(any(len(e) > 1 for e in phones.values()))

    def test_precision_recall(self):
        self.assertEqual(precision_recall({(1, 2), (3, 4)}, {(1, 2), (5, 6)}), (0.5, 0.5))
        self.assertEqual(precision_recall(set(), set()), (1.0, 1.0))
