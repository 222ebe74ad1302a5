# Copyright 2026 crm_lifecycle contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The Overview's tiles count what the user may see, open those records,
and a tile meant for managers is not shown to a salesperson."""
from odoo.exceptions import AccessError

from .common import CUSTOMER, CrmLifecycleCase


class TestOverview(CrmLifecycleCase):
    def tile(self, name, user):
        return self.env.ref("crm_lifecycle.crm_lifecycle_tile_%s" % name).with_user(user)

    def test_counts_follow_the_users_rights(self):
        Partner = self.env["res.partner"]
        mine = Partner.create({"name": "Overview Own", **CUSTOMER,
                               "user_id": self.salesman.id})
        call = self.env.ref("mail.mail_activity_data_call")
        for partner, user, deadline in ((mine, self.salesman, "2020-01-01"),
                                        (mine, self.sales_manager, "2020-01-01"),
                                        (Partner.create({"name": "Overview Later"}),
                                         self.salesman, "2999-01-01")):
            self.env["mail.activity"].create({
                "res_model_id": self.env.ref("base.model_res_partner").id,
                "res_id": partner.id, "activity_type_id": call.id,
                "date_deadline": deadline, "user_id": user.id})
        # the salesperson's own activities due (not the later one, not the
        # manager's)
        due = self.tile("activities", self.salesman)
        self.assertEqual(due.value, 1)
        action = due.action_open()
        self.assertEqual(Partner.with_user(self.salesman).search(action["domain"]), mine)
        self.assertEqual(action["name"], due.name)
        # complaints: counted as the user, whose touchpoint rules apply
        self.Touchpoint.create({"partner_id": mine.id, "kind": "complaint",
                                "channel_id": self.channel["phone"].id})
        everyone = self.tile("complaints", self.sales_manager).value
        self.assertGreaterEqual(everyone, 1)
        self.assertEqual(self.tile("complaints", self.sales_manager).value,
                         self.Touchpoint.with_user(self.sales_manager).search_count(
                             [("kind", "=", "complaint"), ("resolved_date", "=", False)]))

    def test_manager_tiles_are_not_shown_to_salespeople(self):
        Tile = self.env["crm.lifecycle.tile"]
        shown = Tile.with_user(self.salesman).search([]).mapped("name")
        self.assertIn("My Activities Due", shown)
        self.assertNotIn("Duplicates to Review", shown)
        self.assertIn("Duplicates to Review", Tile.with_user(self.sales_manager).search([])
                      .mapped("name"))
        with self.assertRaises(AccessError):
            Tile.with_user(self.salesman).search([], limit=1).write({"domain": "[]"})
