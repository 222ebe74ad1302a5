# Copyright 2026 crm_lifecycle contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The set-based creation of customers writes what the ORM's create writes:
the same columns, followers and chatter messages, the same refusals."""
import datetime

from odoo.exceptions import AccessError

from .. import bulk, compat
from .common import CUSTOMER, CrmLifecycleCase

# columns that differ between any two creates
OWN = {"id", "create_date", "write_date", "commercial_partner_id", "message_main_attachment_id"}


class BulkCase(CrmLifecycleCase):

    def assertSame(self, mine, theirs, column):
        """Equal values; a date and time defaulting to "now" (18's
        calendar_last_notif_ack) within the minute of the other."""
        if isinstance(mine, datetime.datetime) and isinstance(theirs, datetime.datetime):
            self.assertLess(abs((mine - theirs).total_seconds()), 60, column)
        else:
            self.assertEqual(mine, theirs, column)


class TestBulkCreate(BulkCase):

    def rows(self):
        be, ro = self.env.ref("base.be").id, self.env.ref("base.ro").id
        people = [
            {"name": "Ana Pop", "email": "ana@pop.example", "phone": "0744 123 456",
             "country_id": ro, "city": "Cluj-Napoca", "zip": "400001"},
            {"name": "Brasserie du Coin SPRL", "is_company": True, "vat": "BE0477472701",
             "phone": "+32 2 555 12 12", "street": "Rue Haute 1", "city": "Bruxelles",
             "country_id": be},
            {"name": "Jan Peeters", "mobile": "0475 12 34 56", "country_id": be},
            {"name": "No Country", "email": "nobody@example.org", "phone": "12"},
            {"name": "  Spaces  Around ", "street": "Main Street 2"},
            {"name": "Émile Zola", "email": "emile@example.fr", "city": "Paris"},
            {"name": "Ioana Stan", "mobile": "+40 722 000 111", "country_id": ro},
            {"name": "Last One BV", "is_company": True},
        ]
        return [dict(vals, **CUSTOMER) for vals in people]

    def picture(self, partners):
        """Every column of each partner, its followers and its messages, in
        the order of `partners`, without what differs between two creates."""
        cr = self.env.cr
        compat.flush(self.env)
        result = []
        for partner in partners:
            cr.execute("SELECT * FROM res_partner WHERE id = %s", (partner.id,))
            row = cr.dictfetchall()[0]
            self.assertEqual(row["commercial_partner_id"], partner.id)
            columns = {k: v for k, v in row.items() if k not in OWN}
            cr.execute("""
                SELECT f.partner_id, array_agg(s.mail_message_subtype_id ORDER BY
                       s.mail_message_subtype_id)
                  FROM mail_followers f
                  LEFT JOIN mail_followers_mail_message_subtype_rel s
                         ON s.mail_followers_id = f.id
                 WHERE f.res_model = 'res.partner' AND f.res_id = %s
                 GROUP BY f.partner_id ORDER BY f.partner_id
            """, (partner.id,))
            followers = cr.fetchall()
            cr.execute("""
                SELECT body, message_type, subtype_id, author_id, record_name, email_from,
                       message_id LIKE '%%-openerp-' || res_id || '-res.partner@%%'
                  FROM mail_message WHERE model = 'res.partner' AND res_id = %s ORDER BY id
            """, (partner.id,))
            messages = cr.fetchall()
            result.append((columns, followers, messages))
        return result

    def test_the_same_rows_as_the_orms_create(self):
        # with the chatter the ORM writes outside the tests
        Partner = compat.as_user(self.env["res.partner"], self.sales_manager).with_context(
            tracking_disable=False)
        orm = Partner.browse()
        for vals in self.rows():
            orm |= Partner.create(vals)
        # three chunks of three: the first row through the ORM, the others
        # by the set-based statements
        created = bulk.create_partners(Partner.env, self.rows(), chunk=3)
        self.assertEqual(len(created), len(orm))
        for mine, theirs in zip(self.picture(created), self.picture(orm)):
            for key in set(mine[0]) | set(theirs[0]):
                self.assertSame(mine[0].get(key), theirs[0].get(key), key)
            self.assertEqual(mine[1:], theirs[1:])
        # the values reached the columns (a picture of nothing equals nothing)
        self.assertEqual(created[1].display_name, "Brasserie du Coin SPRL")
        self.assertEqual(created[2].mobile_e164, "+32475123456")
        self.assertEqual(len(self.picture(created)[2][2]), 1)

    def test_without_tracking_the_same_rows_as_the_orm_without_tracking(self):
        # Odoo's tracking_disable (an import's default): no chatter from
        # either way, the columns equal
        Partner = compat.as_user(self.env["res.partner"], self.sales_manager).with_context(
            tracking_disable=True)
        orm = Partner.browse()
        for vals in self.rows():
            orm |= Partner.create(vals)
        created = bulk.create_partners(Partner.env, self.rows(), chunk=3)
        pictures = list(zip(self.picture(created), self.picture(orm)))
        self.assertEqual(len(pictures), len(self.rows()))
        for mine, theirs in pictures:
            for key in set(mine[0]) | set(theirs[0]):
                self.assertSame(mine[0].get(key), theirs[0].get(key), key)
            self.assertEqual(mine[1:], ([], []))
            self.assertEqual(theirs[1:], ([], []))

    def test_same_refusals_as_the_orm(self):
        # a record rule on creating customers: the set-based rows are held
        # to it as the ORM's create is
        self.env["ir.rule"].create({
            "name": "No customers of the blocked domain", "perm_read": False,
            "perm_write": False, "perm_unlink": False, "perm_create": True,
            "model_id": self.env.ref("base.model_res_partner").id,
            "groups": [(4, self.env.ref("sales_team.group_sale_salesman").id)],
            "domain_force": "['|', ('email', '=', False), "
                            "('email', 'not like', '@blocked.example')]"})

        def blocked():
            return dict(self.rows()[0], email="someone@blocked.example")
        Partner = compat.as_user(self.env["res.partner"], self.salesman)
        with self.assertRaises(AccessError):
            Partner.create(blocked())
        with self.assertRaises(AccessError):
            bulk.create_partners(Partner.env, [blocked(), self.rows()[1]], chunk=5)
        # the blocked row among the set-based rows
        with self.assertRaises(AccessError):
            bulk.create_partners(Partner.env, [self.rows()[1], self.rows()[2], blocked()],
                                 chunk=5)
        # without the blocked row, the same call creates
        self.assertEqual(len(bulk.create_partners(
            Partner.env, [self.rows()[1], self.rows()[2], self.rows()[3]], chunk=5)), 3)
        with self.assertRaises(ValueError):
            bulk.create_partners(Partner.env, [self.rows()[0], dict(
                self.rows()[1], parent_id=self.customer.id)])
        with self.assertRaises(ValueError):
            bulk.create_partners(self.env, [{"name": "x"}, {"name": "y", "child_ids": []}])


class TestBulkWrite(BulkCase):

    def partners(self):
        be = self.env.ref("base.be").id
        Partner = self.env["res.partner"]
        plain = Partner.create({"name": "Plain Customer", **CUSTOMER})
        company = Partner.create({"name": "Company With Contact", "is_company": True,
                                  **CUSTOMER})
        Partner.create({"name": "The Contact", "parent_id": company.id, "type": "contact"})
        phone = Partner.create({"name": "Has A Phone", "phone": "0475 11 22 33",
                                "country_id": be, **CUSTOMER})
        return plain | company | phone

    def writes(self, partners):
        ro = self.env.ref("base.ro").id
        plain, company, phone = partners
        return {plain.id: {"city": "Cluj-Napoca", "zip": "400001", "country_id": ro,
                           "mobile": "0744 123 456", "email": "plain@example.ro"},
                company.id: {"street": "Strada Lunga 7", "city": "Brasov", "zip": "500001"},
                phone.id: {"country_id": ro, "vat": "RO1234567"}}

    def picture(self, partners):
        cr = self.env.cr
        compat.flush(self.env)
        result = []
        for partner in partners | partners.mapped("child_ids"):
            cr.execute("SELECT * FROM res_partner WHERE id = %s", (partner.id,))
            row = cr.dictfetchall()[0]
            for own in OWN | {"parent_id", "write_uid"}:
                row.pop(own, None)
            result.append(row)
        return result

    def test_the_same_columns_as_the_orms_write(self):
        manager = self.sales_manager
        orm = compat.as_user(self.partners(), manager)
        for partner in orm:
            partner.write(self.writes(orm)[partner.id])
        written = self.partners()
        bulk.write_partners(compat.as_user(written, manager).env, self.writes(written))
        mine, theirs = self.picture(written), self.picture(orm)
        self.assertEqual(len(mine), len(theirs))
        for a, b in zip(mine, theirs):
            for key in set(a) | set(b):
                self.assertSame(a.get(key), b.get(key), key)
        # the computed fields followed: the phone read in its new country
        self.assertEqual(written[2].phone_e164, "+40475112233")
        self.assertEqual(written[0].identity_city_key, orm[0].identity_city_key)
        self.assertTrue(written[0].identity_city_key)
        # the contact of the company got its address (the ORM's sync)
        self.assertEqual(written[1].child_ids.city, "Brasov")

    def test_same_refusals_as_the_orm(self):
        self.env["ir.rule"].create({
            "name": "No writing the locked customers", "perm_read": False,
            "perm_write": True, "perm_unlink": False, "perm_create": False,
            "model_id": self.env.ref("base.model_res_partner").id,
            "groups": [(4, self.env.ref("sales_team.group_sale_salesman").id)],
            "domain_force": "[('name', 'not like', 'Plain')]"})
        partners = self.partners()
        writes = self.writes(partners)
        as_salesman = compat.as_user(partners, self.salesman)
        with self.assertRaises(AccessError):
            as_salesman[0].write(writes[partners[0].id])
        with self.assertRaises(AccessError):
            bulk.write_partners(as_salesman.env, writes)
        with self.assertRaises(ValueError):
            bulk.write_partners(self.env, {partners[0].id: {"parent_id": partners[1].id}})
