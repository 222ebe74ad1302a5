# Copyright 2026 crm_lifecycle contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""A call-centre agent finds a caller by the number on their screen, in
whatever format the switchboard shows it."""
from .common import CrmLifecycleCase

FORMATS = ("+32 2 555 12 34", "+3225551234", "0032 2 555 12 34", "+32 (0)2 555-12-34")


class TestPhoneSearch(CrmLifecycleCase):
    def test_customers_by_phone_in_any_format(self):
        Partner = self.env["res.partner"]
        for typed in FORMATS:
            found = Partner.search([("lifecycle_phone_search", "=", typed)])
            self.assertEqual(found, self.customer, typed)
        # the mobile of a contact, and the box's default field
        self.assertEqual(Partner.search([("lifecycle_phone_search", "=", "+32 470 12 34 56")]),
                         self.contact)
        self.assertFalse(Partner.search([("lifecycle_phone_search", "=", "+32 2 555 99 99")]))
        self.assertNotIn(self.customer, Partner.search(
            [("lifecycle_phone_search", "!=", "+32 2 555 12 34")]))

    def test_touchpoints_of_a_caller(self):
        tp = self.Touchpoint.create({"partner_id": self.contact.id,
                                     "channel_id": self.channel["phone"].id})
        other = self.Touchpoint.create({"partner_id": self.person.id,
                                        "channel_id": self.channel["phone"].id})
        found = self.Touchpoint.search([("phone_search", "=", "0032 470 123 456")])
        self.assertIn(tp, found)
        self.assertNotIn(other, found)
        # the company's number finds its contacts' touchpoints too
        self.assertIn(tp, self.Touchpoint.search([("phone_search", "=", "+32 2 555 12 34")]))
