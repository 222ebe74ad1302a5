# Copyright 2026 crm_lifecycle contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Merge-aware import of a departmental customer list (CSV or XLSX).

Upload: every row is read, checked and matched against the customer base
set-based (exact email, tax ID and phone, trigram similarity of names),
scored like the duplicate finder does. Preview: each row shows its decision
(known row of this source: unchanged or update; matches customer X with a
score and the reasons; new; ambiguous: choose) and its errors (row, column,
why). Apply: one transaction, creates and updates, and stores the source
and row key of each row so that importing the same file again changes
nothing.
"""
import base64
import binascii
import csv
import hashlib
import io
import json
import re
import zipfile
from json.encoder import encode_basestring_ascii

from psycopg2 import sql

from odoo import _, api, fields, models
from odoo.exceptions import UserError

from .. import bulk, compat
from ..guard import check_rules
from ..identity import city_key, company_region, email_key, name_key, to_e164
from ..models.crm_partner_duplicate import CANDIDATES_WHERE, PARTNER_VALUES_SQL, WORK_MEM
from ..sql import planner_settings

# header names accepted for each value (lower case)
COLUMNS = {
    "external_ref": ("ref", "key", "id", "external_ref", "customer_id", "row_key", "code"),
    "name": ("name", "customer", "company_name", "full_name"),
    "email": ("email", "e-mail", "mail"),
    "phone": ("phone", "telephone", "tel"),
    "mobile": ("mobile", "cell", "gsm"),
    "vat": ("vat", "tax_id", "tin", "vat_number"),
    "street": ("street", "address"),
    "city": ("city", "town"),
    "zip": ("zip", "postcode", "postal_code"),
    "country": ("country", "country_code"),
    "is_company": ("is_company", "company", "type"),
}
# the keys of a row's hash, in order
HASH_KEYS = sorted(COLUMNS)
VALUE_FIELDS = ("name", "email", "phone", "mobile", "vat", "street", "city", "zip")
EMAIL_RE = re.compile(r"^[^@\s<>,;]+@[^@\s<>,;]+\.[^@\s<>,;]+$")
MAX_CANDIDATES = 5
# a list longer than this is matched by blocking with the whole customer
# base (seconds at a million customers, whatever the list's length) rather
# than by one indexed lookup per row
LOOKUP_ROWS = 2000
# The customers of the base that may share a blocking key (KEY_KINDS of the
# duplicate finder) with a row of the list (lifecycle_imp, its exceptions
# set aside), from their values `v` before the exceptions (an exception only
# takes keys away): each kind of key needs an equal email, tax ID, phone,
# city (the name key of a record without a city: the same name), or zip;
# the two kinds without a place (a house number and the sound of the
# street, the sounds of a short name) are made for the records missing an
# email or a phone, or that miss one once the exceptions are set aside. Only
# these customers' keys are computed and grouped: every customer with a key
# of the list is one of them, so the blocks and their sizes are the same as
# over the whole base (at a million customers, most of the keys not made).
_HOUSE = r"substring({0}.sk from '\d+')"
_STREET_WORD = r"substring({0}.sk from '[a-z][a-z][a-z]+')"
SOUND_KEYS = (
    "CASE WHEN {house} <> '' AND {word} <> '' THEN {house} || ' ' || soundex({word}) END"
    .format(house=_HOUSE, word=_STREET_WORD),
    "CASE WHEN split_part({0}.nk, ' ', 3) = '' AND split_part({0}.nk, ' ', 2) <> '' "
    "THEN soundex(split_part({0}.nk, ' ', 1)) || soundex(split_part({0}.nk, ' ', 2)) END")
BASE_MAY_SHARE_A_KEY = """(
       v.em IN (SELECT em FROM lifecycle_imp WHERE em <> '')
    OR v.vk IN (SELECT vk FROM lifecycle_imp WHERE vk <> '')
    OR v.phones[1] IN (SELECT unnest(phones) FROM lifecycle_imp)
    OR v.phones[2] IN (SELECT unnest(phones) FROM lifecycle_imp)
    OR v.ck IN (SELECT ck FROM lifecycle_imp WHERE ck <> '')
    OR v.ck = '' AND v.nk IN (SELECT nk FROM lifecycle_imp WHERE ck = '' AND nk <> '')
    OR v.zk IN (SELECT zk FROM lifecycle_imp WHERE zk <> '')
    OR (NOT (v.em <> '' AND cardinality(v.phones) > 0)
        OR v.em = ANY(%(emails)s::varchar[])
        OR left(v.em, strpos(v.em, '@')) = ANY(%(starts)s::varchar[])
        OR v.phones && %(phones)s::varchar[])
       AND (""" + SOUND_KEYS[0].format("v") + """
                IN (SELECT """ + SOUND_KEYS[0].format("i") + """ FROM lifecycle_imp i)
            OR """ + SOUND_KEYS[1].format("v") + """
                IN (SELECT """ + SOUND_KEYS[1].format("i") + """ FROM lifecycle_imp i)))"""
# bounds of a file: checked before and while it is read, so that a small
# file cannot make the server read, unpack or pad without end
MAX_FILE_BYTES = 20 * 1024 * 1024
MAX_ROWS = 100000
MAX_COLUMNS = 50
MAX_CELL = 1000
MAX_XLSX_UNPACKED = 200 * 1024 * 1024
MAX_SHEET_ROWS = 1048576  # a spreadsheet's own limit
# rows applied per step when the import is applied from its window (each
# step its own transaction: the window shows the progress between steps, and
# an import cut off continues where it stopped); system parameter
# crm_lifecycle.import_step_rows
STEP_ROWS = 5000
MAX_STEP_ROWS = 50000


class CrmPartnerImport(models.TransientModel):
    _name = "crm.partner.import"
    _inherit = ["crm.lifecycle.wizard"]
    _description = "Import a Customer List"

    file = fields.Binary(string="File", help="CSV (UTF-8, comma or semicolon) or XLSX, with a "
                                             "header row.")
    filename = fields.Char(string="File Name")
    source_system = fields.Char(
        string="Source", required=True,
        help="Name of the list, e.g. 'sales_be'. Re-importing a list under the same source "
             "updates the customers it created or matched.")
    source_label = fields.Char(related="source_system", string="Source", readonly=True)
    state = fields.Selection([("upload", "Upload"), ("preview", "Preview"),
                              ("applying", "Importing"), ("done", "Done")],
                             default="upload", required=True)
    line_ids = fields.One2many("crm.partner.import.line", "import_id", string="Rows")
    skip_errors = fields.Boolean(
        string="Skip Rows with Errors",
        help="Import the valid rows and leave the rows with errors out. Without it, a file "
             "with errors imports nothing.")
    track_history = fields.Boolean(
        string="Track History during Import",
        help="Log the creation of each new customer in its chatter and make you its "
             "follower, and track the changes of the customers it updates, as a customer "
             "created or edited by hand. Off by default, as in Odoo's own import: the import "
             "is faster (a 100,000-row list: about a fifth) and the chatter of the new "
             "customers starts empty.")
    summary = fields.Text(string="Summary", readonly=True)
    count_new = fields.Integer(compute="_compute_counts", string="New")
    count_match = fields.Integer(compute="_compute_counts", string="Matches")
    count_ambiguous = fields.Integer(compute="_compute_counts", string="To Choose")
    count_error = fields.Integer(compute="_compute_counts", string="Errors")
    count_known = fields.Integer(compute="_compute_counts", string="Known Rows")
    count_same = fields.Integer(
        compute="_compute_counts", string="In-File Duplicates",
        help="Rows that are another row of the same file written again: they are imported "
             "into that row's customer.")

    count_total = fields.Integer(compute="_compute_counts", string="Rows")
    count_applied = fields.Integer(
        compute="_compute_counts", string="Rows Imported",
        help="Rows of the list already imported: an import goes in steps, each saved as it "
             "is done.")

    applied_group_row = fields.Integer(
        string="Imported up to Group", readonly=True,
        help="Technical: the steps of the import so far took the groups of rows up to this "
             "one (rows in the order of their groups).")

    @api.depends("line_ids.decision", "applied_group_row")
    def _compute_counts(self):
        """One query for the counts of all the wizards (a list has up to
        MAX_ROWS rows: not a record read per row)."""
        counts = {}
        stored = [wizard.id for wizard in self if isinstance(wizard.id, int)]
        if stored:
            compat.flush(self.env)
            self.env.cr.execute("""
                SELECT l.import_id, l.decision, count(*),
                       count(*) FILTER (WHERE l.group_row <= i.applied_group_row)
                  FROM crm_partner_import_line l
                  JOIN crm_partner_import i ON i.id = l.import_id
                 WHERE l.import_id = ANY(%s)
                 GROUP BY l.import_id, l.decision
            """, (stored,))
            for import_id, decision, count, applied in self.env.cr.fetchall():
                by_decision = counts.setdefault(import_id, {})
                by_decision[decision] = count
                by_decision["applied"] = by_decision.get("applied", 0) + applied
        for wizard in self:
            by_decision = counts.get(wizard.id)
            if by_decision is None:
                # a window's changes not saved yet (onchange): its rows
                by_decision = {"applied": len(wizard.line_ids.filtered("applied"))}
                for decision in wizard.line_ids.mapped("decision"):
                    by_decision[decision] = by_decision.get(decision, 0) + 1
            wizard.count_new = by_decision.get("new", 0)
            wizard.count_match = by_decision.get("match", 0)
            wizard.count_ambiguous = by_decision.get("ambiguous", 0)
            wizard.count_error = by_decision.get("error", 0)
            wizard.count_known = by_decision.get("unchanged", 0) + by_decision.get("update", 0)
            wizard.count_same = by_decision.get("same", 0)
            wizard.count_applied = by_decision.get("applied", 0)
            wizard.count_total = sum(n for key, n in by_decision.items() if key != "applied")

    # ------------------------------------------------------------ reading
    @api.model
    def _decode_file(self, data):
        """The bytes of the uploaded file (base64), refused beyond
        MAX_FILE_BYTES before it is decoded."""
        if len(data) * 3 // 4 > MAX_FILE_BYTES:
            raise UserError(_("The file is larger than %(mb)d MB: split it into smaller "
                              "lists.") % {"mb": MAX_FILE_BYTES // (1024 * 1024)})
        try:
            return base64.b64decode(data)
        except (binascii.Error, ValueError):
            raise UserError(_("The file could not be read (not a valid upload)."))

    @api.model
    def _read_rows(self, content, filename):
        """[(row number, {column: text}, error)] of the file; row numbers
        as a spreadsheet shows them (header = 1)."""
        if len(content) > MAX_FILE_BYTES:
            raise UserError(_("The file is larger than %(mb)d MB: split it into smaller "
                              "lists.") % {"mb": MAX_FILE_BYTES // (1024 * 1024)})
        if (filename or "").lower().endswith((".xlsx", ".xlsm")):
            return self._read_xlsx(content)
        return self._read_csv(content)

    @api.model
    def _too_many_rows(self):
        return UserError(_("The file has more than %(max)d rows: split it into smaller "
                           "lists.") % {"max": MAX_ROWS})

    @api.model
    def _check_width(self, number, row):
        """A row wider than MAX_COLUMNS or a cell longer than MAX_CELL stops
        the reading with an error naming the row."""
        if len(row) > MAX_COLUMNS and any(row[MAX_COLUMNS:]):
            raise UserError(_("Row %(row)d has a value beyond column %(max)d: a list has at "
                              "most %(max)d columns.") % {"row": number, "max": MAX_COLUMNS})
        for col, cell in enumerate(row[:MAX_COLUMNS], 1):
            if cell and len(cell) > MAX_CELL:
                raise UserError(_("Row %(row)d, column %(col)d: %(n)d characters, at most "
                                  "%(max)d.") % {"row": number, "col": col, "n": len(cell),
                                                 "max": MAX_CELL})
        return row[:MAX_COLUMNS]

    @api.model
    def _read_csv(self, content):
        if content.startswith(b"\xef\xbb\xbf"):
            content = content[3:]
        lines = content.splitlines()
        if not lines:
            raise UserError(_("The file is empty."))
        if len(lines) > MAX_ROWS + 1:
            raise self._too_many_rows()
        texts, bad = [], {}
        for number, raw in enumerate(lines, 1):
            try:
                text = raw.decode("utf-8")
            except UnicodeDecodeError as err:
                bad[number] = _("not UTF-8 text (byte 0x%(byte)02x at position %(pos)d): save "
                                "the file as CSV UTF-8") % {
                    "byte": raw[err.start], "pos": err.start + 1}
                text = raw.decode("utf-8", "replace")
            if "\x00" in text:
                bad.setdefault(number, _("contains a NUL character (\\x00): not a text "
                                         "file"))
                text = text.replace("\x00", "")
            texts.append(text)
        if 1 in bad:
            raise UserError(_("Row 1 (the header): %s") % bad[1])
        delimiter = ";" if texts[0].count(";") > texts[0].count(",") else ","
        reader = csv.reader(texts, delimiter=delimiter)
        rows = []
        try:
            for row in reader:
                rows.append(self._check_width(reader.line_num, row))
        except csv.Error as err:
            raise UserError(_("Row %(row)d cannot be read as CSV: %(error)s") % {
                "row": reader.line_num, "error": err})
        return self._rows_from_table(rows, bad)

    @api.model
    def _read_xlsx(self, content):
        try:
            import openpyxl
        except ImportError:  # pragma: no cover
            raise UserError(_("Reading XLSX files needs the python library openpyxl."))
        try:
            unpacked = sum(i.file_size for i in zipfile.ZipFile(io.BytesIO(content)).infolist())
        except (zipfile.BadZipFile, ValueError) as err:
            raise UserError(_("The file is not a readable XLSX workbook: %s") % err)
        if unpacked > MAX_XLSX_UNPACKED:
            raise UserError(_("The workbook unpacks to more than %(mb)d MB: save the list "
                              "alone, or as CSV.") % {"mb": MAX_XLSX_UNPACKED // (1024 * 1024)})
        try:
            book = openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=True)
            sheet = book.worksheets[0]
            # the size a sheet declares is not trusted: only its cells count
            sheet.reset_dimensions()
            rows, numbers = [], []
            for number, row in enumerate(sheet.iter_rows(values_only=True), 1):
                if number > MAX_SHEET_ROWS:
                    raise UserError(_("The sheet has rows beyond row %(max)d, a spreadsheet's "
                                      "limit.") % {"max": MAX_SHEET_ROWS})
                if not any(v is not None and v != "" for v in row):
                    continue  # empty rows, and the gaps between rows, are not kept
                if len(rows) > MAX_ROWS:
                    raise self._too_many_rows()
                if len(row) > MAX_COLUMNS and any(v is not None for v in row[MAX_COLUMNS:]):
                    self._check_width(number, list(row))
                rows.append(self._check_width(
                    number, ["" if v is None else str(v) for v in row[:MAX_COLUMNS]]))
                numbers.append(number)
        except UserError:
            raise
        except Exception as err:  # openpyxl raises many kinds on a broken file
            raise UserError(_("The file is not a readable XLSX workbook: %s") % err)
        return self._rows_from_table(rows, {}, numbers)

    @api.model
    def _rows_from_table(self, rows, bad, numbers=None):
        """numbers: the row number of each of `rows` (default: 1, 2...)."""
        if not rows:
            raise UserError(_("The file is empty."))
        header = [h.strip().lower() for h in rows[0]]
        index = {}
        for key, names in COLUMNS.items():
            for i, h in enumerate(header):
                if h in names:
                    index[key] = i
                    break
        if "external_ref" not in index:
            raise UserError(_(
                "The file needs a column with the key of each row (one of: %(names)s); the "
                "header has: %(header)s") % {"names": ", ".join(COLUMNS["external_ref"]),
                                             "header": ", ".join(header)})
        if "name" not in index:
            raise UserError(_("The file needs a column with the customer name (one of: %s).")
                            % ", ".join(COLUMNS["name"]))
        result = []
        numbers = numbers or range(1, len(rows) + 1)
        for number, row in zip(numbers[1:], rows[1:]):
            if not any((c or "").strip() for c in row):
                continue
            values = {key: (row[i].strip() if i < len(row) and row[i] else "")
                      for key, i in index.items()}
            result.append((number, values, bad.get(number)))
        return result

    # ------------------------------------------------------------ checking
    @api.model
    def _check_row(self, values, countries, seen_refs):
        """(error sentence or None, country id)."""
        problems = []
        if values.get("external_ref"):
            if values["external_ref"] in seen_refs:
                problems.append(_("column %(col)s: key %(key)r is already on row %(row)d") % {
                    "col": "ref", "key": values["external_ref"],
                    "row": seen_refs[values["external_ref"]]})
        else:
            problems.append(_("column ref: empty row key"))
        if not values.get("name"):
            problems.append(_("column name: empty name"))
        if values.get("email") and not EMAIL_RE.match(values["email"]):
            problems.append(_("column email: %r is not an email address") % values["email"])
        country_id = False
        if values.get("country"):
            text = values["country"].strip().lower()
            country_id = countries.get(text)
            if not country_id:
                problems.append(_("column country: unknown country %r (give its ISO code, "
                                  "e.g. BE, or its English name)") % values["country"])
        # the numbers in E.164, kept for the matching
        values["_phones"] = []
        for col in ("phone", "mobile"):
            if values.get(col):
                number = to_e164(values[col], self._region(country_id))
                if number:
                    values["_phones"].append(number)
                else:
                    problems.append(_("column %(col)s: %(value)r is not a phone number") % {
                        "col": col, "value": values[col]})
        return "; ".join(problems) or None, country_id

    @api.model
    def _region(self, country_id):
        """The region a row's phone numbers are read in: its country's, else
        the company's (the codes read once per call of the wizard: a list
        has up to MAX_ROWS rows)."""
        regions = self.env.context.get("lifecycle_regions")
        if regions is None:
            if country_id:
                return self.env["res.country"].browse(country_id).code
            return company_region(self.env)
        return regions.get(country_id) or regions.get(None)

    @api.model
    def _with_regions(self):
        regions = dict(self.env["res.country"].search([]).mapped(lambda c: (c.id, c.code)))
        regions[None] = company_region(self.env)
        return self.with_context(lifecycle_regions=regions)

    @api.model
    def _row_hash(self, values):
        """The SHA-1 of the row's values as JSON (keys sorted, ASCII), the
        form the source keys keep: written out with the JSON encoder's own
        escaping of each text rather than by json.dumps (a list's 100,000
        rows: seconds less; the tests check the two are equal)."""
        data = "{%s}" % ", ".join('"%s": %s' % (key, encode_basestring_ascii(values.get(key, "")))
                                  for key in HASH_KEYS)
        return hashlib.sha1(data.encode("utf-8")).hexdigest()

    # ------------------------------------------------------------ preview
    def action_preview(self):
        self._check_lifecycle_rights()
        self.ensure_one()
        if not self.file:
            raise UserError(_("Choose a file to import."))
        source = (self.source_system or "").strip()
        if not source:
            raise UserError(_("Give the source of the list."))
        rows = self._read_rows(self._decode_file(self.file), self.filename)
        # the countries' codes read once for the rows' phone numbers
        wizard = self._with_regions()
        countries = {}
        for country in self.env["res.country"].search([]):
            countries[country.code.lower()] = country.id
            countries[country.with_context(lang="en_US").name.lower()] = country.id
        Source = self.env["crm.partner.source"]
        known = {s.external_ref: s for s in Source.search([
            ("source_system", "=", source),
            ("external_ref", "in", [r[1].get("external_ref") for r in rows])])}
        lines, seen_refs, to_match = [], {}, []
        for number, values, encoding_error in rows:
            error, country_id = wizard._check_row(values, countries, seen_refs)
            if encoding_error:
                error = "; ".join(e for e in (encoding_error, error) if e)
            if values.get("external_ref"):
                seen_refs.setdefault(values["external_ref"], number)
            line = dict({k: values.get(k, "") for k in VALUE_FIELDS},
                        row_number=number, group_row=number,
                        external_ref=values.get("external_ref", ""),
                        country_text=values.get("country", ""), country_id=country_id,
                        is_company=values.get("is_company", "").lower() in (
                            "1", "true", "yes", "y", "company", "x"),
                        row_hash=self._row_hash(values), error=error,
                        company_known="is_company" in values, phones=values["_phones"])
            source_rec = known.get(values.get("external_ref"))
            if error:
                line["decision"] = "error"
            elif source_rec and source_rec.partner_id.active:
                line["partner_id"] = source_rec.partner_id.id
                line["decision"] = ("unchanged" if source_rec.row_hash == line["row_hash"]
                                    else "update")
                line["reasons"] = _("row %(key)s of %(source)s") % {
                    "key": values["external_ref"], "source": source}
            else:
                to_match.append(line)
            lines.append(line)
        wizard._match(to_match)
        for line in lines:
            del line["company_known"], line["phones"]
        self._write_lines(lines)
        self.write({"state": "preview", "source_system": source})
        return self._reopen()

    # sql-write: the preview rows of this wizard, which is the caller's
    # (checked first)
    def _write_lines(self, lines):
        """Replace the preview's rows by `lines` (dicts of their values),
        set-based: a list has up to MAX_ROWS rows, an ORM create each
        would take minutes."""
        self.check_access_rule("write")
        compat.flush(self.env)
        cr = self.env.cr
        Line = self.env["crm.partner.import.line"]
        cr.execute("DELETE FROM crm_partner_import_line WHERE import_id = %s", (self.id,))
        candidates = []
        rows = []
        for line in lines:
            row = dict(line, import_id=self.id)
            commands = row.pop("candidate_ids", None) or [(6, 0, [])]
            candidates.append(commands[0][2])
            row.setdefault("decision", "new")
            rows.append(row)
        names = sorted(set().union(*rows)) if rows else []
        ids = bulk.insert_rows(Line, [Line._fields[name] for name in names], rows)
        cr.execute("""
            INSERT INTO crm_partner_import_line_candidate_rel (line_id, partner_id)
            SELECT r.line, r.partner FROM json_to_recordset(%s) AS r(line int, partner int)
        """, (json.dumps([{"line": line_id, "partner": partner_id}
                          for line_id, partner_ids in zip(ids, candidates)
                          for partner_id in partner_ids]),))
        compat.invalidate_all(self.env)

    # sql-write: a work table of this transaction only
    def _match(self, lines):
        """Decide new / match / ambiguous for `lines`, set-based: the rows go
        into the duplicate finder's comparison table with negative ids, the
        candidate partners are found by indexed lookups, and the pairs are
        scored by the finder's scoring query."""
        if not lines:
            return
        cr = self.env.cr
        Duplicate = self.env["crm.partner.duplicate"]
        threshold = Duplicate._threshold()
        rows = []
        for i, line in enumerate(lines, 1):
            phones = line["phones"]
            rows.append((-i, name_key(line["name"]), city_key(line["city"]),
                         # as the finder compares them (PARTNER_VALUES_SQL)
                         email_key(line["email"]), (line["vat"] or "").replace(" ", "").upper(),
                         (line["zip"] or "").replace(" ", "").upper(),
                         (line["street"] or "").lower(), phones,
                         line["is_company"] if line["company_known"] else None,
                         (line.get("street2") or "").lower()))
        # the ORM's pending writes reach the tables before these queries
        compat.flush(self.env)
        Duplicate._drop_work_tables(extra=("lifecycle_imp",))
        cr.execute("""
            CREATE TEMP TABLE lifecycle_imp ON COMMIT DROP AS
            SELECT r.id, %(company)s::int AS company_id, r.is_company, NULL::int AS parent_id,
                   r.nk, r.ck, r.em, r.vk, r.zk, r.sk, r.phones, r.s2, ''::text AS wd
              FROM json_to_recordset(%(rows)s) AS r(id int, nk varchar, ck varchar,
                   em varchar, vk varchar, zk varchar, sk varchar, phones varchar[],
                   is_company bool, s2 varchar)
        """, {"company": self.env.user.company_id.id, "rows": json.dumps([
            dict(zip(("id", "nk", "ck", "em", "vk", "zk", "sk", "phones", "is_company", "s2"), r))
            for r in rows])})
        # the emails and phones that prove nothing make no candidates
        rules = self.env["crm.duplicate.rule"]._rules()
        Duplicate._apply_exceptions("lifecycle_imp", rules)
        if len(lines) > LOOKUP_ROWS:
            found, same = self._match_blocked(rules, threshold)
        else:
            found, same = self._match_looked_up(rules, threshold)
        Duplicate._drop_work_tables(extra=("lifecycle_imp",))
        reason_names = Duplicate.new({})
        # the reasons' sentence per set of reasons, translated once
        sentences = {}
        for i, line in enumerate(lines, 1):
            candidates = found.get(i, [])[:MAX_CANDIDATES]
            if not candidates:
                line["decision"] = "new"
                continue
            best_id, best_score, codes = candidates[0]
            if codes not in sentences:
                reason_names.reason_codes = codes
                sentences[codes] = reason_names.reasons
            line.update(partner_id=best_id, score=float(best_score),
                        reasons=sentences[codes],
                        candidate_ids=[(6, 0, [c[0] for c in candidates])])
            # two customers above the threshold and close: the user chooses
            line["decision"] = ("ambiguous" if len(candidates) > 1
                                and candidates[1][1] >= best_score - 0.05 else "match")
        self._group_in_file(lines, same, reason_names)

    # sql-write: the finder's work tables of this transaction only
    def _match_looked_up(self, rules, threshold):
        """The candidates of a short list (temp table lifecycle_imp): one
        indexed lookup of res_partner per row and value (email, tax ID,
        phones, trigram of the name), scored by the finder's scoring.
        ({row index: [(partner, score, reasons)]}, in-file pairs)."""
        cr = self.env.cr
        Duplicate = self.env["crm.partner.duplicate"]
        cr.execute("SET LOCAL pg_trgm.similarity_threshold = 0.5")
        # candidates: each lookup uses an index of res_partner
        cr.execute("""
            CREATE TEMP TABLE lifecycle_dup_pairs ON COMMIT DROP AS
            SELECT DISTINCT a_id, b_id FROM (
                SELECT r.id AS a_id, p.id AS b_id FROM lifecycle_imp r
                  JOIN res_partner p ON r.em <> '' AND lower(p.email) = r.em
                UNION ALL
                SELECT r.id, p.id FROM lifecycle_imp r
                  JOIN res_partner p ON r.vk <> '' AND upper(replace(p.vat, ' ', '')) = r.vk
                UNION ALL
                SELECT r.id, p.id FROM lifecycle_imp r, unnest(r.phones) ph
                  JOIN res_partner p ON p.phone_e164 = ph
                UNION ALL
                SELECT r.id, p.id FROM lifecycle_imp r, unnest(r.phones) ph
                  JOIN res_partner p ON p.mobile_e164 = ph
                UNION ALL
                SELECT r.id, p.id FROM lifecycle_imp r
                  JOIN res_partner p ON r.nk <> '' AND p.identity_name_key % r.nk
            ) c
        """)
        cr.execute("CREATE TEMP TABLE lifecycle_dup_p ON COMMIT DROP AS"
                   + PARTNER_VALUES_SQL + CANDIDATES_WHERE  # noqa: constants of the finder
                   + " AND p.id IN (SELECT b_id FROM lifecycle_dup_pairs)"
                   + " AND (p.company_id IS NULL OR p.company_id = %s)",
                   (self.env.user.company_id.id,))
        Duplicate._apply_exceptions("lifecycle_dup_p", rules)
        cr.execute("INSERT INTO lifecycle_dup_p SELECT * FROM lifecycle_imp")
        Duplicate._score_pairs(rules=rules)
        cr.execute("""
            SELECT a_id, b_id, score, reason_codes FROM lifecycle_dup_scored
             WHERE score >= %s ORDER BY a_id, score DESC, b_id
        """, (threshold,))
        found = {}
        for a_id, b_id, score, codes in cr.fetchall():
            found.setdefault(-a_id, []).append((b_id, score, codes))
        Duplicate._drop_work_tables()
        return found, self._match_in_file(rules, threshold)

    # sql-write: the finder's work tables of this transaction only
    def _match_blocked(self, rules, threshold):
        """The candidates of a long list (temp table lifecycle_imp): its rows
        and the company's customers that may share a key with one of them
        (BASE_MAY_SHARE_A_KEY) blocked together by the finder's own keys
        (one sort of the keys, not a lookup per row: at a million customers
        a trigram lookup costs tens of milliseconds, hours for 100,000
        rows), only the blocks holding a row of the list; then the finder's
        scoring. Pairs of two rows of the list are the in-file
        pairs. Same result shape as `_match_looked_up`."""
        cr = self.env.cr
        Duplicate = self.env["crm.partner.duplicate"]
        exceptions = rules["exceptions"]
        # the values of the base, then those of the customers that may
        # share a key (a filter of the values computed once: twice as fast
        # as filtering while computing them, which computes each several
        # times); the lists of the list's values held in memory (hashed)
        cr.execute("CREATE TEMP TABLE lifecycle_dup_base ON COMMIT DROP AS"
                   + PARTNER_VALUES_SQL + CANDIDATES_WHERE  # noqa: constants of the finder
                   + " AND (p.company_id IS NULL OR p.company_id = %s)",
                   (self.env.user.company_id.id,))
        with planner_settings(cr, work_mem=WORK_MEM):
            cr.execute("CREATE TEMP TABLE lifecycle_dup_p ON COMMIT DROP AS "
                       "SELECT * FROM lifecycle_dup_base v WHERE "
                       + BASE_MAY_SHARE_A_KEY, {  # noqa: a constant
                           "emails": exceptions["emails"],
                           "starts": exceptions["email_starts"],
                           "phones": exceptions["phones"]})
        cr.execute("DROP TABLE lifecycle_dup_base")
        Duplicate._apply_exceptions("lifecycle_dup_p", rules)
        cr.execute("INSERT INTO lifecycle_dup_p SELECT * FROM lifecycle_imp")
        cr.execute("CREATE UNIQUE INDEX ON lifecycle_dup_p (id); ANALYZE lifecycle_dup_p")
        Duplicate._find_pairs(None, threshold, rules, imported=True)
        Duplicate._score_pairs(min_score=threshold, rules=rules)
        cr.execute("""
            SELECT a_id, b_id, score, reason_codes FROM lifecycle_dup_scored
             WHERE score >= %s ORDER BY a_id, score DESC, b_id
        """, (threshold,))
        found, same = {}, []
        for a_id, b_id, score, codes in cr.fetchall():
            if b_id > 0:
                found.setdefault(-a_id, []).append((b_id, score, codes))
            else:
                same.append((-a_id, -b_id, score, codes))
        # as _match_in_file orders them
        same.sort(key=lambda pair: (-pair[2], pair[0], pair[1]))
        Duplicate._drop_work_tables()
        return found, same

    # sql-write: the finder's work tables of this transaction only
    def _match_in_file(self, rules, threshold):
        """The pairs of rows of the file (in temp table lifecycle_imp) that
        are one customer, found by the finder's own blocking and scoring:
        [(row index, row index, score, reason codes)], indexes from 1."""
        cr = self.env.cr
        Duplicate = self.env["crm.partner.duplicate"]
        cr.execute("CREATE TEMP TABLE lifecycle_dup_p ON COMMIT DROP AS "
                   "SELECT * FROM lifecycle_imp")
        cr.execute("CREATE UNIQUE INDEX ON lifecycle_dup_p (id); ANALYZE lifecycle_dup_p")
        Duplicate._find_pairs(None, threshold, rules)
        Duplicate._score_pairs(min_score=threshold, rules=rules)
        cr.execute("""
            SELECT -a_id, -b_id, score, reason_codes FROM lifecycle_dup_scored
             WHERE score >= %s ORDER BY score DESC, a_id DESC, b_id DESC
        """, (threshold,))
        return cr.fetchall()

    @api.model
    def _group_in_file(self, lines, same, reason_names):
        """Group the rows of the file that are one customer (the pairs
        `same`, joined: a row like a second like a third is one group) and
        make each group one customer: its lead is the first row matching an
        existing customer, else its first row; the other rows that would
        have been new customers become "Same as Row" the lead."""
        parent = list(range(len(lines) + 1))

        def root(i):
            while parent[i] != i:
                parent[i] = parent[parent[i]]
                i = parent[i]
            return i
        best = {}
        for a, b, score, codes in same:
            parent[root(max(a, b))] = root(min(a, b))
            for i in (a, b):
                if i not in best or score > best[i][0]:
                    best[i] = (float(score), codes, b if i == a else a)
        groups = {}
        for i in best:
            groups.setdefault(root(i), []).append(i)
        for members in groups.values():
            members.sort(key=lambda i: lines[i - 1]["row_number"])
            matched = [i for i in members if lines[i - 1]["decision"] == "match"]
            lead = matched[0] if matched else members[0]
            lead_row = lines[lead - 1]["row_number"]
            for i in members:
                line = lines[i - 1]
                line["group_row"] = lead_row
                if i == lead or line["decision"] != "new":
                    continue
                score, codes, other = best[i]
                reason_names.reason_codes = codes
                line.update(decision="same", same_as_row=lead_row, score=score,
                            reasons=_("like row %(row)d: %(reasons)s") % {
                                "row": lines[other - 1]["row_number"],
                                "reasons": reason_names.reasons})

    def _reopen(self):
        return {"type": "ir.actions.act_window", "res_model": self._name, "res_id": self.id,
                "view_mode": "form", "target": "new", "name": _("Import a Customer List")}

    # ------------------------------------------------------------ applying
    def _apply_lines(self, step=None):
        """The rows of the preview not imported yet, as dicts, in row order:
        one query, not a record per row (a list has up to MAX_ROWS rows).
        step: at most about that many rows, whole groups of rows that are one
        customer (a group is never split between two steps), in the order
        of the groups."""
        self.check_access_rule("write")
        # the choices the user made in the preview reach the table first
        compat.flush(self.env)
        self.env.cr.execute(sql.SQL("""
            WITH pending AS (
                SELECT l.* FROM crm_partner_import_line l
                  JOIN crm_partner_import i ON i.id = l.import_id
                 WHERE l.import_id = %(import)s
                   AND l.group_row > coalesce(i.applied_group_row, 0)
            ), last_group AS (
                -- the group of the step's last row: its step takes it whole
                SELECT group_row FROM pending ORDER BY group_row, row_number
                OFFSET greatest(coalesce(%(step)s, 1), 1) - 1 LIMIT 1
            )
            SELECT l.id, l.row_number, l.group_row, l.decision, l.partner_id, l.same_as_row,
                   l.external_ref,
                   l.row_hash, l.error, l.country_id, l.is_company, {values},
                   (SELECT count(*) FROM crm_partner_import_line_candidate_rel c
                     WHERE c.line_id = l.id) AS candidates
              FROM pending l
             WHERE %(step)s::int IS NULL
                OR l.group_row <= coalesce((SELECT group_row FROM last_group), l.group_row)
             ORDER BY l.row_number
        """).format(values=sql.SQL(", ").join(
            sql.SQL("l.{}").format(sql.Identifier(name)) for name in VALUE_FIELDS)),
            {"import": self.id, "step": step})
        return self.env.cr.dictfetchall()

    @api.model
    def _apply_problems(self, lines, skip_errors):
        problems = []
        leads = {line["row_number"]: line["decision"] for line in lines}
        for line in lines:
            if line["decision"] == "error" and not skip_errors:
                problems.append(_("row %(row)d: %(error)s") % {
                    "row": line["row_number"], "error": line["error"]})
            elif line["decision"] == "ambiguous":
                problems.append(_("row %(row)d: %(count)d customers match %(name)r: choose "
                                  "one, or set the row to New or Skip") % {
                    "row": line["row_number"], "count": line["candidates"],
                    "name": line["name"]})
            elif line["decision"] == "match" and not line["partner_id"]:
                problems.append(_("row %d: choose the customer it matches")
                                % line["row_number"])
            elif line["decision"] == "same" and leads.get(line["same_as_row"]) not in (
                    "new", "match", "ambiguous", "update", "unchanged"):
                problems.append(_("row %(row)d is the same customer as row %(lead)d, which is "
                                  "not imported: set it to New or Skip") % {
                    "row": line["row_number"], "lead": line["same_as_row"]})
        return problems

    @api.model
    def _line_values(self, line):
        """The customer's values of a row (as CrmPartnerImportLine's
        `_partner_values`)."""
        values = {k: line[k] or False for k in VALUE_FIELDS}
        values["country_id"] = line["country_id"] or False
        values["is_company"] = bool(line["is_company"])
        return values

    def _fill(self, values, line):
        """Fill the empty ones of `values` (a customer's, changed in place)
        with those of the row `line`; return what was filled."""
        filled = {}
        if values is None:
            return filled
        for key, value in self._line_values(line).items():
            if value and not values.get(key) and key != "is_company":
                values[key] = filled[key] = value
        return filled

    def action_apply(self):
        """Import the rows of the preview: all of them in this call, one
        transaction (all or nothing), unless the window asks for steps
        (context `lifecycle_import_steps`): then the import only starts,
        and the window applies it a step at a time (`action_apply_step`),
        showing its progress."""
        self._check_lifecycle_rights()
        self.ensure_one()
        lines = None
        if self.state == "preview":
            lines = self._start_apply()
        elif self.state != "applying":
            raise UserError(_("This list is already imported."))
        if not self.env.context.get("lifecycle_import_steps"):
            # all the rows in this call: those _start_apply just read
            self._apply_step(None, lines)
            self._finish_apply()
        return self._reopen()

    def action_apply_step(self):
        """Import the next step of rows (see `_step_rows`) and save it: called
        by the window again and again while the import is applying. An
        import cut off (window closed, server stopped, an error) continues
        from the first row not imported. Returns the progress: {applied,
        total, done}."""
        self._check_lifecycle_rights()
        self.ensure_one()
        if self.state == "applying":
            self._apply_step(self._step_rows())
            # done once no row is left
            self._finish_apply()
        compat.invalidate_all(self.env)
        return {"applied": self.count_applied, "total": self.count_total,
                "done": self.state == "done"}

    @api.model
    def _step_rows(self):
        # sudo: a setting of the suite, read-only (an administrator's, the
        # rights to read system parameters being the administrator's)
        value = self.env["ir.config_parameter"].sudo().get_param(
            "crm_lifecycle.import_step_rows")
        try:
            return min(max(int(value), 1), MAX_STEP_ROWS) if value else STEP_ROWS
        except ValueError:
            return STEP_ROWS

    def _start_apply(self):
        """Check every row before the first is imported: any problem
        (errors, rows to choose...) and nothing is imported. Returns the
        rows read (`_apply_lines`)."""
        lines = self._apply_lines()
        problems = self._apply_problems(lines, self.skip_errors)
        if problems:
            raise UserError(_("Nothing was imported:\n%s") % "\n".join(problems[:30]))
        self.state = "applying"
        return lines

    def _apply_step(self, step, lines=None):
        """Import the next `step` rows (all of them if None) and mark them
        imported; False when no row was left. The steps take the rows in
        the order of their groups: the rows imported are those up to the
        last group a step took (`applied_group_row`), not a flag written on
        every row. lines: all the rows not imported yet, when the caller
        has just read them (`_apply_lines()`, step None)."""
        if lines is None or step is not None:
            lines = self._apply_lines(step)
        if not lines:
            return False
        self._check_not_imported_since(lines)
        with self.env.cr.savepoint():
            self._apply_rows(lines)
            self.applied_group_row = max(line["group_row"] for line in lines)
        compat.invalidate_all(self.env)
        return True

    def _check_not_imported_since(self, lines):
        """Refuse rows that the preview found without a customer of this
        source and that have one now: another import of the same list
        (another window, or this one continued after the list was imported
        again) imported them since; importing them again would make their
        customers twice."""
        fresh = [line["external_ref"] for line in lines
                 if line["decision"] in ("new", "match", "ambiguous", "same")]
        if not fresh:
            return
        # the keys of active customers, in one indexed query; then those of
        # them the caller sees, as the preview read them (usually none)
        self.env.cr.execute("""
            SELECT s.id FROM crm_partner_source s
              JOIN res_partner p ON p.id = s.partner_id AND p.active
             WHERE s.source_system = %s AND s.external_ref = ANY(%s)
        """, (self.source_system, fresh))
        found = [row[0] for row in self.env.cr.fetchall()]
        if not found:
            return
        taken = set(self.env["crm.partner.source"].search([("id", "in", found)])
                    .mapped("external_ref"))
        rows = [line["row_number"] for line in lines if line["external_ref"] in taken
                and line["decision"] in ("new", "match", "ambiguous", "same")]
        if rows:
            raise UserError(_(
                "Rows %(rows)s were imported by another import of %(source)s since this "
                "preview: nothing more was imported. Open the import again with the file: "
                "its preview shows what is left to import.") % {
                "rows": ", ".join(map(str, rows[:20])) + ("..." if len(rows) > 20 else ""),
                "source": self.source_system})

    def _has_rows_left(self):
        """Whether rows of the list are not imported yet (one indexed
        query that stops at the first)."""
        self.env.cr.execute("""
            SELECT 1 FROM crm_partner_import_line l
              JOIN crm_partner_import i ON i.id = l.import_id
             WHERE l.import_id = %s AND l.group_row > coalesce(i.applied_group_row, 0)
             LIMIT 1
        """, (self.id,))
        return bool(self.env.cr.fetchone())

    def _finish_apply(self):
        # the step's applied_group_row reaches the table first
        compat.flush(self.env)
        if self._has_rows_left():
            return
        compat.invalidate_all(self.env)
        counts = {"new": self.count_new, "match": self.count_match, "unchanged": 0, "skip": 0,
                  "update": 0, "error": self.count_error, "same": self.count_same}
        self.env.cr.execute("SELECT decision, count(*) FROM crm_partner_import_line "
                            "WHERE import_id = %s AND decision IN ('update', 'unchanged', "
                            "'skip') GROUP BY decision", (self.id,))
        counts.update(self.env.cr.fetchall())
        self.summary = _("%(new)d customers created, %(match)d matched to existing customers, "
                         "%(update)d updated, %(unchanged)d unchanged, %(skip)d skipped, "
                         "%(error)d rows with errors left out.") % counts
        if counts["same"]:
            self.summary += " " + _("%(same)d rows were the same customer as another row of "
                                    "the file and went into its customer.") % counts
        self.state = "done"

    def _apply_rows(self, lines):
        """Create and update the customers of `lines` (whole groups of rows
        that are one customer), set-based: the new customers by
        `bulk.create_partners`, the matched and updated ones by
        `bulk.write_partners` (only their empty fields, or this list's own
        changed row); the rows that are another row of the file go into its
        customer's create or write. Without Track History (the default, as
        Odoo's import), no chatter message, follower or tracking for them
        (Odoo's `tracking_disable`)."""
        env = self.env if self.track_history else self.with_context(tracking_disable=True).env
        customers = {}
        leads = {line["row_number"]: line for line in lines}
        # the rows that are another row of the file come after it and go
        # into its customer, filling what it leaves empty, in row order:
        # folded into that customer's one create or write
        same = [line for line in lines if line["decision"] == "same"]
        new = [line for line in lines if line["decision"] == "new"]
        creates = {line["row_number"]: dict(self._line_values(line),
                                            **compat.customer_vals()) for line in new}
        for line in same:
            self._fill(creates.get(line["same_as_row"]), line)
        created = bulk.create_partners(env, [creates[line["row_number"]] for line in new])
        for line, partner_id in zip(new, created.ids):
            customers[line["row_number"]] = partner_id
        # the existing customers, in row order: another department's
        # record gets what it lacks, this list's own changed row its
        # values; one set-based write of them all
        writes = {}
        known = [line for line in lines if line["decision"] in ("match", "update")]
        # their stored values, read in one query (write_partners holds
        # the writes to the write rules)
        columns = VALUE_FIELDS + ("country_id",)
        existing = {line["partner_id"] for line in known} | {
            leads[line["same_as_row"]]["partner_id"] for line in same
            if leads[line["same_as_row"]]["decision"] in ("match", "update", "unchanged")}
        self.env.cr.execute(sql.SQL("SELECT id, {} FROM res_partner WHERE id = ANY(%s)").format(
            sql.SQL(", ").join(map(sql.Identifier, columns))), (list(existing),))
        stored = {row[0]: dict(zip(columns, row[1:])) for row in self.env.cr.fetchall()}
        for line in known:
            partner_id = line["partner_id"]
            values = self._line_values(line)
            del values["is_company"]
            target = writes.setdefault(partner_id, {})
            if line["decision"] == "update":
                target.update(values)
            else:
                for key, value in values.items():
                    if value and not stored[partner_id][key] and key not in target:
                        target[key] = value
            customers[line["row_number"]] = partner_id
        for line in lines:
            if line["decision"] == "unchanged":
                customers[line["row_number"]] = line["partner_id"]
        for line in same:
            lead = leads[line["same_as_row"]]
            if lead["decision"] != "new":
                partner_id = lead["partner_id"]
                # what the customer holds once written
                values = dict(stored[partner_id], **writes.get(partner_id, {}))
                filled = self._fill(values, line)
                writes.setdefault(partner_id, {}).update(filled)
            customers[line["row_number"]] = customers[line["same_as_row"]]
        bulk.write_partners(env, {k: v for k, v in writes.items() if v})
        self._write_sources([(line, customers[line["row_number"]]) for line in lines
                             if line["row_number"] in customers])

    # sql-write: the source keys of the rows just imported, held to the
    # rights and record rules of crm.partner.source as the ORM's create and
    # write would be
    def _write_sources(self, pairs):
        """Store the source and row key of each imported row, set-based:
        [(line, customer id)]."""
        Source = self.env["crm.partner.source"]
        Source.check_access_rights("create")
        Source.check_access_rights("write")
        if not pairs:
            return
        compat.flush(self.env)
        cr = self.env.cr
        rows = json.dumps([{"ref": line["external_ref"], "partner": partner_id,
                            "hash": line["row_hash"]} for line, partner_id in pairs])
        cr.execute("""
            SELECT s.id FROM crm_partner_source s, json_to_recordset(%s) AS r(ref varchar)
             WHERE s.source_system = %s AND s.external_ref = r.ref
        """, (rows, self.source_system))
        existing = [row[0] for row in cr.fetchall()]
        # the rows it would write: the caller may write them
        check_rules(Source.browse(existing), "write")
        cr.execute("""
            INSERT INTO crm_partner_source AS s (source_system, external_ref, partner_id,
                   row_hash, company_id, last_import_date, create_uid, write_uid,
                   create_date, write_date)
            SELECT %(source)s, r.ref, r.partner, r.hash, p.company_id,
                   now() AT TIME ZONE 'UTC', %(uid)s, %(uid)s,
                   now() AT TIME ZONE 'UTC', now() AT TIME ZONE 'UTC'
              FROM json_to_recordset(%(rows)s) AS r(ref varchar, partner int, hash varchar)
              JOIN res_partner p ON p.id = r.partner
            ON CONFLICT (source_system, external_ref) DO UPDATE
               SET partner_id = excluded.partner_id, row_hash = excluded.row_hash,
                   company_id = excluded.company_id,
                   last_import_date = excluded.last_import_date,
                   write_uid = excluded.write_uid, write_date = excluded.write_date
            RETURNING id
        """, {"source": self.source_system, "uid": self.env.uid, "rows": rows})
        written = Source.browse([row[0] for row in cr.fetchall()])
        compat.invalidate_fields(written, ["partner_id", "row_hash", "company_id",
                                           "last_import_date"])
        check_rules(written - Source.browse(existing), "create")
        check_rules(Source.browse(existing), "write")


class CrmPartnerImportLine(models.TransientModel):
    _name = "crm.partner.import.line"
    _inherit = ["crm.lifecycle.wizard"]
    _description = "Import a Customer List: Row"
    # the rows that are one customer together, each group at its first row
    _order = "group_row, row_number"

    import_id = fields.Many2one("crm.partner.import", required=True, ondelete="cascade",
                                index=True)
    row_number = fields.Integer(string="Row", readonly=True)
    external_ref = fields.Char(string="Key", readonly=True)
    name = fields.Char(string="Name", readonly=True)
    email = fields.Char(string="Email", readonly=True)
    phone = fields.Char(string="Phone", readonly=True)
    mobile = fields.Char(string="Mobile", readonly=True)
    vat = fields.Char(string="Tax ID", readonly=True)
    street = fields.Char(string="Street", readonly=True)
    city = fields.Char(string="City", readonly=True)
    zip = fields.Char(string="Zip", readonly=True)
    country_text = fields.Char(string="Country", readonly=True)
    country_id = fields.Many2one("res.country", string="Country Found", readonly=True)
    is_company = fields.Boolean(string="Is a Company", readonly=True)
    row_hash = fields.Char(readonly=True)
    decision = fields.Selection([
        ("new", "New"),
        ("match", "Matches"),
        ("ambiguous", "Choose"),
        ("update", "Update"),
        ("unchanged", "Unchanged"),
        ("skip", "Skip"),
        ("error", "Error"),
        ("same", "Same as Row"),
    ], string="Decision", required=True, default="new",
        help="New: creates a customer. Matches: the row is this existing customer (its empty "
             "fields are filled). Choose: several customers match, pick one. Update / "
             "Unchanged: a row imported before from this source. Same as Row: another row "
             "of the file is the same customer; the row goes into that row's customer.")
    partner_id = fields.Many2one("res.partner", string="Customer",
                                 help="The existing customer the row is.")
    candidate_ids = fields.Many2many("res.partner", "crm_partner_import_line_candidate_rel",
                                     "line_id", "partner_id", string="Candidates",
                                     readonly=True)
    same_as_row = fields.Integer(
        string="Same as Row", readonly=True,
        help="The row of the file this row is the same customer as: it is imported into that "
             "row's customer.")
    group_row = fields.Integer(
        readonly=True, help="Technical: the first row of the group of rows that are one "
                            "customer (the rows of a group are listed together).")
    score = fields.Float(string="Score", digits=(4, 3), readonly=True)
    applied = fields.Boolean(string="Imported", compute="_compute_applied",
                             help="The row is imported (an import goes in steps).")
    reasons = fields.Char(string="Reasons", readonly=True)
    error = fields.Char(string="Errors", readonly=True)

    @api.depends("group_row", "import_id.applied_group_row")
    def _compute_applied(self):
        for line in self:
            line.applied = line.group_row <= line.import_id.applied_group_row

    @api.onchange("partner_id")
    def _onchange_partner_id(self):
        if self.partner_id and self.decision in ("ambiguous", "new", "same"):
            self.decision = "match"

    def _partner_values(self):
        self.ensure_one()
        values = {k: self[k] or False for k in VALUE_FIELDS}
        values["country_id"] = self.country_id.id or False
        values["is_company"] = self.is_company
        return values
