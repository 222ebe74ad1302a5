# Copyright 2026 crm_lifecycle contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from .common import CrmLifecycleCase


class TestResConfigSettings(CrmLifecycleCase):
    def test_defaults_without_parameters(self):
        params = self.env["ir.config_parameter"].sudo()
        params.search([("key", "like", "crm_lifecycle.capture_")]).unlink()
        settings = self.env["res.config.settings"].create({})
        self.assertTrue(settings.lifecycle_capture_mail)
        self.assertTrue(settings.lifecycle_capture_activities)
        self.assertTrue(settings.lifecycle_capture_meetings)

    def test_saved_values_are_read_back(self):
        settings = self.env["res.config.settings"].create({
            "lifecycle_capture_mail": False,
            "lifecycle_capture_meetings": True,
        })
        settings.execute()
        params = self.env["ir.config_parameter"].sudo()
        self.assertEqual(params.get_param("crm_lifecycle.capture_mail"), "False")
        self.assertEqual(params.get_param("crm_lifecycle.capture_meetings"), "True")
        again = self.env["res.config.settings"].create({})
        self.assertFalse(again.lifecycle_capture_mail)
        self.assertTrue(again.lifecycle_capture_meetings)
        Settings = self.env["res.config.settings"]
        self.assertIs(Settings._lifecycle_read_param("lifecycle_capture_mail"), False)
