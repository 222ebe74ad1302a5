# Copyright 2026 crm_lifecycle contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo.exceptions import AccessError

from .common import CrmLifecycleCase


class TestSecurity(CrmLifecycleCase):
    def test_sales_groups_imply_lifecycle_groups(self):
        self.assertTrue(self.salesman.has_group("crm_lifecycle.crm_lifecycle_group_user"))
        self.assertFalse(self.salesman.has_group("crm_lifecycle.crm_lifecycle_group_manager"))
        self.assertTrue(
            self.sales_manager.has_group("crm_lifecycle.crm_lifecycle_group_manager"))
        self.assertTrue(self.sales_manager.has_group("crm_lifecycle.crm_lifecycle_group_user"))
        self.assertFalse(self.employee.has_group("crm_lifecycle.crm_lifecycle_group_user"))

    def test_channel_access(self):
        Channel = self.env["crm.touchpoint.channel"]
        phone = self.env.ref("crm_lifecycle.crm_touchpoint_channel_phone")
        # every employee reads channels (touchpoints are captured for all)
        self.assertEqual(phone.with_user(self.employee).name, phone.name)
        with self.assertRaises(AccessError):
            phone.with_user(self.salesman).write({"unit_cost": 1.0})
        with self.assertRaises(AccessError):
            Channel.with_user(self.salesman).create({"name": "Kiosk", "code": "kiosk"})
        kiosk = Channel.with_user(self.sales_manager).create({"name": "Kiosk", "code": "kiosk"})
        kiosk.with_user(self.sales_manager).write({"unit_cost": 3.5})
        self.assertEqual(kiosk.unit_cost, 3.5)

    def test_menu_visibility(self):
        root = self.env.ref("crm_lifecycle.crm_lifecycle_menu_root")
        config = self.env.ref("crm_lifecycle.crm_lifecycle_menu_config")
        Menu = self.env["ir.ui.menu"]
        salesman_menus = Menu.with_user(self.salesman).search([("id", "in", [root.id, config.id])])
        self.assertEqual(salesman_menus, root)
        manager_menus = Menu.with_user(self.sales_manager).search(
            [("id", "in", [root.id, config.id])])
        self.assertEqual(manager_menus, root | config)
        self.assertFalse(Menu.with_user(self.employee).search([("id", "=", root.id)]))

    def test_a_salesperson_opens_the_partner_buttons(self):
        """The partner form's buttons return their window actions to a
        plain salesperson (18 lets only administrators read actions)."""
        partner = self.customer.with_user(self.salesman)
        for method in ("action_view_touchpoints", "action_view_campaigns",
                       "action_log_touchpoint"):
            action = getattr(partner, method)()
            self.assertEqual(action["type"], "ir.actions.act_window", method)
            self.assertTrue(action["res_model"], method)
