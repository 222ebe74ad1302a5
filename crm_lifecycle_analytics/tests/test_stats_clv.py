# Copyright 2026 crm_lifecycle contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The CLV models against the published CDNOW estimates.

Plain unit tests: the models import no Odoo. The data are the CDNOW
summaries shipped in the `lifetimes` wheel (a test dependency), read as
files; its models are not used.
"""
import csv
import importlib.util
import os
from fractions import Fraction

import numpy as np
from scipy import special  # pylint: disable=missing-import-error

from odoo.addons.crm_lifecycle import compat

from ..stats import clv


def _cdnow():
    # the CDNOW sample the lifetimes package ships, found without importing
    # the package (only its data is used)
    package = importlib.util.find_spec("lifetimes").submodule_search_locations[0]
    path = os.path.join(package, "datasets", "cdnow_customers_summary_with_transactions.csv")
    with open(path) as handle:
        rows = list(csv.DictReader(handle))
    return tuple(np.array([float(r[k]) for r in rows]) for k in ("x", "t_x", "T", "zbar"))


def significant(value, digits=3):
    return float("%.*g" % (digits, value))


class TestBgNbd(compat.pure_test_case()):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.x, cls.t_x, cls.T, cls.m = _cdnow()
        cls.params = clv.fit_bgnbd(cls.x, cls.t_x, cls.T)

    def test_cdnow_published_estimates(self):
        """Fader, Hardie & Lee (2005), table 1: 2,357 CDNOW customers,
        39-week calibration period."""
        self.assertEqual(len(self.x), 2357)
        published = {"r": 0.243, "alpha": 4.414, "a": 0.793, "b": 2.426}
        for name, value in published.items():
            self.assertEqual(significant(self.params[name]), significant(value), name)
        self.assertAlmostEqual(self.params["log_likelihood"], -9582.4, places=1)

    def test_weights_stand_for_repeated_customers(self):
        once = clv.fit_bgnbd(self.x[:500], self.t_x[:500], self.T[:500],
                             weights=np.full(500, 3.0))
        thrice = clv.fit_bgnbd(np.tile(self.x[:500], 3), np.tile(self.t_x[:500], 3),
                               np.tile(self.T[:500], 3))
        for name in ("r", "alpha", "a", "b", "log_likelihood"):
            self.assertAlmostEqual(once[name] / thrice[name], 1.0, places=5)

    def test_conditional_expectation_of_a_customer(self):
        """Fader & Hardie's worked example: 2 repeat purchases, the last in
        week 30.43 of 38.86, expects 1.226 purchases in the next 39 weeks."""
        value = clv.expected_purchases(self.params, 39, 2, 30.43, 38.86)
        self.assertAlmostEqual(float(value), 1.226, places=3)

    def test_p_alive(self):
        alive = clv.p_alive(self.params, [0, 2, 2, 7], [0, 30.43, 5.0, 35.71], [38.86] * 4)
        # no repeat purchase: alive by assumption; an early last purchase
        # makes a customer less likely to be alive than a recent one
        self.assertEqual(alive[0], 1.0)
        self.assertTrue(0 < alive[2] < alive[1] < 1)
        self.assertTrue(np.all((alive > 0) & (alive <= 1)))

    def test_new_customer_expectation_matches_the_population(self):
        """E[X(t)] of a new customer equals the mean over simulated
        customers drawn from the fitted mixing distributions."""
        rng = np.random.RandomState(7)
        p = self.params
        n, t = 200000, 39.0
        lam = rng.gamma(p["r"], 1.0 / p["alpha"], n)
        drop = rng.beta(p["a"], p["b"], n)
        # purchases in (0, t]: a purchase after each exponential gap, the
        # customer dropping out after each purchase with probability p
        count = np.zeros(n)
        clock = rng.exponential(1.0 / lam)
        active = clock <= t
        while active.any():
            count[active] += 1
            active &= rng.random_sample(n) >= drop
            clock = clock + rng.exponential(1.0 / lam)
            active &= clock <= t
        expected = float(clv.expected_purchases_new(p, t))
        self.assertAlmostEqual(expected, count.mean(), delta=0.03)

    def test_bad_history_is_refused(self):
        with self.assertRaisesRegex(ValueError, "t_x <= T"):
            clv.fit_bgnbd([1, 2], [5.0, 40.0], [30.0, 30.0])
        with self.assertRaisesRegex(ValueError, "same length"):
            clv.fit_bgnbd([1, 2], [5.0], [30.0, 30.0])
        with self.assertRaisesRegex(ValueError, "repeat purchases"):
            clv.fit_bgnbd([0, 0], [0, 0], [30.0, 30.0])


class TestGammaGamma(compat.pure_test_case()):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.x, cls.t_x, cls.T, cls.m = _cdnow()
        cls.params = clv.fit_gamma_gamma(cls.x, cls.m)

    def test_cdnow_published_estimates(self):
        """Fader & Hardie (2013): 946 CDNOW customers with repeat purchases;
        p, q, gamma = 6.25, 3.74, 15.44."""
        self.assertEqual(int((self.x > 0).sum()), 946)
        published = {"p": 6.25, "q": 3.74, "gamma": 15.44}
        for name, value in published.items():
            self.assertEqual(significant(self.params[name]), significant(value), name)

    def test_customers_without_repeat_purchase_are_ignored(self):
        extra = clv.fit_gamma_gamma(np.append(self.x, [0, 0]), np.append(self.m, [0, 5.0]))
        self.assertAlmostEqual(extra["p"], self.params["p"], places=6)

    def test_expected_spend_shrinks_to_the_population_mean(self):
        p, q, gamma = (self.params[k] for k in ("p", "q", "gamma"))
        mean = p * gamma / (q - 1)
        spend = clv.expected_spend(self.params, [0, 1, 50], [0, 100.0, 100.0])
        self.assertAlmostEqual(spend[0], mean)
        # one purchase of 100 moves the estimate part of the way; fifty
        # purchases of 100 almost all the way
        self.assertTrue(mean < spend[1] < spend[2] < 100.0)
        self.assertAlmostEqual(spend[1], (q - 1) / (p + q - 1) * mean + p / (p + q - 1) * 100)

    def test_negative_average_is_refused(self):
        with self.assertRaisesRegex(ValueError, "positive"):
            clv.fit_gamma_gamma([1, 2], [10.0, -3.0])


class TestClv(compat.pure_test_case()):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.x, cls.t_x, cls.T, cls.m = _cdnow()
        cls.bg = clv.fit_bgnbd(cls.x, cls.t_x, cls.T)
        cls.gg = clv.fit_gamma_gamma(cls.x, cls.m)

    def test_one_month_is_spend_times_purchases_discounted(self):
        args = (self.x[:50], self.t_x[:50], self.T[:50], self.m[:50])
        value = clv.clv(self.bg, self.gg, *args, months=1, monthly_discount=0.02)
        expected = (clv.expected_spend(self.gg, self.x[:50], self.m[:50])
                    * clv.expected_purchases(self.bg, 4.345, *args[:3]) / 1.02)
        np.testing.assert_allclose(value, expected, rtol=1e-12)

    def test_undiscounted_months_add_up_to_the_whole_period(self):
        args = (self.x, self.t_x, self.T, self.m)
        value = clv.clv(self.bg, self.gg, *args, months=12, monthly_discount=0.0,
                        periods_per_month=30.4375 / 7)
        whole = (clv.expected_spend(self.gg, self.x, self.m)
                 * clv.expected_purchases(self.bg, 12 * 30.4375 / 7, *args[:3]))
        np.testing.assert_allclose(value, whole, rtol=1e-10)

    def test_whole_day_histories_give_the_same_value_by_distinct_pairs(self):
        # histories in whole days share (x, T) pairs, computed once each:
        # the value is the month-by-month sum of the definition all the same
        x = np.array([0, 1, 1, 3, 3, 3, 0], dtype=float)
        t_x = np.array([0, 20, 35, 100, 90, 100, 0], dtype=float)
        T = np.array([50, 200, 200, 300, 300, 300, 50], dtype=float)
        m = np.array([0, 20, 40, 25, 25, 60, 0], dtype=float)
        value = clv.clv(self.bg, self.gg, x, t_x, T, m, months=6, periods_per_month=30.4375)
        spend = clv.expected_spend(self.gg, x, m)
        expected, previous = np.zeros(7), np.zeros(7)
        for k in range(1, 7):
            cumulative = clv.expected_purchases(self.bg, k * 30.4375, x, t_x, T)
            expected += spend * (cumulative - previous) / 1.01 ** k
            previous = cumulative
        np.testing.assert_allclose(value, expected, rtol=1e-12)
        self.assertEqual(value[0], value[6])

    def test_discounting_lowers_value_and_inactive_customers_are_worth_less(self):
        args = (self.x, self.t_x, self.T, self.m)
        plain = clv.clv(self.bg, self.gg, *args, monthly_discount=0.0)
        discounted = clv.clv(self.bg, self.gg, *args)
        self.assertTrue(np.all(discounted <= plain) and np.all(discounted >= 0))
        same = clv.clv(self.bg, self.gg, [5, 5], [37.0, 5.0], [38.86, 38.86], [30.0, 30.0])
        self.assertGreater(same[0], same[1])


def simulate_bgnbd(params, n, calibration, horizon, seed=7):
    """Customers drawn from a BG/NBD process, all starting at time 0: their
    calibration histories (x, t_x, T) and purchases in the holdout."""
    rng = np.random.RandomState(seed)
    rates = rng.gamma(params["r"], 1.0 / params["alpha"], n)
    drop = rng.beta(params["a"], params["b"], n)
    x, t_x, x_holdout = np.zeros(n), np.zeros(n), np.zeros(n)
    for i in range(n):
        now = 0.0
        while True:
            now += rng.exponential(1.0 / rates[i])
            if now > calibration + horizon:
                break
            if now <= calibration:
                x[i] += 1
                t_x[i] = now
            else:
                x_holdout[i] += 1
            if rng.uniform() < drop[i]:
                break
    return x, t_x, np.full(n, float(calibration)), x_holdout


class TestHypergeometric(compat.pure_test_case()):
    # a BG/NBD fit on ten customers (Odoo 18's scipy reached it): r in the
    # hundred thousands, where scipy's 2F1 is NaN
    FEW = {"r": 496204.481194, "alpha": 41155846.960329, "a": 0.001359, "b": 1059.744297}

    def test_series_where_scipy_gives_nan(self):
        a, b, c = self.FEW["r"] + 2, self.FEW["a"] - 1, self.FEW["a"] + self.FEW["b"] + 1
        z = -30.0 / (self.FEW["alpha"] + 200.0)
        self.assertTrue(np.isnan(special.hyp2f1(a, b, c, z)))
        # the series in exact rational arithmetic
        exact = term = Fraction(1)
        for n in range(30):
            term *= ((Fraction(a) + n) * (Fraction(b) + n) / ((Fraction(c) + n) * (n + 1))
                     * Fraction(z))
            exact += term
        self.assertAlmostEqual(float(clv._hyp2f1(a, b, c, z)), float(exact), places=14)

    def test_scipy_where_it_has_a_value(self):
        args = ([2.243, 0.5], -0.207, 4.219, [-0.9, -3.0])
        np.testing.assert_allclose(clv._hyp2f1(*args), special.hyp2f1(*args), rtol=1e-14)

    def test_value_of_customers_under_a_fit_on_few_customers(self):
        gg = {"p": 2.609987, "q": 17733470.214642, "gamma": 1302941438.936535}
        value = clv.clv(self.FEW, gg, [0.0, 2.0], [0.0, 90.0], [100.0, 200.0], [0.0, 60.0],
                        periods_per_month=30.4375)
        self.assertTrue(np.all(np.isfinite(value)) and np.all(value > 0), value)


class TestHoldoutCheck(compat.pure_test_case()):
    def test_predictions_match_a_simulated_base(self):
        truth = {"r": 0.5, "alpha": 8.0, "a": 0.7, "b": 2.5}
        x, t_x, T, x_holdout = simulate_bgnbd(truth, 6000, 52.0, 26.0)
        params, table = clv.holdout_check(x, t_x, T, x_holdout, 26.0, buckets=5)
        self.assertEqual([row["repeat"] for row in table], list(range(6)))
        self.assertEqual(sum(row["customers"] for row in table), 6000)
        # the first groups hold most customers: their means agree closely
        for row in table[:3]:
            self.assertAlmostEqual(row["predicted"], row["actual"],
                                   delta=0.15 * row["actual"] + 0.02, msg=row)
        total_p = sum(r["predicted"] * r["customers"] for r in table)
        total_a = sum(r["actual"] * r["customers"] for r in table)
        self.assertAlmostEqual(total_p / total_a, 1.0, delta=0.08)
        self.assertAlmostEqual(params["r"], truth["r"], delta=0.15)

    def test_a_diverging_fit_is_refused_not_nan(self):
        """Seven sparse histories (found by `make loadtest`: the recompute
        stored a NaN prediction and failed): no check, a clear ValueError."""
        x = [1.0, 0.0, 0.0, 2.0, 1.0, 3.0, 0.0]
        t_x = [73.7296, 0.0, 0.0, 0.2871, 9.2829, 24.1485, 0.0]
        T = [136.0, 181.0, 81.0, 1.0, 216.0, 208.0, 331.0]
        with np.errstate(all="ignore"), self.assertRaisesRegex(ValueError, "degenerate"):
            clv.holdout_check(x, t_x, T, [0.0] * 7, 30.0)

    def test_a_wrong_model_shows_in_the_table(self):
        # customers buy four times faster after the cut-off than before:
        # the check must show actual far above predicted
        truth = {"r": 0.5, "alpha": 8.0, "a": 0.7, "b": 2.5}
        x, t_x, T, x_holdout = simulate_bgnbd(truth, 3000, 52.0, 26.0, seed=3)
        _params, table = clv.holdout_check(x, t_x, T, x_holdout * 4, 26.0, buckets=3)
        total_p = sum(r["predicted"] * r["customers"] for r in table)
        total_a = sum(r["actual"] * r["customers"] for r in table)
        self.assertGreater(total_a / total_p, 2.5)
