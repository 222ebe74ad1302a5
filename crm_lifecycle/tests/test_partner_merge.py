# Copyright 2026 crm_lifecycle contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from hypothesis import HealthCheck, given, settings, strategies as st

from odoo.exceptions import AccessError, UserError
from odoo.tools import mute_logger

from .. import compat
from .common import CUSTOMER, CrmLifecycleCase

# a 1x1 PNG: a partner's picture, kept in an attachment of its binary field
PIXEL = (b"iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJ"
         b"RU5ErkJggg==")

# what each partner of a generated group carries
PARTNER_DATA = st.fixed_dictionaries({
    "touchpoints": st.integers(0, 3),
    "leads": st.integers(0, 2),
    "messages": st.integers(0, 2),
    "activities": st.integers(0, 1),
    "tags": st.lists(st.integers(0, 2), max_size=3, unique=True),
    "follows_lead": st.booleans(),
    "contacts": st.integers(0, 1),
})


class TestMerge(CrmLifecycleCase):
    @classmethod
    def setUpClass(cls):
        super(TestMerge, cls).setUpClass()
        cls.Log = cls.env["crm.partner.merge.log"]
        cls.Partner = cls.env["res.partner"]
        cls.tags = cls.env["res.partner.category"]
        for i in range(3):
            cls.tags |= cls.env["res.partner.category"].create({"name": "Merge tag %d" % i})
        cls.shared_lead = cls.env["crm.lead"].create({"name": "Shared lead"})

    # ------------------------------------------------------------ helpers
    def make_group(self, data):
        partners = self.Partner
        for i, spec in enumerate(data):
            p = self.Partner.create({
                "name": "Merge Customer %d" % i, **CUSTOMER,
                "email": "merge%d@example.org" % i,
                "category_id": [(6, 0, [self.tags[t].id for t in spec["tags"]])]})
            partners |= p
            for j in range(spec["contacts"]):
                self.Partner.create({"name": "Contact %d-%d" % (i, j), "parent_id": p.id})
            for j in range(spec["touchpoints"]):
                self.Touchpoint.create({"partner_id": p.id, "subject": "Call %d" % j,
                                        "channel_id": self.channel["phone"].id})
            for j in range(spec["leads"]):
                self.env["crm.lead"].create({"name": "Lead %d-%d" % (i, j), "partner_id": p.id})
            for j in range(spec["messages"]):
                p.message_post(body="Note %d" % j, message_type="comment")
            for j in range(spec["activities"]):
                self.env["mail.activity"].create({
                    "res_model_id": self.env.ref("base.model_res_partner").id, "res_id": p.id,
                    "activity_type_id": self.env.ref("mail.mail_activity_data_call").id,
                    "summary": "Call back"})
            if spec["follows_lead"]:
                self.shared_lead.message_subscribe(partner_ids=p.ids)
        return partners

    def snapshot(self, partners):
        """Every row pointing to one of `partners`, as (table, row, column,
        partner) tuples."""
        cr = self.env.cr
        # 18: the ORM's pending writes (a new contact's commercial partner)
        # reach the tables before this query
        compat.flush(self.env)
        ids = partners.ids
        cr.execute("""
            SELECT 'touchpoint', id, 'partner', partner_id FROM crm_touchpoint
             WHERE partner_id = ANY(%(ids)s)
            UNION ALL SELECT 'touchpoint', id, 'commercial', commercial_partner_id
              FROM crm_touchpoint WHERE commercial_partner_id = ANY(%(ids)s)
            UNION ALL SELECT 'lead', id, 'partner', partner_id FROM crm_lead
             WHERE partner_id = ANY(%(ids)s)
            UNION ALL SELECT 'message', id, 'res_id', res_id FROM mail_message
             WHERE model = 'res.partner' AND res_id = ANY(%(ids)s)
            UNION ALL SELECT 'activity', id, 'res_id', res_id FROM mail_activity
             WHERE res_model = 'res.partner' AND res_id = ANY(%(ids)s)
            UNION ALL SELECT 'tag', category_id, 'partner', partner_id
              FROM res_partner_res_partner_category_rel WHERE partner_id = ANY(%(ids)s)
            UNION ALL SELECT 'follower', id, 'partner', partner_id FROM mail_followers
             WHERE partner_id = ANY(%(ids)s)
            UNION ALL SELECT 'follower', id, 'res_id', res_id FROM mail_followers
             WHERE res_model = 'res.partner' AND res_id = ANY(%(ids)s)
            UNION ALL SELECT 'contact', id, 'parent', parent_id FROM res_partner
             WHERE parent_id = ANY(%(ids)s)
            UNION ALL SELECT 'contact', id, 'commercial', commercial_partner_id FROM res_partner
             WHERE commercial_partner_id = ANY(%(ids)s) AND id <> ALL(%(ids)s)
        """, {"ids": ids})
        return sorted(cr.fetchall())

    # ------------------------------------------------------------ properties
    @settings(max_examples=25, deadline=None,
              suppress_health_check=[HealthCheck.function_scoped_fixture,
                                     HealthCheck.too_slow])
    @given(st.lists(PARTNER_DATA, min_size=2, max_size=5), st.integers(0, 4))
    def test_merge_then_unmerge_puts_every_row_back(self, data, pick):
        self.env.cr.execute("SAVEPOINT merge_example")
        try:
            partners = self.make_group(data)
            survivor = partners[pick % len(partners)]
            others = partners - survivor
            before = self.snapshot(partners)
            log = self.Log.browse(self.Log.merge_partners(survivor.id, others.ids))
            after = self.snapshot(partners)
            # nothing lost: the same rows, each on the survivor unless kept
            self.assertEqual(sorted(r[:3] for r in before), sorted(r[:3] for r in after))
            kept = [r for r in after if r[3] != survivor.id]
            self.assertEqual(len(kept), log.kept_count, after)
            for table, _row, _col, _partner in kept:
                self.assertIn(table, ("tag", "follower"), "only unique rows stay in place")
            self.assertFalse(others.exists().filtered("active"))
            self.assertEqual(others.mapped("merged_into_id"), survivor)
            self.assertTrue(survivor.active)
            log.action_unmerge()
            self.assertEqual(self.snapshot(partners), before)
            self.assertTrue(all(others.mapped("active")))
            self.assertFalse(others.mapped("merged_into_id"))
            self.assertEqual(log.state, "reverted")
        finally:
            self.env.cr.execute("ROLLBACK TO SAVEPOINT merge_example")
            compat.invalidate_all(self.Partner.env)

    # ------------------------------------------------------------ examples
    def test_merge_moves_rows_and_logs_them(self):
        spec = {"touchpoints": 2, "leads": 1, "messages": 1, "activities": 1, "tags": [0],
                "follows_lead": True, "contacts": 1}
        a, b, c = self.make_group([spec, spec, dict(spec, tags=[1])])
        (a | b).write({compat.PARTNER_IMAGE_FIELD: PIXEL})
        log = self.Log.browse(self.Log.merge_partners(a.id, [b.id, c.id]))
        calls = self.Touchpoint.search([("commercial_partner_id", "=", a.id),
                                        ("channel_id", "=", self.channel["phone"].id)])
        self.assertEqual(len(calls), 6)
        self.assertEqual(self.env["crm.lead"].search_count([("partner_id", "=", a.id)]), 3)
        self.assertEqual(a.category_id, self.tags[0] | self.tags[1])
        kept = log.line_ids.filtered(lambda ln: ln.kind == "kept")
        self.assertEqual(set(kept.mapped("table_name")),
                         {"res_partner_res_partner_category_rel", "mail_followers"})
        self.assertIn("crm_touchpoint", log.line_ids.mapped("table_name"))
        self.assertIn("mail_message", log.line_ids.mapped("table_name"))
        # said in the records' names, each row once (a touchpoint points at
        # the customer through two columns)
        self.assertIn("Customer Touchpoint (6)", log.summary)  # 4 calls, 2 leads
        self.assertIn("Lead/Opportunity (2)", log.summary)
        self.assertIn("Message (", log.summary)
        self.assertNotIn("crm_touchpoint", log.summary)
        line = log.line_ids.filtered(lambda ln: ln.table_name == "crm_touchpoint")[:1]
        self.assertEqual(line.record_type, "Customer Touchpoint")
        self.assertNotIn("_rel", log.summary)
        self.assertIn(line.field_label, ("Contact", "Customer"))
        self.assertEqual(len(a.child_ids), 3)
        # the records' own pictures (binary field attachments) stay with them
        images = self.env["ir.attachment"].search([
            ("res_model", "=", "res.partner"), ("res_id", "in", (a | b).ids),
            ("res_field", "=", compat.PARTNER_IMAGE_FIELD)])
        self.assertEqual(sorted(images.mapped("res_id")), sorted((a | b).ids))
        self.assertEqual(b.with_context(active_test=False).merge_log_id, log)

    def test_chosen_values_are_written_and_restored(self):
        a = self.Partner.create({"name": "Value Keeper", "email": "old@example.org"})
        b = self.Partner.create({"name": "Value Giver", "email": "new@example.org",
                                 "phone": "+32 2 555 99 99"})
        wizard = self.env["crm.partner.merge.wizard"].browse(
            self.env["crm.partner.merge.wizard"].action_open((a | b).ids)["res_id"])
        wizard.survivor_id = a
        wizard.line_ids = wizard._line_commands()
        email_line = wizard.line_ids.filtered(lambda ln: ln.field_name == "email")
        phone_line = wizard.line_ids.filtered(lambda ln: ln.field_name == "phone")
        self.assertEqual(phone_line.partner_id, b, "the survivor has no phone: take it")
        email_line.partner_id = b
        log = self.Log.browse(wizard.action_merge()["res_id"])
        self.assertEqual((a.email, a.phone), ("new@example.org", "+32 2 555 99 99"))
        log.action_unmerge()
        self.assertEqual((a.email, a.phone), ("old@example.org", False))

    def test_failure_midway_leaves_everything_as_before(self):
        spec = {"touchpoints": 2, "leads": 2, "messages": 1, "activities": 0, "tags": [],
                "follows_lead": False, "contacts": 0}
        a, b = self.make_group([spec, spec])
        before = self.snapshot(a | b)
        # crm_lead is moved before crm_touchpoint (tables in name order): a
        # trigger makes the touchpoint move fail after the leads moved
        self.env.cr.execute("""
            CREATE FUNCTION pg_temp.refuse_move() RETURNS trigger AS $$
            BEGIN RAISE EXCEPTION 'refused by test'; END $$ LANGUAGE plpgsql;
            CREATE TRIGGER test_refuse_move BEFORE UPDATE OF partner_id ON crm_touchpoint
               FOR EACH ROW EXECUTE PROCEDURE pg_temp.refuse_move();
        """)
        with self.assertRaises(UserError) as err, mute_logger("odoo.sql_db"):
            self.Log.merge_partners(a.id, [b.id])
        self.assertIn("crm_touchpoint", str(err.exception))
        self.env.cr.execute("DROP TRIGGER test_refuse_move ON crm_touchpoint")
        compat.invalidate_all(self.Partner.env)
        self.assertEqual(self.snapshot(a | b), before)
        self.assertTrue(b.active)
        self.assertFalse(b.merged_into_id)
        self.assertFalse(self.Log.search([("survivor_id", "=", a.id)]))

    def test_pair_marked_merged_and_reopened_by_unmerge(self):
        a = self.Partner.create({"name": "Pair One", "email": "pair@example.org"})
        b = self.Partner.create({"name": "Pair One", "email": "pair@example.org"})
        self.env["crm.partner.duplicate"].find_duplicates(partner_ids=[a.id, b.id])
        pair = self.env["crm.partner.duplicate"].search([("partner_a_id", "=", a.id),
                                                         ("partner_b_id", "=", b.id)])
        self.assertEqual(pair.action_merge()["res_model"], "crm.partner.merge.wizard")
        log = self.Log.browse(self.Log.merge_partners(a.id, [b.id]))
        self.assertEqual(pair.state, "merged")
        self.assertEqual(pair.merge_log_id, log)
        log.action_unmerge()
        self.assertEqual(pair.state, "review")

    def test_refusals(self):
        with self.assertRaises(UserError):
            self.Log.merge_partners(self.customer.id, [self.contact.id])
        with self.assertRaises(UserError):
            self.Log.merge_partners(self.customer.id, [self.salesman.partner_id.id])
        with self.assertRaises(AccessError):
            self.Log.with_user(self.salesman).merge_partners(self.customer.id, [self.person.id])
        with self.assertRaises(UserError):
            self.Log.merge_partners(self.customer.id, [self.person.id], {"active": False})
        log = self.Log.browse(self.Log.merge_partners(self.customer.id, [self.person.id]))
        with self.assertRaises(UserError):
            self.Log.merge_partners(self.customer.id, [self.person.id])
        log.action_unmerge()
        with self.assertRaises(UserError):
            log.action_unmerge()

    def test_merge_all_pairs_above_a_score_merges_groups(self):
        ps = [self.Partner.create({"name": "Group Member", "email": "group@example.org"})
              for _i in range(4)]
        self.env["crm.partner.duplicate"].find_duplicates(partner_ids=[p.id for p in ps])
        wizard = self.env["crm.partner.merge.auto.wizard"].create({"min_score": 0.9})
        self.assertEqual(wizard.group_count, 1)
        action = wizard.action_merge()
        log = self.Log.with_context(active_test=False).search(action["domain"])
        self.assertEqual(len(log), 1)
        self.assertEqual(len(log.merged_partner_ids), 3, "more than 3 partners at once")
