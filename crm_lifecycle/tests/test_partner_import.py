# Copyright 2026 crm_lifecycle contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import base64
import hashlib
import io
import json
from unittest import mock

from hypothesis import HealthCheck, given, settings, strategies as st

from odoo.exceptions import AccessError, UserError

from .. import compat
from ..wizards.crm_partner_import import COLUMNS
from .common import CUSTOMER, CrmLifecycleCase
from .test_partner_duplicate import CITIES, GIVEN, STREETS, SURNAMES, typo
from .test_security_wizards import limit

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


class ImportCase(CrmLifecycleCase):
    """The import wizard on a file, and its rows."""

    @classmethod
    def setUpClass(cls):
        super(ImportCase, cls).setUpClass()
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


class TestPartnerImport(ImportCase):

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

    def test_history_is_tracked_only_when_asked(self):
        """As Odoo's own import: the new customers' chatter starts empty
        unless Track History is ticked; ticked, each gets what a customer
        created by hand gets (its creation message, its creator following
        it), the rows after the first one included (copied set-based)."""
        content = HEADER + b"".join(
            b"H%d,Tracked Person %d,tracked%d@example.org,,,,,BE\n" % (i, i, i)
            for i in range(3))
        Import = compat.as_user(self.Import, self.sales_manager).with_context(
            tracking_disable=False)
        # what Odoo writes in the chatter of a customer created by hand (one
        # message in 11, the creation and its tracking in 18)
        by_hand = compat.as_user(self.env["res.partner"], self.sales_manager).with_context(
            tracking_disable=False).create(dict(CUSTOMER, name="By Hand",
                                                email="byhand@example.org",
                                                country_id=self.env.ref("base.be").id))
        by_hand_messages = len(self.env["mail.message"].search(
            [("model", "=", "res.partner"), ("res_id", "=", by_hand.id)]))
        self.assertGreater(by_hand_messages, 0)
        for track, source in ((False, "quiet"), (True, "tracked")):
            wizard = Import.create({"source_system": source, "filename": "list.csv",
                                    "file": base64.b64encode(content.replace(
                                        b"tracked", source.encode())),
                                    "track_history": track})
            wizard.action_preview()
            wizard.action_apply()
            created = self.env["crm.partner.source"].search(
                [("source_system", "=", source)]).mapped("partner_id")
            self.assertEqual(len(created), 3)
            for partner in created:
                messages = self.env["mail.message"].search(
                    [("model", "=", "res.partner"), ("res_id", "=", partner.id)])
                followers = self.env["mail.followers"].search(
                    [("res_model", "=", "res.partner"), ("res_id", "=", partner.id)])
                if track:
                    self.assertEqual(len(messages), by_hand_messages, partner.name)
                    self.assertEqual(followers.mapped("partner_id"),
                                     self.sales_manager.partner_id)
                else:
                    self.assertFalse(messages, partner.name)
                    self.assertFalse(followers, partner.name)

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


IN_FILE_HEADER = ["ref", "name", "email", "phone", "street", "city", "zip", "country"]
IN_FILE_ROWS = [
    ["D1", "Maria Popescu", "maria.popescu@mail.example", "", "Strada Lunga 7", "Brasov",
     "500001", "RO"],                                                       # 2: new
    ["D2", "Maria Popesku", "", "", "Strada Lunga 7", "Brasov", "500001", "RO"],  # 3: as 2
    ["D3", "Andrei Ionescu", "andrei@ionescu.example", "+40 721 000 111", "", "Cluj", "",
     "RO"],                                                                 # 4: new
    ["D4", "ANDREI IONESCU", "Andrei@Ionescu.example", "", "", "Cluj-Napoca", "",
     "RO"],                                                                 # 5: as 4
    ["D5", "Radu Vlad", "", "", "Bulevardul Eroilor 1", "Iasi", "700001", "RO"],  # 6: new
    ["D6", "Linus Private", "LINUS@example.org", "+32 470 99 88 77", "", "", "",
     "BE"],                                                                 # 7: a customer
    ["D7", "Linus Private", "", "0470 99 88 77", "", "", "", "BE"],         # 8: as 7
    ["D8", "Maria Popescu", "", "", "Strada Lunga 7", "Brasov", "500001", "RO"],  # 9: as 2
]


class TestDuplicatesInOneFile(ImportCase):
    """Rows of one file that are one customer: grouped in the preview with
    the finder's scoring, imported into one customer (or one match)."""

    def check_preview(self, wizard):
        decisions = {n: (self.row(wizard, n).decision, self.row(wizard, n).same_as_row)
                     for n in range(2, 10)}
        self.assertEqual(decisions, {
            2: ("new", 0), 3: ("same", 2), 4: ("new", 0), 5: ("same", 4), 6: ("new", 0),
            7: ("match", 0), 8: ("same", 7), 9: ("same", 2)})
        self.assertEqual(self.row(wizard, 7).partner_id, self.person)
        self.assertIn("like row 4", self.row(wizard, 5).reasons)
        self.assertIn("same email", self.row(wizard, 5).reasons)
        self.assertEqual(wizard.count_same, 4)
        # listed together: each group at its first row
        listed = self.env["crm.partner.import.line"].search([("import_id", "=", wizard.id)])
        self.assertEqual(listed.mapped("row_number"), [2, 3, 9, 4, 5, 6, 7, 8])

    def check_apply(self, wizard):
        Partner = self.env["res.partner"]
        count = Partner.search_count([])
        wizard.action_apply()
        # rows 2, 4, 6 are new customers; 3, 9 go into 2's, 5 into 4's, 8
        # into the customer row 7 matches
        self.assertEqual(Partner.search_count([]), count + 3)
        sources = {s.external_ref: s.partner_id for s in self.env["crm.partner.source"].search(
            [("source_system", "=", "sales_be")])}
        self.assertEqual(len(sources), 8)
        self.assertEqual(sources["D2"], sources["D1"])
        self.assertEqual(sources["D8"], sources["D1"])
        self.assertEqual(sources["D4"], sources["D3"])
        self.assertEqual(sources["D7"], self.person)
        self.assertEqual(sources["D6"], self.person)
        self.assertEqual(len(set(sources.values())), 4)
        # the later rows fill what the first left empty
        self.assertEqual(self.person.phone, "+32 470 99 88 77")
        self.assertIn("4 rows were the same customer", wizard.summary)

    def test_later_rows_fill_the_new_customer_in_row_order(self):
        """Rows that are a new row of the file again fill what it left empty,
        the first of them first, in the customer's one create."""
        wizard = self.preview("\n".join([
            "ref,name,email,phone,street,city,zip,country",
            "E1,Ioana Marin,ioana@marin.example,,,Sibiu,,RO",
            "E2,Ioana Marin,ioana@marin.example,+40 722 333 444,Strada Mare 1,Sibiu,,RO",
            "E3,Ioana Marin,ioana@marin.example,+40 722 999 999,Strada Mica 2,Sibiu,550001,RO",
        ]).encode("utf-8"))
        self.assertEqual([(self.row(wizard, n).decision, self.row(wizard, n).same_as_row)
                          for n in (2, 3, 4)], [("new", 0), ("same", 2), ("same", 2)])
        wizard.action_apply()
        customer = self.env["crm.partner.source"].search(
            [("source_system", "=", "sales_be"), ("external_ref", "=", "E3")]).partner_id
        self.assertEqual((customer.name, customer.phone, customer.street, customer.zip),
                         ("Ioana Marin", "+40 722 333 444", "Strada Mare 1", "550001"))
        self.assertEqual(self.env["res.partner"].search_count(
            [("email", "=", "ioana@marin.example")]), 1)

    def test_later_rows_fill_the_matched_customer(self):
        """Rows that are a matched row of the file again fill what the
        customer still lacks once the matched row filled it."""
        petra = self.env["res.partner"].create(dict(
            name="Petra Novak", email="petra@novak.example", city="Bratislava",
            **compat.customer_vals()))
        wizard = self.preview("\n".join([
            "ref,name,email,phone,street,city,zip,country",
            "F1,Petra Novak,petra@novak.example,+421 905 111 222,Hlavna 5,Bratislava,,SK",
            "F2,Petra Novak,,0905 111 222,,,81101,SK",
        ]).encode("utf-8"))
        self.assertEqual([(self.row(wizard, n).decision, self.row(wizard, n).same_as_row)
                          for n in (2, 3)], [("match", 0), ("same", 2)])
        self.assertEqual(self.row(wizard, 2).partner_id, petra)
        wizard.action_apply()
        self.assertEqual((petra.phone, petra.street, petra.city, petra.zip),
                         ("+421 905 111 222", "Hlavna 5", "Bratislava", "81101"))

    def test_in_file_duplicates_csv(self):
        content = "\n".join(",".join(row) for row in [IN_FILE_HEADER] + IN_FILE_ROWS)
        wizard = self.preview(content.encode("utf-8"))
        self.check_preview(wizard)
        self.check_apply(wizard)

    def test_in_file_duplicates_of_a_long_list(self):
        # a long list is matched by blocking with the customer base: the
        # same groups, the same match
        content = "\n".join(",".join(row) for row in [IN_FILE_HEADER] + IN_FILE_ROWS)
        with limit("LOOKUP_ROWS", 0):
            wizard = self.preview(content.encode("utf-8"))
        self.check_preview(wizard)
        self.check_apply(wizard)

    def test_in_file_duplicates_xlsx(self):
        import openpyxl
        book = openpyxl.Workbook()
        sheet = book.active
        for row in [IN_FILE_HEADER] + IN_FILE_ROWS:
            sheet.append(row)
        out = io.BytesIO()
        book.save(out)
        wizard = self.preview(out.getvalue(), "list.xlsx")
        self.check_preview(wizard)
        self.check_apply(wizard)

    def test_a_row_like_a_skipped_row_is_not_imported_silently(self):
        content = "\n".join(",".join(row) for row in [IN_FILE_HEADER] + IN_FILE_ROWS[:2])
        wizard = self.preview(content.encode("utf-8"))
        self.assertEqual(self.row(wizard, 3).decision, "same")
        self.row(wizard, 2).decision = "skip"
        count = self.env["res.partner"].search_count([])
        with self.assertRaisesRegex(UserError, "row 3 is the same customer as row 2"):
            wizard.action_apply()
        self.assertEqual(self.env["res.partner"].search_count([]), count)
        # made a customer of its own, it is imported alone
        self.row(wizard, 3).decision = "new"
        wizard.action_apply()
        self.assertEqual(self.env["res.partner"].search_count([]), count + 1)

    @settings(max_examples=25, deadline=None,
              suppress_health_check=[HealthCheck.function_scoped_fixture,
                                     HealthCheck.too_slow])
    @given(st.sampled_from(GIVEN), st.sampled_from(SURNAMES), st.integers(1, 400),
           st.sampled_from(STREETS), st.integers(0, len(CITIES) - 1),
           st.sampled_from(["given", "surname"]), st.sampled_from(["swap", "drop", "replace"]),
           st.integers(0, 20), st.booleans())
    def test_a_person_written_twice_with_a_typo_is_one_customer(
            self, given_name, surname, number, street, city, field, kind, at, as_xlsx):
        """Any person of a name and an address, written again with a typo in
        the given name or the surname, is the same customer as the first row;
        someone else in another city, in between, is not."""
        values = {"given": given_name, "surname": surname}
        copy = dict(values, **{field: typo(values[field], kind, at)})
        other_city = (city + 1) % len(CITIES)
        rows = [IN_FILE_HEADER] + [
            ["P%d" % n, "%s %s" % (v["given"], v["surname"]), "", "",
             "%d %s" % (number, street), CITIES[c], "%04d" % (2000 + 97 * c), "BE"]
            for n, (v, c) in enumerate(((values, city),
                                        ({"given": "Zenobia", "surname": "Quartermaine"},
                                         other_city),
                                        (copy, city)), 1)]
        if as_xlsx:
            import openpyxl
            book = openpyxl.Workbook()
            for row in rows:
                book.active.append(row)
            out = io.BytesIO()
            book.save(out)
            content, filename = out.getvalue(), "people.xlsx"
        else:
            content = "\n".join(",".join(row) for row in rows).encode("utf-8")
            filename = "people.csv"
        self.env.cr.execute("SAVEPOINT in_file_example")
        try:
            wizard = self.preview(content, filename)
            self.assertEqual(
                [(self.row(wizard, n).decision, self.row(wizard, n).same_as_row)
                 for n in (2, 3, 4)],
                [("new", 0), ("new", 0), ("same", 2)], (values, copy))
        finally:
            self.env.cr.execute("ROLLBACK TO SAVEPOINT in_file_example")
            compat.invalidate_all(self.env)


class TestImportKeys(ImportCase):

    def test_long_and_short_lists_decide_alike(self):
        content = HEADER + b"".join(ROWS)
        looked_up = self.preview(content)
        with limit("LOOKUP_ROWS", 0):
            blocked = self.preview(content)

        def decisions(wizard):
            return [(ln.row_number, ln.decision, ln.partner_id.id, sorted(ln.candidate_ids.ids))
                    for ln in wizard.line_ids.sorted("row_number")]
        self.assertEqual(decisions(blocked), decisions(looked_up))
        self.assertEqual(self.row(blocked, 2).partner_id, self.customer)
        self.assertEqual(self.row(blocked, 4).decision, "ambiguous")

    # a customer or a row of a list: name, email (none, one another has, an
    # exception, its own), phone (none, one another has, its own), house
    # number (0: no street), street, city (0: none), zip without a city
    PERSON = st.tuples(st.sampled_from(GIVEN[:4]), st.sampled_from(SURNAMES[:4]),
                       st.sampled_from(["", "shared", "info", "own"]),
                       st.sampled_from(["", "shared", "own"]), st.integers(0, 2),
                       st.sampled_from(STREETS[:2]), st.integers(0, 2), st.booleans())

    @staticmethod
    def person_values(person, n):
        given_name, surname, email, phone, number, street, city, zip_only = person
        return {
            "name": "%s %s" % (given_name.title(), surname.title()),
            "email": {"": "", "shared": "shared@mail.example", "info": "info@shop.example",
                      "own": "%s.%d@mail.example" % (surname, n)}[email],
            "phone": {"": "", "shared": "+32 470 11 22 33",
                      "own": "+32 470 55 %02d %02d" % (n // 100, n % 100)}[phone],
            "street": "%d %s" % (number, street) if number else "",
            "city": CITIES[city - 1].title() if city and not zip_only else "",
            "zip": "%04d" % (3000 + city) if city and zip_only else ""}

    @settings(max_examples=30, deadline=None,
              suppress_health_check=[HealthCheck.function_scoped_fixture,
                                     HealthCheck.too_slow])
    @given(st.lists(PERSON, min_size=1, max_size=10), st.lists(PERSON, min_size=1, max_size=8))
    def test_a_long_list_blocks_only_the_customers_that_may_share_a_key(self, base, rows):
        """A long list is blocked with only the customers that may share a
        key with one of its rows (BASE_MAY_SHARE_A_KEY): whatever the base
        and the list (customers without a city, zip, street, email or
        phone, emails that are exceptions), the same candidates as blocking
        it with the whole base (every pair of the blocking kept: threshold
        0)."""
        self.env.cr.execute("SAVEPOINT blocking_example")
        try:
            self.env["crm.duplicate.exception"].create({"kind": "email", "value": "info@"})
            for n, person in enumerate(base):
                self.env["res.partner"].create(dict(self.person_values(person, n), **CUSTOMER))
            content = "\n".join(
                ["ref,name,email,phone,street,city,zip"] + [",".join(
                    ["L%d" % n] + [self.person_values(person, 100 + n)[k] for k in (
                        "name", "email", "phone", "street", "city", "zip")])
                    for n, person in enumerate(rows)]).encode("utf-8")

            Import = type(self.Import)
            original = Import._match_blocked
            blocked = []

            def match_blocked(wizard, rules, threshold):
                # every pair of the blocking, with its score, before the
                # preview keeps the best candidates of each row
                found, same = original(wizard, rules, threshold)
                blocked.append((sorted((row, sorted(pairs)) for row, pairs in found.items()),
                                sorted(same)))
                return found, same
            Duplicate = type(self.env["crm.partner.duplicate"])
            with mock.patch.object(Duplicate, "_threshold", lambda self: 0.0), \
                    mock.patch.object(Import, "_match_blocked", match_blocked), \
                    limit("LOOKUP_ROWS", 0):
                self.preview(content)
                with limit("BASE_MAY_SHARE_A_KEY", "TRUE"):
                    self.preview(content)
            self.assertEqual(blocked[0], blocked[1])
        finally:
            self.env.cr.execute("ROLLBACK TO SAVEPOINT blocking_example")
            compat.invalidate_all(self.env)

    def test_the_keys_of_another_company_stay_theirs(self):
        # the row key S2 of the list belongs to another company's customer
        other = self.env["res.company"].create({"name": "Other Import Company"})
        theirs = self.env["res.partner"].create({"name": "Their Bakery",
                                                 "company_id": other.id})
        source = self.env["crm.partner.source"].create({
            "source_system": "sales_be", "external_ref": "S2", "partner_id": theirs.id})
        manager = self.sales_manager
        # the ORM refuses the manager a write on it...
        with self.assertRaises(AccessError):
            compat.as_user(source, manager).write({"row_hash": "changed"})
        # ... and so does the set-based apply, which changes nothing
        wizard = compat.as_user(self.Import, manager).create({
            "source_system": "sales_be", "filename": "customers.csv",
            "file": base64.b64encode(HEADER + ROWS[1])})
        wizard.action_preview()
        before = self.env["res.partner"].search_count([])
        with self.assertRaises(AccessError):
            wizard.action_apply()
        self.assertEqual(source.partner_id, theirs)
        self.assertEqual(self.env["res.partner"].search_count([]), before)


STEPS_FILE = "\n".join([
    "ref,name,email,phone,street,city,zip,country",
    "A1,Nouvelle Boulangerie SPRL,pain@boulangerie.example,+32 4 222 33 44,Rue Neuve 3,Namur,"
    "5000,BE",
    "E1,Ioana Marin,ioana@marin.example,,,Sibiu,,RO",
    "A2,ADA CUSTOMER,Hello@Ada-Customer.example,,,,,BE",
    "E2,Ioana Marin,ioana@marin.example,+40 722 333 444,Strada Mare 1,Sibiu,,RO",
    "E3,Ioana Marin,ioana@marin.example,+40 722 999 999,Strada Mica 2,Sibiu,550001,RO",
    "A3,Jan Peeters,jan@peeters.example,,,Gent,9000,BE",
    "A4,Marta Kowalska,marta@kowalska.example,,,Krakow,,PL",
]).encode("utf-8")


class TestPartnerImportSteps(ImportCase):
    """An import applied from its window goes in steps, each saved on its
    own: the same customers as one call, groups of rows that are one
    customer never split, and an import cut off continues."""

    def setUp(self):
        super(TestPartnerImportSteps, self).setUp()
        self.env["ir.config_parameter"].set_param("crm_lifecycle.import_step_rows", "2")

    def imported(self):
        """What the import wrote: per customer, the row keys that went into
        it and its values."""
        sources = self.env["crm.partner.source"].search([("source_system", "=", "sales_be")])
        by_partner = {}
        for source in sources:
            by_partner.setdefault(source.partner_id, set()).add(source.external_ref)
        return sorted((sorted(refs), partner.name, partner.email, partner.phone, partner.street,
                       partner.city, partner.zip, partner.country_id.code)
                      for partner, refs in by_partner.items())

    def one_call(self):
        """The customers the file makes in one call, rolled back."""
        self.env.cr.execute("SAVEPOINT one_call")
        self.preview(STEPS_FILE).action_apply()
        result = self.imported()
        self.env.cr.execute("ROLLBACK TO SAVEPOINT one_call")
        compat.invalidate_all(self.env)
        self.assertFalse(self.imported())
        return result

    def split_groups(self, wizard):
        """The groups of rows some of whose rows are imported, not all."""
        compat.invalidate_all(self.env)
        groups = {}
        for line in wizard.line_ids:
            groups.setdefault(line.group_row, set()).add(line.applied)
        return [group for group, applied in groups.items() if len(applied) > 1]

    def test_steps_import_what_one_call_imports(self):
        expected = self.one_call()
        self.assertIn((["E1", "E2", "E3"], "Ioana Marin", "ioana@marin.example",
                       "+40 722 333 444", "Strada Mare 1", "Sibiu", "550001", "RO"), expected)
        wizard = self.preview(STEPS_FILE)
        wizard.with_context(lifecycle_import_steps=1).action_apply()
        self.assertEqual((wizard.state, wizard.count_applied, wizard.count_total),
                         ("applying", 0, 7))
        progress = []
        while wizard.state == "applying":
            progress.append(wizard.action_apply_step())
            self.assertFalse(self.split_groups(wizard))
        # step 1: A1 and the group of E1 (E1, E2, E3) whole; then A2 and
        # A3; then A4
        self.assertEqual([(p["applied"], p["total"], p["done"]) for p in progress],
                         [(4, 7, False), (6, 7, False), (7, 7, True)])
        self.assertEqual(self.imported(), expected)
        self.assertIn("4 customers created", wizard.summary)
        self.assertIn("2 rows were the same customer", wizard.summary)

    def test_an_import_cut_off_continues(self):
        expected = self.one_call()
        wizard = self.preview(STEPS_FILE)
        wizard.with_context(lifecycle_import_steps=1).action_apply()
        wizard.action_apply_step()
        # the window closed: the same file again, the rows imported are
        # known and unchanged, the others are imported
        again = self.preview(STEPS_FILE)
        self.assertEqual([self.row(again, n).decision for n in range(2, 9)],
                         ["unchanged", "unchanged", "match", "unchanged", "unchanged", "new",
                          "new"])
        again.action_apply()
        self.assertEqual(self.imported(), expected)
        # the first window, continued: its rows left were imported since,
        # and are not imported twice
        count = self.env["res.partner"].search_count([])
        with self.assertRaises(UserError) as err:
            wizard.action_apply_step()
        self.assertIn("Rows 4, 7 were imported by another import of sales_be",
                      compat.error_message(err.exception))
        self.assertEqual(self.env["res.partner"].search_count([]), count)
        self.assertEqual(self.imported(), expected)

    def test_a_stopped_import_continues_in_its_window(self):
        expected = self.one_call()
        wizard = self.preview(STEPS_FILE)
        wizard.with_context(lifecycle_import_steps=1).action_apply()
        wizard.action_apply_step()
        # Continue, then the remaining steps in one call
        wizard.with_context(lifecycle_import_steps=1).action_apply()
        self.assertEqual(wizard.state, "applying")
        wizard.action_apply()
        self.assertEqual(wizard.state, "done")
        self.assertEqual(self.imported(), expected)
        with self.assertRaises(UserError):
            wizard.action_apply()


class TestRowHash(ImportCase):

    @settings(max_examples=200, deadline=None,
              suppress_health_check=[HealthCheck.function_scoped_fixture])
    @given(st.dictionaries(st.sampled_from(sorted(COLUMNS) + ["other"]),
                           st.text(st.characters(blacklist_categories=("Cs",)), max_size=12)
                           | st.sampled_from(['"', "\\", "\n", "\u00e9", "\u4e2d", "\x00",
                                              "\ud83d\ude00", "</a>"])))
    def test_the_hash_of_a_row_is_the_json_one(self, values):
        """The row hash the source keys keep is the SHA-1 of the row's values
        as json.dumps writes them (sorted keys, ASCII): the same for any
        text, so that rows imported before are still found unchanged."""
        data = json.dumps({k: values.get(k, "") for k in sorted(COLUMNS)}, sort_keys=True)
        self.assertEqual(self.Import._row_hash(values),
                         hashlib.sha1(data.encode("utf-8")).hexdigest())
