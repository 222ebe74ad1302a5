# Copyright 2026 crm_lifecycle contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import logging
import math

from psycopg2 import sql
from psycopg2.extras import execute_values

from odoo import _, api, fields, models, tools
from odoo.exceptions import AccessError, ValidationError

from .. import compat
from ..guard import MANAGER_GROUP, is_superuser, permitted_ids, text_problem
from ..sql import compose, idents

_logger = logging.getLogger(__name__)

DIRECTIONS = [("inbound", "Inbound"), ("outbound", "Outbound")]
KINDS = [
    ("contact", "Contact"),
    ("purchase", "Purchase"),
    ("lead", "Lead / Opportunity"),
    ("complaint", "Complaint"),
    ("support", "Support Request"),
    ("feedback", "Feedback"),
    ("response", "Campaign Response"),
    ("campaign", "Campaign Send"),
]
# kinds that are no contact between a customer and a person of the company:
# a purchase, and a campaign send (a mailing, letter or SMS sent to many
# customers at once). They are not contacts made or handled, need no answer
# and answer nothing; the SQL of the reports writes them as this literal.
NOT_CONTACT_KINDS = ("purchase", "campaign")
NOT_CONTACT_KINDS_SQL = "('purchase', 'campaign')"
# columns written by _upsert (the SQL path shared by capture, backfill and
# ingestion); commercial_partner_id is derived from partner_id in SQL
UPSERT_COLUMNS = [
    ("partner_id", "int"), ("date", "timestamp"), ("channel_id", "int"),
    ("direction", "varchar"), ("kind", "varchar"), ("user_id", "int"),
    ("team_id", "int"), ("company_id", "int"), ("subject", "varchar"),
    ("summary", "text"), ("amount", "numeric"), ("currency_id", "int"),
    ("res_model", "varchar"), ("res_id", "int"), ("campaign_id", "int"),
    ("source_system", "varchar"), ("external_ref", "varchar"), ("cost_amount", "numeric"),
]
# feedback columns: written by _upsert (imports, ingestion) and by the
# sources that carry a score (ratings); the other sources leave them empty
FEEDBACK_COLUMNS = [
    ("nps_score", "varchar"), ("csat_score", "varchar"), ("severity", "varchar"),
    ("resolved_date", "timestamp"),
]
# the upsert of every bulk writer (see _upsert_sql); {source} is a FROM item
# aliased s, {uid} the SQL of the writing user
# sql-write: run only by _upsert and _sync_insert (see there)
UPSERT_SQL = """
    INSERT INTO crm_touchpoint AS t ({cols}, commercial_partner_id,
                                     create_uid, write_uid, create_date, write_date{new_cols})
    SELECT {scols}, p.commercial_partner_id, {uid}, {uid},
           now() at time zone 'UTC', now() at time zone 'UTC'{new_vals}
      FROM {source}
      JOIN res_partner p ON p.id = s.partner_id
      {company_join}{new_from}
     WHERE s.channel_id IS NOT NULL
    ON CONFLICT ON CONSTRAINT crm_touchpoint_external_ref_uniq DO UPDATE
       SET ({upd}, commercial_partner_id, write_uid, write_date)
         = ({ex_upd}, EXCLUDED.commercial_partner_id, EXCLUDED.write_uid,
            now() at time zone 'UTC')
     WHERE ({t_upd}) IS DISTINCT FROM ({ex_upd})
    RETURNING t.id, t.source_system, t.external_ref, (t.xmax = 0) AS created
"""
# The touchpoint's amount `{amount}` (in currency `{currency}` at `{date}`)
# in the currency of its company `co` (res_currency `cur`), at Odoo's rate of
# the day: the latest rate on or before it, of the company or of all
# companies, each rate relative to one base (Odoo's rule). The company's own
# currency without a rate counts as the base (1.0, as Odoo does); a document
# currency without a rate on or before the day converts to NULL (ingest and
# the ORM refuse such rows, see _check_rates). Only rows in another currency
# than the company's run the rate lookups.
RATE_SQL = """(SELECT r.rate FROM res_currency_rate r
                WHERE r.currency_id = {currency} AND r.name <= ({date})::date AND r.rate > 0
                  AND (r.company_id IS NULL OR r.company_id = co.id)
                ORDER BY r.company_id, r.name DESC LIMIT 1)"""
TO_COMPANY_SQL = """CASE WHEN {amount} IS NULL THEN NULL
     WHEN {currency} IS NULL OR co.id IS NULL OR {currency} = co.currency_id THEN {amount}
     ELSE round({amount} * COALESCE(%s, 1.0) / %s / cur.rounding) * cur.rounding END""" % (
    RATE_SQL.replace("{currency}", "co.currency_id"), RATE_SQL)
# the derived columns: the amounts in the company's currency, from the
# columns of the same row (alias `{row}`)
COMPANY_AMOUNT_COLUMNS = [("company_amount", "amount"), ("company_cost_amount", "cost_amount")]
# what they depend on: a write of any of these converts again
CONVERTED_FROM = {"amount", "cost_amount", "currency_id", "date", "company_id"}
# rows of ids converted by one statement when a database is updated
CONVERT_BATCH = 200000


def company_amount_sql(row, column):
    """The SQL of `column` (amount or cost_amount) of the row aliased `row`
    in its company's currency (`co` and `cur` joined, see COMPANY_JOIN)."""
    return TO_COMPANY_SQL.format(amount="%s.%s" % (row, column),
                                 currency="%s.currency_id" % row, date="%s.date" % row)


# the company of the row `{row}` and its currency, for company_amount_sql
COMPANY_JOIN = """LEFT JOIN res_company co ON co.id = {row}.company_id
      LEFT JOIN res_currency cur ON cur.id = co.currency_id"""
NPS_SCORES = [(str(n), str(n)) for n in range(11)]
CSAT_SCORES = [("1", "1 - Very Unsatisfied"), ("2", "2 - Unsatisfied"), ("3", "3 - Neutral"),
               ("4", "4 - Satisfied"), ("5", "5 - Very Satisfied")]
SEVERITIES = [("low", "Low"), ("medium", "Medium"), ("high", "High"), ("critical", "Critical")]
SUBJECT_SIZE = 256
SUMMARY_SIZE = 4000


def missing_rate_message(env, currency, day):
    """The error of an amount in `currency` (its code) on `day` that has
    no rate to convert it to the company's currency."""
    context = env.context  # noqa: F841 (the language of _() on Odoo 18)
    return _("No exchange rate of %(currency)s on or before %(day)s: add one under Invoicing "
             "> Configuration > Currencies (or give the amount in the company's currency).") % {
        "currency": currency, "day": day}


class CrmTouchpoint(models.Model):
    """One contact between the company and a customer, through any channel.

    Touchpoints come from Odoo itself (emails, done activities, meetings,
    leads, confirmed orders: `source_system` 'odoo'), from other systems
    through `ingest()` or the import, or are logged by hand. The pair
    (source_system, external_ref) identifies a touchpoint of a source, so
    that feeding the same contact twice never duplicates it.
    """

    _name = "crm.touchpoint"
    _description = "Customer Touchpoint"
    _order = "date desc, id desc"
    _rec_name = "subject"

    partner_id = fields.Many2one(
        "res.partner", string="Contact", required=True, index=True, ondelete="cascade",
        help="The person or company the company was in contact with.")
    commercial_partner_id = fields.Many2one(
        "res.partner", string="Customer", related="partner_id.commercial_partner_id",
        store=True, readonly=True,
        help="The customer (company, or private person) the contact belongs to: its "
        "timeline shows the touchpoints of all its contacts.")
    date = fields.Datetime(required=True, index=True, default=fields.Datetime.now)
    channel_id = fields.Many2one(
        "crm.touchpoint.channel", string="Channel", required=True, ondelete="restrict")
    direction = fields.Selection(
        DIRECTIONS, required=True, default="outbound",
        help="Inbound: the customer reached us. Outbound: we reached the customer.")
    kind = fields.Selection(
        KINDS, required=True, default="contact",
        help="Contact: a personal contact (a call, an email, a visit...). Campaign Send: a "
             "message a campaign sent to many customers at once (a mass mailing, letters, "
             "SMS), credited to the campaign's owner and not counted as a contact made by "
             "the salesperson. Purchases and campaign sends are not counted as contacts.")
    user_id = fields.Many2one(
        "res.users", string="Salesperson", default=lambda self: self.env.user,
        help="The staff member who handled the contact.")
    team_id = fields.Many2one(
        "crm.team", string="Sales Channel",
        default=lambda self: self.env["crm.team"]._get_default_team_id())
    company_id = fields.Many2one(
        "res.company", default=lambda self: self.env.user.company_id)
    subject = fields.Char(size=SUBJECT_SIZE)
    summary = fields.Text()
    amount = fields.Monetary(
        currency_field="currency_id",
        help="Value of the touchpoint, e.g. the amount of a purchase.")
    currency_id = fields.Many2one(
        "res.currency", default=lambda self: self.env.user.company_id.currency_id)
    cost_amount = fields.Monetary(
        string="Cost of Goods", currency_field="currency_id",
        help="What the goods of a purchase cost the company, when known (negative for a "
             "return): revenue less this is the customer's margin.")
    company_currency_id = fields.Many2one(
        "res.currency", string="Company Currency", related="company_id.currency_id",
        readonly=True)
    company_amount = fields.Monetary(
        string="Amount in Company Currency", currency_field="company_currency_id",
        readonly=True, copy=False,
        help="The amount converted to the company's currency at the rate of the touchpoint's "
             "day (the latest rate on or before it, under Invoicing > Configuration > "
             "Currencies): what revenue, margin, profit and value add up.")
    company_cost_amount = fields.Monetary(
        string="Cost of Goods in Company Currency", currency_field="company_currency_id",
        readonly=True, copy=False,
        help="The cost of goods converted to the company's currency at the rate of the "
             "touchpoint's day.")
    res_model = fields.Char(
        string="Document Model", readonly=True,
        help="Model of the Odoo document this touchpoint comes from.")
    res_id = fields.Integer(string="Document ID", readonly=True)
    campaign_id = fields.Many2one("utm.campaign", string="Campaign")
    source_system = fields.Char(
        readonly=True,
        help="System the touchpoint came from: 'odoo' for captured ones, or the name "
        "given by an import or the ingestion API (e.g. 'callcentre').")
    external_ref = fields.Char(
        string="External Reference", readonly=True,
        help="Identifier of the touchpoint in its source system.")

    # import helpers: filled by CSV/XLSX imports, resolved on create
    partner_ref = fields.Char(
        string="Customer Reference", store=False,
        help="Import: find the customer by its internal reference.")
    partner_email = fields.Char(
        string="Customer Email", store=False, help="Import: find the customer by email.")
    partner_phone = fields.Char(
        string="Customer Phone", store=False, help="Import: find the customer by phone.")
    partner_vat = fields.Char(
        string="Customer Tax ID", store=False, help="Import: find the customer by tax ID.")
    channel_code = fields.Char(
        store=False, help="Import: the channel given by its code (e.g. 'phone').")
    phone_search = fields.Char(
        string="Phone Number", compute="_compute_phone_search", search="_search_phone",
        help="Search only: the touchpoints of the customers and contacts with this phone or "
             "mobile number, typed in any format.")

    _sql_constraints = [
        ("external_ref_uniq", "unique(source_system, external_ref)",
         "A touchpoint with this external reference already exists for this source system."),
        # a return or credit note is a purchase with a negative amount
        # written as PostgreSQL prints it back: Odoo 11 compares the two texts
        # and, when they differ, drops and re-validates the constraint over
        # the whole table on every module update
        ("amount_positive", "CHECK (((amount IS NULL) OR (amount >= (0)::numeric) "
                            "OR ((kind)::text = 'purchase'::text)))",
         "Only a purchase (a return, a credit note) can have a negative amount."),
    ]

    # sql-write: at install and update, the amounts in the company's currency of the rows
    # written before those columns existed (derived from their own columns; no caller input)
    def init(self):
        # by ranges of ids: the statement triggers of the table (answers)
        # then see a few hundred thousand rows at a time, not millions
        cr = self.env.cr
        todo = ("((s.amount IS NOT NULL AND s.company_amount IS NULL) "
                "OR (s.cost_amount IS NOT NULL AND s.company_cost_amount IS NULL))")
        cr.execute(compose("SELECT min(s.id), max(s.id) FROM crm_touchpoint s WHERE {todo}",
                           todo=todo))
        first, last = cr.fetchone()
        start = first
        while start is not None and start <= last:
            self._update_company_amounts(
                todo + " AND s.id >= %(start)s AND s.id < %(stop)s",
                {"start": start, "stop": start + CONVERT_BATCH})
            start += CONVERT_BATCH
        self._init_indexes()

    # sql-write: the two amounts derived from the other columns of the same rows; callers
    # (init, _convert_to_company_currency) say which rows and why they may
    @api.model
    def _update_company_amounts(self, where, params):
        """Convert the amounts of the touchpoints matching `where` (trusted
        SQL on the rows aliased `s`): the rows of a company by their
        company's currency, those without a company as they are. No join of
        the table with itself: one pass over the rows matched."""
        cr = self.env.cr
        query = compose("""
            UPDATE crm_touchpoint s SET company_amount = {amount}, company_cost_amount = {cost}
              FROM res_company co JOIN res_currency cur ON cur.id = co.currency_id
             WHERE co.id = s.company_id AND ({where})
        """, amount=company_amount_sql("s", "amount"),
                        cost=company_amount_sql("s", "cost_amount"), where=where)
        cr.execute(query, params)
        cr.execute(compose("""
            UPDATE crm_touchpoint s SET company_amount = s.amount,
                                        company_cost_amount = s.cost_amount
             WHERE s.company_id IS NULL AND ({where})
        """, where=where), params)

    def _init_indexes(self):
        # Indexes are chosen for the screens and reports, not per column: the
        # composite ones below also serve lookups on their leading column
        # (customer, salesperson, team, campaign, origin model).
        cr = self.env.cr
        # timeline: newest first for one customer
        tools.create_index(cr, "crm_touchpoint_timeline_idx", self._table,
                           ["commercial_partner_id", "date DESC", "id DESC"])
        # staff and team reports by period
        tools.create_index(cr, "crm_touchpoint_user_date_idx", self._table,
                           ["user_id", "date"])
        tools.create_index(cr, "crm_touchpoint_team_date_idx", self._table,
                           ["team_id", "date"])
        # campaigns: responses within a window
        cr.execute("""
            CREATE INDEX IF NOT EXISTS crm_touchpoint_campaign_date_idx
                ON crm_touchpoint (campaign_id, date) WHERE campaign_id IS NOT NULL
        """)
        # origin documents (sync of meetings, orders)
        tools.create_index(cr, "crm_touchpoint_res_idx", self._table, ["res_model", "res_id"])
        # the analytics read one company's touchpoints: a small company of a
        # large database is not a scan of the whole table
        tools.create_index(cr, "crm_touchpoint_company_date_idx", self._table,
                           ["company_id", "date"])
        # does the company know any cost of goods (the analytics read the
        # cost column only then): a tiny index of the purchases with a cost
        cr.execute("""
            CREATE INDEX IF NOT EXISTS crm_touchpoint_cost_company_idx
                ON crm_touchpoint (company_id) WHERE cost_amount IS NOT NULL
        """)

    # ------------------------------------------------------------ ORM
    @compat.model_create_multi
    def create(self, vals_list):
        """Create touchpoints; one whose (source system, external reference)
        already exists is updated instead, so that importing or feeding the
        same contact twice never duplicates it. The records come back in
        the order of the values."""
        prepared = []
        for vals in vals_list:
            self._check_written_values(vals)
            vals = self._resolve_import_values(dict(vals))
            if vals.get("external_ref") and not vals.get("source_system"):
                vals["source_system"] = "import"
            prepared.append(vals)
        keys = [(v["source_system"], v["external_ref"]) for v in prepared
                if v.get("external_ref")]
        if len(set(keys)) < len(keys):
            # the same contact twice in one batch: one after the other, so
            # that the second updates the first
            return self.browse([self.create(vals).id for vals in prepared])
        existing = self._existing_ids(set(keys))
        ids, new = [], []
        for vals in prepared:
            found = existing.get((vals.get("source_system"), vals.get("external_ref"))) \
                if vals.get("external_ref") else None
            if found:
                self.browse(found).write(vals)
            else:
                new.append(vals)
            ids.append(found)
        created = compat.create_records(super(CrmTouchpoint, self).create, new) \
            if new else self.browse()
        created._convert_to_company_currency()
        created_ids = iter(created.ids)
        return self.browse([found or next(created_ids) for found in ids])

    @api.model
    def _lifecycle_reserved_sources(self):
        """Source systems only Odoo's own capture writes (bridges may add
        theirs): ingestion and the ORM refuse them."""
        return {"odoo"}

    def write(self, vals):
        self._check_written_values(vals)
        result = super(CrmTouchpoint, self).write(vals)
        if CONVERTED_FROM.intersection(vals):
            self._convert_to_company_currency()
        return result

    # sql-write: only the two amounts derived from the other columns of the touchpoints the
    # caller has just created or written through the ORM (its rules applied there)
    def _convert_to_company_currency(self):
        """Convert the amounts of these touchpoints to their company's
        currency (the rule of TO_COMPANY_SQL). A currency
        without a rate on or before a touchpoint's day is a ValidationError
        naming it: nothing is written."""
        if not self.ids:
            return
        cr = self.env.cr
        # the ORM's pending writes reach the table before this query
        compat.flush(self.env)
        self._update_company_amounts("s.id = ANY(%(ids)s)", {"ids": self.ids})
        compat.invalidate_fields(self, [c for c, _base in COMPANY_AMOUNT_COLUMNS])
        cr.execute("""
            SELECT t.id, c.name, t.date::date FROM crm_touchpoint t
              JOIN res_currency c ON c.id = t.currency_id
             WHERE t.id = ANY(%(ids)s)
               AND ((t.amount IS NOT NULL AND t.company_amount IS NULL)
                    OR (t.cost_amount IS NOT NULL AND t.company_cost_amount IS NULL))
             ORDER BY t.id LIMIT 1
        """, {"ids": self.ids})
        missing = cr.fetchone()
        if missing:
            raise ValidationError(missing_rate_message(self.env, missing[1], missing[2]))

    @api.onchange("partner_id", "direction", "kind")
    def _onchange_lifecycle_holdout(self):
        """Logging a contact made (outbound) with a customer a running
        campaign holds in its control group: warned that it spoils the
        campaign's measurement (the contact is still logged: it happened)."""
        if self.partner_id and self.direction == "outbound" and \
                self.kind in ("contact", "campaign"):
            warning = self.partner_id._lifecycle_holdout_warning()
            if warning:
                return {"warning": warning}
        return None

    def _compute_phone_search(self):
        for touchpoint in self:
            touchpoint.phone_search = touchpoint.partner_id.phone or False

    def _search_phone(self, operator, value):
        partners = self.env["res.partner"].with_context(active_test=False).search(
            [("lifecycle_phone_search", operator, value)])
        return ["|", ("partner_id", "in", partners.ids),
                ("commercial_partner_id", "in", partners.ids)]

    @api.model
    def _check_written_values(self, vals):
        """Through the ORM too: no reserved source system (only capture
        writes those, in SQL), no text PostgreSQL cannot store."""
        source = vals.get("source_system")
        if (source and source in self._lifecycle_reserved_sources()
                and not is_superuser(self.env)):
            raise AccessError(_("The source system %(source)r is reserved for the touchpoints "
                                "Odoo captures itself.") % {"source": source})
        for name in ("amount", "cost_amount"):
            value = vals.get(name)
            if isinstance(value, float) and not math.isfinite(value):
                raise ValidationError(_("%(field)s: %(value)r is not a finite number.") % {
                    "field": self._fields[name].string, "value": value})
        for name, value in vals.items():
            problem = text_problem(value, self.env)
            if problem:
                field = self._fields.get(name)
                raise ValidationError(_("%(field)s: %(why)s") % {
                    "field": field.string if field else name, "why": problem})

    @api.model
    def _resolve_import_values(self, vals):
        """Turn the import helper columns into partner_id / channel_id."""
        helpers = {k: vals.pop(k) for k in
                   ("partner_ref", "partner_email", "partner_phone", "partner_vat",
                    "channel_code") if k in vals}
        if not vals.get("partner_id"):
            key = next(((match_key, helpers[k]) for k, match_key in
                        (("partner_ref", "partner_ref"), ("partner_email", "email"),
                         ("partner_phone", "phone"), ("partner_vat", "vat"))
                        if helpers.get(k)), None)
            if key:
                found = self.env["res.partner"]._lifecycle_match_customers([{key[0]: key[1]}])
                partner_id, error = found[0]
                if error:
                    raise ValidationError(error)
                vals["partner_id"] = partner_id
        if helpers.get("channel_code") and not vals.get("channel_id"):
            channel = self.env["crm.touchpoint.channel"]._get_by_code(helpers["channel_code"])
            if not channel:
                raise ValidationError(
                    _("Unknown channel code %(code)r.") % {"code": helpers["channel_code"]})
            vals["channel_id"] = channel.id
        return vals

    @api.model
    def _existing_ids(self, keys, lock=False):
        """{(source_system, external_ref): id} of existing touchpoints (of
        every company: callers check what they may do with them). lock:
        lock the rows (in id order) until the end of the transaction."""
        if not keys:
            return {}
        sources, refs = zip(*keys)
        # joined on arrays so that each key is one probe of the unique index
        # the ORM's pending writes reach the tables before this query
        compat.flush(self.env)
        self.env.cr.execute(sql.SQL("""
            SELECT t.source_system, t.external_ref, t.id
              FROM unnest(%(sources)s::varchar[], %(refs)s::varchar[])
                   AS k(source_system, external_ref)
              JOIN crm_touchpoint t ON t.source_system = k.source_system
                                   AND t.external_ref = k.external_ref
             ORDER BY t.id {lock}
        """).format(lock=sql.SQL("FOR UPDATE OF t" if lock else "")),
            {"sources": list(sources), "refs": list(refs)})
        return {(s, r): i for s, r, i in self.env.cr.fetchall()}

    # ------------------------------------------------------------ bulk SQL
    @api.model
    def _upsert_sql(self, columns, source, uid):
        """The one statement every bulk writer of touchpoints runs: insert
        the rows of `source` (a psycopg2.sql FROM item aliased `s` with the
        `columns`), or update the touchpoint of the same (source_system,
        external_ref) when a value differs. `uid` is the SQL of the writing
        user. Returns id, source_system, external_ref, created of the rows
        written (unchanged rows are left alone and not returned)."""
        # the amounts in the company's currency, derived in the statement
        # (compared too: a rate added since converts the row on a rebuild)
        derived = [(c, base) for c, base in COMPANY_AMOUNT_COLUMNS if base in columns]
        targets = list(columns) + [c for c, _base in derived]
        values = sql.SQL(", ").join(
            [idents(columns, "s")] + [sql.SQL(company_amount_sql("s", base))
                                      for _c, base in derived])
        updatable = [c for c in targets if c not in ("source_system", "external_ref")]
        new_cols, new_vals, new_from = self._upsert_new_columns(columns)
        return sql.SQL(UPSERT_SQL).format(
            new_cols=sql.SQL("").join(sql.SQL(", {}").format(sql.Identifier(c))
                                      for c in new_cols),
            new_vals=sql.SQL("").join(sql.SQL(", ") + v for v in new_vals),
            new_from=new_from,
            cols=idents(targets), scols=values, source=source, uid=uid,
            company_join=sql.SQL(COMPANY_JOIN.format(row="s") if derived else ""),
            upd=idents(updatable), ex_upd=idents(updatable, "excluded"),
            t_upd=idents(updatable, "t"))

    @api.model
    def _upsert_new_columns(self, columns):
        """Hook: columns a new row of _upsert_sql gets from the statement
        itself (an update of an existing row leaves them alone): their
        names, their SQL values over the source row `s` and its customer `p`,
        and the SQL of the FROM items they need."""
        return [], [], sql.SQL("")

    @api.model
    def _touchpoints_written(self, ids):
        """Hook after every bulk write of touchpoints: `ids` of the rows
        written, or None after a rebuild of the whole history. Response
        matching plugs in here."""
        return True

    # sql-write: touchpoints in bulk (one statement per 2,000 rows); a caller other than
    # the system (capture, rebuild, demo data) is held here to what the ORM would allow
    # (_upsert_check), and ingest() reports the same checks row by row before
    @api.model
    def _upsert(self, rows, existing=None):
        """Insert or update touchpoints keyed on (source_system, external_ref)
        in one statement. `rows` are dicts of UPSERT_COLUMNS values (and
        FEEDBACK_COLUMNS, when given); `existing`: the {key: id} of the rows
        that exist, locked by the caller (looked up and locked here if not
        given).

        Returns {(source_system, external_ref): (id, "created"|"updated")};
        rows whose stored values are already equal are left untouched and
        absent from the result.
        """
        if not rows:
            return {}
        system = is_superuser(self.env)
        keys = {(r["source_system"], r["external_ref"]) for r in rows}
        if not system:
            if existing is None:
                existing = self._existing_ids(keys, lock=True)
            self._upsert_check(rows, existing)
        columns = UPSERT_COLUMNS + FEEDBACK_COLUMNS
        cols = [c for c, _t in columns]
        template = "(%s, %%s::int)" % ", ".join("%%s::%s" % t for _c, t in columns)
        values = [tuple(row.get(c) for c in cols) + (self.env.uid,) for row in rows]
        source = sql.SQL("(VALUES %s) AS s ({cols}, uid)").format(cols=idents(cols))
        query = self._upsert_sql(cols, source, sql.SQL("s.uid")).as_string(self.env.cr._obj)
        result = {}
        # the ORM's pending writes reach the tables before this query
        compat.flush(self.env)
        for rec_id, src, ref, created in execute_values(
                self.env.cr, query, values, template=template, page_size=2000, fetch=True):
            result[(src, ref)] = (rec_id, "created" if created else "updated")
        if not system:
            # a row another caller created meanwhile was written over by the
            # upsert: the caller must be allowed that too
            raced = {k for k in keys if k not in existing and result.get(k, (0, ""))[1]
                     != "created"}
            if raced:
                self._upsert_check([r for r in rows if (r["source_system"],
                                                        r["external_ref"]) in raced],
                                   self._existing_ids(raced))
        compat.invalidate_all(self.env)
        self._touchpoints_written([rec_id for rec_id, _status in result.values()])
        return result

    @api.model
    def _upsert_check(self, rows, existing):
        """What the ORM would allow the caller, for rows written in SQL:
        AccessError naming the first row that breaks it. A row is written
        only for a customer the caller may read, changes an existing
        touchpoint only where the caller could `write` it, is credited to
        another salesperson only by a manager, and never uses a reserved
        source."""
        reserved = self._lifecycle_reserved_sources()
        manager = self.env.user.has_group(MANAGER_GROUP)
        writable = permitted_ids(self.browse(sorted(set(existing.values()))), "write")
        readable = permitted_ids(self.env["res.partner"].with_context(
            active_test=False).browse(sorted({r["partner_id"] for r in rows})), "read")
        for row in rows:
            key = (row["source_system"], row["external_ref"])
            why = None
            if row["source_system"] in reserved:
                why = _("the source is reserved for Odoo's own capture")
            elif key in existing and existing[key] not in writable:
                why = _("the touchpoint exists and you may not change it")
            elif row["partner_id"] not in readable:
                why = _("you may not read the customer %(id)d") % {"id": row["partner_id"]}
            elif row.get("user_id") not in (None, self.env.uid) and not manager:
                why = _("only a Customer Lifecycle manager may credit another salesperson")
            if why:
                raise AccessError(_("Touchpoint %(ref)r of %(source)r not written: %(why)s.")
                                  % {"ref": row["external_ref"], "source": row["source_system"],
                                     "why": why})

    # ------------------------------------------------------------ actions
    def action_open_document(self):
        self.ensure_one()
        if not self.res_model or self.res_model not in self.env:
            return False
        return {
            "type": "ir.actions.act_window",
            "res_model": self.res_model,
            "res_id": self.res_id,
            "view_mode": "form",
            "target": "current",
        }
