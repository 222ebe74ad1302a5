# Copyright 2026 crm_lifecycle contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""ingest() writes in SQL: it must give the ORM's answer. Each test makes
the same change through `write` (or `create`) and through `ingest` and
expects the same verdict, and that a refused batch changes nothing."""
import datetime

from odoo.exceptions import AccessError, ValidationError
from odoo.tools import mute_logger

from .. import compat
from .common import CrmLifecycleCase
from .test_ingest import row


class TestIngestSecurity(CrmLifecycleCase):
    @classmethod
    def setUpClass(cls):
        super(TestIngestSecurity, cls).setUpClass()
        cls.make_other_company()
        cls.make_portal_user()
        cls.colleague = cls.env["res.users"].with_context(no_reset_password=True).create({
            "name": "Colleague", "login": "lifecycle_colleague",
            "groups_id": [(6, 0, [cls.env.ref("sales_team.group_sale_salesman").id])]})
        # a purchase of the colleague, fed by the web shop
        res = cls.env["crm.touchpoint"].with_user(cls.colleague).ingest([row(
            "order-1", source_system="webshop", kind="purchase", amount=120.0,
            subject="Order 1")])
        cls.theirs = cls.env["crm.touchpoint"].browse(res[0]["id"])

    def snapshot(self, record):
        compat.invalidate_all(record.env)
        return record.read(["subject", "amount", "date", "user_id", "company_id",
                            "partner_id"])[0]

    def test_salesperson_cannot_rewrite_a_colleagues_row(self):
        before = self.snapshot(self.theirs)
        with self.assertRaises(AccessError), mute_logger("odoo.models"):
            self.theirs.with_user(self.salesman).write({"amount": 99999.0})
        res = self.Touchpoint.with_user(self.salesman).ingest([row(
            "order-1", source_system="webshop", kind="purchase", amount=99999,
            date="2001-01-01 00:00:00")])
        self.assertEqual(res[0]["status"], "error")
        self.assertIn("may not change", res[0]["error"])
        self.assertEqual(self.snapshot(self.theirs), before)
        # the colleague and a manager may, both ways
        self.theirs.with_user(self.sales_manager).write({"subject": "Order 1 (checked)"})
        res = self.Touchpoint.with_user(self.colleague).ingest([row(
            "order-1", source_system="webshop", kind="purchase", amount=130.0,
            subject="Order 1")])
        self.assertEqual(res[0]["status"], "updated")
        self.assertEqual(self.theirs.amount, 130.0)

    def test_the_bulk_write_path_itself_is_guarded(self):
        """_upsert, under every bulk writer: a caller other than the system
        is held there too, whatever checked the rows before."""
        before = self.snapshot(self.theirs)
        values = {"source_system": "webshop", "external_ref": "order-1", "date":
                  "2001-01-01 00:00:00", "channel_id": self.channel["web"].id,
                  "direction": "inbound", "kind": "purchase", "amount": 99999.0,
                  "partner_id": self.customer.id, "user_id": self.salesman.id,
                  "company_id": self.env.user.company_id.id}
        with self.assertRaisesRegex(AccessError, "may not change"):
            self.Touchpoint.with_user(self.salesman)._upsert([values])
        with self.assertRaisesRegex(AccessError, "credit another"):
            self.Touchpoint.with_user(self.salesman)._upsert([dict(
                values, external_ref="new-1", user_id=self.colleague.id)])
        with self.assertRaisesRegex(AccessError, "reserved"):
            self.Touchpoint.with_user(self.salesman)._upsert([dict(
                values, external_ref="new-2", source_system="odoo")])
        self.assertEqual(self.snapshot(self.theirs), before)
        written = self.Touchpoint.with_user(self.colleague)._upsert([dict(
            values, user_id=self.colleague.id)])
        self.assertEqual(list(written.values())[0][1], "updated")

    def test_other_company_cannot_take_a_row(self):
        before = self.snapshot(self.theirs)
        with self.assertRaises(AccessError), mute_logger("odoo.models"):
            self.theirs.with_user(self.manager_b).write({"subject": "now ours"})
        for user in (self.manager_b, self.salesman_b):
            res = self.Touchpoint.with_user(user).ingest([row(
                "order-1", source_system="webshop", kind="purchase", amount=1.0,
                email=None, partner_id=self.customer_b.id)])
            self.assertEqual(res[0]["status"], "error", user.login)
        self.assertEqual(self.snapshot(self.theirs), before)
        self.assertNotEqual(self.theirs.company_id, self.company_b)

    def test_portal_user_ingests_nothing(self):
        with self.assertRaises(AccessError), mute_logger("odoo.models"):
            self.Touchpoint.with_user(self.portal).create({
                "partner_id": self.person.id, "channel_id": self.channel["web"].id})
        with self.assertRaises(AccessError), mute_logger("odoo.models"):
            self.Touchpoint.with_user(self.portal).ingest([row("portal-1")])
        self.assertFalse(self.Touchpoint.search([("external_ref", "=", "portal-1")]))

    def test_crediting_a_colleague_needs_the_manager_group(self):
        res = self.Touchpoint.with_user(self.salesman).ingest([row(
            "credit-1", user_login=self.colleague.login)])
        self.assertEqual(res[0]["status"], "error")
        self.assertIn("user_login", res[0]["error"])
        self.assertFalse(self.Touchpoint.search([("external_ref", "=", "credit-1")]))
        own = self.Touchpoint.with_user(self.salesman).ingest([row(
            "credit-2", user_login=self.salesman.login)])
        self.assertEqual(own[0]["status"], "created")
        res = self.Touchpoint.with_user(self.sales_manager).ingest([row(
            "credit-3", user_login=self.colleague.login)])
        self.assertEqual(res[0]["status"], "created")
        self.assertEqual(self.Touchpoint.browse(res[0]["id"]).user_id, self.colleague)

    def test_reserved_source_is_capture_only(self):
        probe = row("mail.message,probe", source_system="odoo")
        res = self.Touchpoint.with_user(self.salesman).ingest([probe])
        self.assertEqual(res[0]["status"], "error")
        self.assertIn("reserved", res[0]["error"])
        with self.assertRaises(AccessError):
            self.Touchpoint.with_user(self.salesman).create({
                "partner_id": self.person.id, "channel_id": self.channel["web"].id,
                "source_system": "odoo", "external_ref": "mail.message,probe"})
        self.assertFalse(self.Touchpoint.search([("external_ref", "=", "mail.message,probe")]))

    def test_rebuild_survives_a_malformed_captured_reference(self):
        """A row an older version let in: the rebuild skips it."""
        self.env.cr.execute("""
            INSERT INTO crm_touchpoint (partner_id, commercial_partner_id, date, channel_id,
                                        direction, kind, source_system, external_ref)
            VALUES (%s, %s, now(), %s, 'inbound', 'contact', 'odoo', 'mail.message,probe')
        """, (self.person.id, self.person.id, self.channel["email"].id))
        self.Touchpoint._rebuild_from_sources()
        message = self.person.message_post(body="Hello", message_type="email",
                                           **compat.subtype("mail.mt_comment"),
                                           author_id=self.person.id)
        self.assertTrue(self.Touchpoint.search(
            [("external_ref", "=", "mail.message,%d" % message.id)]), "capture still works")

    def test_unreadable_customer_is_refused(self):
        private = self.env["res.partner"].create(dict(
            compat.unreadable_partner_vals(self.env), name="Private Address",
            email="private@example.org"))
        with self.assertRaises(AccessError), mute_logger("odoo.models"):
            private.with_user(self.salesman).read(["name"])
        res = self.Touchpoint.with_user(self.salesman).ingest([row(
            "private-1", email=None, partner_id=private.id)])
        self.assertEqual(res[0]["status"], "error")
        # refused by the read check (11) or already by the matcher, which
        # looks only in the caller's companies (18)
        self.assertRegex(res[0]["error"], "may not read|no customer with id")
        res = self.Touchpoint.with_user(self.salesman).ingest([row(
            "private-1", email=None, partner_id=self.person.id)])
        self.assertEqual(res[0]["status"], "created")

    def test_merged_customer_is_followed(self):
        twin = self.env["res.partner"].create({"name": "Linus Private"})
        self.env["crm.partner.merge.log"].merge_partners(self.person.id, [twin.id])
        res = self.Touchpoint.with_user(self.salesman).ingest([row(
            "merged-1", email=None, partner_id=twin.id)])
        self.assertEqual(res[0]["status"], "created", res)
        self.assertEqual(self.Touchpoint.browse(res[0]["id"]).partner_id, self.person)
        self.assertIn("merged into %d" % self.person.id, res[0]["note"])


class TestIngestHygiene(CrmLifecycleCase):
    def ingest_one(self, **kw):
        return self.Touchpoint.ingest([row("hyg", **kw)])[0]

    def test_non_finite_numbers_are_row_errors(self):
        for value in (float("inf"), float("-inf"), float("nan"), "1e400", "Infinity", "nan"):
            res = self.ingest_one(kind="purchase", amount=value)
            self.assertEqual(res["status"], "error", value)
            self.assertIn("amount", res["error"])
            res = self.ingest_one(kind="purchase", amount=1.0, cost=value)
            self.assertEqual(res["status"], "error", value)
            res = self.ingest_one(kind="feedback", nps=value)
            self.assertEqual(res["status"], "error", value)
        self.assertFalse(self.Touchpoint.search([("external_ref", "=", "hyg")]))

    def test_bad_text_is_a_row_error(self):
        for field, value in (("subject", "a\x00b"), ("external_ref", "x\x00"),
                             ("summary", "lone \ud800 surrogate"), ("email", "a\x00@b.c")):
            res = self.Touchpoint.ingest([dict(row("hyg"), **{field: value})])[0]
            self.assertEqual(res["status"], "error", field)
            self.assertIn(repr(field), res["error"])
        with self.assertRaises(ValidationError):
            self.Touchpoint.create({"partner_id": self.person.id, "subject": "a\x00b",
                                    "channel_id": self.channel["web"].id})
        for value in (float("inf"), float("nan")):
            with self.assertRaises(ValidationError):
                self.Touchpoint.create({"partner_id": self.person.id, "kind": "purchase",
                                        "amount": value, "channel_id": self.channel["web"].id})

    def test_utc_offsets_are_converted(self):
        cases = {"2026-01-01T10:00:00+05:00": datetime.datetime(2026, 1, 1, 5, 0),
                 "2026-01-01T10:00:00-05:00": datetime.datetime(2026, 1, 1, 15, 0),
                 "2026-01-01 10:00:00+0530": datetime.datetime(2026, 1, 1, 4, 30),
                 "2026-01-01T10:00:00.250Z": datetime.datetime(2026, 1, 1, 10, 0),
                 "2026-01-01T23:30:00-02:00": datetime.datetime(2026, 1, 2, 1, 30)}
        for text, expected in cases.items():
            res = self.ingest_one(date=text)
            self.assertNotEqual(res["status"], "error", (text, res))
            stored = self.Touchpoint.browse(res["id"])
            compat.invalidate_all(stored.env)
            self.assertEqual(str(stored.date), str(expected), text)  # port>=12: datetime
        for text in ("2026-01-01T10:00:00+25:00", "2026-01-01T10:00:00+05:99"):
            self.assertEqual(self.ingest_one(date=text)["status"], "error", text)
