# Copyright 2026 crm_lifecycle contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo.exceptions import AccessError

from .common import CrmLifecycleCase


class TestTouchpointSecurity(CrmLifecycleCase):
    def test_other_company_sees_nothing(self):
        other = self.env["res.company"].create({"name": "Other Co"})
        user_b = self.env["res.users"].with_context(no_reset_password=True).create({
            "name": "B", "login": "lifecycle_b", "company_id": other.id,
            "company_ids": [(6, 0, [other.id])],
            "groups_id": [(6, 0, [self.env.ref("sales_team.group_sale_manager").id])]})
        tp = self.Touchpoint.create({"partner_id": self.person.id,
                                     "channel_id": self.channel["phone"].id})
        self.assertEqual(tp.company_id, self.env.user.company_id)
        self.assertFalse(self.Touchpoint.with_user(user_b).search([("id", "=", tp.id)]))
        mine = self.Touchpoint.with_user(user_b).create({"partner_id": self.person.id,
                                                         "channel_id": self.channel["phone"].id})
        self.assertEqual(mine.company_id, other)
        self.assertFalse(self.Touchpoint.with_user(self.salesman).search([("id", "=", mine.id)]))

    def test_portal_and_public_get_nothing(self):
        portal = self.env["res.users"].with_context(no_reset_password=True).create({
            "name": "Portal", "login": "lifecycle_portal",
            "groups_id": [(6, 0, [self.env.ref("base.group_portal").id])]})
        self.Touchpoint.create({"partner_id": portal.partner_id.id,
                                "channel_id": self.channel["web"].id})
        with self.assertRaises(AccessError):
            self.Touchpoint.with_user(portal).search([])
        with self.assertRaises(AccessError):
            self.Touchpoint.with_user(self.env.ref("base.public_user")).search([])
        with self.assertRaises(AccessError):
            self.Touchpoint.with_user(portal).ingest([])

    def test_salesman_changes_only_own(self):
        theirs = self.Touchpoint.create({"partner_id": self.person.id,
                                         "channel_id": self.channel["phone"].id,
                                         "user_id": self.sales_manager.id})
        own = self.Touchpoint.with_user(self.salesman).create(
            {"partner_id": self.person.id, "channel_id": self.channel["phone"].id})
        own.write({"subject": "mine"})
        self.assertEqual(theirs.with_user(self.salesman).subject, theirs.subject)  # can read
        with self.assertRaises(AccessError):
            theirs.with_user(self.salesman).write({"subject": "not mine"})
        theirs.with_user(self.sales_manager).write({"subject": "manager can"})
        with self.assertRaises(AccessError):
            own.with_user(self.salesman).unlink()
