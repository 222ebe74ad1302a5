# Copyright 2026 crm_lifecycle contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Stop rules for a running campaign: an always-valid confidence sequence
of the uplift.

Pure numpy/scipy, no Odoo. A running campaign is looked at every day (its
figures move as responses arrive). A fixed-sample interval looked at daily
excludes a zero uplift that is really zero far more often than its level
says: with thirty looks, a 95 % interval "proves" an effect that is not
there in about a fifth of campaigns. A confidence sequence holds at every
look at once: the probability that it *ever* excludes the true uplift, over
the whole campaign and whenever it is looked at, is at most alpha. Hence
three verdicts at any time, each wrong with probability at most alpha:

* futile: the whole sequence is below the smallest uplift worth the
  campaign's cost (a campaign that would earn it is stopped with
  probability at most alpha);
* proven: the whole sequence is above zero, the campaign raises the
  response rate;
* keep going: neither yet.

A campaign's groups are drawn once; their responses come in over weeks.
The difference of their rates grows as responses accrue, their ratio stays
about the same (the relative uplift): the stop rules judge the ratio
(`ratio_sequence`), so that the smallest worthwhile uplift can be compared
with the sequence from the first days; `proportion_sequence` gives the
uplift in points of the responses so far.

The sequence is the normal mixture boundary: for a statistic S (the
estimate's error scaled by its information I, the inverse of its variance)
the mixture over lambda ~ N(0, 1 / rho) of the martingales exp(lambda S -
lambda^2 I / 2) is

    M = sqrt(rho / (I + rho)) * exp(S^2 / (2 (I + rho))),

which exceeds 1 / alpha with probability at most alpha (Ville's
inequality), that is whenever

    |S| >= sqrt((I + rho) (log((I + rho) / rho) + 2 log(1 / alpha))).

For normal observations M is the mixture sequential probability ratio
statistic of [J22] (their mixture of the effect over N(0, tau^2) is rho = 1
/ tau^2, S = n (mean - theta0) / V and I = n / V); the boundary is the two-sided normal mixture of
[H21], which also gives the rho making the sequence narrowest at a chosen
information (here the campaign's planned end): with c = 2 log(1 / alpha),
rho = I* / (u - 1) where u > 1 solves u - log u = 1 + c. The variance of
the rates is estimated (an asymptotic sequence, [W21]); the simulations of
the tests check the error rates at the sizes of real campaigns.

References:

* [R70] H. Robbins, "Statistical methods related to the law of the iterated
  logarithm", Annals of Mathematical Statistics 41, 1970, 1397-1409.
* [H21] S. R. Howard, A. Ramdas, J. McAuliffe, J. Sekhon, "Time-uniform,
  nonparametric, nonasymptotic confidence sequences", Annals of Statistics
  49, 2021, 1055-1080 (the normal mixture boundary).
* [J22] R. Johari, P. Koomen, L. Pekelis, D. Walsh, "Always valid inference:
  continuous monitoring of A/B tests", Operations Research 70, 2022,
  1806-1821 (the mSPRT).
* [W21] I. Waudby-Smith, D. Arbour, R. Sinha, E. H. Kennedy, A. Ramdas,
  "Time-uniform central limit theory and asymptotic confidence sequences",
  2021 (arXiv:2103.06476).

Every function takes numbers or numpy arrays of them (a simulation looks at
thousands of campaigns at once).
"""
from collections import namedtuple

import numpy as np  # pylint: disable=missing-import-error
from scipy import special  # pylint: disable=missing-import-error

__all__ = [
    "PROVEN", "FUTILE", "CONTINUE", "TOO_EARLY", "MIN_MEMBERS", "POINTS", "RATIO",
    "Sequence", "mixture_statistic", "mixture_radius", "tuned_rho", "proportion_sequence",
    "ratio_sequence", "relative", "verdict",
]

PROVEN, FUTILE, CONTINUE, TOO_EARLY = "proven", "futile", "continue", "too_early"
# fewer members in a group than this: no verdict (an estimated variance of
# a handful of members proves nothing)
MIN_MEMBERS = 20

# estimate, low, high: the uplift and its sequence's bounds at this look;
# scale: POINTS (a difference of rates) or RATIO (the log of their ratio)
Sequence = namedtuple("Sequence", ["estimate", "low", "high", "information", "rho", "scale"])
POINTS, RATIO = "points", "ratio"


def _check_alpha(alpha):
    if not 0.0 < alpha < 1.0:
        raise ValueError("alpha must be between 0 and 1 (excluded)")


def mixture_statistic(score, information, rho):
    """The mixture martingale M of a statistic `score` (S) at information I
    (its variance), mixing variance 1 / rho."""
    score = np.asarray(score, dtype=float)
    total = np.asarray(information, dtype=float) + rho
    return np.sqrt(rho / total) * np.exp(score * score / (2.0 * total))


def mixture_radius(information, alpha, rho):
    """The boundary of |S| at information I: M reaches 1 / alpha there."""
    _check_alpha(alpha)
    if rho <= 0:
        raise ValueError("rho must be positive")
    total = np.asarray(information, dtype=float) + rho
    return np.sqrt(total * (np.log(total / rho) + 2.0 * np.log(1.0 / alpha)))


def tuned_rho(information, alpha):
    """The mixing precision rho that makes the sequence narrowest at
    `information` (the information expected at the campaign's end)."""
    _check_alpha(alpha)
    if information <= 0:
        raise ValueError("the planned information must be positive")
    c = 2.0 * np.log(1.0 / alpha)
    # u - log u = 1 + c, u > 1: the lower real branch of Lambert's W
    u = -special.lambertw(-np.exp(-(1.0 + c)), k=-1).real
    return float(information / (u - 1.0))


def _counts(x_target, n_target, x_control, n_control):
    x_t, n_t = np.asarray(x_target, dtype=float), np.asarray(n_target, dtype=float)
    x_c, n_c = np.asarray(x_control, dtype=float), np.asarray(n_control, dtype=float)
    if np.any((x_t < 0) | (x_c < 0) | (x_t > n_t) | (x_c > n_c)):
        raise ValueError("expected 0 <= responses <= members")
    enough = (n_t >= MIN_MEMBERS) & (n_c >= MIN_MEMBERS)
    # the groups too small get a placeholder size (their figures are NaN)
    return x_t, np.where(enough, n_t, 1.0), x_c, np.where(enough, n_c, 1.0), enough


def _sequence(estimate, information, planned, alpha, rho, enough, scale):
    if rho is None:
        rho = tuned_rho(planned, alpha)
    radius = mixture_radius(information, alpha, rho) / information
    estimate = np.where(enough, estimate, np.nan)
    low, high = estimate - radius, estimate + radius
    if np.ndim(estimate) == 0:
        estimate, low, high, information = (float(estimate), float(low), float(high),
                                            float(information))
    return Sequence(estimate, low, high, information, rho, scale)


def _planned_rate(planned_rate, x_t, n_t, x_c, n_c):
    """The rate expected by the end; else the pooled rate seen so far."""
    if not planned_rate:
        planned_rate = np.nanmean((x_t + x_c + 1.0) / (n_t + n_c + 2.0))
    return min(max(float(planned_rate), 1e-6), 1.0 - 1e-6)


def proportion_sequence(x_target, n_target, x_control, n_control, alpha=0.05, rho=None,
                        planned_rate=None):
    """The always-valid sequence of the uplift in points, x_target /
    n_target - x_control / n_control, for groups whose members accrue (a
    Sequence; NaN where a group has fewer than MIN_MEMBERS members). rho:
    the mixing precision, fixed before the campaign (default: tuned to the
    groups' sizes at `planned_rate`, the response rate expected, else the
    rate seen)."""
    _check_alpha(alpha)
    x_t, n_t, x_c, n_c, enough = _counts(x_target, n_target, x_control, n_control)
    # the rates of a variance: (x + 1) / (n + 2), never 0 or 1 (no response
    # yet is no proof of a rate of zero)
    p_t, p_c = (x_t + 1.0) / (n_t + 2.0), (x_c + 1.0) / (n_c + 2.0)
    information = 1.0 / (p_t * (1.0 - p_t) / n_t + p_c * (1.0 - p_c) / n_c)
    rate = _planned_rate(planned_rate, x_t, n_t, x_c, n_c)
    planned = float(np.max(1.0 / (rate * (1.0 - rate) * (1.0 / n_t + 1.0 / n_c))))
    return _sequence(x_t / n_t - x_c / n_c, information, planned, alpha, rho, enough, POINTS)


def ratio_sequence(x_target, n_target, x_control, n_control, alpha=0.05, rho=None,
                   planned_rate=None):
    """The always-valid sequence of the log of the ratio of the response
    rates (x_target / n_target) / (x_control / n_control), for a campaign's
    fixed target and control groups whose responses come in over time: the
    ratio of two groups' rates stays about the same while their responses
    accrue (the difference grows with them), so the sequence judges the
    campaign's relative uplift from its first days. Counts +0.5 (Haldane)
    for the estimate and its variance (no response yet in a group is not a
    rate of zero). rho and planned_rate as for proportion_sequence (the
    information planned: the groups' sizes at the rate expected by the
    end)."""
    _check_alpha(alpha)
    x_t, n_t, x_c, n_c, enough = _counts(x_target, n_target, x_control, n_control)
    a_t, m_t, a_c, m_c = x_t + 0.5, n_t + 0.5, x_c + 0.5, n_c + 0.5
    estimate = np.log(a_t / m_t) - np.log(a_c / m_c)
    information = 1.0 / (1.0 / a_t - 1.0 / m_t + 1.0 / a_c - 1.0 / m_c)
    rate = _planned_rate(planned_rate, x_t, n_t, x_c, n_c)
    planned = float(np.max(1.0 / ((1.0 - rate) / rate * (1.0 / n_t + 1.0 / n_c))))
    return _sequence(estimate, information, planned, alpha, rho, enough, RATIO)


def relative(sequence):
    """A ratio_sequence as relative uplifts (estimate, low, high): 0.25 for
    a response rate a quarter higher than the control's."""
    return tuple(np.expm1(value) for value in sequence[:3])


def verdict(sequence, min_effect=0.0):
    """FUTILE, PROVEN, CONTINUE or TOO_EARLY for the sequence of one
    campaign (a ratio_sequence: min_effect is the smallest relative uplift
    worth the campaign, 0.2 for a fifth more responses than the control;
    a proportion_sequence: the smallest uplift in points, 0.02 for two)."""
    low, high = sequence.low, sequence.high
    if low is None or np.isnan(low):
        return TOO_EARLY
    bound = np.log1p(min_effect) if sequence.scale == RATIO else min_effect
    # an uplift surely below what pays the campaign stops it, even a
    # proven one
    if high < bound:
        return FUTILE
    if low > 0:
        return PROVEN
    return CONTINUE
