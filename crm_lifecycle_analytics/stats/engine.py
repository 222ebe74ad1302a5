# Copyright 2026 crm_lifecycle contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The metrics engine's arithmetic: the touchpoint rows of one company
reduced per customer as they stream in (Reading), and the metrics computed
from those arrays (Arrays). Pure numpy, no Odoo: the model
crm.customer.metrics reads the rows and writes the results."""
import datetime

# numpy is required (the manifest's external_dependencies)
import numpy as np  # pylint: disable=missing-import-error

from . import clv as clv_model, rfm

__all__ = ["Arrays", "DAYS_PER_MONTH", "LAPSE_CODES", "PG_EPOCH", "Reading", "Reference",
           "SEGMENT_CODES", "union_ranks"]

DAYS_PER_MONTH = 30.4375
SECONDS_PER_DAY = 86400
NO_AGE = np.iinfo(np.int64).max
# PostgreSQL's binary timestamps count microseconds from this instant
PG_EPOCH = datetime.datetime(2000, 1, 1)
# the codes of the segments (1-based in the arrays, 0: none)
SEGMENT_CODES = [code for code, _label, _rs, _fs in rfm.SEGMENTS]
# 1 active, 2 cooling down, 3 at risk, 4 lapsed (0: none)
LAPSE_CODES = ["active", "cooling", "at_risk", "lapsed"]


class Reading(object):
    """Touchpoint rows of one company reduced per customer block by block
    (vectorised: bincount per block, purchases kept for the per-day sums).
    Customers are the active partners, indexed in id order."""

    def __init__(self, partner_ids, unit_costs, until):
        self.partner_id = partner_ids
        # the end of the as-of day as PostgreSQL's binary timestamps
        self.until_us = (until - PG_EPOCH) // datetime.timedelta(microseconds=1)
        n = self.n = len(partner_ids)
        self.lookup = np.full(int(partner_ids.max()) + 1 if n else 1, -1, dtype=np.int64)
        self.lookup[partner_ids] = np.arange(n)
        ids = sorted(unit_costs)
        size = (ids[-1] if ids else 0) + 1
        self.unit_cost = np.zeros(size)
        self.unit_cost[ids] = [unit_costs[i] for i in ids]
        # inbound contacts counted per customer and channel slot
        self.slot = np.zeros(size, dtype=np.int64)
        self.slot[ids] = np.arange(len(ids))
        self.channel_ids = np.array(ids or [0], dtype=np.int64)
        self.slots = max(len(ids), 1)
        self.contacts = np.zeros(n, dtype=np.int64)
        # the outbound contacts and campaign sends, and what they cost at
        # their channels' unit costs (the channel-shift what-if)
        self.out_count = np.zeros(n, dtype=np.int64)
        self.out_cost = np.zeros(n)
        # customers reached by a campaign send (no contact, no purchase):
        # they have a row too, with its cost to serve
        self.sent = np.zeros(n, dtype=bool)
        self.cost = np.zeros(n)
        self.goods = np.zeros(n)
        self.contact_age = np.full(n, NO_AGE, dtype=np.int64)
        # inbound contacts as customer x channel keys, counted at the end
        self.inbound_keys = []
        self.key_type = np.int32 if n * self.slots < 2 ** 31 else np.int64
        self.purchases = []

    def add(self, block):
        pid = block["pid"].astype(np.int64)
        idx = self.lookup[np.minimum(pid, len(self.lookup) - 1)]
        keep = (idx >= 0) & (pid < len(self.lookup))  # archived partners: left out
        # seconds before the end of the as-of day, rounded up
        age = (self.until_us - block["date"].astype(np.int64) + 999999) // 1000000
        code, amount = block["code"], block["amount"]
        goods = block["cost"] if "cost" in block.dtype.names else None
        if not keep.all():
            idx, age, code, amount = idx[keep], age[keep], code[keep], amount[keep]
            goods = goods[keep] if goods is not None else None
        age = age.astype(np.int64)
        code = code.astype(np.int64)
        channel = code >> 3
        inbound = (code & 2) > 0
        purchase = (code & 1) > 0
        # purchases and campaign sends are no contacts
        contact = (code & 5) == 0
        n = self.n
        self.cost += np.bincount(idx, weights=self.unit_cost[channel], minlength=n)
        if goods is not None:
            self.goods += np.bincount(idx, weights=goods, minlength=n)
        c_idx, c_age = idx[contact], age[contact]
        self.contacts += np.bincount(c_idx, minlength=n)
        outbound = (code & 3) == 0
        self.out_count += np.bincount(idx[outbound], minlength=n)
        self.out_cost += np.bincount(idx[outbound], weights=self.unit_cost[channel[outbound]],
                                     minlength=n)
        # the latest contact: only the rows more recent than the best so far
        # go through the (slow) unbuffered minimum
        better = c_age < self.contact_age[c_idx]
        np.minimum.at(self.contact_age, c_idx[better], c_age[better])
        sends = (code & 4) > 0
        if sends.any():
            self.sent[idx[sends]] = True
        # the inbound contacts by channel: the preferred channel
        inbound &= contact
        self.inbound_keys.append((idx[inbound] * self.slots + self.slot[channel[inbound]])
                                 .astype(self.key_type))
        # the day of a purchase: whole days before the as-of day
        self.purchases.append((idx[purchase].astype(np.int32),
                               ((age[purchase] - 1) // SECONDS_PER_DAY).astype(np.int32),
                               amount[purchase].astype(float)))

    def result(self):
        """Per customer with touchpoints (in partner id order): the figures
        Arrays starts from."""
        n = self.n
        count = np.zeros(n, dtype=np.int64)
        first_age, last_age = np.full(n, np.nan), np.full(n, np.nan)
        revenue, positive, first_v = np.zeros(n), np.zeros(n), np.zeros(n)
        idx, day, amount = (np.concatenate([p[i] for p in self.purchases] or [np.zeros(0)])
                            for i in range(3))
        self.purchases = []
        if len(idx):
            idx, day = idx.astype(np.int64), day.astype(np.int64)
            # by customer, then day (days fit in 32 bits): one sort of one key
            order = np.argsort((idx << 32) | day)
            idx, day, amount = idx[order], day[order], amount[order]
            # one purchase per customer and day: the net amount of the day
            # (a return is a negative amount; a day that nets to zero or
            # less is no purchase but counts in the revenue)
            start = np.flatnonzero(np.r_[True, (idx[1:] != idx[:-1]) | (day[1:] != day[:-1])])
            net = np.round(np.add.reduceat(amount, start), 6) if len(start) else amount
            d_idx, d_day = idx[start], day[start]
            revenue = np.bincount(d_idx, weights=net, minlength=n)
            pos = net > 0
            p_idx, p_day, p_net = d_idx[pos], d_day[pos], net[pos]
            count = np.bincount(p_idx, minlength=n)
            positive = np.bincount(p_idx, weights=p_net, minlength=n)
            if len(p_idx):
                first = np.flatnonzero(np.r_[True, p_idx[1:] != p_idx[:-1]])
                last = np.r_[first[1:], len(p_idx)] - 1
                who = p_idx[first]
                last_age[who] = p_day[first]     # days sorted up: the latest first
                first_age[who] = p_day[last]
                first_v[who] = p_net[last]
        purchase_rows = np.bincount(idx, minlength=n) if len(idx) else np.zeros(n, int)
        rows = np.flatnonzero(((self.contacts + purchase_rows) > 0) | self.sent)
        keys = np.concatenate(self.inbound_keys) if self.inbound_keys else np.zeros(0, int)
        self.inbound_keys = []
        by_channel = np.bincount(keys, minlength=n * self.slots).astype(np.int32)
        by_channel = by_channel.reshape(n, self.slots)[rows]
        inbound = by_channel.sum(axis=1)
        best = by_channel.argmax(axis=1)
        channel = np.where(inbound > 0, self.channel_ids[best], 0)
        contact_age = self.contact_age[rows]
        # the purchase days (net positive), by customer row then day
        row_of = np.full(n, -1, dtype=np.int64)
        row_of[rows] = np.arange(len(rows))
        return {
            "days_row": row_of[p_idx] if len(idx) else np.zeros(0, dtype=np.int64),
            "days_age": p_day if len(idx) else np.zeros(0, dtype=np.int64),
            "partner_id": self.partner_id[rows], "n": count[rows].astype(float),
            "first_age": first_age[rows], "last_age": last_age[rows],
            "revenue": revenue[rows], "positive": positive[rows], "first_v": first_v[rows],
            "contacts": self.contacts[rows], "inbound": inbound,
            "contact_age": np.where(contact_age == NO_AGE, -1, contact_age),
            "cost": self.cost[rows], "goods": self.goods[rows], "channel": channel,
            "out_count": self.out_count[rows], "out_cost": self.out_cost[rows],
        }


class Arrays(object):
    """The figures of one company's customers as arrays, and the metrics
    computed from them (vectorised; time in days before the as-of day)."""

    def __init__(self, read, as_of):
        self.read = read
        self.as_of = as_of
        self.partner_id = read["partner_id"]
        self.n_rows = len(self.partner_id)
        self.n = read["n"]
        self.revenue = read["revenue"]
        self.cost = read["cost"]
        self.buyers = self.n > 0
        b = self.buyers
        first_age, last_age = read["first_age"], read["last_age"]
        self.x = np.where(b, self.n - 1, 0.0)
        self.t_x = np.where(b, first_age - last_age, 0.0)
        # observed to the end of the as-of day
        self.T = np.where(b, first_age + 1, 1.0)
        self.recency = np.where(b, last_age, np.nan)
        self.tenure = np.where(b, first_age, np.nan)
        # the mean value of the repeat purchases (Gamma-Gamma's m)
        with np.errstate(divide="ignore", invalid="ignore"):
            self.m = np.where(self.x > 0, (read["positive"] - read["first_v"]) / self.x, 0.0)
        self.m = np.where(self.m > 0, self.m, 0.0)
        self.x = np.where((self.x > 0) & (self.m <= 0), 0.0, self.x)

    def metrics(self, bg, gg, months, discount, lapse_threshold, feedback=None,
                reference=None):
        """The rows to write, as the fixed-width arrays of STAGE_COLUMNS.
        feedback: the latest NPS and CSAT (-1 none) and open complaints per
        row (see _read_feedback); a detractor (NPS 0-6) is one lapse band
        up. reference: the company's other customers as their rows say
        (REFERENCE_COLUMNS), when these arrays are some of the customers
        only: the scores, ranks, tenths and tiers place these customers
        among them (see _ranks)."""
        n = self.n_rows
        if feedback is None:
            feedback = {"nps": np.full(n, -1), "csat": np.full(n, -1),
                        "complaints": np.zeros(n, dtype=np.int64)}
        b = self.buyers
        p_alive, expected, value = np.full(n, np.nan), np.full(n, np.nan), np.full(n, np.nan)
        if bg is not None:
            p_alive[b] = clv_model.p_alive(bg, self.x[b], self.t_x[b], self.T[b])
            expected[b] = clv_model.expected_purchases(bg, 90, self.x[b], self.t_x[b],
                                                       self.T[b])
            value[b] = clv_model.clv(bg, gg, self.x[b], self.t_x[b], self.T[b], self.m[b],
                                     months=months, monthly_discount=discount,
                                     periods_per_month=DAYS_PER_MONTH)
        # 1 active, 2 cooling down, 3 at risk, 4 lapsed (LAPSE_BANDS)
        band = np.zeros(n, dtype=np.int64)
        with np.errstate(invalid="ignore"):
            band[p_alive >= 0.75] = 1
            band[(p_alive < 0.75) & (p_alive >= lapse_threshold)] = 2
            band[(p_alive < lapse_threshold) & (p_alive >= lapse_threshold / 2)] = 3
            band[p_alive < lapse_threshold / 2] = 4
        detractor = (feedback["nps"] >= 0) & (feedback["nps"] <= 6)
        band = np.where(detractor & (band > 0), np.minimum(band + 1, 4), band)
        margin = self.revenue - self.read["goods"]
        profit = margin - self.cost
        # the value tiers rank the predicted value (the revenue without one)
        tier_basis = np.where(np.isnan(value), self.revenue, value) if bg else self.revenue
        r, f, m, rank, decile, tier, clv_decile = self._ranks(
            profit, tier_basis, value, reference)
        codes = SEGMENT_CODES
        segments = rfm.segment(r, f)
        cells, inverse = np.unique(segments, return_inverse=True)
        segment = np.array([codes.index(c) + 1 if c else 0 for c in cells],
                           dtype=np.int64)[inverse]
        standing = rfm.standing(segments, band)
        with np.errstate(invalid="ignore", divide="ignore"):
            average = np.where(b, self.revenue / np.maximum(self.n, 1), np.nan)
        months_active, loyalty = self._loyalty()
        read = self.read
        return {
            "partner_id": self.partner_id, "purchase_count": self.n,
            "repeat_count": np.maximum(self.n - 1, 0),
            "first_age": np.nan_to_num(self.tenure, nan=-1),
            "last_age": np.nan_to_num(self.recency, nan=-1),
            "revenue": self.revenue, "average_spend": average,
            "r_score": r, "f_score": f, "m_score": m, "segment": segment,
            "p_alive": p_alive, "expected_purchases_90d": expected, "clv": value,
            "lapse_band": band, "contact_count": read["contacts"],
            "inbound_count": read["inbound"], "last_contact_age": read["contact_age"],
            "cost_to_serve": self.cost, "profit": profit, "profit_rank": rank,
            "profit_decile": decile, "value_tier": tier,
            "preferred_channel_id": read["channel"], "cost_of_goods": read["goods"],
            "margin": margin, "months_active": months_active, "loyalty": loyalty,
            "clv_decile": clv_decile, "last_nps": feedback["nps"],
            "last_csat": feedback["csat"], "open_complaints": feedback["complaints"],
            "standing": standing, "outbound_count": read["out_count"],
            "outbound_cost": read["out_cost"],
        }

    def _ranks(self, profit, tier_basis, value, reference=None):
        """What places each customer among the company's customers: the R,
        F and M scores (quintiles of the buyers), the profit rank and its
        tenth, the value tier and the tenth of the predicted value. Money
        is ranked to the cent, as the rows store it, so that a customer
        ranked against the stored rows of the others (reference) gets what
        a run over every customer gives them. With a reference the
        customers here are ranked in the union of both; the others keep
        their rows (the nightly run ranks everyone again)."""
        b = self.buyers
        own = {"partner_id": self.partner_id, "buyer": b,
               "recency": self.recency, "frequency": np.where(b, self.n, np.nan),
               "monetary": np.where(b, np.round(self.revenue, 2), np.nan),
               "profit": np.round(profit, 2), "tier_basis": np.round(tier_basis, 2),
               "value": np.round(value, 2)}
        if isinstance(reference, tuple):
            base, removed, added = reference
            return base.ranks(own, removed, added)
        return union_ranks(own, reference)

    def _loyalty(self):
        """Calendar months with a purchase, and their share of the months
        from the first purchase's to the as-of day's (percent)."""
        row, age = self.read["days_row"], self.read["days_age"]
        n = self.n_rows
        today = np.datetime64(self.as_of, "D")
        month_of = (today - age).astype("datetime64[M]").astype(np.int64)
        # days by customer, newest first: the month changes at most once a run
        new = np.r_[True, (row[1:] != row[:-1]) | (month_of[1:] != month_of[:-1])] \
            if len(row) else np.zeros(0, dtype=bool)
        active = np.bincount(row[new], minlength=n)
        this_month = today.astype("datetime64[M]").astype(np.int64)
        first_month = (today - np.nan_to_num(self.tenure, nan=0).astype(np.int64)) \
            .astype("datetime64[M]").astype(np.int64)
        span = this_month - first_month + 1
        loyalty = np.where(self.buyers, 100.0 * active / span, np.nan)
        return active, loyalty


def union_ranks(own, reference=None):
    """Arrays._ranks over the customers `own` (arrays of REFERENCE_COLUMNS'
    names) and the rows `reference` (the same arrays; none: `own` are
    every customer): each measure sorted over the union."""
    n = len(own["partner_id"])
    if reference is not None:
        own = {key: np.concatenate([column, reference[key]])
               for key, column in own.items()}
    pid, b = own["partner_id"], own["buyer"].astype(bool)
    total = len(pid)
    r, f, m = rfm.rfm_scores(own["recency"], own["frequency"], own["monetary"])
    # rank 1 = most profitable; ties by partner id (stable order)
    order = np.lexsort((pid, -own["profit"]))
    rank = np.empty(total, dtype=np.int64)
    rank[order] = np.arange(1, total + 1)
    # tenths by rank: the first is always in the first tenth, also
    # with fewer than ten customers (as ceil(10 rank / n) from ten on)
    decile = 10 * (rank - 1) // max(total, 1) + 1
    # 1 high, 2 medium, 3 low (VALUE_TIERS): the top 20 %, the next 30 %
    tier = np.zeros(total, dtype=np.int64)
    if b.any():
        tier_order = np.lexsort((pid[b], -own["tier_basis"][b]))
        tier_rank = np.empty(int(b.sum()), dtype=float)
        tier_rank[tier_order] = np.arange(1, int(b.sum()) + 1) / b.sum()
        tier[b] = np.where(tier_rank <= 0.2, 1, np.where(tier_rank <= 0.5, 2, 3))
    # 1 = the tenth with the highest predicted value (none without one)
    clv_decile = np.zeros(total, dtype=np.int64)
    valued = np.flatnonzero(~np.isnan(own["value"]))
    if len(valued):
        v_order = np.lexsort((pid[valued], -own["value"][valued]))
        v_rank = np.empty(len(valued), dtype=np.int64)
        v_rank[v_order] = np.arange(1, len(valued) + 1)
        clv_decile[valued] = 10 * (v_rank - 1) // len(valued) + 1
    return tuple(column[:n] for column in (r, f, m, rank, decile, tier, clv_decile))


class _Ordered(object):
    """Values ordered high to low, ties by partner id (the order of the
    profit rank, the value tiers and tenths), sorted once: how many come
    before a given (value, partner id), by binary search."""

    def __init__(self, values, partner_ids):
        negative = -np.asarray(values, dtype=float)
        order = np.lexsort((partner_ids, negative))
        self.negative = negative[order]
        self.size = len(order)
        block = np.zeros(self.size, dtype=np.int64)
        if self.size:
            block[1:] = np.cumsum(self.negative[1:] != self.negative[:-1])
        self.block = block
        # (run of equal values, partner id) in one sortable integer
        self.key = (block << 32) | np.asarray(partner_ids, dtype=np.int64)[order]

    def before(self, values, partner_ids):
        """How many come strictly before each (value, partner id)."""
        negative = -np.asarray(values, dtype=float)
        lo = np.searchsorted(self.negative, negative, "left")
        hi = np.searchsorted(self.negative, negative, "right")
        result = lo.astype(np.int64)
        tie = hi > lo
        if tie.any():
            key = (self.block[lo[tie]] << 32) | np.asarray(partner_ids, dtype=np.int64)[tie]
            result[tie] = np.searchsorted(self.key, key, "left")
        return result


class _Counted(object):
    """Values sorted once: how many are below, and how many equal, a value."""

    def __init__(self, values):
        self.values = np.sort(np.asarray(values, dtype=float))
        self.size = len(self.values)

    def below_equal(self, values):
        lo = np.searchsorted(self.values, values, "left")
        return lo, np.searchsorted(self.values, values, "right") - lo


# the measures of a customer ranked by Arrays._ranks: quintiles (sign: a
# lower recency is better), and orders (which customers take part)
_QUINTILES = (("recency", -1.0), ("frequency", 1.0), ("monetary", 1.0))
_ORDERS = (("profit", None), ("tier_basis", "buyer"), ("value", "valued"))


class Reference(object):
    """A company's stored rows (REFERENCE_COLUMNS arrays) sorted once per
    measure, so that the ranks of a few customers among the others take
    binary searches instead of sorting a million values on every refresh.
    ranks() gives what Arrays._ranks gives over the union of the others
    and those customers (the tests hold both to each other)."""

    def __init__(self, rows):
        order = np.argsort(rows["partner_id"], kind="stable")
        self.rows = {name: column[order] for name, column in rows.items()}
        self.counted = {name: _Counted(self._signed(self.rows, name, sign))
                        for name, sign in _QUINTILES}
        self.ordered = {name: _Ordered(*self._members(self.rows, name, part))
                        for name, part in _ORDERS}

    @staticmethod
    def _signed(rows, name, sign):
        values = rows[name]
        return sign * values[~np.isnan(values)]

    @staticmethod
    def _members(rows, name, part):
        values, partner_ids = rows[name], rows["partner_id"]
        if part == "buyer":
            keep = rows["buyer"].astype(bool)
        elif part == "valued":
            keep = ~np.isnan(values)
        else:
            keep = np.ones(len(values), dtype=bool)
        return values[keep], partner_ids[keep]

    def take(self, partner_ids):
        """The stored rows of those of `partner_ids` that have one."""
        ids = self.rows["partner_id"]
        at = np.minimum(np.searchsorted(ids, partner_ids), max(len(ids) - 1, 0))
        found = at[ids[at] == partner_ids] if len(ids) else at[:0]
        return {name: column[found] for name, column in self.rows.items()}

    def ranks(self, own, removed, added):
        """R, F and M scores, profit rank and tenth, value tier and tenth of
        the customers `own` (arrays as Arrays._ranks builds them) among the
        stored rows less `removed` (rows taken from them: the customers
        refreshed, and those rewritten since) plus `added` (rows written
        since) and themselves."""
        scores = []
        for name, sign in _QUINTILES:
            values = sign * own[name]
            known = ~np.isnan(values)
            below, equal = self.counted[name].below_equal(values[known])
            total = self.counted[name].size
            for weight, rows in zip((-1, 1, 1), (removed, added, own)):
                other = _Counted(self._signed(rows, name, sign))
                b, e = other.below_equal(values[known])
                below, equal, total = (below + weight * b, equal + weight * e,
                                       total + weight * other.size)
            score = np.zeros(len(values), dtype=int)
            rank = below + (equal + 1) / 2.0
            score[known] = np.clip(1 + np.floor(5.0 * (rank - 0.5) / total), 1, 5).astype(int)
            scores.append(score)
        places = []
        for name, part in _ORDERS:
            values, partner_ids = self._members(own, name, part)
            inside = (own["buyer"].astype(bool) if part == "buyer" else
                      ~np.isnan(own[name]) if part == "valued" else
                      np.ones(len(own[name]), dtype=bool))
            before = self.ordered[name].before(values, partner_ids)
            total = self.ordered[name].size
            for weight, rows in zip((-1, 1, 1), (removed, added, own)):
                other = _Ordered(*self._members(rows, name, part))
                before, total = (before + weight * other.before(values, partner_ids),
                                 total + weight * other.size)
            rank = np.zeros(len(own[name]), dtype=np.int64)
            rank[inside] = before + 1
            places.append((rank, inside, max(total, 1)))
        (rank, _inside, total) = places[0]
        decile = 10 * (rank - 1) // total + 1
        tier_rank, buyers, total_buyers = places[1]
        tier = np.zeros(len(rank), dtype=np.int64)
        share = tier_rank[buyers] / float(total_buyers)
        tier[buyers] = np.where(share <= 0.2, 1, np.where(share <= 0.5, 2, 3))
        v_rank, valued, total_valued = places[2]
        clv_decile = np.zeros(len(rank), dtype=np.int64)
        clv_decile[valued] = 10 * (v_rank[valued] - 1) // total_valued + 1
        return tuple(scores) + (rank, decile, tier, clv_decile)
