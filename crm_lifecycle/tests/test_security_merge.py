# Copyright 2026 crm_lifecycle contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Merges and unmerges: nothing a user writes drives the privileged SQL of
the merge engine, and a manager only merges what the ORM lets them change."""
import json

from odoo.exceptions import AccessError, UserError
from odoo.tools import mute_logger

from .common import CUSTOMER, CrmLifecycleCase


class TestMergeSecurity(CrmLifecycleCase):
    @classmethod
    def setUpClass(cls):
        super(TestMergeSecurity, cls).setUpClass()
        cls.Log = cls.env["crm.partner.merge.log"]
        cls.Partner = cls.env["res.partner"]
        cls.make_other_company()
        cls.twin = cls.Partner.create({"name": "Linus Private", **CUSTOMER,
                                       "email": "linus@example.org"})
        cls.system = cls.env.ref("base.group_system")
        # a row the merge moves, so that every log has a line
        cls.env["crm.touchpoint"].create({"partner_id": cls.twin.id,
                                          "channel_id": cls.channel["phone"].id})

    def test_logs_are_not_writable_through_the_orm(self):
        manager_log = self.Log.with_user(self.sales_manager)
        with self.assertRaises(AccessError), mute_logger("odoo.models"):
            manager_log.create({"survivor_id": self.sales_manager.partner_id.id})
        log = self.Log.browse(self.Log.merge_partners(self.person.id, [self.twin.id]))
        with self.assertRaises(AccessError), mute_logger("odoo.models"):
            log.with_user(self.sales_manager).write({"old_values": "{}"})
        with self.assertRaises(AccessError), mute_logger("odoo.models"):
            self.env["crm.partner.merge.log.line"].with_user(self.sales_manager).create({
                "log_id": log.id, "table_name": "res_groups_users_rel", "column_name": "gid",
                "other_column": "uid", "kind": "relation", "old_partner_id": self.twin.id,
                "row_ids": "[1]"})
        self.assertTrue(log.line_ids)
        with self.assertRaises(AccessError), mute_logger("odoo.models"):
            log.line_ids[:1].with_user(self.sales_manager).write({"table_name": "res_users"})
        # a manager reads logs and unmerges through the engine
        self.assertEqual(log.with_user(self.sales_manager).survivor_id, self.person)
        log.with_user(self.sales_manager).action_unmerge()
        self.assertEqual(log.state, "reverted")
        self.assertEqual(log.reverted_uid, self.sales_manager)

    def test_forged_previous_values_do_not_reach_the_users(self):
        """The finding: old_values adding a group to the manager's user."""
        log = self.Log.browse(self.Log.merge_partners(self.sales_manager.partner_id.id,
                                                      [self.twin.id]))
        # a log changed behind the ORM's back (the ACL no longer allows it)
        log.sudo().write({"old_values": json.dumps({"user_ids": [
            [1, self.sales_manager.id, {"groups_id": [[4, self.system.id]]}]]})})
        with self.assertRaisesRegex(UserError, "user_ids"):
            log.with_user(self.sales_manager).action_unmerge()
        self.assertFalse(self.sales_manager.has_group("base.group_system"))
        self.assertEqual(log.state, "merged")
        self.assertFalse(self.twin.active)
        # a value of the wrong type for an offered field
        log.sudo().write({"old_values": json.dumps({"user_id": [4, 1]})})
        with self.assertRaisesRegex(UserError, "user_id"):
            log.with_user(self.sales_manager).action_unmerge()

    def test_forged_lines_never_run(self):
        """The finding: a line naming res_groups_users_rel."""
        log = self.Log.browse(self.Log.merge_partners(self.person.id, [self.twin.id]))
        admin_groups = self.env.ref("base.user_root").groups_id
        forged = self.env["crm.partner.merge.log.line"].sudo().create({
            "log_id": log.id, "table_name": "res_groups_users_rel", "column_name": "gid",
            "other_column": "uid", "kind": "relation", "old_partner_id": self.twin.id,
            "row_ids": json.dumps([self.sales_manager.id])})
        self.env.cr.execute("SELECT gid FROM res_groups_users_rel WHERE uid = %s",
                            (self.sales_manager.id,))
        before = sorted(r[0] for r in self.env.cr.fetchall())
        with self.assertRaisesRegex(UserError, "not one the merge engine writes"):
            log.with_user(self.sales_manager).action_unmerge()
        self.env.cr.execute("SELECT gid FROM res_groups_users_rel WHERE uid = %s",
                            (self.sales_manager.id,))
        self.assertEqual(sorted(r[0] for r in self.env.cr.fetchall()), before)
        self.assertEqual(self.env.ref("base.user_root").groups_id, admin_groups)
        self.assertEqual(log.state, "merged")
        # a real table and column, but rows that are not ids
        forged.unlink()
        line = log.line_ids.filtered(lambda ln: ln.table_name == "crm_touchpoint")
        self.assertTrue(line)
        line.sudo().write({"row_ids": '["1 OR 1=1"]'})
        with self.assertRaises(UserError):
            log.with_user(self.sales_manager).action_unmerge()
        line.sudo().write({"row_ids": "[]"})
        # a line for a record that was not merged by this log
        self.env["crm.partner.merge.log.line"].sudo().create({
            "log_id": log.id, "table_name": "crm_touchpoint", "column_name": "partner_id",
            "kind": "column", "old_partner_id": self.customer.id, "row_ids": "[]"})
        with self.assertRaises(UserError):
            log.with_user(self.sales_manager).action_unmerge()

    def test_manager_of_another_company_cannot_merge_or_unmerge(self):
        a1 = self.Partner.create({"name": "Company A twin", "company_id": self.env.user
                                  .company_id.id, "email": "twin-a@example.org"})
        a2 = self.Partner.create({"name": "Company A twin", "company_id": self.env.user
                                  .company_id.id, "email": "twin-a@example.org"})
        with self.assertRaises(AccessError), mute_logger("odoo.models"):
            self.Log.with_user(self.manager_b).merge_partners(a1.id, [a2.id])
        self.assertTrue(a2.active)
        self.assertFalse(a2.merged_into_id)
        log = self.Log.browse(self.Log.merge_partners(a1.id, [a2.id]))
        with self.assertRaises(AccessError), mute_logger("odoo.models"):
            log.with_user(self.manager_b).action_unmerge()
        self.assertEqual(log.state, "merged")
        # the same manager merges in their own company
        b2 = self.Partner.create({"name": "Bea Customer B", "company_id": self.company_b.id})
        log_b = self.Log.with_user(self.manager_b).merge_partners(self.customer_b.id, [b2.id])
        self.assertTrue(log_b)
        self.assertEqual(b2.merged_into_id, self.customer_b)
