# Copyright 2026 crm_lifecycle contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Monthly segment snapshots and the migration report."""
import datetime

from odoo import fields
from odoo.exceptions import UserError

from odoo.addons.crm_lifecycle.tests.common import CrmLifecycleCase, noon_before

MAY = datetime.date(2026, 5, 31)
JUNE = datetime.date(2026, 6, 30)


class TestCustomerSnapshot(CrmLifecycleCase):
    @classmethod
    def setUpClass(cls):
        super(TestCustomerSnapshot, cls).setUpClass()
        cls.Metrics = cls.env["crm.customer.metrics"]
        cls.Snapshot = cls.env["crm.customer.snapshot"]
        cls.company = cls.env["res.company"].create({"name": "Snapshot Co"})
        Partner = cls.env["res.partner"]
        cls.customers = Partner.browse()
        # ten customers buying before May; then in June some buy again
        for i in range(10):
            partner = Partner.create({"name": "Snapshot %d" % i, "company_id": False})
            cls.customers |= partner
            for k in range(i % 4 + 1):
                cls.buy(partner, noon_before(MAY, 20 + 45 * k + 7 * i), 50.0 + 10 * i)
        for partner in cls.customers[:4]:
            cls.buy(partner, noon_before(JUNE, 3), 500.0)
        cls.newcomer = Partner.create({"name": "Snapshot Newcomer", "company_id": False})
        cls.buy(cls.newcomer, noon_before(JUNE, 5), 80.0)
        cls.may = cls.segments(MAY)
        cls.Snapshot.take_snapshot(company_ids=[cls.company.id], month=MAY)
        cls.june = cls.segments(JUNE)
        cls.Snapshot.take_snapshot(company_ids=[cls.company.id], month=JUNE)

    @classmethod
    def buy(cls, partner, date, amount):
        cls.Touchpoint.create({
            "partner_id": partner.id, "date": date, "kind": "purchase",
            "channel_id": cls.channel["order"].id, "direction": "inbound",
            "amount": amount, "company_id": cls.company.id})

    @classmethod
    def segments(cls, as_of):
        cls.Metrics.compute_metrics(company_ids=[cls.company.id], as_of=as_of)
        rows = cls.Metrics.search([("company_id", "=", cls.company.id)])
        return {m.partner_id: (m.rfm_segment, m.value_tier, m.clv) for m in rows}

    def rows(self, month):
        return self.Snapshot.search([("company_id", "=", self.company.id),
                                     ("month", "=", fields.Date.to_string(month.replace(day=1)))])

    def test_each_customer_records_where_it_came_from(self):
        june = self.rows(JUNE)
        self.assertEqual(june.mapped("partner_id"), self.customers | self.newcomer)
        for row in june:
            segment, tier, value = self.june[row.partner_id]
            self.assertEqual((row.rfm_segment, row.value_tier), (segment, tier))
            self.assertAlmostEqual(row.clv, value, places=2)
            if row.partner_id == self.newcomer:
                self.assertEqual((row.previous_segment, row.previous_value_tier),
                                 ("none", "none"))
                self.assertFalse(row.previous_month)
                self.assertTrue(row.moved)
                continue
            before, before_tier, before_value = self.may[row.partner_id]
            self.assertEqual(str(row.previous_month), "2026-05-01")  # 11: text, 12+: a date
            self.assertEqual((row.previous_segment, row.previous_value_tier),
                             (before, before_tier))
            self.assertEqual(row.moved, before != segment)
            self.assertAlmostEqual(row.clv_change, value - before_value, places=2)
        # the June buyers moved up: not all customers kept their segment
        self.assertTrue(any(r.moved for r in june - june.filtered(
            lambda r: r.partner_id == self.newcomer)))

    def test_migration_matrix_counts_the_moves(self):
        groups = self.Snapshot.read_group(
            [("company_id", "=", self.company.id), ("month", "=", "2026-06-01")],
            ["clv", "previous_segment", "rfm_segment"], ["previous_segment", "rfm_segment"],
            lazy=False)
        counted = {(g["previous_segment"], g["rfm_segment"]): g["__count"] for g in groups}
        expected = {}
        for partner, (segment, _tier, _value) in self.june.items():
            key = (self.may.get(partner, ("none",))[0], segment)
            expected[key] = expected.get(key, 0) + 1
        self.assertEqual(counted, expected)

    def test_retaking_a_month_replaces_it(self):
        def state():
            return sorted((r.partner_id.id, r.rfm_segment, r.previous_segment, r.clv)
                          for r in self.rows(JUNE))
        before = state()
        written = self.Snapshot.take_snapshot(company_ids=[self.company.id], month=JUNE)
        self.assertEqual(written, 11)
        self.assertEqual(state(), before)
        # May's snapshot is untouched
        self.assertEqual(len(self.rows(MAY)), 10)

    def test_cron_takes_one_snapshot_a_month(self):
        self.Snapshot._cron_snapshot()
        this_month = fields.Date.from_string(fields.Date.context_today(self.Snapshot))
        taken = self.rows(this_month)
        self.assertEqual(len(taken), len(self.june))
        # the second night of the month leaves it as it is
        self.assertEqual(self.Snapshot._cron_snapshot(), 0)
        self.assertEqual(self.rows(this_month), taken)

    def test_only_managers_take_snapshots(self):
        with self.assertRaises(UserError):
            self.Snapshot.with_user(self.salesman).take_snapshot(company_ids=[self.company.id])
