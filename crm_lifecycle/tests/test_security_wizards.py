# Copyright 2026 crm_lifecycle contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Wizards check their rights themselves (Odoo 11 checks none on transient
models) and every file input is bounded."""
import base64
import io
import time
import zipfile
from contextlib import contextmanager

from odoo.exceptions import AccessError, UserError
from odoo.tools import mute_logger

from ..wizards import crm_partner_import
from .common import CrmLifecycleCase

WIZARDS = {
    "crm.partner.import": {"source_system": "probe"},
    "crm.partner.merge.wizard": {},
    "crm.partner.merge.auto.wizard": {"min_score": 0.5},
}


def xlsx(sheet_xml):
    """A minimal workbook whose first sheet is `sheet_xml` (inline strings)."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as book:
        book.writestr("[Content_Types].xml", (
            '<?xml version="1.0" encoding="UTF-8"?>'
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
            'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-'
            'officedocument.spreadsheetml.sheet.main+xml"/>'
            '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.'
            'openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>'))
        book.writestr("_rels/.rels", (
            '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.'
            'openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http:'
            '//schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
            'Target="xl/workbook.xml"/></Relationships>'))
        book.writestr("xl/workbook.xml", (
            '<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.'
            'openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats'
            '.org/officeDocument/2006/relationships"><sheets><sheet name="Customers" '
            'sheetId="1" r:id="rId1"/></sheets></workbook>'))
        book.writestr("xl/_rels/workbook.xml.rels", (
            '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.'
            'openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http:'
            '//schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" '
            'Target="worksheets/sheet1.xml"/></Relationships>'))
        book.writestr("xl/worksheets/sheet1.xml", sheet_xml)
    return buf.getvalue()


def sheet(dimension, cells):
    """Sheet XML with a declared dimension and {ref: text} cells (one row
    per row number)."""
    rows = {}
    for ref, text in cells.items():
        number = int("".join(c for c in ref if c.isdigit()))
        rows.setdefault(number, []).append(
            '<c r="%s" t="inlineStr"><is><t>%s</t></is></c>' % (ref, text))
    return ('<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.'
            'openxmlformats.org/spreadsheetml/2006/main"><dimension ref="%s"/><sheetData>%s'
            '</sheetData></worksheet>') % (dimension, "".join(
                '<row r="%d">%s</row>' % (n, "".join(c)) for n, c in sorted(rows.items())))


@contextmanager
def limit(name, value):
    old = getattr(crm_partner_import, name)
    setattr(crm_partner_import, name, value)
    try:
        yield
    finally:
        setattr(crm_partner_import, name, old)


class TestWizardRights(CrmLifecycleCase):
    @classmethod
    def setUpClass(cls):
        super(TestWizardRights, cls).setUpClass()
        cls.make_portal_user()

    def test_only_managers_use_the_wizards(self):
        WIZARDS["crm.partner.merge.wizard"] = {"survivor_id": self.customer.id}
        for user in (self.portal, self.employee, self.salesman):
            for model, values in WIZARDS.items():
                with self.assertRaises(AccessError, msg=(user.login, model)), \
                        mute_logger("odoo.models"):
                    self.env[model].with_user(user).create(values)
            with self.assertRaises(AccessError), mute_logger("odoo.models"):
                self.env["crm.partner.merge.wizard"].with_user(user).action_open(
                    [self.customer.id, self.person.id])
            with self.assertRaises(AccessError), mute_logger("odoo.models"):
                self.env["crm.partner.import.line"].with_user(user).create({
                    "import_id": 1, "row_number": 2})
        for model, values in WIZARDS.items():
            self.assertTrue(self.env[model].with_user(self.sales_manager).create(values))

    def test_actions_check_rights_too(self):
        """A wizard record reached another way: its actions refuse."""
        wizard = self.env["crm.partner.import"].with_user(self.sales_manager).create({
            "source_system": "probe", "filename": "a.csv",
            "file": base64.b64encode(b"ref,name\n1,Probe\n")})
        for user in (self.portal, self.salesman):
            for method in ("action_preview", "action_apply"):
                with self.assertRaises(AccessError), mute_logger("odoo.models"):
                    getattr(wizard.with_user(user), method)()
        self.assertFalse(wizard.line_ids)

    def test_a_wizard_is_its_creators(self):
        """Another manager cannot work a manager's wizard (its file, its
        lines): 11 refuses it for every transient model, the suite on 18."""
        other = self.sales_manager.copy({"login": "other_manager", "name": "Other Manager"})
        wizard = self.env["crm.partner.import"].with_user(self.sales_manager).create({
            "source_system": "probe", "filename": "a.csv",
            "file": base64.b64encode(b"ref,name\n1,Probe\n")})
        for method in ("action_preview", "action_apply"):
            with self.assertRaises(AccessError), mute_logger("odoo.models"):
                getattr(wizard.with_user(other), method)()
        self.assertFalse(wizard.line_ids)
        wizard.with_user(self.sales_manager).action_preview()
        self.assertTrue(wizard.line_ids)

    def test_settings_are_for_administrators(self):
        settings = self.env["res.config.settings"].create({
            "lifecycle_capture_mail": False})
        with self.assertRaises(AccessError):
            settings.with_user(self.salesman).set_values()
        with self.assertRaises(AccessError):
            settings.with_user(self.salesman).execute()
        self.assertTrue(self.env["res.config.settings"]._lifecycle_read_param(
            "lifecycle_capture_mail"))


class TestImportBounds(CrmLifecycleCase):
    def preview(self, content, filename="customers.csv"):
        wizard = self.env["crm.partner.import"].create({
            "source_system": "bounds", "filename": filename,
            "file": base64.b64encode(content)})
        wizard.action_preview()
        return wizard

    def test_xlsx_declared_dimension_is_not_trusted(self):
        """The finding: a 1.6 KB workbook declaring A1:XFD1048576 with one
        cell at the far corner took the server's memory."""
        bomb = xlsx(sheet("A1:XFD1048576", {"A1": "ref", "B1": "name",
                                            "XFD1048576": "x"}))
        self.assertLess(len(bomb), 4000)
        start = time.time()
        with self.assertRaisesRegex(UserError, "beyond column 50"):
            self.preview(bomb, "bomb.xlsx")
        self.assertLess(time.time() - start, 30)
        # the same lie about the size, honest cells: read as usual
        honest = xlsx(sheet("A1:XFD1048576", {"A1": "ref", "B1": "name", "A2": "k1",
                                              "B2": "Sheet Customer"}))
        wizard = self.preview(honest, "honest.xlsx")
        self.assertEqual(wizard.line_ids.mapped("name"), ["Sheet Customer"])

    def test_limits_are_named_in_the_error(self):
        with limit("MAX_ROWS", 3), self.assertRaisesRegex(UserError, "more than 3 rows"):
            self.preview(b"ref,name\n" + b"".join(b"%d,N%d\n" % (i, i) for i in range(5)))
        with limit("MAX_ROWS", 3), self.assertRaisesRegex(UserError, "more than 3 rows"):
            self.preview(xlsx(sheet("A1:B6", dict(
                [("A1", "ref"), ("B1", "name")]
                + [("A%d" % i, str(i)) for i in range(2, 7)]))), "rows.xlsx")
        with limit("MAX_FILE_BYTES", 100), self.assertRaisesRegex(UserError, "larger than"):
            self.preview(b"ref,name\n" + b"1,A\n" * 100)
        with limit("MAX_XLSX_UNPACKED", 500), self.assertRaisesRegex(UserError, "unpacks"):
            self.preview(xlsx(sheet("A1:B2", {"A1": "ref", "B1": "name"})), "big.xlsx")
        with self.assertRaisesRegex(UserError, "column 2: 1001 characters"):
            self.preview(b"ref,name\n1," + b"x" * 1001 + b"\n")
        with self.assertRaisesRegex(UserError, "beyond column 50"):
            self.preview(b"ref,name" + b",c" * 60 + b"\n")

    def test_nul_in_a_csv_line_is_a_row_error(self):
        wizard = self.preview(b"ref,name\n1,Good Customer\n2,Bad\x00Customer\n")
        self.assertEqual(wizard.line_ids.filtered(lambda ln: ln.row_number == 2).decision,
                         "new")
        bad = wizard.line_ids.filtered(lambda ln: ln.row_number == 3)
        self.assertEqual(bad.decision, "error")
        self.assertIn("NUL", bad.error)
