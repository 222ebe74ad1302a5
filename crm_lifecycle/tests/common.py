# Copyright 2026 crm_lifecycle contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import datetime

from psycopg2 import sql

from odoo import fields

from .. import compat

compat.install_test_shims()
SavepointCase = compat.savepoint_case()
# the values that make a new partner a customer (11: a flag, 13+: a rank)
CUSTOMER = compat.customer_vals()


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
            "name": "Ada Customer Ltd", "is_company": True, **CUSTOMER,
            "email": "hello@ada-customer.example", "ref": "ADA-1", "vat": "BE0477472701",
            "phone": "+32 2 555 12 34", "country_id": cls.env.ref("base.be").id,
        })
        cls.contact = cls.env["res.partner"].create({
            "name": "Grace Contact", "parent_id": cls.customer.id, **CUSTOMER,
            "email": "grace@ada-customer.example", "mobile": "0470 12 34 56",
            "country_id": cls.env.ref("base.be").id,
        })
        cls.person = cls.env["res.partner"].create({
            "name": "Linus Private", **CUSTOMER, "email": "linus@example.org",
        })
        cls.Touchpoint = cls.env["crm.touchpoint"]
        cls.channel = {c.code: c for c in cls.env["crm.touchpoint.channel"].search([])}
        cls.employee = Users.create({
            "name": "Test Employee", "login": "test_lifecycle_employee",
            "email": "employee@example.com",
            "groups_id": [(6, 0, [cls.env.ref("base.group_user").id])],
        })

    @classmethod
    def make_second_currency(cls):
        """A second currency (cls.foreign) with two rates over time, the
        company's own (cls.home) at the base rate: 1 home buys 0.8 foreign
        from 2021 and 0.9 from 2022, none before 2021. Other rates of the
        two are removed (demo data has some)."""
        cls.home = cls.env.user.company_id.currency_id
        cls.foreign = cls.env.ref("base.EUR" if cls.home != cls.env.ref("base.EUR")
                                  else "base.USD")
        cls.foreign.active = True
        Rate = cls.env["res.currency.rate"]
        Rate.search([("currency_id", "in", (cls.home | cls.foreign).ids)]).unlink()
        for currency, day, rate in ((cls.home, "2000-01-01", 1.0),
                                    (cls.foreign, "2021-01-01", 0.8),
                                    (cls.foreign, "2022-01-01", 0.9)):
            Rate.create({"currency_id": currency.id, "name": day, "rate": rate,
                         "company_id": False})

    @classmethod
    def make_other_company(cls):
        """A second company with its own sales manager, salesperson and
        customer; sets cls.company_b, cls.manager_b, cls.salesman_b,
        cls.customer_b."""
        cls.company_b = cls.env["res.company"].create({"name": "Lifecycle Company B"})
        Users = cls.env["res.users"].with_context(no_reset_password=True)
        for attr, login, group in (("manager_b", "lifecycle_manager_b", "group_sale_manager"),
                                   ("salesman_b", "lifecycle_salesman_b",
                                    "group_sale_salesman")):
            setattr(cls, attr, Users.create({
                "name": login, "login": login, "email": login + "@example.com",
                "company_id": cls.company_b.id, "company_ids": [(6, 0, cls.company_b.ids)],
                "groups_id": [(6, 0, [cls.env.ref("sales_team.%s" % group).id])]}))
        cls.customer_b = cls.env["res.partner"].create({
            "name": "Bea Customer B", **CUSTOMER, "company_id": cls.company_b.id,
            "email": "bea@customer-b.example"})

    @classmethod
    def make_portal_user(cls):
        cls.portal = cls.env["res.users"].with_context(no_reset_password=True).create({
            "name": "Portal Pat", "login": "lifecycle_portal_pat",
            "groups_id": [(6, 0, [cls.env.ref("base.group_portal").id])]})

    def touchpoints(self, partner, **filters):
        domain = [("commercial_partner_id", "=", partner.commercial_partner_id.id)]
        domain += [(k, "=", v) for k, v in filters.items()]
        return self.Touchpoint.search(domain)


def in_days(start, days):
    """`start` (an Odoo datetime string) plus `days` days, as a string."""
    return fields.Datetime.to_string(fields.Datetime.from_string(start)
                                     + datetime.timedelta(days=days))


class CampaignCase(CrmLifecycleCase):
    @classmethod
    def setUpClass(cls):
        super(CampaignCase, cls).setUpClass()
        cls.Campaign = cls.env["crm.campaign"]
        cls.Member = cls.env["crm.campaign.member"]
        cls.Response = cls.env["crm.campaign.response"]

    @classmethod
    def make_partners(cls, count, prefix, **values):
        """`count` customers in one INSERT (the split tests need hundreds):
        copies of a customer made by the ORM, with their own name, email,
        phone and street."""
        model = cls.env["res.partner"].create({
            "name": prefix, **CUSTOMER, "is_company": True, "company_id": False,
            "city": "Ghent"})
        cr = cls.env.cr
        cr.execute("""SELECT column_name FROM information_schema.columns
                       WHERE table_name = 'res_partner' AND column_name NOT IN
                             ('id', 'name', 'display_name', 'email', 'phone', 'street',
                              'commercial_partner_id')""")
        copied = [row[0] for row in cr.fetchall()]
        columns = sql.SQL(", ").join(sql.Identifier(name) for name in copied)
        cr.execute("""SELECT column_name FROM information_schema.columns
                       WHERE table_name = 'res_partner'""")
        stored = {row[0] for row in cr.fetchall()}
        cr.execute(sql.SQL("""
            INSERT INTO res_partner (name, email, phone, street, {columns})
            SELECT %(prefix)s || ' ' || i,
                   'c' || i || '@' || lower(%(prefix)s) || '.example', '+3225550' || i,
                   'Street ' || i, {columns}
              FROM res_partner, generate_series(1, %(count)s) i
             WHERE res_partner.id = %(model)s
            RETURNING id
        """).format(columns=columns), {"prefix": prefix, "count": count, "model": model.id})
        ids = [row[0] for row in cr.fetchall()]
        cr.execute("UPDATE res_partner SET commercial_partner_id = id WHERE id = ANY(%s)",
                   (ids,))
        # a stored display name (11; computed on the fly since 17)
        if "display_name" in stored:
            cr.execute("UPDATE res_partner SET display_name = name WHERE id = ANY(%s)", (ids,))
        model.unlink()
        partners = cls.env["res.partner"].browse(ids)
        if values:
            partners.write(values)
        return partners

    @classmethod
    def make_segment(cls, name, partners):
        segment = cls.env["crm.segment"].create({
            "name": name, "kind": "static", "partner_ids": [(6, 0, partners.ids)]})
        segment.refresh_members()
        return segment

    def make_campaign(self, segment, channel="letter", **values):
        vals = {"name": "Campaign %s" % segment.name, "segment_ids": [(6, 0, segment.ids)],
                "channel_id": self.channel[channel].id, "seed": 42}
        vals.update(values)
        return self.Campaign.create(vals)

    def launch(self, segment=None, **values):
        """A campaign on `segment` (default: the class's), planned and
        launched; a quarter of the audience held out unless told."""
        values.setdefault("holdout_percent", 25.0)
        campaign = self.make_campaign(segment or self.segment, **values)
        campaign.action_plan()
        campaign.action_launch()
        return campaign

    def members(self, campaign, **filters):
        domain = [("campaign_id", "=", campaign.id)]
        domain += [(k, "=", v) for k, v in filters.items()]
        return self.Member.search(domain)
