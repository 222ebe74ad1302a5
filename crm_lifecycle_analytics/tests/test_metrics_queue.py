# Copyright 2026 crm_lifecycle contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Metrics refreshed between nightly runs: the customers whose touchpoints
are written are queued by any path, and their refreshed rows are the rows a
run over every customer gives them with the same model."""
import datetime
import random

from odoo import fields
from odoo.exceptions import AccessError

from odoo.addons.crm_lifecycle import compat
from odoo.addons.crm_lifecycle.tests.common import CUSTOMER, CrmLifecycleCase, noon_before

from ..hooks import uninstall_hook

AS_OF = datetime.date(2026, 6, 30)


def day(offset):
    return noon_before(AS_OF, offset)


class TestMetricsQueue(CrmLifecycleCase):
    @classmethod
    def setUpClass(cls):
        super(TestMetricsQueue, cls).setUpClass()
        cls.Metrics = cls.env["crm.customer.metrics"]
        cls.company = cls.env["res.company"].create({"name": "Lifecycle Queue Co"})
        Partner = cls.env["res.partner"]
        rng = random.Random(7)
        cls.partners = Partner.browse([
            Partner.create({"name": "Queue Customer %d" % i, **CUSTOMER,
                            "company_id": False}).id for i in range(60)])
        order, phone = cls.channel["order"], cls.channel["phone"]
        for partner in cls.partners[:50]:
            first = rng.randint(30, 700)
            offsets = sorted({first} | {rng.randint(0, first)
                                        for _k in range(rng.randint(0, 5))})
            for offset in offsets:
                cls.purchase(partner, offset, round(rng.uniform(10, 200), 2))
        for partner in cls.partners[40:55]:
            cls.Touchpoint.create({
                "partner_id": partner.id, "date": day(rng.randint(1, 90)), "kind": "contact",
                "channel_id": phone.id, "direction": rng.choice(["inbound", "outbound"]),
                "company_id": cls.company.id})
        assert order
        cls.model = cls.Metrics.compute_metrics(company_ids=cls.company.ids, as_of=AS_OF)
        cls.env.cr.execute("DELETE FROM crm_lifecycle_metrics_queue")

    @classmethod
    def purchase(cls, partner, offset, amount, **values):
        return cls.Touchpoint.create(dict({
            "partner_id": partner.id, "date": day(offset), "kind": "purchase",
            "channel_id": cls.channel["order"].id, "direction": "inbound", "amount": amount,
            "company_id": cls.company.id}, **values))

    def queued(self):
        self.env.cr.execute("SELECT DISTINCT company_id, partner_id "
                            "FROM crm_lifecycle_metrics_queue ORDER BY 1, 2")
        return self.env.cr.fetchall()

    def rows(self):
        """Every row of the company: {partner id: {column: value}}, without
        the row's id, author and write dates."""
        self.env.cr.execute("SELECT * FROM crm_customer_metrics WHERE company_id = %s",
                            (self.company.id,))
        names = [d[0] for d in self.env.cr.description]
        skip = {"id", "create_uid", "create_date", "write_uid", "write_date"}
        rows = {}
        for row in self.env.cr.fetchall():
            values = dict(zip(names, row))
            rows[values["partner_id"]] = {n: v for n, v in values.items() if n not in skip}
        return rows

    def test_writes_queue_their_customers_by_any_path(self):
        a, b = self.partners[0], self.partners[1]
        touchpoint = self.purchase(a, 3, 50.0)
        self.assertEqual(self.queued(), [(self.company.id, a.id)])
        self.env.cr.execute("DELETE FROM crm_lifecycle_metrics_queue")
        # what the engine does not read queues nobody (an answer, a note)
        touchpoint.write({"subject": "called back"})
        self.env.cr.execute("UPDATE crm_touchpoint SET answered_date = now() WHERE id = %s",
                            (touchpoint.id,))
        self.assertEqual(self.queued(), [])
        # a move to another customer by SQL (as a merge does): both
        self.env.cr.execute("UPDATE crm_touchpoint SET partner_id = %s, "
                            "commercial_partner_id = %s WHERE id = %s",
                            (b.id, b.id, touchpoint.id))
        self.assertEqual(self.queued(), [(self.company.id, a.id), (self.company.id, b.id)])
        self.env.cr.execute("DELETE FROM crm_lifecycle_metrics_queue")
        touchpoint.unlink()
        self.assertEqual(self.queued(), [(self.company.id, b.id)])

    def test_refreshed_rows_are_those_of_a_full_run(self):
        before = self.rows()
        p = self.partners
        # a big purchase (the customer moves up every ranking), a detractor,
        # a first purchase of a contact-only customer, a customer whose
        # history is deleted (its row goes), one new to the company, and a
        # purchase moved from one customer to another by SQL
        self.purchase(p[5], 1, 5000.0)
        self.Touchpoint.create({
            "partner_id": p[6].id, "date": day(2), "kind": "contact", "nps_score": "3",
            "channel_id": self.channel["phone"].id, "direction": "inbound",
            "company_id": self.company.id})
        self.purchase(p[52], 4, 80.0)
        self.Touchpoint.search([("commercial_partner_id", "=", p[7].id)]).unlink()
        self.purchase(p[58], 9, 30.0)
        moved = self.Touchpoint.search([("commercial_partner_id", "=", p[8].id)], limit=1)
        self.env.cr.execute("UPDATE crm_touchpoint SET partner_id = %s, "
                            "commercial_partner_id = %s WHERE id = %s",
                            (p[9].id, p[9].id, moved.id))
        touched = {p[i].id for i in (5, 6, 52, 7, 58, 8, 9)}
        self.assertEqual({pid for _c, pid in self.queued()}, touched)

        refreshed = self.Metrics.sudo()._refresh_queued(as_of=AS_OF)
        self.assertEqual(refreshed, len(touched))
        self.assertEqual(self.queued(), [])
        after = self.rows()
        self.assertNotIn(p[7].id, after)
        self.assertIn(p[58].id, after)
        self.assertNotEqual(after[p[5].id]["profit_rank"], before[p[5].id]["profit_rank"])
        self.assertEqual(after[p[6].id]["last_nps"], "3")
        self.assertEqual(after[p[52].id]["purchase_count"], 1)
        # the others' rows are left as they were (the nightly run ranks them again)
        for pid, row in before.items():
            if pid not in touched:
                self.assertEqual(after[pid], row)

        # a run over every customer with the same model: the same rows for
        # the customers refreshed, column by column
        self.Metrics.sudo()._recompute_company(self.company, AS_OF, model=self.model)
        full = self.rows()
        self.assertEqual(set(full), set(after))
        for pid in touched & set(full):
            self.assertEqual(after[pid], full[pid], "customer %s" % pid)

    def test_a_refresh_is_never_as_of_a_day_before_the_model(self):
        # the nightly run (in its user's time zone, a day ahead of the
        # server around midnight) fitted the model as of tomorrow: the
        # refresh computes as of that day, not the server's today
        # (two days ahead: whatever the time zones of this test's run)
        ahead = datetime.date.today() + datetime.timedelta(days=2)
        self.model.date = ahead
        self.purchase(self.partners[3], 1, 40.0)
        self.Metrics.sudo()._refresh_queued()
        row = self.rows()[self.partners[3].id]
        self.assertEqual(fields.Date.from_string(row["computed_on"]), ahead)

    def test_memberships_follow_the_refresh(self):
        segment = self.env["crm.segment"].create({
            "name": "Queue Buyers", "company_id": self.company.id,
            "domain": "[]", "lifecycle_bought": "bought"})
        segment.refresh_members()
        newcomer = self.partners[53]
        self.assertNotIn(newcomer, segment.member_ids.filtered(lambda m: not m.date_to)
                         .mapped("partner_id"))
        sizes = len(segment.size_ids)
        self.purchase(newcomer, 2, 120.0)
        self.Metrics.sudo()._refresh_queued(as_of=AS_OF)
        open_members = segment.member_ids.filtered(lambda m: not m.date_to)
        self.assertIn(newcomer, open_members.mapped("partner_id"))
        self.assertEqual(len(open_members), 51)
        # the size history is the full refresh's
        self.assertEqual(len(segment.size_ids), sizes)

    def test_a_running_computation_of_the_company_holds_the_refresh(self):
        # a company this transaction holds no lock of (the class's company's
        # is held since its computation), with a model
        company = self.env["res.company"].create({"name": "Lifecycle Queue Busy Co"})
        self.env["crm.clv.model"].create({
            "company_id": company.id, "date": AS_OF, "time_unit": "day",
            "state": "not_enough_data"})
        self.purchase(self.partners[3], 2, 10.0, company_id=company.id)
        other = self.registry.cursor()
        try:
            # the nightly run of that company, in another transaction
            other.execute("SELECT pg_advisory_xact_lock(hashtext(%s), %s)",
                          ("crm_lifecycle.metrics", company.id))
            self.assertEqual(self.Metrics.sudo()._refresh_queued(as_of=AS_OF), 0)
            self.assertEqual(self.queued(), [(company.id, self.partners[3].id)])
        finally:
            other.rollback()
            other.close()
        self.assertEqual(self.Metrics.sudo()._refresh_queued(as_of=AS_OF), 1)
        self.assertEqual(self.queued(), [])

    def test_only_the_system_refreshes(self):
        with self.assertRaises(AccessError):
            compat.as_user(self.Metrics, self.sales_manager)._refresh_queued()

    def test_uninstalling_removes_what_the_orm_does_not_know(self):
        """The queue's triggers stay on crm_touchpoint (crm_lifecycle's table)
        unless the module's uninstall hook drops them with the queue, the
        generations and the portfolio's copy (rolled back with the test)."""
        cr = self.env.cr
        uninstall_hook(cr, self.registry)
        cr.execute("SELECT tgname FROM pg_trigger WHERE tgname LIKE 'crm_touchpoint_metrics%' "
                   "OR tgname LIKE 'crm_staff_portfolio%'")
        self.assertEqual(cr.fetchall(), [])
        cr.execute("SELECT to_regclass('crm_lifecycle_metrics_queue'), "
                   "to_regclass('crm_lifecycle_metrics_generation'), "
                   "to_regclass('crm_staff_portfolio_base')")
        self.assertEqual(cr.fetchone(), (None, None, None))
        # the touchpoints are written as before
        cr.execute("UPDATE crm_touchpoint SET date = date + interval '1 day' WHERE id = %s",
                   (self.Touchpoint.search([], limit=1).id,))
        self.assertEqual(cr.rowcount, 1)
