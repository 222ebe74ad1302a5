# Copyright 2026 crm_lifecycle contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The channel-shift what-if (issue 20, item 3) against hand-computed
figures: the cheapest channel each customer's consent and contact details
allow, the profit if their outbound contacts went that way, and the one-click
segment of the customers worth shifting."""
import datetime

from odoo.addons.crm_lifecycle.tests.common import CUSTOMER, CrmLifecycleCase, noon_before


class TestChannelShift(CrmLifecycleCase):
    @classmethod
    def setUpClass(cls):
        super(TestChannelShift, cls).setUpClass()
        Partner = cls.env["res.partner"]
        cls.company = cls.env.user.company_id
        cls.a = Partner.create({"name": "Shift Email", **CUSTOMER, "email": "a@shift.example"})
        cls.b = Partner.create({"name": "Shift Sms", **CUSTOMER, "email": "b@shift.example",
                                "mobile": "+32 470 99 88 77"})
        cls.c = Partner.create({"name": "Shift Nowhere", **CUSTOMER,
                                "email": "c@shift.example"})
        cls.d = Partner.create({"name": "Shift Inbound", **CUSTOMER})
        Consent = cls.env["crm.partner.consent"]
        Consent.create({"partner_id": cls.b.id, "channel_id": cls.channel["sms"].id,
                        "status": "granted", "source": "web form"})
        Consent.create({"partner_id": cls.c.id, "channel_id": cls.channel["email"].id,
                        "status": "refused", "source": "phone call"})
        today = datetime.date.today()
        for partner, calls in ((cls.a, 3), (cls.b, 2), (cls.c, 2)):
            for k in range(calls):
                cls.Touchpoint.create({
                    "partner_id": partner.id, "channel_id": cls.channel["phone"].id,
                    "direction": "outbound", "kind": "contact",
                    "date": noon_before(today, 5 + k)})
        cls.Touchpoint.create({
            "partner_id": cls.d.id, "channel_id": cls.channel["phone"].id,
            "direction": "inbound", "kind": "contact", "date": noon_before(today, 2)})
        cls.Metrics = cls.env["crm.customer.metrics"]
        cls.Metrics.compute_metrics(company_ids=cls.company.ids)
        cls.unit = {code: cls.channel[code].unit_cost for code in ("phone", "email", "sms")}

    def row(self, partner):
        return self.Metrics.search([("partner_id", "=", partner.id),
                                    ("company_id", "=", self.company.id)])

    def test_the_cheapest_channel_the_customer_allows(self):
        a = self.row(self.a)
        self.assertEqual((a.outbound_count, a.outbound_cost), (3, 3 * self.unit["phone"]))
        # no consent for SMS (opt-in): the email
        self.assertEqual(a.shift_channel_id, self.channel["email"])
        gain = 3 * self.unit["phone"] - 3 * self.unit["email"]
        self.assertAlmostEqual(a.shift_gain, gain)
        self.assertAlmostEqual(a.shift_profit, a.profit + gain)
        self.assertEqual(a.shift_reachable, 100.0)
        # consent for SMS and a mobile: SMS, the cheapest
        b = self.row(self.b)
        self.assertEqual(b.shift_channel_id, self.channel["sms"])
        self.assertAlmostEqual(b.shift_gain, 2 * self.unit["phone"] - 2 * self.unit["sms"])

    def test_no_channel_left(self):
        """Email refused, no phone, mobile or address: nothing cheaper is
        allowed; the profit stays as it is."""
        c = self.row(self.c)
        self.assertFalse(c.shift_channel_id)
        self.assertEqual((c.shift_gain, c.shift_profit, c.shift_reachable), (0.0, c.profit, 0.0))
        # no outbound contact: not counted in the share reachable
        d = self.row(self.d)
        self.assertEqual(d.outbound_count, 0)
        self.env.cr.execute("SELECT shift_reachable FROM crm_customer_metrics WHERE id = %s",
                            (d.id,))
        self.assertIsNone(self.env.cr.fetchone()[0])

    def test_one_click_segment_of_those_worth_shifting(self):
        action = self.Metrics.action_segment_worth_shifting()
        segment = self.env["crm.segment"].browse(action["res_id"])
        self.assertTrue(segment.lifecycle_worth_shifting)
        members = segment.member_ids.mapped("partner_id")
        # a and b lose money (calls, no purchase) and would cost less
        self.assertEqual(members & (self.a | self.b | self.c | self.d), self.a | self.b)
