# Copyright 2026 crm_lifecycle contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The company view (issue 20, item 4): retention, churn and repeat
purchases per month and the cohort matrix, against figures computed by
hand on four customers of their own company."""
import datetime

from odoo.exceptions import UserError

from odoo.addons.crm_lifecycle import compat
from odoo.addons.crm_lifecycle.tests.common import CUSTOMER, CrmLifecycleCase


class TestCompanyView(CrmLifecycleCase):
    @classmethod
    def setUpClass(cls):
        super(TestCompanyView, cls).setUpClass()
        cls.company = cls.env["res.company"].create({"name": "Lifecycle Cohort Co"})
        Partner = cls.env["res.partner"]
        cls.p = {n: Partner.create({"name": "Cohort %s" % n, **CUSTOMER, "company_id": False})
                 for n in ("one", "two", "three", "four", "now")}
        purchases = {
            "one": [("2025-01-10", 100.0), ("2025-02-15", 50.0), ("2025-06-01", 30.0)],
            # a return alone in March: no buying month
            "two": [("2025-01-20", 200.0), ("2025-03-05", -20.0)],
            # two orders in February: one buying month
            "three": [("2025-02-03", 80.0), ("2025-02-20", 20.0), ("2025-04-10", 40.0)],
            "four": [("2025-03-15", 10.0)],
            "now": [(datetime.date.today().isoformat(), 5.0)],
        }
        for name, rows in purchases.items():
            for day, amount in rows:
                cls.Touchpoint.create({
                    "partner_id": cls.p[name].id, "channel_id": cls.channel["order"].id,
                    "direction": "inbound", "kind": "purchase", "date": day + " 10:00:00",
                    "amount": amount, "company_id": cls.company.id})
        cls.RetentionMonth = cls.env["crm.retention.month"]
        cls.RetentionMonth.refresh(company_ids=cls.company.ids)

    def months(self):
        rows = self.RetentionMonth.search([("company_id", "=", self.company.id)])
        return {str(r.month)[:7]: r for r in rows}

    def test_retention_churn_and_repeat_per_month(self):
        months = self.months()
        this_month = datetime.date.today().strftime("%Y-%m")
        self.assertEqual(sorted(months), ["2025-01", "2025-02", "2025-03", "2025-04",
                                          "2025-06", this_month])
        expected = {
            # buying, new, returning, retained within 3 months, retention, repeat, revenue
            "2025-01": (2, 2, 0, 1, 50.0, 0.0, 300.0),    # one comes back in February
            "2025-02": (2, 1, 1, 1, 50.0, 50.0, 150.0),   # three in April, one only in June
            "2025-03": (1, 1, 0, 0, 0.0, 0.0, 10.0),
            "2025-04": (1, 0, 1, 0, 0.0, 100.0, 40.0),
            "2025-06": (1, 0, 1, 0, 0.0, 100.0, 30.0),
        }
        for month, (active, new, back, kept, retention, repeat, revenue) in expected.items():
            row = months[month]
            self.assertEqual((row.active_customers, row.new_customers, row.returning_customers,
                              row.retained_customers), (active, new, back, kept), month)
            self.assertAlmostEqual(row.retention_rate, retention, msg=month)
            self.assertAlmostEqual(row.churn_rate, 100.0 - retention, msg=month)
            self.assertAlmostEqual(row.repeat_rate, repeat, msg=month)
            self.assertAlmostEqual(row.revenue, revenue, msg=month)
        # this month's window has not ended: no retention yet
        self.env.cr.execute("SELECT retained_customers, retention_rate FROM crm_retention_month"
                            " WHERE id = %s", (months[this_month].id,))
        self.assertEqual(self.env.cr.fetchone(), (None, None))

    def test_cohort_matrix(self):
        cells = self.env["crm.cohort.cell"].search([("company_id", "=", self.company.id)])
        got = {(str(c.cohort)[:7], c.age): (c.cohort_customers, c.customers, c.share, c.revenue)
               for c in cells}
        this_month = datetime.date.today().strftime("%Y-%m")
        self.assertEqual(got, {
            ("2025-01", 0): (2, 2, 100.0, 300.0),
            ("2025-01", 1): (2, 1, 50.0, 50.0),
            ("2025-01", 5): (2, 1, 50.0, 30.0),
            ("2025-02", 0): (1, 1, 100.0, 100.0),
            ("2025-02", 2): (1, 1, 100.0, 40.0),
            ("2025-03", 0): (1, 1, 100.0, 10.0),
            (this_month, 0): (1, 1, 100.0, 5.0),
        })

    def test_refresh_replaces_and_follows_the_history(self):
        """A later purchase changes the months it touches; a refresh twice
        writes the same rows."""
        self.Touchpoint.create({
            "partner_id": self.p["two"].id, "channel_id": self.channel["order"].id,
            "direction": "inbound", "kind": "purchase", "date": "2025-04-02 10:00:00",
            "amount": 60.0, "company_id": self.company.id})
        self.RetentionMonth.refresh(company_ids=self.company.ids)
        self.RetentionMonth.refresh(company_ids=self.company.ids)
        january = self.months()["2025-01"]
        # two now buys again in April, within January's three months
        self.assertEqual((january.retained_customers, january.retention_rate), (2, 100.0))
        self.assertEqual(self.months()["2025-04"].active_customers, 2)

    def test_only_managers_refresh(self):
        with self.assertRaises(UserError):
            compat.as_user(self.RetentionMonth, self.salesman).refresh(
                company_ids=self.company.ids)


class TestValueLedger(CrmLifecycleCase):
    """The value ledger from two monthly snapshots, by hand: each customer
    in one part, the parts adding up from the opening to the closing
    value."""

    @classmethod
    def setUpClass(cls):
        super(TestValueLedger, cls).setUpClass()
        cls.company = cls.env["res.company"].create({"name": "Lifecycle Ledger Co"})
        Partner = cls.env["res.partner"]
        names = "ABCDEF"
        cls.p = {n: Partner.create({"name": "Ledger %s" % n, **CUSTOMER, "company_id": False})
                 for n in names}
        # (customer, month, segment, lapse band, predicted value)
        rows = [
            ("A", "2026-01-01", "champions", "active", 100.0),
            ("A", "2026-02-01", "champions", "active", 150.0),      # upgrade +50
            ("B", "2026-01-01", "loyal", "active", 200.0),
            ("B", "2026-02-01", "loyal", "cooling", 120.0),         # downgrade -80
            ("C", "2026-01-01", "champions", "cooling", 300.0),
            ("C", "2026-02-01", "champions", "lapsed", 50.0),       # lapsed -250
            ("D", "2026-01-01", "new", "active", 80.0),
            ("D", "2026-02-01", "promising", "active", 90.0),       # segment move +10
            ("E", "2026-01-01", "hibernating", "lapsed", 60.0),     # left -60
            ("F", "2026-02-01", "new", "active", 40.0),             # new +40
        ]
        for name, month, segment, band, clv in rows:
            cls.env["crm.customer.snapshot"].create({
                "partner_id": cls.p[name].id, "company_id": cls.company.id, "month": month,
                "rfm_segment": segment, "lapse_band": band, "clv": clv})
        cls.env["crm.retention.month"].refresh(company_ids=cls.company.ids)

    def test_parts_add_up_to_the_change(self):
        lines = self.env["crm.value.ledger"].search([("company_id", "=", self.company.id)])
        self.assertEqual(set(str(m)[:7] for m in lines.mapped("month")), {"2026-02"},
                         "the first snapshot has no earlier one to change from")
        got = {line.part: (line.amount, line.customers) for line in lines}
        self.assertEqual(got, {
            "opening": (740.0, 5), "new": (40.0, 1), "upgrades": (50.0, 1),
            "downgrades": (-80.0, 1), "moves": (10.0, 1), "lapsed": (-250.0, 1),
            "left": (-60.0, 1), "closing": (450.0, 5)})
        change = sum(amount for part, (amount, _n) in got.items()
                     if part not in ("opening", "closing"))
        self.assertAlmostEqual(got["opening"][0] + change, got["closing"][0])
        self.assertEqual(lines.sorted("sequence").mapped("part"),
                         ["opening", "new", "upgrades", "downgrades", "moves", "lapsed",
                          "left", "closing"])
