# Copyright 2026 crm_lifecycle contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The lapsing-customers worklist acts: who owns each customer, what is
planned, and calls scheduled from a row or for a picked set of rows, as the
salesperson and within what the salesperson may do."""
import datetime

from odoo.exceptions import AccessError, UserError

from odoo.addons.crm_lifecycle import compat
from odoo.addons.crm_lifecycle.tests.common import CUSTOMER, CrmLifecycleCase, noon_before


class TestWorklist(CrmLifecycleCase):
    @classmethod
    def setUpClass(cls):
        super(TestWorklist, cls).setUpClass()
        Partner = cls.env["res.partner"]
        cls.mine = Partner.create({"name": "Worklist Own", **CUSTOMER,
                                   "user_id": cls.salesman.id, "phone": "+32 9 555 12 12"})
        cls.nobodys = Partner.create({"name": "Worklist Unowned", **CUSTOMER})
        today = datetime.date.today()
        rows = [{"source_system": "shop", "external_ref": "wl-%d-%d" % (p.id, i),
                 "channel": "web", "kind": "purchase", "amount": 10.0 * (i + 1),
                 "date": noon_before(today, 300 + 20 * i), "partner_id": p.id}
                for p in (cls.mine, cls.nobodys) for i in range(2)]
        assert all(r["status"] == "created" for r in cls.env["crm.touchpoint"].ingest(rows))
        cls.env["crm.customer.metrics"].compute_metrics()
        cls.Metrics = cls.env["crm.customer.metrics"]
        cls.rows = cls.Metrics.search([("partner_id", "in", (cls.mine | cls.nobodys).ids)])
        cls.call = cls.env.ref("mail.mail_activity_data_call")

    def activities(self, partner):
        return self.env["mail.activity"].search([("res_model", "=", "res.partner"),
                                                 ("res_id", "=", partner.id)])

    def test_row_shows_owner_phone_and_next_activity(self):
        row = self.rows.filtered(lambda r: r.partner_id == self.mine)
        self.assertEqual((row.salesperson_id, row.phone), (self.salesman, self.mine.phone))
        self.assertFalse(row.next_activity_date)
        planned = self.Metrics.search([("id", "in", self.rows.ids),
                                       ("next_activity_date", "!=", False)])
        self.assertFalse(planned)
        self.env["mail.activity"].create({
            "res_model_id": self.env.ref("base.model_res_partner").id,
            "res_id": self.mine.id, "activity_type_id": self.call.id,
            "date_deadline": "2031-05-04", "user_id": self.salesman.id})
        compat.invalidate_all(row.env)
        self.assertEqual(str(row.next_activity_date), "2031-05-04")
        nothing = self.Metrics.search([("id", "in", self.rows.ids),
                                       ("next_activity_date", "=", False)])
        self.assertEqual(nothing.mapped("partner_id"), self.nobodys)
        later = self.Metrics.search([("id", "in", self.rows.ids),
                                     ("next_activity_date", ">", "2030-01-01")])
        self.assertEqual(later.mapped("partner_id"), self.mine)

    def test_schedule_a_call_from_a_row(self):
        row = self.rows.filtered(lambda r: r.partner_id == self.mine).with_user(self.salesman)
        action = row.action_schedule_call()
        self.assertEqual((action["res_model"], action["target"]), ("mail.activity", "new"))
        context = action["context"]
        self.assertEqual((context["default_res_id"], context["default_user_id"],
                          context["default_activity_type_id"]),
                         (self.mine.id, self.salesman.id, self.call.id))
        # the dialog saves an activity as the salesperson
        Activity = self.env["mail.activity"].with_user(self.salesman).with_context(context)
        values = Activity.default_get(list(Activity._fields))
        Activity.create(values)
        self.assertEqual(self.activities(self.mine).activity_type_id, self.call)

    def wizard(self, user, rows):
        return self.env["crm.customer.activity.wizard"].with_user(user).with_context(
            active_model="crm.customer.metrics", active_ids=rows.ids).create({})

    def test_schedule_calls_for_picked_rows(self):
        wizard = self.wizard(self.salesman, self.rows)
        self.assertEqual((wizard.customer_count, wizard.activity_type_id), (2, self.call))
        wizard.action_schedule()
        self.assertEqual(wizard.result, "2 activities scheduled.")
        # the customer's salesperson; the unowned customer: the user
        self.assertEqual(self.activities(self.mine).user_id, self.salesman)
        self.assertEqual(self.activities(self.nobodys).user_id, self.salesman)
        # again: both have a call planned now, nothing is doubled
        again = self.wizard(self.salesman, self.rows)
        again.action_schedule()
        self.assertIn("0 activities scheduled. 2 customers skipped", again.result)
        self.assertEqual(len(self.activities(self.mine)), 1)

    def test_only_lifecycle_users_schedule(self):
        self.make_portal_user()
        with self.assertRaises(AccessError):
            self.wizard(self.portal, self.rows)
        with self.assertRaises(UserError):
            self.wizard(self.salesman, self.Metrics).action_schedule()
