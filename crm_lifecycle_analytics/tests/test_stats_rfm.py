# Copyright 2026 crm_lifecycle contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""RFM scores and segments, against hand-computed values."""

import numpy as np

from odoo.addons.crm_lifecycle import compat

from ..stats import rfm


class TestQuintiles(compat.pure_test_case()):
    def test_ten_distinct_values_two_per_quintile(self):
        scores = rfm.quintile_scores([10, 20, 30, 40, 50, 60, 70, 80, 90, 100])
        self.assertEqual(list(scores), [1, 1, 2, 2, 3, 3, 4, 4, 5, 5])

    def test_lower_is_better_reverses(self):
        scores = rfm.quintile_scores([10, 20, 30, 40, 50], higher_is_better=False)
        self.assertEqual(list(scores), [5, 4, 3, 2, 1])

    def test_ties_get_one_score(self):
        # ranks: 1, 2, 3.5, 3.5, 6, 6, 6, 8, 9.5, 9.5 of 10
        # -> floor(5 (rank - 0.5) / 10) + 1
        scores = rfm.quintile_scores([1, 2, 3, 3, 5, 5, 5, 8, 9, 9])
        self.assertEqual(list(scores), [1, 1, 2, 2, 3, 3, 3, 4, 5, 5])
        self.assertEqual(list(rfm.quintile_scores([7, 7, 7, 7])), [3, 3, 3, 3])

    def test_one_purchase_customers_share_a_frequency_score(self):
        # most customers buy once: they all score alike, below the repeaters
        scores = rfm.quintile_scores([1] * 7 + [2, 3, 4])
        self.assertEqual(len(set(scores[:7])), 1)
        self.assertTrue(np.all(scores[7:] > scores[0]))

    def test_missing_values_score_zero_and_are_not_ranked(self):
        scores = rfm.quintile_scores([np.nan, 10, 20, 30, 40, 50])
        self.assertEqual(list(scores), [0, 1, 2, 3, 4, 5])

    def test_each_group_is_ranked_on_its_own(self):
        scores = rfm.quintile_scores([1, 2, 3, 4, 5, 100, 200, 300, 400, 500],
                                     groups=[1] * 5 + [2] * 5)
        self.assertEqual(list(scores), [1, 2, 3, 4, 5] * 2)

    def test_rfm_scores(self):
        r, f, m = rfm.rfm_scores([5, 300], [10, 1], [900.0, 20.0])
        self.assertEqual((list(r), list(f), list(m)), ([4, 2], [4, 2], [4, 2]))


class TestSegments(compat.pure_test_case()):
    def test_every_cell_is_in_exactly_one_segment(self):
        cells = {}
        for code, _label, rs, fs in rfm.SEGMENTS:
            for r in rs:
                for f in fs:
                    self.assertNotIn((r, f), cells)
                    cells[(r, f)] = code
        self.assertEqual(len(cells), 25)
        self.assertEqual(len(rfm.SEGMENTS), 10)

    def test_cells(self):
        r = [5, 5, 1, 1, 2, 3, 4, 5, 3, 4, 0]
        f = [5, 1, 1, 5, 3, 3, 1, 2, 1, 4, 3]
        self.assertEqual(list(rfm.segment(r, f)), [
            "champions", "new", "hibernating", "cant_lose", "at_risk", "need_attention",
            "promising", "potential_loyalists", "about_to_sleep", "loyal", ""])

    def test_scores_out_of_range_are_refused(self):
        with self.assertRaisesRegex(ValueError, "1 to 5"):
            rfm.segment([6], [1])


class TestStanding(compat.pure_test_case()):
    """The RFM segment and the lapse band read together (the rule of the
    README's "Segment and lapse risk together")."""

    def test_every_combination(self):
        # bands: 1 active, 2 cooling down, 3 at risk, 4 lapsed
        cases = [
            ("champions", 1, "thriving"), ("loyal", 2, "thriving"), ("new", 1, "thriving"),
            ("champions", 4, "gone_quiet"), ("potential_loyalists", 3, "gone_quiet"),
            ("need_attention", 1, "steady"), ("hibernating", 2, "steady"),
            ("about_to_sleep", 3, "slipping"), ("need_attention", 4, "slipping"),
            ("cant_lose", 4, "lost"), ("at_risk", 3, "lost"), ("hibernating", 4, "lost"),
        ]
        codes = [""] + [code for code, _label in rfm.STANDINGS]
        got = rfm.standing([c[0] for c in cases], [c[1] for c in cases])
        self.assertEqual([codes[i] for i in got], [c[2] for c in cases])

    def test_no_segment_or_no_band_has_no_standing(self):
        self.assertEqual(list(rfm.standing(["", "champions", ""], [1, 0, 0])), [0, 0, 0])

    def test_every_segment_has_a_standing_in_both_bands(self):
        for code, _label, _rs, _fs in rfm.SEGMENTS:
            self.assertTrue(all(rfm.standing([code, code], [1, 4])), code)
