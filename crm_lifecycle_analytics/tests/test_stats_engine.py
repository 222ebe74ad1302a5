# Copyright 2026 crm_lifecycle contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The metrics engine's arithmetic without Odoo or a database: touchpoint
rows as the binary read delivers them, reduced per customer, then the
metrics, against hand-computed values."""
import datetime

import numpy as np

from odoo.addons.crm_lifecycle import compat

from ..stats import engine

UNTIL = datetime.datetime(2026, 7, 1)    # the end of the as-of day 30 June
ROWS = np.dtype([("pid", "<i4"), ("date", "<i8"), ("amount", "<f8"), ("code", "<i4")])


def at(days_before, hour=12):
    """The binary timestamp (microseconds since 2000) of noon `days_before`
    days before the end of the as-of day."""
    when = UNTIL - datetime.timedelta(days=days_before + 1) + datetime.timedelta(hours=hour)
    return (when - engine.PG_EPOCH) // datetime.timedelta(microseconds=1)


def code(channel, purchase=False, inbound=False, send=False):
    return channel * 8 + send * 4 + inbound * 2 + purchase


class TestReading(compat.pure_test_case()):
    def reduce(self, rows, partners=(10, 20, 30)):
        reading = engine.Reading(np.array(partners), {1: 2.0, 2: 4.0, 3: 0.5}, UNTIL)
        block = np.array(rows, dtype=ROWS)
        # in two blocks, as the read streams them
        reading.add(block[: len(block) // 2])
        reading.add(block[len(block) // 2:])
        return reading.result()

    def test_purchases_contacts_and_costs_per_customer(self):
        read = self.reduce([
            # 10: two orders on one day (one purchase), a later order, a return
            (10, at(30), 50.0, code(1, purchase=True)),
            (10, at(30, 15), 25.0, code(1, purchase=True)),
            (10, at(10), 60.0, code(1, purchase=True)),
            (10, at(5), -20.0, code(1, purchase=True)),
            # 10: two calls in, one email out, a campaign letter
            (10, at(8), 0.0, code(2, inbound=True)),
            (10, at(7), 0.0, code(2, inbound=True)),
            (10, at(6), 0.0, code(3)),
            (10, at(4), 0.0, code(3, send=True)),
            # 30: only a campaign send; 99: archived, left out
            (30, at(3), 0.0, code(3, send=True)),
            (99, at(3), 500.0, code(1, purchase=True)),
        ])
        self.assertEqual(list(read["partner_id"]), [10, 30])
        self.assertEqual(list(read["n"]), [2.0, 0.0])
        self.assertEqual(list(read["revenue"]), [115.0, 0.0])
        self.assertEqual((read["first_age"][0], read["last_age"][0]), (30.0, 10.0))
        # contacts: two calls and the email (the sends and orders are none)
        self.assertEqual(list(read["contacts"]), [3, 0])
        self.assertEqual(list(read["inbound"]), [2, 0])
        self.assertEqual(list(read["channel"]), [2, 0])
        # every row costs: 4 orders x 2, 2 calls x 4, 2 emails x 0.5
        self.assertEqual(list(read["cost"]), [17.0, 0.5])
        # outbound: the email and the letter
        self.assertEqual(list(read["out_count"]), [2, 1])
        self.assertEqual(list(read["out_cost"]), [1.0, 0.5])


class TestArrays(compat.pure_test_case()):
    def test_ranks_deciles_and_no_model(self):
        n = 3
        data = {
            "partner_id": np.array([1, 2, 3]), "n": np.array([2.0, 1.0, 0.0]),
            "first_age": np.array([40.0, 20.0, np.nan]),
            "last_age": np.array([10.0, 20.0, np.nan]),
            "revenue": np.array([100.0, 300.0, 0.0]), "positive": np.array([100.0, 300.0, 0]),
            "first_v": np.array([40.0, 300.0, 0.0]), "contacts": np.array([1, 0, 2]),
            "inbound": np.array([1, 0, 0]), "contact_age": np.array([5, -1, 3]),
            "cost": np.array([10.0, 2.0, 8.0]), "goods": np.zeros(n),
            "channel": np.array([2, 0, 0]), "out_count": np.array([0, 0, 2]),
            "out_cost": np.array([0.0, 0.0, 8.0]),
            "days_row": np.array([0, 0, 1]), "days_age": np.array([10, 40, 20]),
        }
        arrays = engine.Arrays(data, datetime.date(2026, 6, 30))
        rows = arrays.metrics(None, None, 12, 0.01, 0.3,
                              {"nps": np.array([3, -1, -1]), "csat": np.full(n, -1),
                               "complaints": np.zeros(n, dtype=np.int64)})
        # profit 90, 298, -8: ranks 2, 1, 3; tenths of three: 1, 4, 7
        self.assertEqual(list(rows["profit"]), [90.0, 298.0, -8.0])
        self.assertEqual(list(rows["profit_rank"]), [2, 1, 3])
        self.assertEqual(list(rows["profit_decile"]), [4, 1, 7])
        # no model: no lapse band, hence no standing, even for the detractor
        self.assertEqual(list(rows["lapse_band"]), [0, 0, 0])
        self.assertEqual(list(rows["standing"]), [0, 0, 0])
        self.assertEqual(list(rows["last_nps"]), [3, -1, -1])


def random_rows(rng, partner_ids):
    """Stored-like rows of `partner_ids`: few distinct values (many ties),
    some customers without a purchase or a predicted value."""
    n = len(partner_ids)
    buyer = rng.rand(n) < 0.7
    value = np.where(buyer & (rng.rand(n) < 0.8), rng.randint(0, 6, n) * 10.0, np.nan)
    revenue = rng.randint(0, 8, n) * 5.0
    return {"partner_id": np.asarray(partner_ids, dtype=np.int64), "buyer": buyer,
            "recency": np.where(buyer, rng.randint(0, 5, n).astype(float), np.nan),
            "frequency": np.where(buyer, rng.randint(1, 4, n).astype(float), np.nan),
            "monetary": np.where(buyer, revenue, np.nan),
            "profit": rng.randint(-3, 4, n) * 2.5,
            "tier_basis": np.where(np.isnan(value), revenue, value), "value": value}


def select(rows, keep):
    return {name: column[keep] for name, column in rows.items()}


def concat(*parts):
    return {name: np.concatenate([p[name] for p in parts]) for name in parts[0]}


class TestReference(compat.pure_test_case()):
    """The ranks of a few customers by binary search in the stored rows
    sorted once (a refresh between nightly runs) are those of sorting the
    union: random rows with many ties, customers rewritten since the rows
    were sorted, new customers, customers refreshed again."""

    def check(self, seed):
        rng = np.random.RandomState(seed)
        n = rng.randint(0, 60)
        ids = rng.permutation(np.arange(1, 200))[:n + 25]
        base = random_rows(rng, np.sort(ids[:n]))
        reference = engine.Reference(base)
        # rewritten since (some stored, some new), then refreshed now
        since = rng.choice(ids, rng.randint(0, 12), replace=False)
        now = rng.choice(ids, rng.randint(1, 12), replace=False)
        added = random_rows(rng, np.setdiff1d(since, now))
        own = random_rows(rng, now)
        changed = np.union1d(since, now)
        removed = reference.take(changed)
        others = concat(select(base, ~np.isin(base["partner_id"], changed)), added)
        expected = engine.union_ranks(own, others)
        got = reference.ranks(own, removed, added)
        for name, want, have in zip(("r", "f", "m", "rank", "decile", "tier", "clv decile"),
                                    expected, got):
            np.testing.assert_array_equal(have, want, "%s, seed %d" % (name, seed))

    def test_ranks_by_search_are_those_of_the_union(self):
        for seed in range(300):
            self.check(seed)

    def test_every_customer_new(self):
        rng = np.random.RandomState(5)
        own = random_rows(rng, np.arange(1, 30))
        empty = select(random_rows(rng, np.arange(0)), slice(None))
        got = engine.Reference(empty).ranks(own, empty, empty)
        for want, have in zip(engine.union_ranks(own), got):
            np.testing.assert_array_equal(have, want)
