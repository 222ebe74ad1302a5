# Copyright 2026 crm_lifecycle contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""RFM scoring: quintile scores and the R x F segment map.

Pure numpy/scipy, no Odoo. Scores run from 1 (worst) to 5 (best); 0 marks a
customer without a value (no purchase).
"""
# numpy and scipy are required (the manifest's external_dependencies):
# Odoo refuses to install the addon without them
import numpy as np  # pylint: disable=missing-import-error
from scipy import stats  # pylint: disable=missing-import-error

__all__ = ["SEGMENTS", "STANDINGS", "quintile_scores", "rfm_scores", "segment", "standing"]

# code, label and the cells (R scores, F scores) of the 10-cell R x F map;
# the 25 cells are each in exactly one segment
SEGMENTS = [
    ("champions", "Champions", (5,), (4, 5)),
    ("loyal", "Loyal", (3, 4), (4, 5)),
    ("potential_loyalists", "Potential Loyalists", (4, 5), (2, 3)),
    ("new", "New", (5,), (1,)),
    ("promising", "Promising", (4,), (1,)),
    ("need_attention", "Need Attention", (3,), (3,)),
    ("about_to_sleep", "About to Sleep", (3,), (1, 2)),
    ("at_risk", "At Risk", (1, 2), (3, 4)),
    ("cant_lose", "Can't Lose", (1, 2), (5,)),
    ("hibernating", "Hibernating", (1, 2), (1, 2)),
]
_CODES = np.array([""] + [s[0] for s in SEGMENTS], dtype=object)
# cell (r, f) -> index in _CODES (0: no segment)
_GRID = np.zeros((6, 6), dtype=int)
for _i, (_code, _label, _rs, _fs) in enumerate(SEGMENTS, start=1):
    for _r in _rs:
        for _f in _fs:
            _GRID[_r, _f] = _i


def quintile_scores(values, higher_is_better=True, groups=None):
    """Score each value 1..5 by its quintile among the values (of its group).

    Ties get one score: a run of equal values is placed at the middle of
    the ranks it spans (average rank), so equal values never straddle two
    quintiles and a column of equal values scores 3. NaN scores 0 and is
    left out of the ranking. groups: an optional array of labels (a
    company per customer); each group is ranked on its own.
    """
    values = np.asarray(values, dtype=float)
    scores = np.zeros(values.shape, dtype=int)
    if groups is None:
        group_index = np.zeros(values.shape, dtype=int)
    else:
        _labels, group_index = np.unique(np.asarray(groups), return_inverse=True)
    sign = 1.0 if higher_is_better else -1.0
    for g in np.unique(group_index):
        mask = (group_index == g) & ~np.isnan(values)
        n = int(mask.sum())
        if not n:
            continue
        ranks = stats.rankdata(sign * values[mask], method="average")
        scores[mask] = np.clip(1 + np.floor(5.0 * (ranks - 0.5) / n), 1, 5).astype(int)
    return scores


def rfm_scores(recency, frequency, monetary, groups=None):
    """R, F and M scores: a recent last purchase (small recency), many
    purchases and a high spend score 5."""
    return (quintile_scores(recency, higher_is_better=False, groups=groups),
            quintile_scores(frequency, groups=groups),
            quintile_scores(monetary, groups=groups))


def segment(r_scores, f_scores):
    """The segment code of each (R, F) cell; '' where a score is 0."""
    r = np.asarray(r_scores, dtype=int)
    f = np.asarray(f_scores, dtype=int)
    if np.any((r < 0) | (r > 5) | (f < 0) | (f > 5)):
        raise ValueError("R and F scores run from 1 to 5 (0: no value)")
    return _CODES[_GRID[r, f]]


# The RFM segment ranks a customer against the company's other customers
# (a recent last purchase compared with theirs); the lapse risk reads the
# customer against their own rhythm (the purchase model's probability of
# being active). A loyal customer who bought every two weeks and has been
# silent for three months can still rank among the best by recency and be
# lapsed by their own rhythm: the standing says both in one word.
STRONG_SEGMENTS = ("champions", "loyal", "potential_loyalists", "new", "promising")
WEAK_SEGMENTS = ("at_risk", "cant_lose", "hibernating")
STANDINGS = [
    ("thriving", "Thriving"),
    ("gone_quiet", "Gone Quiet"),
    ("steady", "Steady"),
    ("slipping", "Slipping Away"),
    ("lost", "Lost"),
]


def standing(segments, bands):
    """The standing of each customer (index in STANDINGS from 1; 0 none)
    from the RFM segment code ('' none) and the lapse band (1 active, 2
    cooling down, 3 at risk, 4 lapsed; 0 none):

    - strong segment, active or cooling down: 1 thriving;
    - strong segment, at risk or lapsed: 2 gone quiet (good by the
      company's standard, silent well beyond their own rhythm);
    - middle or weak segment, active or cooling down: 3 steady (buys
      rarely or long ago compared with others, but at their own rhythm);
    - middle segment (need attention, about to sleep), at risk or lapsed:
      4 slipping away;
    - weak segment, at risk or lapsed: 5 lost.
    """
    segments = np.asarray(segments, dtype=object)
    bands = np.asarray(bands, dtype=int)
    strong = np.isin(segments, STRONG_SEGMENTS)
    weak = np.isin(segments, WEAK_SEGMENTS)
    known = (segments != "") & (bands > 0)
    safe = bands <= 2
    result = np.where(strong, np.where(safe, 1, 2),
                      np.where(safe, 3, np.where(weak, 5, 4)))
    return np.where(known, result, 0)
