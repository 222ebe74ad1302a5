# Copyright 2026 crm_lifecycle contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The stop rules' sequence against the published mSPRT and by simulation
of running campaigns looked at every day.

Plain unit tests: the module imports no Odoo. The simulations draw, day by
day, the responses of a campaign's fixed target and control groups (a
seeded generator, thousands of campaigns at once) and look at the
figures every day, as the cockpit does.
"""
import math

import numpy as np
from scipy import integrate, optimize, stats

from odoo.addons.crm_lifecycle import compat

from ..stats import sequential, uplift

RUNS = 4000
DAYS = 30
TARGET, CONTROL = 20000, 5000
BASE_RATE = 0.05  # of the control group, by the end of the campaign


def daily_hazard(rate, days=DAYS):
    """The daily response probability that makes `rate` respond in `days`."""
    return 1.0 - (1.0 - rate) ** (1.0 / days)


def simulate(target_rate, control_rate=BASE_RATE, runs=RUNS, seed=7):
    """Cumulative responses per day of `runs` campaigns: arrays (runs, DAYS)
    of the target's and the control's responders."""
    rng = np.random.default_rng(seed)
    result = []
    for size, rate in ((TARGET, target_rate), (CONTROL, control_rate)):
        hazard = daily_hazard(rate)
        left = np.full(runs, size)
        counts = np.zeros((runs, DAYS), dtype=int)
        total = np.zeros(runs, dtype=int)
        for day in range(DAYS):
            new = rng.binomial(left, hazard)
            left -= new
            total += new
            counts[:, day] = total
        result.append(counts)
    return result


def sequences(target, control, planned_rate=BASE_RATE):
    return sequential.ratio_sequence(target, TARGET, control, CONTROL,
                                     planned_rate=planned_rate)


class SequenceCase(compat.pure_test_case()):
    def assertRate(self, rate, bound, above=False, msg=""):
        """A simulated rate against a bound, with three Monte Carlo
        standard errors of room."""
        room = 3.0 * math.sqrt(bound * (1.0 - bound) / RUNS)
        if above:
            self.assertGreaterEqual(rate, bound - room, msg)
        else:
            self.assertLessEqual(rate, bound + room, msg)


class TestMixture(SequenceCase):
    def test_the_published_msprt(self):
        # Johari et al. (2022), the mSPRT of normal data with variance V
        # against theta0, mixing the effect over N(0, tau^2):
        # sqrt(V / (V + n tau^2)) exp(n^2 tau^2 (mean - theta0)^2 /
        # (2 V (V + n tau^2)))
        for n, mean, theta0, variance, tau in [(100, 0.3, 0.0, 1.0, 0.5),
                                               (2500, 10.2, 10.0, 4.0, 0.1),
                                               (7, -1.0, 0.5, 2.5, 2.0)]:
            published = math.sqrt(variance / (variance + n * tau ** 2)) * math.exp(
                n ** 2 * tau ** 2 * (mean - theta0) ** 2
                / (2 * variance * (variance + n * tau ** 2)))
            mine = sequential.mixture_statistic(n * (mean - theta0) / variance,
                                                n / variance, 1.0 / tau ** 2)
            self.assertTrue(math.isclose(float(mine), published, rel_tol=1e-12),
                            (n, float(mine), published))

    def test_the_boundary_is_where_the_mixture_reaches_one_over_alpha(self):
        # the mixture integrated numerically, at the closed-form radius
        for information, rho, alpha in [(50.0, 5.0, 0.05), (2000.0, 300.0, 0.01),
                                        (3.0, 10.0, 0.2)]:
            radius = float(sequential.mixture_radius(information, alpha, rho))
            spread = 1.0 / math.sqrt(rho)

            def integrand(lam, s=radius, i=information):
                return math.exp(lam * s - lam * lam * i / 2.0) * stats.norm.pdf(
                    lam, scale=spread)
            peak = radius / information
            reach = 40.0 / math.sqrt(information + rho)
            value = integrate.quad(integrand, peak - reach, peak + reach, points=[peak],
                                   epsabs=0, epsrel=1e-10, limit=200)[0]
            self.assertTrue(math.isclose(value, 1.0 / alpha, rel_tol=1e-6),
                            (information, value))
            self.assertTrue(math.isclose(
                float(sequential.mixture_statistic(radius, information, rho)), 1.0 / alpha,
                rel_tol=1e-12))

    def test_tuned_rho_makes_the_sequence_narrowest_at_the_planned_information(self):
        for information, alpha in [(1000.0, 0.05), (40.0, 0.01), (1e6, 0.1)]:
            rho = sequential.tuned_rho(information, alpha)

            def width(log_rho):
                return float(sequential.mixture_radius(information, alpha,
                                                       math.exp(log_rho)))
            best = optimize.minimize_scalar(width, bounds=(math.log(rho) - 10,
                                                           math.log(rho) + 10),
                                            method="bounded",
                                            options={"xatol": 1e-10})
            self.assertTrue(math.isclose(math.log(rho), best.x, abs_tol=1e-4),
                            (information, rho, math.exp(best.x)))

    def test_invalid_input_is_refused(self):
        for args in [(3, 2, 0, 30), (-1, 30, 0, 30), (0, 30, 31, 30)]:
            with self.assertRaises(ValueError):
                sequential.proportion_sequence(*args)
        with self.assertRaises(ValueError):
            sequential.proportion_sequence(1, 30, 1, 30, alpha=1.0)
        with self.assertRaises(ValueError):
            sequential.tuned_rho(0.0, 0.05)

    def test_small_groups_give_no_verdict(self):
        seq = sequential.proportion_sequence(9, 10, 0, 10)
        self.assertTrue(math.isnan(seq.low))
        self.assertEqual(sequential.verdict(seq), sequential.TOO_EARLY)
        seq = sequential.proportion_sequence(90, 100, 0, 100)
        self.assertEqual(sequential.verdict(seq), sequential.PROVEN)
        self.assertEqual(sequential.verdict(seq, min_effect=1.5), sequential.FUTILE)
        seq = sequential.ratio_sequence(5, 1000, 200, 1000)
        self.assertEqual(sequential.verdict(seq), sequential.FUTILE)
        self.assertLess(sequential.relative(seq)[2], 0)

    def test_wider_than_the_fixed_interval_narrower_with_more_members(self):
        fixed = uplift.proportion_difference(300, 5000, 20, 500)
        seq = sequential.proportion_sequence(300, 5000, 20, 500)
        self.assertLess(seq.low, fixed.low)
        self.assertGreater(seq.high, fixed.high)
        bigger = sequential.proportion_sequence(3000, 50000, 200, 5000, rho=seq.rho)
        self.assertLess(bigger.high - bigger.low, seq.high - seq.low)


class TestDailyLooks(SequenceCase):
    """Thirty daily looks at RUNS campaigns each."""

    def test_no_effect_is_proven_at_most_alpha_of_the_time(self):
        target, control = simulate(BASE_RATE)
        for seq in (sequences(target, control),
                    sequential.proportion_sequence(target, TARGET, control, CONTROL,
                                                   planned_rate=BASE_RATE)):
            wrong = np.any((seq.low > 0) | (seq.high < 0), axis=1).mean()
            self.assertRate(wrong, 0.05, msg=seq.scale)
        # the fixed-sample test (two proportions, pooled) looked at daily:
        # far above its 5 % (what the stop rules are for; and the
        # simulation can tell)
        p_t, p_c = target / TARGET, control / CONTROL
        pooled = (target + control) / (TARGET + CONTROL)
        with np.errstate(divide="ignore", invalid="ignore"):
            z = (p_t - p_c) / np.sqrt(pooled * (1 - pooled) * (1 / TARGET + 1 / CONTROL))
        fixed = np.any(np.abs(np.nan_to_num(z)) > stats.norm.ppf(0.975), axis=1).mean()
        self.assertGreater(fixed, 0.09)
        self.assertGreater(fixed, 1.5 * wrong)

    def test_a_real_uplift_is_proven(self):
        target, control = simulate(0.065)
        seq = sequences(target, control)
        proven = np.any(seq.low > 0, axis=1)
        self.assertRate(proven.mean(), 0.70, above=True)
        # and never proven the wrong way
        self.assertRate(np.any(seq.high < 0, axis=1).mean(), 0.001)

    def test_futility(self):
        # no uplift where a third more responses pay the campaign: stopped
        # in most runs, many of them before the end
        target, control = simulate(BASE_RATE)
        seq = sequences(target, control)
        futile = seq.high < math.log1p(1.0 / 3)
        self.assertRate(np.any(futile, axis=1).mean(), 0.70, above=True)
        self.assertRate(np.any(futile[:, :DAYS // 2], axis=1).mean(), 0.30, above=True)
        # a third more responses is stopped as futile at most alpha of the
        # time, over the thirty looks
        target, control = simulate(BASE_RATE * 4 / 3, seed=11)
        seq = sequences(target, control)
        wrongly = np.any(seq.high < math.log1p(1.0 / 3), axis=1).mean()
        self.assertRate(wrongly, 0.05, msg="futility")

    def test_verdicts_of_one_campaign_follow_the_sequence(self):
        target, control = simulate(0.08, runs=1, seed=3)
        seen = []
        for day in range(DAYS):
            seq = sequential.ratio_sequence(int(target[0, day]), TARGET,
                                            int(control[0, day]), CONTROL,
                                            planned_rate=BASE_RATE)
            seen.append(sequential.verdict(seq, min_effect=0.1))
            expected = (sequential.FUTILE if seq.high < math.log1p(0.1) else
                        sequential.PROVEN if seq.low > 0 else sequential.CONTINUE)
            self.assertEqual(seen[-1], expected)
        self.assertEqual(seen[0], sequential.CONTINUE)
        self.assertEqual(seen[-1], sequential.PROVEN)
