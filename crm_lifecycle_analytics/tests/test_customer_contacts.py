# Copyright 2026 crm_lifecycle contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Contacts and preferred channel count real contacts only (issue 18, item
9): a purchase is no inbound contact and the order channel no way the
customer contacts the company; a campaign send (a mailing to everyone) is
no contact either. Hand-computed on three customers of their own company."""
import datetime

from odoo.addons.crm_lifecycle.tests.common import CUSTOMER, CrmLifecycleCase, noon_before

AS_OF = datetime.date(2026, 6, 30)


def day(offset):
    return noon_before(AS_OF, offset)


class TestCustomerContacts(CrmLifecycleCase):
    @classmethod
    def setUpClass(cls):
        super(TestCustomerContacts, cls).setUpClass()
        cls.company = cls.env["res.company"].create({"name": "Lifecycle Contacts Co"})
        Partner = cls.env["res.partner"]
        cls.c = {n: Partner.create({"name": "Contacts %s" % n, **CUSTOMER,
                                    "company_id": False})
                 for n in ("Mixed", "Buyer", "Mailed")}

        # Mixed: four web orders, two calls and an email in, an email out
        for offset in (40, 30, 20, 10):
            cls.tp("Mixed", offset, "order", "inbound", "purchase", 50.0)
        cls.tp("Mixed", 25, "phone", "inbound")
        cls.tp("Mixed", 15, "phone", "inbound")
        cls.tp("Mixed", 12, "email", "inbound")
        cls.tp("Mixed", 8, "email", "outbound")
        # Buyer: only orders
        for offset in (60, 35, 5):
            cls.tp("Buyer", offset, "order", "inbound", "purchase", 80.0)
        cls.compute()

    @classmethod
    def tp(cls, name, offset, channel, direction, kind="contact", amount=None):
        cls.Touchpoint.create({
            "partner_id": cls.c[name].id, "date": day(offset), "kind": kind,
            "channel_id": cls.channel[channel].id, "direction": direction,
            "amount": amount, "company_id": cls.company.id})

    @classmethod
    def compute(cls):
        cls.env["crm.customer.metrics"].compute_metrics(company_ids=cls.company.ids,
                                                        as_of=AS_OF)

    def row(self, name):
        return self.env["crm.customer.metrics"].search(
            [("partner_id", "=", self.c[name].id), ("company_id", "=", self.company.id)])

    def test_purchases_are_no_contacts(self):
        mixed = self.row("Mixed")
        # calls and emails: 3 in, 1 out; not the 4 orders
        self.assertEqual((mixed.contact_count, mixed.inbound_count), (4, 3))
        self.assertEqual(str(mixed.last_contact), day(8))
        self.assertEqual(mixed.purchase_count, 4)

    def test_campaign_sends_are_no_contacts_but_cost(self):
        # the latest thing that reached Mixed is the spring catalogue; Mailed
        # only ever got a campaign's letter
        self.tp("Mixed", 2, "letter", "outbound", "campaign")
        self.tp("Mailed", 3, "letter", "outbound", "campaign")
        self.compute()
        mixed = self.row("Mixed")
        self.assertEqual((mixed.contact_count, mixed.inbound_count), (4, 3))
        self.assertEqual(str(mixed.last_contact), day(8), "the catalogue is no contact")
        self.assertEqual(mixed.preferred_channel_id, self.channel["phone"])
        # every touchpoint still costs to serve
        unit = {code: self.channel[code].unit_cost
                for code in ("order", "phone", "email", "letter")}
        self.assertAlmostEqual(mixed.cost_to_serve, 4 * unit["order"] + 2 * unit["phone"]
                               + 2 * unit["email"] + unit["letter"])
        mailed = self.row("Mailed")
        self.assertTrue(mailed, "the letter's cost makes a row")
        self.assertEqual((mailed.contact_count, mailed.inbound_count), (0, 0))
        self.assertFalse(mailed.preferred_channel_id)
        self.assertFalse(mailed.last_contact)
        self.assertAlmostEqual(mailed.cost_to_serve, unit["letter"])

    def test_preferred_channel_is_the_one_used_most_to_contact_us(self):
        # 4 orders, 2 calls, 1 email in: the phone, not the order
        self.assertEqual(self.row("Mixed").preferred_channel_id, self.channel["phone"])

    def test_a_customer_who_only_buys_has_no_preferred_channel(self):
        buyer = self.row("Buyer")
        self.assertEqual(buyer.purchase_count, 3)
        self.assertEqual((buyer.contact_count, buyer.inbound_count), (0, 0))
        self.assertFalse(buyer.preferred_channel_id)
        self.assertFalse(buyer.last_contact)
