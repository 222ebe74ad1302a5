# Copyright 2026 crm_lifecycle contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The analytics' manager methods take company ids: a manager works only
in their own companies, refused before any work."""
import datetime

from odoo.exceptions import AccessError
from odoo.tools import mute_logger

from odoo.addons.crm_lifecycle.tests.common import CrmLifecycleCase, noon_before


class TestAnalyticsCompanies(CrmLifecycleCase):
    @classmethod
    def setUpClass(cls):
        super(TestAnalyticsCompanies, cls).setUpClass()
        cls.make_other_company()
        cls.company_a = cls.env.user.company_id
        today = datetime.date.today()
        res = cls.env["crm.touchpoint"].ingest([{
            "source_system": "shop", "external_ref": "a-%d" % i, "channel": "web",
            "direction": "inbound", "kind": "purchase", "amount": 100.0,
            "date": noon_before(today, 400 + 30 * i), "partner_id": cls.person.id}
            for i in range(3)])
        assert all(r["status"] == "created" for r in res), res
        cls.Metrics = cls.env["crm.customer.metrics"]
        cls.Snapshot = cls.env["crm.customer.snapshot"]

    def count(self, model, company):
        return self.env[model].search_count([("company_id", "=", company.id)])

    def test_manager_b_cannot_work_in_company_a(self):
        self.Metrics.compute_metrics(company_ids=[self.company_a.id])
        metrics_before = self.count("crm.customer.metrics", self.company_a)
        self.assertTrue(metrics_before)
        self.env.cr.execute("SELECT array_agg(ctid::text ORDER BY id) FROM crm_customer_metrics "
                            "WHERE company_id = %s", (self.company_a.id,))
        stamp = self.env.cr.fetchone()
        activities = self.env["mail.activity"].search_count([])
        Metrics_b = self.Metrics.with_user(self.manager_b)
        calls = (lambda: Metrics_b.compute_metrics(company_ids=[self.company_a.id]),
                 lambda: self.Snapshot.with_user(self.manager_b).take_snapshot(
                     company_ids=[self.company_a.id]),
                 lambda: Metrics_b.schedule_win_back(company_ids=[self.company_a.id]))
        for call in calls:
            with self.assertRaises(AccessError), mute_logger("odoo.models"):
                call()
        self.assertEqual(self.count("crm.customer.snapshot", self.company_a), 0)
        self.assertEqual(self.env["mail.activity"].search_count([]), activities)
        self.env.cr.execute("SELECT array_agg(ctid::text ORDER BY id) FROM crm_customer_metrics "
                            "WHERE company_id = %s", (self.company_a.id,))
        self.assertEqual(self.env.cr.fetchone(), stamp)
        # in their own company, the same calls work
        self.Metrics.with_user(self.manager_b).compute_metrics(company_ids=[self.company_b.id])
        self.Snapshot.with_user(self.manager_b).take_snapshot(company_ids=[self.company_b.id])
        self.Metrics.with_user(self.manager_b).schedule_win_back()
