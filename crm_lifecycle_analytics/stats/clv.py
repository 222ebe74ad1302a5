# Copyright 2026 crm_lifecycle contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Customer lifetime value: BG/NBD purchase model and Gamma-Gamma spend model.

Pure numpy/scipy, no Odoo. Arrays in, arrays out; every function is
vectorised over customers. A customer's history is

* ``x``: number of repeat purchases (purchases after the first),
* ``t_x``: time of the last purchase, counted from the first one,
* ``T``: time from the first purchase to the end of the observation,

in any one time unit (days, weeks...). Parameters are plain mappings, as
returned by the fits.

References (equation numbers in the comments):

* [FHL05] P. S. Fader, B. G. S. Hardie, K. L. Lee, "'Counting Your Customers'
  the Easy Way: An Alternative to the Pareto/NBD Model", Marketing Science
  24(2), 2005, 275-284.
* [FH13] P. S. Fader, B. G. S. Hardie, "The Gamma-Gamma Model of Monetary
  Value", 2013 (note at brucehardie.com).
* [FHL05b] P. S. Fader, B. G. S. Hardie, K. L. Lee, "RFM and CLV: Using
  Iso-Value Curves for Customer Base Analysis", Journal of Marketing
  Research 42(4), 2005, 415-430 (expected spend, eq. 3).
"""
# numpy and scipy are required (the manifest's external_dependencies):
# Odoo refuses to install the addon without them
import numpy as np  # pylint: disable=missing-import-error
from scipy import optimize, special  # pylint: disable=missing-import-error

__all__ = [
    "fit_bgnbd", "fit_gamma_gamma", "p_alive", "expected_purchases",
    "expected_purchases_new", "expected_spend", "clv", "holdout_check",
]


def _arrays(*values):
    return [np.asarray(v, dtype=float) for v in values]


def _weights(weights, n):
    if weights is None:
        return np.ones(n)
    w = np.asarray(weights, dtype=float)
    if w.shape != (n,) or np.any(w < 0):
        raise ValueError("weights must be one non-negative number per customer")
    return w


def _check_history(x, t_x, T):
    if not (x.shape == t_x.shape == T.shape):
        raise ValueError("x, t_x and T must have the same length")
    if np.any(x < 0) or np.any(t_x < 0) or np.any(t_x > T + 1e-9) or np.any(T <= 0):
        raise ValueError("expected 0 <= x, 0 <= t_x <= T and T > 0 for every customer")
    if np.any((x == 0) & (t_x > 0)):
        raise ValueError("a customer without repeat purchase (x = 0) must have t_x = 0")


def _compress(columns, weights):
    """Identical customers once, with their count as weight: the fits then
    cost the number of distinct histories, not of customers."""
    stacked = np.column_stack(columns)
    unique, inverse = np.unique(stacked, axis=0, return_inverse=True)
    w = np.bincount(inverse.ravel(), weights=weights, minlength=len(unique))
    keep = w > 0
    return [unique[keep, i] for i in range(unique.shape[1])], w[keep]


def _minimize(neg_ll, start):
    """Minimise over the logarithms of the parameters (all positive)."""
    result = optimize.minimize(
        neg_ll, np.log(start), jac=True, method="L-BFGS-B",
        options={"maxiter": 10000, "ftol": 1e-15, "gtol": 1e-10})
    if not np.all(np.isfinite(result.x)):
        raise ValueError("the model could not be fitted to these data")
    return np.exp(result.x), -result.fun


# --------------------------------------------------------------- BG/NBD
def _bgnbd_terms(r, alpha, a, b, x, t_x, T):
    """ln A1 + ln A2 and the two terms of ln(A3 + delta A4) of [FHL05] eq. 6."""
    ln_a12 = (special.gammaln(r + x) - special.gammaln(r) + r * np.log(alpha)
              + special.gammaln(a + b) + special.gammaln(b + x)
              - special.gammaln(b) - special.gammaln(a + b + x))
    u = -(r + x) * np.log(alpha + T)
    repeat = x > 0
    v = np.full_like(u, -np.inf)
    xr = x[repeat]
    v[repeat] = (np.log(a) - np.log(b + xr - 1) - (r + xr) * np.log(alpha + t_x[repeat]))
    return ln_a12, u, v, repeat


def _bgnbd_log_likelihood(r, alpha, a, b, x, t_x, T):
    ln_a12, u, v, _repeat = _bgnbd_terms(r, alpha, a, b, x, t_x, T)
    return ln_a12 + np.logaddexp(u, v)


def fit_bgnbd(x, t_x, T, weights=None):
    """Maximum-likelihood BG/NBD parameters ([FHL05] eq. 6 summed over the
    customers), with the analytic gradient.

    weights: how many customers each row stands for (default 1).
    Returns {"r", "alpha", "a", "b", "log_likelihood"}.
    """
    x, t_x, T = _arrays(x, t_x, T)
    _check_history(x, t_x, T)
    (x, t_x, T), w = _compress([x, t_x, T], _weights(weights, len(x)))
    if not len(x) or not np.any(x > 0):
        raise ValueError("the BG/NBD model needs customers with repeat purchases")
    total = w.sum()

    def neg_ll(theta):
        r, alpha, a, b = np.exp(theta)
        ln_a12, u, v, repeat = _bgnbd_terms(r, alpha, a, b, x, t_x, T)
        s = np.logaddexp(u, v)
        ll = np.dot(w, ln_a12 + s)
        # shares of the two terms of A3 + delta A4
        w3, w4 = np.exp(u - s), np.exp(v - s)
        ln_alpha_t = np.log(alpha + T)
        ln_alpha_tx = np.log(alpha + t_x)
        d_r = (special.digamma(r + x) - special.digamma(r) + np.log(alpha)
               - w3 * ln_alpha_t - w4 * ln_alpha_tx)
        d_alpha = r / alpha - (r + x) * (w3 / (alpha + T) + w4 / (alpha + t_x))
        d_ab = special.digamma(a + b) - special.digamma(a + b + x)
        d_a = d_ab + w4 / a
        inv_b = np.zeros_like(x)
        inv_b[repeat] = 1.0 / (b + x[repeat] - 1)
        d_b = d_ab + special.digamma(b + x) - special.digamma(b) - w4 * inv_b
        grad = np.array([np.dot(w, d) for d in (d_r, d_alpha, d_a, d_b)])
        # per customer and in log-parameters (chain rule: d/d ln p = p d/dp)
        return -ll / total, -grad * np.array([r, alpha, a, b]) / total

    start = np.array([1.0, max(float(np.average(T, weights=w)) / 10.0, 1e-3), 1.0, 1.0])
    (r, alpha, a, b), mean_ll = _minimize(neg_ll, start)
    return {"r": r, "alpha": alpha, "a": a, "b": b, "log_likelihood": mean_ll * total}


def p_alive(params, x, t_x, T):
    """Probability that the customer is still active at T ([FHL05] eq. in
    section 4, P(tau > T | r, alpha, a, b, x, t_x, T))."""
    r, alpha, a, b = (params[k] for k in ("r", "alpha", "a", "b"))
    x, t_x, T = _arrays(x, t_x, T)
    with np.errstate(divide="ignore", invalid="ignore"):
        ln_ratio = (np.log(a) - np.log(b + x - 1)
                    + (r + x) * (np.log(alpha + T) - np.log(alpha + t_x)))
    odds = np.where(x > 0, np.exp(np.minimum(ln_ratio, 700.0)), 0.0)
    return 1.0 / (1.0 + odds)


def _decay(r, alpha, a, b, x, T, t):
    """((alpha + T) / (alpha + T + t))^(r + x) 2F1(r + x, b + x; a + b + x - 1;
    t / (alpha + T + t)) of [FHL05] eq. 10, computed as
    2F1(r + x, a - 1; a + b + x - 1; -t / (alpha + T)) (Pfaff's
    transformation, the same value): the power and the series of the first
    form are a vanishing and an overflowing number when r is large (a fit
    on few customers), and their product is NaN in floating point."""
    return _hyp2f1(r + x, a - 1, a + b + x - 1, -t / (alpha + T))


def _hyp2f1(a, b, c, z, terms=2000):
    """Gauss's hypergeometric function: scipy's, and where scipy gives no
    finite value (it does so for a first parameter in the hundred thousands,
    which a fit on few customers reaches) its power series summed directly,
    which converges fast there (|a b z / c| is small). Entries the series
    does not settle stay NaN."""
    a, b, c, z = np.broadcast_arrays(*(np.asarray(v, dtype=float) for v in (a, b, c, z)))
    shape = np.shape(a)
    value = np.array(special.hyp2f1(a, b, c, z), dtype=float, ndmin=1)
    bad = ~np.isfinite(value)
    if bad.any():
        a, b, c, z = (np.ravel(v)[np.ravel(bad)] for v in (a, b, c, z))
        term = np.ones_like(z)
        total = np.ones_like(z)
        for n in range(terms):
            term = term * (a + n) * (b + n) / ((c + n) * (n + 1.0)) * z
            total = total + term
            if np.all(np.abs(term) <= 1e-15 * np.abs(total)):
                break
        else:
            total[np.abs(term) > 1e-15 * np.abs(total)] = np.nan
        flat = value.ravel()
        flat[np.ravel(bad)] = total
        value = flat.reshape(value.shape)
    return value.reshape(shape) if shape else value[0]


def expected_purchases_new(params, t):
    """E[X(t)]: purchases of a new customer in a period of length t
    ([FHL05] eq. 7)."""
    r, alpha, a, b = (params[k] for k in ("r", "alpha", "a", "b"))
    t = np.asarray(t, dtype=float)
    # (alpha / (alpha + t))^r 2F1(r, b; a + b - 1; t / (alpha + t)), by
    # Pfaff's transformation (see _decay)
    return (a + b - 1) / (a - 1) * (1 - _hyp2f1(r, a - 1, a + b - 1, -t / alpha))


def expected_purchases(params, t, x, t_x, T):
    """E[Y(t) | x, t_x, T]: expected purchases in the next period of length
    t of a customer with history (x, t_x, T) ([FHL05] eq. 10)."""
    r, alpha, a, b = (params[k] for k in ("r", "alpha", "a", "b"))
    t, x, t_x, T = _arrays(t, x, t_x, T)
    head = (a + b + x - 1) / (a - 1)
    body = 1 - _decay(r, alpha, a, b, x, T, t)
    # 1 / (1 + delta a / (b + x - 1) ((alpha + T) / (alpha + t_x))^(r + x))
    return head * body * p_alive(params, x, t_x, T)


# ---------------------------------------------------------- Gamma-Gamma
def fit_gamma_gamma(x, m, weights=None):
    """Maximum-likelihood Gamma-Gamma parameters ([FH13] eq. 5) from the
    number of repeat purchases x and their average value m. Customers
    with x = 0 are ignored.

    Returns {"p", "q", "gamma", "log_likelihood"}.
    """
    x, m = _arrays(x, m)
    if x.shape != m.shape:
        raise ValueError("x and m must have the same length")
    w = _weights(weights, len(x))
    keep = x > 0
    if np.any(m[keep] <= 0):
        raise ValueError("the average value of repeat purchases must be positive")
    (x, m), w = _compress([x[keep], m[keep]], w[keep])
    if not len(x):
        raise ValueError("the Gamma-Gamma model needs customers with repeat purchases")
    total = w.sum()
    ln_m, ln_x = np.log(m), np.log(x)

    def neg_ll(theta):
        p, q, gamma = np.exp(theta)
        px = p * x
        ln_den = np.log(gamma + m * x)
        ll = np.dot(w, special.gammaln(px + q) - special.gammaln(px) - special.gammaln(q)
                    + q * np.log(gamma) + (px - 1) * ln_m + px * ln_x - (px + q) * ln_den)
        psi_pq = special.digamma(px + q)
        d_p = x * (psi_pq - special.digamma(px) + ln_m + ln_x - ln_den)
        d_q = psi_pq - special.digamma(q) + np.log(gamma) - ln_den
        d_gamma = q / gamma - (px + q) / (gamma + m * x)
        grad = np.array([np.dot(w, d) for d in (d_p, d_q, d_gamma)])
        return -ll / total, -grad * np.array([p, q, gamma]) / total

    (p, q, gamma), mean_ll = _minimize(neg_ll, np.array([1.0, 1.0, float(np.median(m))]))
    return {"p": p, "q": q, "gamma": gamma, "log_likelihood": mean_ll * total}


def expected_spend(gg_params, x, m):
    """E[M | p, q, gamma, x, m]: expected value of the customer's future
    purchases ([FHL05b] eq. 3): a weighted mean of the population mean
    p gamma / (q - 1) and the customer's own average m. A customer
    without repeat purchase gets the population mean."""
    p, q, gamma = (gg_params[k] for k in ("p", "q", "gamma"))
    x, m = _arrays(x, m)
    m = np.where(x > 0, m, 0.0)
    return p * (gamma + m * x) / (p * x + q - 1)


# ---------------------------------------------------------------- value
def clv(bg_params, gg_params, x, t_x, T, m, months=12, monthly_discount=0.01,
        periods_per_month=4.345):
    """Discounted expected value of the customer's purchases in the next
    `months` months: the sum over k = 1..months of expected spend times
    the expected purchases in month k, divided by (1 + monthly_discount)^k.

    periods_per_month: time units per month (4.345 for weeks, 30.4375 for
    days).
    """
    x, t_x, T, m = _arrays(x, t_x, T, m)
    spend = expected_spend(gg_params, x, m)
    r, alpha, a, b = (bg_params[k] for k in ("r", "alpha", "a", "b"))
    # E[Y(t) | x, t_x, T] of [FHL05] eq. 10 is P(alive) (a + b + x - 1) /
    # (a - 1) times a part that depends on t, x and T only (not t_x): that
    # part is computed once per distinct (x, T), the rest once per customer
    factor = p_alive(bg_params, x, t_x, T) * (a + b + x - 1) / (a - 1)
    ux, uT, inverse = _distinct_pairs(x, T)
    value = np.zeros_like(x)
    previous = np.zeros_like(x)
    for k in range(1, int(months) + 1):
        t = k * periods_per_month
        part = 1 - _decay(r, alpha, a, b, ux, uT, t)
        cumulative = factor * part[inverse]
        value += spend * (cumulative - previous) / (1.0 + monthly_discount) ** k
        previous = cumulative
    return value


def _distinct_pairs(x, T):
    """The distinct (x, T) pairs and, per customer, the index of its pair
    (for one-dimensional arrays of whole numbers; anything else is left as
    it is, one pair per customer)."""
    if (x.ndim == 1 and x.shape == T.shape and x.size and np.all(x == np.floor(x))
            and np.all(T == np.floor(T)) and T.min() >= 0):
        span = int(T.max()) + 1
        _keys, first, inverse = np.unique(x.astype(np.int64) * span + T.astype(np.int64),
                                          return_index=True, return_inverse=True)
        return x[first], T[first], inverse
    return x, T, Ellipsis   # part[...] is part itself


# ------------------------------------------------------ holdout check
def holdout_check(x, t_x, T, x_holdout, horizon, buckets=7, weights=None):
    """How good the purchase model's predictions are: BG/NBD fitted on the
    calibration histories (x, t_x, T up to a cut-off), the purchases it
    expects in the `horizon` after the cut-off set against those made
    (x_holdout), by number of repeat purchases in the calibration period:
    the conditional expectations of [FHL05] figure 5.

    Returns (params, table): table is a list with one dict per group,
    {"repeat": k, "customers", "predicted", "actual"} (means per customer;
    the last group, k = buckets, holds the customers with k or more)."""
    x, t_x, T, x_holdout = _arrays(x, t_x, T, x_holdout)
    w = _weights(weights, len(x))
    params = fit_bgnbd(x, t_x, T, weights=w)
    predicted = expected_purchases(params, horizon, x, t_x, T)
    # a fit on a few sparse histories can diverge: no check rather than NaN
    if not (np.all(np.isfinite(list(params.values()))) and np.all(np.isfinite(predicted))):
        raise ValueError("degenerate fit of the calibration period")
    group = np.minimum(x, buckets).astype(int)
    customers = np.bincount(group, weights=w, minlength=buckets + 1)
    sums_p = np.bincount(group, weights=w * predicted, minlength=buckets + 1)
    sums_a = np.bincount(group, weights=w * x_holdout, minlength=buckets + 1)
    table = [{"repeat": k, "customers": float(customers[k]),
              "predicted": float(sums_p[k] / customers[k]),
              "actual": float(sums_a[k] / customers[k])}
             for k in range(buckets + 1) if customers[k] > 0]
    return params, table
