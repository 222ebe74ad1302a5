# Copyright 2026 crm_lifecycle contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import datetime

from odoo import fields
from odoo.tests.common import SavepointCase  # port>=15: TransactionCase


def noon_before(date, days):
    """The datetime (as Odoo writes it) at noon `days` days before `date`."""
    return fields.Datetime.to_string(datetime.datetime.combine(
        date - datetime.timedelta(days=days), datetime.time(12)))


class CrmLifecycleCase(SavepointCase):
    """Base class of the suite's tests: fixtures are built here, not read
    from demo data."""

    @classmethod
    def setUpClass(cls):
        super(CrmLifecycleCase, cls).setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=True))
        Users = cls.env["res.users"].with_context(no_reset_password=True)
        cls.salesman = Users.create({
            "name": "Test Salesman", "login": "test_lifecycle_salesman",
            "email": "salesman@example.com",
            "groups_id": [(6, 0, [cls.env.ref("sales_team.group_sale_salesman").id])],
        })
        cls.sales_manager = Users.create({
            "name": "Test Sales Manager", "login": "test_lifecycle_sales_manager",
            "email": "manager@example.com",
            "groups_id": [(6, 0, [cls.env.ref("sales_team.group_sale_manager").id])],
        })
        cls.customer = cls.env["res.partner"].create({
            "name": "Ada Customer Ltd", "is_company": True, "customer": True,
            "email": "hello@ada-customer.example", "ref": "ADA-1", "vat": "BE0477472701",
            "phone": "+32 2 555 12 34", "country_id": cls.env.ref("base.be").id,
        })
        cls.contact = cls.env["res.partner"].create({
            "name": "Grace Contact", "parent_id": cls.customer.id, "customer": True,
            "email": "grace@ada-customer.example", "mobile": "0470 12 34 56",
            "country_id": cls.env.ref("base.be").id,
        })
        cls.person = cls.env["res.partner"].create({
            "name": "Linus Private", "customer": True, "email": "linus@example.org",
        })
        cls.Touchpoint = cls.env["crm.touchpoint"]
        cls.channel = {c.code: c for c in cls.env["crm.touchpoint.channel"].search([])}
        cls.employee = Users.create({
            "name": "Test Employee", "login": "test_lifecycle_employee",
            "email": "employee@example.com",
            "groups_id": [(6, 0, [cls.env.ref("base.group_user").id])],
        })

    def touchpoints(self, partner, **filters):
        domain = [("commercial_partner_id", "=", partner.commercial_partner_id.id)]
        domain += [(k, "=", v) for k, v in filters.items()]
        return self.Touchpoint.search(domain)
