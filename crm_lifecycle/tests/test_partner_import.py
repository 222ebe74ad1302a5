# Copyright 2026 crm_lifecycle contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import base64
import io

from odoo.exceptions import UserError

from .. import compat
from .common import CUSTOMER, CrmLifecycleCase

HEADER = b"ref,name,email,phone,street,city,zip,country\n"
ROWS = [
    b"S1,ADA CUSTOMER,Hello@Ada-Customer.example,,,,,BE\n",          # 2: matches by email
    b"S2,Nouvelle Boulangerie SPRL,pain@boulangerie.example,+32 4 222 33 44,"
    b"Rue Neuve 3,Namur,5000,Belgium\n",                                 # 3: new
    b"S3,Ioana Stan,,,Strada Republicii 5,Cluj-Napoca,400001,RO\n",     # 4: two customers
    b"S4,Bad Email,not-an-email,,,,,BE\n",                              # 5: bad email
    b"S5,Far Away,far@away.example,,,,,Atlantis\n",                     # 6: unknown country
    b"S6,,nameless@example.org,,,,,BE\n",                               # 7: empty name
    "S7,M\u00fcller Gartenbau,info@mueller.example,,,,,DE\n".encode("cp1252"),  # 8: encoding
]


class TestPartnerImport(CrmLifecycleCase):
    @classmethod
    def setUpClass(cls):
        super(TestPartnerImport, cls).setUpClass()
        cls.Import = cls.env["crm.partner.import"]
        ro = cls.env.ref("base.ro").id
        cls.stan1 = cls.env["res.partner"].create({
            "name": "Ioana Stan", "street": "Strada Republicii 5", "city": "Cluj-Napoca",
            "zip": "400001", "country_id": ro, **CUSTOMER})
        cls.stan2 = cls.env["res.partner"].create({
            "name": "Stan Ioana", "street": "Strada Republicii 5", "city": "Cluj-Napoca",
            "zip": "400001", "country_id": ro, **CUSTOMER})

    def preview(self, content, filename="customers.csv"):
        wizard = self.Import.create({"source_system": "sales_be", "filename": filename,
                                     "file": base64.b64encode(content)})
        wizard.action_preview()
        return wizard

    def row(self, wizard, number):
        return wizard.line_ids.filtered(lambda ln: ln.row_number == number)

    def test_preview_decisions_and_errors_then_apply_then_reimport(self):
        content = HEADER + b"".join(ROWS)
        wizard = self.preview(content)
        self.assertEqual(self.row(wizard, 2).decision, "match")
        self.assertEqual(self.row(wizard, 2).partner_id, self.customer)
        self.assertIn("same email", self.row(wizard, 2).reasons)
        self.assertEqual(self.row(wizard, 3).decision, "new")
        self.assertEqual(self.row(wizard, 4).decision, "ambiguous")
        self.assertEqual(set(self.row(wizard, 4).candidate_ids.ids),
                         {self.stan1.id, self.stan2.id})
        errors = {n: self.row(wizard, n).error for n in (5, 6, 7, 8)}
        self.assertIn("column email", errors[5])
        self.assertIn("not-an-email", errors[5])
        self.assertIn("unknown country 'Atlantis'", errors[6])
        self.assertIn("column name: empty name", errors[7])
        self.assertIn("not UTF-8", errors[8])
        for n in (5, 6, 7, 8):
            self.assertEqual(self.row(wizard, n).decision, "error")

        # errors and an open choice: nothing is written
        count = self.env["res.partner"].search_count([])
        with self.assertRaises(UserError) as err:
            wizard.action_apply()
        self.assertIn("row 4", compat.error_message(err.exception))
        self.assertIn("row 5", compat.error_message(err.exception))
        self.assertEqual(self.env["res.partner"].search_count([]), count)

        self.row(wizard, 4).write({"partner_id": self.stan2.id, "decision": "match"})
        wizard.skip_errors = True
        wizard.action_apply()
        self.assertEqual(self.env["res.partner"].search_count([]), count + 1)
        new = self.env["res.partner"].search([("email", "=", "pain@boulangerie.example")])
        self.assertEqual(new.country_id, self.env.ref("base.be"))
        sources = self.env["crm.partner.source"].search([("source_system", "=", "sales_be")])
        self.assertEqual(sorted(sources.mapped("external_ref")), ["S1", "S2", "S3"])
        self.assertEqual(sources.filtered(lambda s: s.external_ref == "S3").partner_id,
                         self.stan2)
        self.assertIn("1 customers created", wizard.summary)

        # the same file again: every imported row is known and unchanged
        again = self.preview(content)
        self.assertEqual([self.row(again, n).decision for n in (2, 3, 4)], ["unchanged"] * 3)
        stamp = new.write_date
        again.skip_errors = True
        again.action_apply()
        self.assertEqual(self.env["res.partner"].search_count([]), count + 1)
        self.assertEqual(new.write_date, stamp)

        # an updated file updates
        updated = HEADER + ROWS[1].replace(b"pain@boulangerie.example", b"bonjour@pain.example")
        third = self.preview(updated)
        self.assertEqual(self.row(third, 2).decision, "update")
        third.action_apply()
        self.assertEqual(new.email, "bonjour@pain.example")

    def test_xlsx_file(self):
        import openpyxl
        book = openpyxl.Workbook()
        sheet = book.active
        sheet.append(["Ref", "Name", "Email", "Country"])
        sheet.append(["X1", "Linus Private", "LINUS@example.org", "be"])
        sheet.append(["X2", "Fresh Face", "fresh@example.org", "BE"])
        out = io.BytesIO()
        book.save(out)
        wizard = self.preview(out.getvalue(), "list.xlsx")
        self.assertEqual(self.row(wizard, 2).partner_id, self.person)
        self.assertEqual(self.row(wizard, 3).decision, "new")

    def test_file_without_key_column_is_refused(self):
        with self.assertRaises(UserError) as err:
            self.preview(b"name,email\nA,a@example.org\n")
        self.assertIn("key of each row", compat.error_message(err.exception))
