# Copyright 2026 crm_lifecycle contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Amounts in the company's currency, at the rate of the touchpoint's day,
whichever path writes the touchpoint (the ORM, ingest(), the capture)."""
from odoo.exceptions import ValidationError

from .. import compat
from .common import CrmLifecycleCase


class TestCompanyCurrency(CrmLifecycleCase):
    @classmethod
    def setUpClass(cls):
        super(TestCompanyCurrency, cls).setUpClass()
        cls.make_second_currency()

    def purchase(self, ref, day, amount, cost=None, currency=None):
        return self.Touchpoint.create({
            "partner_id": self.customer.id, "channel_id": self.channel["order"].id,
            "direction": "inbound", "kind": "purchase", "date": day + " 10:00:00",
            "amount": amount, "cost_amount": cost,
            "currency_id": (currency or self.foreign).id,
            "source_system": "shop", "external_ref": ref})

    def test_converted_at_the_rate_of_the_day(self):
        """100 foreign at 0.8 (2021) is 125.00, at 0.9 (2022) 111.11; the
        cost of goods likewise; the company's own currency is not
        converted; a new date converts again."""
        in_2021 = self.purchase("o1", "2021-06-01", 100.0, cost=40.0)
        in_2022 = self.purchase("o2", "2022-03-01", 100.0)
        at_home = self.purchase("o3", "2022-03-01", 100.0, currency=self.home)
        self.assertEqual((in_2021.company_amount, in_2021.company_cost_amount), (125.0, 50.0))
        self.assertEqual(in_2022.company_amount, 111.11)
        self.assertFalse(in_2022.company_cost_amount)
        self.assertEqual(at_home.company_amount, 100.0)
        in_2022.write({"date": "2021-12-31 23:00:00"})
        self.assertEqual(in_2022.company_amount, 125.0)
        in_2022.write({"amount": 9.0})
        self.assertEqual(in_2022.company_amount, 11.25)

    def test_ingest_converts_as_the_orm_does(self):
        """The same purchases through ingest() and through create: the same
        amounts in the company's currency."""
        by_orm = self.purchase("o1", "2021-06-01", 100.0, cost=40.0) | \
            self.purchase("o2", "2022-03-01", 33.33)
        res = self.Touchpoint.ingest([
            {"source_system": "callcentre", "external_ref": ref, "date": day,
             "channel": "order", "kind": "purchase", "amount": amount, "cost": cost,
             "currency": self.foreign.name, "partner_id": self.customer.id}
            for ref, day, amount, cost in (("i1", "2021-06-01 10:00", "100", "40"),
                                           ("i2", "2022-03-01 10:00", 33.33, None))])
        self.assertEqual([r["status"] for r in res], ["created"] * 2, res)
        by_ingest = self.Touchpoint.browse([r["id"] for r in res])
        self.assertEqual(by_ingest.mapped("company_amount"), by_orm.mapped("company_amount"))
        self.assertEqual(by_ingest.mapped("company_cost_amount"),
                         by_orm.mapped("company_cost_amount"))
        self.assertEqual(by_ingest.mapped("company_amount"), [125.0, 37.03])

    def test_ingest_refuses_an_amount_without_a_rate(self):
        """No rate of the currency on or before the day: a row error naming
        the currency and the day, nothing written."""
        rows = [{"source_system": "callcentre", "external_ref": ref, "date": day,
                 "channel": "order", "kind": "purchase", "amount": 10,
                 "currency": self.foreign.name, "partner_id": self.customer.id}
                for ref, day in (("ok", "2021-01-01 00:00"), ("early", "2020-12-31 23:59"))]
        res = self.Touchpoint.ingest(rows)
        self.assertEqual([r["status"] for r in res], ["error"] * 2)
        self.assertIn("row 2, field 'currency'", res[1]["error"])
        self.assertIn("No exchange rate of %s on or before 2020-12-31" % self.foreign.name,
                      res[1]["error"])
        self.assertNotIn("exchange rate", res[0]["error"])
        self.assertFalse(self.Touchpoint.search([("source_system", "=", "callcentre")]))
        # a contact without an amount needs no rate
        res = self.Touchpoint.ingest([dict(rows[1], kind="contact", amount=None)])
        self.assertEqual(res[0]["status"], "created", res)

    def test_the_orm_refuses_an_amount_without_a_rate(self):
        with self.assertRaisesRegex(ValidationError, "No exchange rate of %s on or before "
                                    "2020-06-01" % self.foreign.name):
            with self.env.cr.savepoint():
                self.purchase("early", "2020-06-01", 10.0)
        kept = self.purchase("later", "2021-06-01", 10.0)
        with self.assertRaisesRegex(ValidationError, "No exchange rate"):
            with self.env.cr.savepoint():
                kept.write({"date": "2020-06-01 10:00:00"})
        self.assertEqual(kept.company_amount, 12.5)

    def test_a_rate_of_the_company_comes_first(self):
        """Odoo's rule: a rate of the company wins over a rate of all
        companies."""
        self.env["res.currency.rate"].create({
            "currency_id": self.foreign.id, "name": "2021-03-01", "rate": 0.5,
            "company_id": self.env.user.company_id.id})
        self.assertEqual(self.purchase("o1", "2022-06-01", 10.0).company_amount, 20.0)

    def test_rows_written_before_the_columns_are_converted_on_update(self):
        """A database updated to this version: init() converts the rows
        whose amounts in the company's currency are still empty."""
        old = self.purchase("old", "2021-06-01", 100.0, cost=40.0)
        self.env.cr.execute("UPDATE crm_touchpoint SET company_amount = NULL, "
                            "company_cost_amount = NULL WHERE id = %s", (old.id,))
        compat.invalidate_all(self.env)
        self.assertFalse(old.company_amount)
        self.Touchpoint.init()
        compat.invalidate_all(self.env)
        self.assertEqual((old.company_amount, old.company_cost_amount), (125.0, 50.0))
