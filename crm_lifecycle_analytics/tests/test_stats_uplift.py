# Copyright 2026 crm_lifecycle contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Campaign uplift statistics against published values and scipy.

Plain unit tests: the module imports no Odoo. The intervals of proportions
are checked against the tables of Newcombe (1998), the tests against
scipy's chi-square test of the 2 x 2 table and Welch t test on the rows.
"""
import math

import numpy as np
from scipy import stats

from odoo.addons.crm_lifecycle import compat

from ..stats import uplift


def _sums(values):
    values = np.asarray(values, dtype=float)
    return float(values.sum()), float((values * values).sum()), len(values)


class UpliftCase(compat.pure_test_case()):
    def assertClose(self, first, second, rel=1e-9, abs_=1e-12, msg=None):
        self.assertIsNotNone(first, msg)
        self.assertTrue(math.isclose(first, second, rel_tol=rel, abs_tol=abs_),
                        "%r != %r%s" % (first, second, " (%s)" % (msg,) if msg else ""))

    def assertNoNan(self, result):
        for name, value in result._asdict().items():
            if value is None or isinstance(value, tuple):
                continue
            self.assertTrue(math.isfinite(value), "%s is %r" % (name, value))


class TestWilson(UpliftCase):
    def test_newcombe_single_proportion_examples(self):
        # Newcombe (1998), Stat. Med. 17:857-872, table I, method 3 (score)
        for x, n, low, high in [(81, 263, 0.2553, 0.3662), (15, 148, 0.0624, 0.1605),
                                (0, 20, 0.0, 0.1611), (1, 29, 0.0061, 0.1718)]:
            result = uplift.wilson_interval(x, n)
            self.assertEqual((round(result[0], 4), round(result[1], 4)), (low, high), (x, n))

    def test_formula_and_bounds(self):
        z = stats.norm.ppf(0.95)
        x, n = 7, 40
        p = x / n
        center = (p + z * z / (2 * n)) / (1 + z * z / n)
        half = z / (1 + z * z / n) * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
        low, high = uplift.wilson_interval(x, n, confidence=0.90)
        self.assertClose(low, center - half)
        self.assertClose(high, center + half)
        self.assertEqual(uplift.wilson_interval(0, 5)[0], 0.0)
        self.assertEqual(uplift.wilson_interval(5, 5)[1], 1.0)
        self.assertEqual(uplift.wilson_interval(0, 0), (None, None))

    def test_invalid_input_is_refused(self):
        for args in [(3, 2), (-1, 2), (0, -1)]:
            with self.assertRaises(ValueError):
                uplift.wilson_interval(*args)
        for confidence in (0, 1, 1.5):
            with self.assertRaises(ValueError):
                uplift.wilson_interval(1, 2, confidence=confidence)


class TestProportionDifference(UpliftCase):
    def test_newcombe_method_10(self):
        # Newcombe (1998), Stat. Med. 17:873-890, table II, method 10
        for x1, n1, x2, n2, low, high in [
                (56, 70, 48, 80, 0.0524, 0.3339), (9, 10, 3, 10, 0.1705, 0.8090),
                (6, 7, 2, 7, 0.0582, 0.8062), (5, 56, 0, 29, -0.0381, 0.1926),
                (0, 10, 0, 20, -0.1611, 0.2775), (0, 10, 0, 10, -0.2775, 0.2775),
                (10, 10, 0, 20, 0.6791, 1.0), (10, 10, 0, 10, 0.6075, 1.0)]:
            result = uplift.proportion_difference(x1, n1, x2, n2)
            self.assertClose(result.difference, x1 / n1 - x2 / n2)
            self.assertEqual((round(result.low, 4), round(result.high, 4)), (low, high),
                             (x1, n1, x2, n2))
            self.assertNoNan(result)

    def test_rates_and_example_a(self):
        result = uplift.proportion_difference(56, 70, 48, 80)
        self.assertClose(result.rate_target, 0.8)
        self.assertClose(result.rate_control, 0.6)
        self.assertEqual(round(result.difference, 4), 0.2)
        # chi-square without continuity correction N (ad - bc)^2 / (row and
        # column totals) = z^2
        self.assertClose(result.z ** 2, 150 * (56 * 32 - 14 * 48) ** 2 / (70 * 80 * 104 * 46))

    def test_p_value_is_the_chi_square_test_of_the_table(self):
        rng = np.random.RandomState(20260301)
        cases = [(56, 70, 48, 80), (9, 10, 3, 10), (60, 1000, 3, 100), (1, 2, 0, 3),
                 (500, 10000, 450, 10000), (0, 5, 5, 5)]
        for _i in range(300):
            n1, n2 = rng.randint(1, 400, size=2)
            p1, p2 = rng.uniform(0, 0.3, size=2)
            cases.append((rng.binomial(n1, p1), n1, rng.binomial(n2, p2), n2))
        checked = 0
        for x1, n1, x2, n2 in cases:
            result = uplift.proportion_difference(x1, n1, x2, n2)
            self.assertNoNan(result)
            if x1 + x2 in (0, n1 + n2):
                # no variance: the chi-square test is undefined
                self.assertIsNone(result.z)
                self.assertIsNone(result.p_value)
                continue
            chi2, p_value, _dof, _expected = stats.chi2_contingency(
                [[x1, n1 - x1], [x2, n2 - x2]], correction=False)
            self.assertClose(result.p_value, p_value, rel=1e-8, abs_=1e-300,
                             msg=(x1, n1, x2, n2))
            self.assertClose(result.z ** 2, chi2, rel=1e-8, msg=(x1, n1, x2, n2))
            self.assertEqual(result.z > 0, x1 / n1 > x2 / n2)
            checked += 1
        self.assertGreater(checked, 250)

    def test_interval_contains_the_difference_and_narrows(self):
        rng = np.random.RandomState(7)
        for _i in range(200):
            n1, n2 = rng.randint(1, 200, size=2)
            x1, x2 = rng.randint(0, n1 + 1), rng.randint(0, n2 + 1)
            wide = uplift.proportion_difference(x1, n1, x2, n2, confidence=0.99)
            narrow = uplift.proportion_difference(x1, n1, x2, n2, confidence=0.80)
            self.assertTrue(-1.0 <= wide.low <= narrow.low <= narrow.difference
                            <= narrow.high <= wide.high <= 1.0)

    def test_relative_uplift_katz_interval(self):
        x1, n1, x2, n2 = 60, 1000, 3, 100
        result = uplift.proportion_difference(x1, n1, x2, n2)
        z = stats.norm.ppf(0.975)
        log_rr = math.log((x1 / n1) / (x2 / n2))
        se = math.sqrt(1 / x1 - 1 / n1 + 1 / x2 - 1 / n2)
        self.assertClose(result.relative, 1.0)
        self.assertClose(result.relative_low, math.exp(log_rr - z * se) - 1)
        self.assertClose(result.relative_high, math.exp(log_rr + z * se) - 1)
        self.assertLess(result.relative_low, result.relative)
        self.assertGreater(result.relative_high, result.relative)
        # the interval is asymmetric around the ratio, symmetric around its log
        self.assertClose(math.log(1 + result.relative_low) + math.log(1 + result.relative_high),
                         2 * log_rr)

    def test_relative_uplift_undefined_with_a_zero_rate(self):
        for args in [(0, 100, 5, 100), (5, 100, 0, 100), (0, 10, 0, 10)]:
            result = uplift.proportion_difference(*args)
            self.assertIsNone(result.relative)
            self.assertIsNone(result.relative_low)
            self.assertIsNone(result.relative_high)
            self.assertIsNotNone(result.difference)

    def test_everyone_responded_in_both_groups(self):
        result = uplift.proportion_difference(10, 10, 20, 20)
        self.assertEqual(result.difference, 0.0)
        self.assertIsNone(result.z)
        self.assertIsNone(result.p_value)
        self.assertEqual((result.relative, result.relative_low, result.relative_high),
                         (0.0, 0.0, 0.0))

    def test_empty_group(self):
        result = uplift.proportion_difference(5, 50, 0, 0)
        self.assertClose(result.rate_target, 0.1)
        self.assertEqual(result[1:], (None,) * 9)
        result = uplift.proportion_difference(0, 0, 0, 0)
        self.assertEqual(tuple(result), (None,) * 10)

    def test_small_counts_never_give_nan(self):
        for n1 in range(4):
            for n2 in range(4):
                for x1 in range(n1 + 1):
                    for x2 in range(n2 + 1):
                        self.assertNoNan(uplift.proportion_difference(x1, n1, x2, n2))

    def test_invalid_input_is_refused(self):
        for args in [(3, 2, 1, 2), (1, 2, -1, 2), (1, 2, 1, 2, 0.0)]:
            with self.assertRaises(ValueError):
                uplift.proportion_difference(*args)


class TestMeanDifference(UpliftCase):
    def check_against_scipy(self, a, b, confidence=0.95):
        result = uplift.mean_difference(*(_sums(a) + _sums(b)), confidence=confidence)
        t, p_value = stats.ttest_ind(a, b, equal_var=False)
        self.assertClose(result.mean_target, np.mean(a))
        self.assertClose(result.mean_control, np.mean(b))
        self.assertClose(result.difference, np.mean(a) - np.mean(b), abs_=1e-9)
        self.assertClose(result.t, t, rel=1e-7)
        self.assertClose(result.p_value, p_value, rel=1e-7, abs_=1e-300)
        va, vb = np.var(a, ddof=1) / len(a), np.var(b, ddof=1) / len(b)
        df = (va + vb) ** 2 / (va ** 2 / (len(a) - 1) + vb ** 2 / (len(b) - 1))
        self.assertClose(result.df, df, rel=1e-7)
        half = stats.t.ppf(0.5 + confidence / 2, df) * math.sqrt(va + vb)
        self.assertClose(result.low, np.mean(a) - np.mean(b) - half, rel=1e-7)
        self.assertClose(result.high, np.mean(a) - np.mean(b) + half, rel=1e-7)
        return result

    def test_welch_against_scipy_on_random_samples(self):
        rng = np.random.RandomState(20260302)
        for _i in range(100):
            n1, n2 = rng.randint(2, 300, size=2)
            a = rng.normal(rng.uniform(-5, 5), rng.uniform(0.1, 10), size=n1)
            b = rng.normal(rng.uniform(-5, 5), rng.uniform(0.1, 10), size=n2)
            self.check_against_scipy(a, b, confidence=rng.choice([0.8, 0.9, 0.95, 0.99]))

    def test_revenue_with_many_zeros(self):
        # revenue per member: most members spend nothing
        rng = np.random.RandomState(11)
        a = np.where(rng.uniform(size=5000) < 0.06, rng.lognormal(4, 1, size=5000), 0.0)
        b = np.where(rng.uniform(size=500) < 0.03, rng.lognormal(4, 1, size=500), 0.0)
        result = self.check_against_scipy(a, b)
        self.assertLess(result.low, result.difference)
        self.assertGreater(result.high, result.difference)

    def test_one_group_without_variance(self):
        # no control member spent anything: df is the target's n - 1
        a = [0.0, 10.0, 0.0, 25.0, 5.0]
        result = self.check_against_scipy(a, [0.0] * 8)
        self.assertClose(result.df, 4.0)

    def test_no_variance_at_all(self):
        result = uplift.mean_difference(*(_sums([0.1] * 7) + _sums([0.1] * 3)))
        self.assertClose(result.difference, 0.0, abs_=1e-15)
        self.assertEqual(result.low, result.difference)
        self.assertEqual(result.high, result.difference)
        self.assertEqual((result.t, result.df, result.p_value), (None, None, None))
        result = uplift.mean_difference(*(_sums([3.0] * 4) + _sums([2.0] * 5)))
        self.assertEqual((result.difference, result.low, result.high), (1.0, 1.0, 1.0))
        self.assertIsNone(result.p_value)

    def test_small_and_empty_groups(self):
        result = uplift.mean_difference(0, 0, 0, 10, 60, 2)
        self.assertEqual(tuple(result), (None, 5.0) + (None,) * 6)
        result = uplift.mean_difference(4, 16, 1, 10, 60, 2)
        self.assertEqual(result.difference, -1.0)
        self.assertEqual(result[3:], (None,) * 5)
        self.assertEqual(tuple(uplift.mean_difference(0, 0, 0, 0, 0, 0)), (None,) * 8)

    def test_invalid_input_is_refused(self):
        with self.assertRaises(ValueError):
            uplift.mean_difference(1, 1, -1, 1, 1, 1)
        with self.assertRaises(ValueError):
            uplift.mean_difference(1, 1, 1, 1, 1, 1, confidence=95)


class TestJudge(UpliftCase):
    # 1000 targeted, 60 responded and spent 50 each; 100 held out, 3
    # responded and spent 50 each; the campaign cost 500 at a 40 % margin
    ARGS = (1000, 60, 3000.0, 150000.0, 100, 3, 150.0, 7500.0)

    def test_hand_computed_campaign(self):
        result = uplift.judge(*self.ARGS, cost=500.0, margin_rate=0.4)
        self.assertClose(result.rates.difference, 0.03)
        self.assertClose(result.incremental_responses, 30.0)
        self.assertClose(result.incremental_responses_low, result.rates.low * 1000)
        self.assertClose(result.incremental_responses_high, result.rates.high * 1000)
        self.assertLess(result.incremental_responses_low, 30.0)
        self.assertGreater(result.incremental_responses_high, 30.0)
        # 3.00 against 1.50 per member
        self.assertClose(result.revenue.difference, 1.5)
        self.assertClose(result.incremental_revenue, 1500.0)
        self.assertClose(result.incremental_revenue_low, result.revenue.low * 1000)
        self.assertClose(result.incremental_revenue_high, result.revenue.high * 1000)
        self.assertClose(result.cost_per_response, 500.0 / 60)
        self.assertClose(result.cost_per_incremental_response, 500.0 / 30)
        # (1500 * 0.4 - 500) / 500
        self.assertClose(result.roi, 0.2)
        self.assertNoNan(result)

    def test_revenue_matches_the_rows(self):
        a = [50.0] * 60 + [0.0] * 940
        b = [50.0] * 3 + [0.0] * 97
        result = uplift.judge(*self.ARGS, cost=500.0)
        t, p_value = stats.ttest_ind(a, b, equal_var=False)
        self.assertClose(result.revenue.t, t, rel=1e-7)
        self.assertClose(result.revenue.p_value, p_value, rel=1e-7)

    def test_negative_uplift(self):
        result = uplift.judge(1000, 20, 1000.0, 50000.0, 100, 3, 150.0, 7500.0, cost=500.0)
        self.assertClose(result.incremental_responses, -10.0)
        self.assertIsNone(result.cost_per_incremental_response)
        self.assertClose(result.cost_per_response, 25.0)
        # (-500 - 500) / 500
        self.assertClose(result.roi, -2.0)

    def test_zero_cost(self):
        result = uplift.judge(*self.ARGS, cost=0)
        self.assertIsNone(result.roi)
        self.assertEqual(result.cost_per_response, 0.0)
        self.assertEqual(result.cost_per_incremental_response, 0.0)

    def test_no_control_group(self):
        result = uplift.judge(1000, 60, 3000.0, 150000.0, 0, 0, 0.0, 0.0, cost=500.0)
        self.assertIsNone(result.rates.difference)
        self.assertIsNone(result.revenue.difference)
        self.assertEqual(result[2:8], (None,) * 6)
        self.assertClose(result.cost_per_response, 500.0 / 60)
        self.assertIsNone(result.cost_per_incremental_response)
        self.assertIsNone(result.roi)

    def test_nobody_responded(self):
        result = uplift.judge(1000, 0, 0.0, 0.0, 100, 0, 0.0, 0.0, cost=500.0)
        self.assertEqual(result.incremental_responses, 0.0)
        self.assertIsNone(result.cost_per_response)
        self.assertIsNone(result.cost_per_incremental_response)
        self.assertIsNone(result.rates.p_value)
        self.assertEqual((result.revenue.low, result.revenue.high), (0.0, 0.0))
        self.assertClose(result.roi, -1.0)
        self.assertNoNan(result)

    def test_empty_campaign(self):
        result = uplift.judge(0, 0, 0, 0, 0, 0, 0, 0, cost=0)
        self.assertEqual(result[2:], (None,) * 9)
