# Copyright 2026 crm_lifecycle contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Campaign uplift against a holdout control group.

Pure numpy/scipy, no Odoo. A campaign is sent to a target group and held
back from a random control group; what the campaign caused is the
difference between the two groups:

* the response rates (a member responded or not): difference with
  Newcombe's hybrid score interval, pooled two-proportion z test, and the
  relative uplift p1 / p2 - 1 with the Katz log risk-ratio interval;
* the revenue per member (responders and non-responders alike): Welch's
  unequal-variance t test and interval, from aggregated sums (sum of the
  values, sum of their squares, count), so that SQL can feed it without
  sending the rows;
* the campaign's judgement: incremental responses and revenue over the
  target group, cost per (incremental) response and return on investment.

Every figure that cannot be computed (empty group, zero variance, zero
rate...) is None, never NaN or an exception; invalid input (a negative
count, more responses than members, a confidence outside (0, 1)) raises
ValueError.

References:

* [N98] R. G. Newcombe, "Interval estimation for the difference between
  independent proportions: comparison of eleven methods", Statistics in
  Medicine 17, 1998, 873-890 (method 10, hybrid score interval).
* [N98b] R. G. Newcombe, "Two-sided confidence intervals for the single
  proportion: comparison of seven methods", Statistics in Medicine 17,
  1998, 857-872 (method 3, Wilson score interval).
* [K78] D. Katz, J. Baptista, S. P. Azen, M. C. Pike, "Obtaining confidence
  intervals for the risk ratio in cohort studies", Biometrics 34, 1978,
  469-474.
* [W47] B. L. Welch, "The generalization of 'Student's' problem when several
  different population variances are involved", Biometrika 34, 1947, 28-35.
"""
import math
from collections import namedtuple

# scipy is required (the manifest's external_dependencies): Odoo refuses to
# install the addon without it
from scipy import stats  # pylint: disable=missing-import-error

__all__ = [
    "ProportionDifference", "MeanDifference", "Judgement",
    "wilson_interval", "proportion_difference", "mean_difference", "judge",
]

ProportionDifference = namedtuple("ProportionDifference", [
    "rate_target", "rate_control", "difference", "low", "high", "z", "p_value",
    "relative", "relative_low", "relative_high",
])
MeanDifference = namedtuple("MeanDifference", [
    "mean_target", "mean_control", "difference", "low", "high", "t", "df", "p_value",
])
Judgement = namedtuple("Judgement", [
    "rates", "revenue",
    "incremental_responses", "incremental_responses_low", "incremental_responses_high",
    "incremental_revenue", "incremental_revenue_low", "incremental_revenue_high",
    "cost_per_response", "cost_per_incremental_response", "roi",
])

# a variance computed from sums as (sumsq - sum^2 / n) / (n - 1) loses the
# digits of sumsq to cancellation: below this share of sumsq it is noise
# (values all equal) and taken as 0
_VARIANCE_NOISE = 1e-12


def _upper_level(confidence):
    """The level of the upper quantile of a two-sided interval (0.975 at 0.95)."""
    if not 0.0 < confidence < 1.0:
        raise ValueError("the confidence level must be between 0 and 1 (excluded)")
    return 0.5 + confidence / 2.0


def _z_value(confidence):
    """The two-sided normal quantile of a confidence level (1.96 at 0.95)."""
    return float(stats.norm.ppf(_upper_level(confidence)))


def _check_counts(x, n):
    if n < 0 or x < 0 or x > n:
        raise ValueError("expected 0 <= responses <= members")


def _scaled(value, factor):
    return None if value is None else value * factor


def _wilson(x, n, z):
    """Wilson score interval of x / n at normal quantile z ([N98b] method 3)."""
    if not n:
        return None, None
    p = x / n
    z2 = z * z
    center = (x + z2 / 2.0) / (n + z2)
    half = z * math.sqrt(n) / (n + z2) * math.sqrt(p * (1.0 - p) + z2 / (4.0 * n))
    # exact bounds at 0 and n, and no rounding outside [0, 1]
    low = 0.0 if x == 0 else max(0.0, center - half)
    high = 1.0 if x == n else min(1.0, center + half)
    return low, high


def wilson_interval(x, n, confidence=0.95):
    """Wilson score interval (low, high) of the proportion x / n; (None, None)
    when n is 0."""
    x, n = int(x), int(n)
    _check_counts(x, n)
    return _wilson(x, n, _z_value(confidence))


def proportion_difference(x_target, n_target, x_control, n_control, confidence=0.95):
    """Difference of the response rates x_target / n_target - x_control /
    n_control of a target and a control group.

    * low, high: Newcombe's hybrid score interval of the difference ([N98]
      method 10), from the Wilson intervals of both rates;
    * z, p_value: two-sided two-proportion z test with the pooled rate (the
      chi-square test of the 2 x 2 table without continuity correction);
      None when the pooled rate is 0 or 1 (no variance);
    * relative: the relative uplift p1 / p2 - 1, with the Katz log risk-ratio
      interval ([K78]); None when a rate is 0.

    Returns a ProportionDifference; its figures are None where a group is
    empty.
    """
    x1, n1, x2, n2 = int(x_target), int(n_target), int(x_control), int(n_control)
    _check_counts(x1, n1)
    _check_counts(x2, n2)
    z_crit = _z_value(confidence)
    p1 = x1 / n1 if n1 else None
    p2 = x2 / n2 if n2 else None
    if p1 is None or p2 is None:
        return ProportionDifference(p1, p2, None, None, None, None, None, None, None, None)

    difference = p1 - p2
    l1, u1 = _wilson(x1, n1, z_crit)
    l2, u2 = _wilson(x2, n2, z_crit)
    low = difference - math.sqrt((p1 - l1) ** 2 + (u2 - p2) ** 2)
    high = difference + math.sqrt((u1 - p1) ** 2 + (p2 - l2) ** 2)
    low, high = max(-1.0, low), min(1.0, high)

    z = p_value = None
    pooled = (x1 + x2) / (n1 + n2)
    se = math.sqrt(pooled * (1.0 - pooled) * (1.0 / n1 + 1.0 / n2))
    if se > 0.0:
        z = difference / se
        p_value = float(2.0 * stats.norm.sf(abs(z)))

    relative = relative_low = relative_high = None
    if x1 and x2:
        ratio = p1 / p2
        relative = ratio - 1.0
        # variance of log(p1 / p2), [K78]; 0 when both groups all responded
        se_log = math.sqrt(max(0.0, 1.0 / x1 - 1.0 / n1 + 1.0 / x2 - 1.0 / n2))
        relative_low = ratio * math.exp(-z_crit * se_log) - 1.0
        relative_high = ratio * math.exp(z_crit * se_log) - 1.0
    return ProportionDifference(p1, p2, difference, low, high, z, p_value,
                                relative, relative_low, relative_high)


def _mean_variance(total, total_sq, n):
    """Mean and sample variance (n - 1) of n values from their sum and sum of
    squares; None where undefined."""
    if n <= 0:
        return None, None
    mean = total / n
    if n == 1:
        return mean, None
    spread = total_sq - total * mean
    if spread <= _VARIANCE_NOISE * abs(total_sq):
        spread = 0.0
    return mean, spread / (n - 1)


def mean_difference(sum_t, sumsq_t, n_t, sum_c, sumsq_c, n_c, confidence=0.95):
    """Difference of the means of a target and a control group, each given
    by the sum of its values, the sum of their squares and their count.

    Welch's unequal-variance t test ([W47]): t, the Welch-Satterthwaite
    degrees of freedom df, the two-sided p_value and the interval (low,
    high) of the difference. When the standard error is 0 (no variance in
    either group) the interval is the difference itself and t, df, p_value
    are None; a group of one value has no variance and leaves them all None.

    Returns a MeanDifference.
    """
    n1, n2 = int(n_t), int(n_c)
    if n1 < 0 or n2 < 0:
        raise ValueError("the counts of values must not be negative")
    level = _upper_level(confidence)
    mean1, var1 = _mean_variance(float(sum_t), float(sumsq_t), n1)
    mean2, var2 = _mean_variance(float(sum_c), float(sumsq_c), n2)
    if mean1 is None or mean2 is None:
        return MeanDifference(mean1, mean2, None, None, None, None, None, None)
    difference = mean1 - mean2
    if var1 is None or var2 is None:
        return MeanDifference(mean1, mean2, difference, None, None, None, None, None)
    a, b = var1 / n1, var2 / n2
    se = math.sqrt(a + b)
    if se == 0.0:
        return MeanDifference(mean1, mean2, difference, difference, difference,
                              None, None, None)
    df = (a + b) ** 2 / (a * a / (n1 - 1) + b * b / (n2 - 1))
    t = difference / se
    p_value = float(2.0 * stats.t.sf(abs(t), df))
    half = float(stats.t.ppf(level, df)) * se
    return MeanDifference(mean1, mean2, difference, difference - half, difference + half,
                          t, df, p_value)


def judge(n_target, responded_target, revenue_sum_target, revenue_sumsq_target,
          n_control, responded_control, revenue_sum_control, revenue_sumsq_control,
          cost, margin_rate=1.0, confidence=0.95):
    """What a campaign caused, judged against its holdout control group.

    The revenue of a group is the sum (and the sum of squares) of the
    revenue of each of its members, 0 for the members without revenue.

    * rates: the ProportionDifference of the response rates;
    * revenue: the MeanDifference of the revenue per member;
    * incremental_responses (low, high): the rate difference (and its
      interval) times the target group's size: responses the campaign caused;
    * incremental_revenue (low, high): the revenue per member difference (and
      its interval) times the target group's size;
    * cost_per_response: cost / responses of the target group;
    * cost_per_incremental_response: cost / incremental responses, None
      unless the campaign caused responses;
    * roi: (incremental revenue * margin_rate - cost) / cost.

    Returns a Judgement; figures that cannot be computed are None.
    """
    n_target = int(n_target)
    responded_target = int(responded_target)
    cost, margin_rate = float(cost), float(margin_rate)
    rates = proportion_difference(responded_target, n_target, responded_control, n_control,
                                  confidence=confidence)
    revenue = mean_difference(revenue_sum_target, revenue_sumsq_target, n_target,
                              revenue_sum_control, revenue_sumsq_control, n_control,
                              confidence=confidence)
    incremental_responses = _scaled(rates.difference, n_target)
    incremental_revenue = _scaled(revenue.difference, n_target)
    cost_per_response = cost / responded_target if responded_target else None
    cost_per_incremental = None
    if incremental_responses is not None and incremental_responses > 0:
        cost_per_incremental = cost / incremental_responses
    roi = None
    if incremental_revenue is not None and cost:
        roi = (incremental_revenue * margin_rate - cost) / cost
    return Judgement(
        rates, revenue,
        incremental_responses, _scaled(rates.low, n_target), _scaled(rates.high, n_target),
        incremental_revenue, _scaled(revenue.low, n_target), _scaled(revenue.high, n_target),
        cost_per_response, cost_per_incremental, roi)
