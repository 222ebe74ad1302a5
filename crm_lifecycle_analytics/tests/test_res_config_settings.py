# Copyright 2026 crm_lifecycle contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo.exceptions import ValidationError

from odoo.addons.crm_lifecycle.tests.common import CrmLifecycleCase


class TestAnalyticsSettings(CrmLifecycleCase):
    def test_defaults(self):
        params = self.env["ir.config_parameter"].sudo()
        params.search([("key", "like", "crm_lifecycle_analytics.")]).unlink()
        settings = self.env["res.config.settings"].create({})
        self.assertEqual(settings.lifecycle_clv_months, 12)
        self.assertAlmostEqual(settings.lifecycle_monthly_discount, 0.01)
        self.assertAlmostEqual(settings.lifecycle_lapse_threshold, 0.5)
        # the base module's settings are still there
        self.assertTrue(settings.lifecycle_capture_mail)

    def test_typed_round_trip(self):
        self.env["res.config.settings"].create({
            "lifecycle_clv_months": 24,
            "lifecycle_monthly_discount": 0.015,
            "lifecycle_lapse_threshold": 0.3,
        }).execute()
        Settings = self.env["res.config.settings"]
        self.assertEqual(Settings._lifecycle_read_param("lifecycle_clv_months"), 24)
        self.assertAlmostEqual(
            Settings._lifecycle_read_param("lifecycle_monthly_discount"), 0.015)
        again = Settings.create({})
        self.assertAlmostEqual(again.lifecycle_lapse_threshold, 0.3)

    def test_out_of_range_values_rejected(self):
        Settings = self.env["res.config.settings"]
        for vals in ({"lifecycle_clv_months": 0}, {"lifecycle_clv_months": 121},
                     {"lifecycle_monthly_discount": 1.0},
                     {"lifecycle_monthly_discount": -0.1},
                     {"lifecycle_lapse_threshold": 0.0},
                     {"lifecycle_lapse_threshold": 1.0}):
            with self.assertRaises(ValidationError, msg=str(vals)):
                Settings.create(dict({"lifecycle_clv_months": 12,
                                      "lifecycle_monthly_discount": 0.01,
                                      "lifecycle_lapse_threshold": 0.5}, **vals))
