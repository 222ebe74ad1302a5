# Copyright 2026 crm_lifecycle contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Fellegi-Sunter record linkage: how much each field's agreement says.

Pure functions (no Odoo import). A compared pair of records is a pattern:
one level of agreement per field (FS_FIELDS), None where a value is
missing. Under the model of Fellegi and Sunter (1969), a pair is a match
with probability `lam`; a field is at level l with probability m[l] for a
match and u[l] for a non-match, independently of the other fields. The
parameters are estimated by expectation-maximisation from the patterns'
counts alone (Winkler 1988; Jaro 1989), pairs whose class is known (a
reviewer's "Merge" or "Not a Duplicate") entering with that class fixed.

>>> model = estimate({(1, 1): 40, (0, 0): 950, (1, 0): 5, (0, 1): 5},
...                  levels=(2, 2))
>>> round(posterior(model, (1, 1)), 3), round(posterior(model, (0, 0)), 3)
(1.0, 0.0)
"""
import math

# The fields of a pattern and their number of levels, in the order of the
# duplicate finder's comparison (crm_partner_duplicate.COMPARE_SQL): the
# name (0: nothing in common, 1: a word in common, 2, 3: similar, 4: the
# same), email, phone and tax ID (0: other, 1: same), the place (city and
# zip together, 15 combinations of other, a typo away and the same), street
# (0: other, 1: similar, 2: the same), second address line (0: other,
# 1: similar).
FS_FIELDS = (("name", 5), ("email", 2), ("phone", 2), ("vat", 2), ("place", 15),
             ("street", 3), ("street2", 2))
# A probability never reaches 0 or 1: a level never seen among the matches
# (or non-matches) of the data still happens.
FLOOR = 1e-4


class Model(object):
    """lam: the share of matches among the compared pairs; m, u: per field,
    the probability of each level among matches and among non-matches."""

    def __init__(self, lam, m, u, iterations=0, converged=False):
        self.lam, self.m, self.u = lam, m, u
        self.iterations, self.converged = iterations, converged

    def weights(self):
        """log2(m / u) of each level of each field: what a level adds to
        (or takes from) the evidence of a match, in bits."""
        return [[math.log(mf[level] / uf[level], 2) for level in range(len(mf))]
                for mf, uf in zip(self.m, self.u)]

    def as_dict(self):
        return {"lam": self.lam, "m": self.m, "u": self.u,
                "iterations": self.iterations, "converged": self.converged}

    @classmethod
    def from_dict(cls, data):
        return cls(data["lam"], data["m"], data["u"], data.get("iterations", 0),
                   data.get("converged", False))


def parse(pattern):
    """'4,1,x,...' (as the finder's SQL writes it) -> (4, 1, None, ...)."""
    return tuple(None if level == "x" else int(level) for level in pattern.split(","))


def _normalise(row):
    total = sum(row)
    return [max(value / total, FLOOR) if total > 0 else 1.0 / len(row) for value in row]


def _start(levels):
    """Matches agree, non-matches mostly do not: m rises with the level, u
    falls."""
    m, u = [], []
    for n in levels:
        m.append(_normalise([2.0 ** (4 * i / max(n - 1, 1)) for i in range(n)]))
        u.append(_normalise([2.0 ** (-4 * i / max(n - 1, 1)) for i in range(n)]))
    return m, u


def _likelihoods(model, pattern):
    p_match, p_non = model.lam, 1.0 - model.lam
    for f, level in enumerate(pattern):
        if level is not None:
            p_match *= model.m[f][level]
            p_non *= model.u[f][level]
    return p_match, p_non


def posterior(model, pattern):
    """The probability that a pair with this pattern is a match."""
    p_match, p_non = _likelihoods(model, pattern)
    total = p_match + p_non
    return p_match / total if total > 0 else 0.0


def estimate(counts, levels=None, labelled=None, u=None, max_iter=500, tol=1e-7, lam=0.1):
    """Estimate the model by expectation-maximisation.

    counts: {pattern: number of pairs} of the compared pairs whose class is
    unknown; labelled: {pattern: (matches, non-matches)} of pairs whose
    class a reviewer decided; levels: the number of levels of each field
    (default FS_FIELDS); u: the non-matches' level probabilities when known,
    kept fixed: only lam and m are estimated. Returns a Model."""
    levels = tuple(levels or (n for _name, n in FS_FIELDS))
    labelled = labelled or {}
    m, u_start = _start(levels)
    fixed_u = u is not None
    model = Model(lam, m, u if fixed_u else u_start)
    patterns = [(tuple(p), float(c), None) for p, c in counts.items() if c]
    patterns += [(tuple(p), float(mc), float(nc)) for p, (mc, nc) in labelled.items()
                 if mc or nc]
    if not patterns:
        return model
    for iteration in range(1, max_iter + 1):
        m_acc = [[0.0] * n for n in levels]
        u_acc = [[0.0] * n for n in levels]
        matches = total = 0.0
        for pattern, count, non in patterns:
            if non is None:  # unknown class: the expected share of matches
                g = posterior(model, pattern)
                match_w, non_w = count * g, count * (1 - g)
            else:            # decided by reviewers
                match_w, non_w = count, non
            matches += match_w
            total += match_w + non_w
            for f, level in enumerate(pattern):
                if level is not None:
                    m_acc[f][level] += match_w
                    u_acc[f][level] += non_w
        new = Model(min(max(matches / total, FLOOR), 1 - FLOOR),
                    [_normalise(row) for row in m_acc],
                    model.u if fixed_u else [_normalise(row) for row in u_acc], iteration)
        change = max([abs(new.lam - model.lam)] + [
            abs(a - b) for old_rows, new_rows in ((model.m, new.m), (model.u, new.u))
            for old_row, new_row in zip(old_rows, new_rows)
            for a, b in zip(old_row, new_row)])
        model = new
        if change < tol:
            model.converged = True
            break
    return model


def expected_quality(model, counts, threshold):
    """The model's own estimate of precision and recall when the pairs whose
    probability is `threshold` or more are proposed: the expected matches
    among them, over them and over all expected matches."""
    proposed = hits = matches = 0.0
    for pattern, count in counts.items():
        g = posterior(model, tuple(pattern))
        matches += count * g
        if g >= threshold:
            proposed += count
            hits += count * g
    precision = hits / proposed if proposed else 1.0
    recall = hits / matches if matches else 0.0
    return precision, recall


def suggest_threshold(model, counts, min_precision=0.99, grid=None):
    """The lowest threshold (of a grid from 0.50 to 0.99) whose expected
    precision is at least `min_precision`: the most pairs found at that
    precision. None when no threshold reaches it."""
    for step in grid or range(50, 100):
        threshold = step / 100.0
        precision, _recall = expected_quality(model, counts, threshold)
        if precision >= min_precision:
            return threshold
    return None
