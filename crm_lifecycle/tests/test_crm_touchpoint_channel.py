# Copyright 2026 crm_lifecycle contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from psycopg2 import IntegrityError

from odoo.exceptions import ValidationError
from odoo.tools import mute_logger

from .common import CrmLifecycleCase

REQUIRED_CODES = {
    "email", "phone", "meeting", "visit", "fax", "sms", "letter", "web", "chat",
    "order", "complaint", "support", "survey",
}


class TestCrmTouchpointChannel(CrmLifecycleCase):
    def test_data_has_every_channel(self):
        Channel = self.env["crm.touchpoint.channel"]
        codes = set(Channel.search([]).mapped("code"))
        self.assertLessEqual(REQUIRED_CODES, codes)
        phone = self.env.ref("crm_lifecycle.crm_touchpoint_channel_phone")
        self.assertEqual(phone.code, "phone")
        self.assertGreater(phone.unit_cost, 0)
        self.assertEqual(phone.currency_id, self.env.user.company_id.currency_id)

    def test_code_unique(self):
        with self.assertRaises(IntegrityError), mute_logger("odoo.sql_db"):
            self.env["crm.touchpoint.channel"].create({"name": "Phone again", "code": "phone"})

    def test_code_format(self):
        for bad in ("Phone", "2way", "web form", "e-mail", ""):
            with self.assertRaises(ValidationError, msg=bad):
                self.env["crm.touchpoint.channel"].create({"name": "Bad", "code": bad or " "})
        ok = self.env["crm.touchpoint.channel"].create({"name": "Kiosk", "code": "kiosk_2"})
        self.assertEqual(ok.code, "kiosk_2")

    def test_get_by_code_finds_archived(self):
        Channel = self.env["crm.touchpoint.channel"]
        fax = Channel._get_by_code("fax")
        self.assertTrue(fax)
        fax.active = False
        self.assertEqual(Channel._get_by_code("fax"), fax)
        self.assertFalse(Channel._get_by_code("pigeon"))
