# Copyright 2026 crm_lifecycle contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Batch ingestion of touchpoints from other systems (call-centre switch,
web shop, store till...), callable over XML-RPC / JSON-RPC."""
import datetime
import math
import numbers
import re

from odoo import _, api, models
from odoo.exceptions import UserError

from .. import compat
from ..guard import MANAGER_GROUP, permitted_ids, text_problem
from .crm_touchpoint import (
    DIRECTIONS,
    KINDS,
    SEVERITIES,
    SUBJECT_SIZE,
    SUMMARY_SIZE,
    missing_rate_message,
)

MAX_ROWS = 50000
REF_SIZE = 256
SOURCE_SIZE = 64
DATE_FORMATS = ("%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M",
                "%Y-%m-%dT%H:%M", "%Y-%m-%d")
CUSTOMER_KEYS = ("partner_id", "partner_ref", "email", "phone", "vat")


def parse_score(value, low, high):
    """'7', 7 or 7.0 -> '7' (the selection key); ValueError outside
    low..high or not a whole number."""
    number = parse_number(value)
    if number != int(number) or not low <= number <= high:
        raise ValueError
    return str(int(number))


# a UTC offset at the end of a date: Z, +05:00, -0530, +05
# the first two DATE_FORMATS with every field of two digits (four the year)
FULL_DATE_RE = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})[ T]([0-9]{2}):([0-9]{2}):([0-9]{2})\Z")
OFFSET_RE = re.compile(r"(Z|[+-]\d{2}(?::?\d{2})?)$")


def parse_date(value):
    """A naive UTC datetime from a datetime, a date or a text
    'YYYY-MM-DD[ HH:MM[:SS[.ffffff]]]' with an optional UTC offset (Z,
    +HH:MM, -HHMM...), which is converted to UTC; ValueError otherwise."""
    if isinstance(value, datetime.datetime):
        if value.tzinfo is not None:
            value = value.astimezone(datetime.timezone.utc).replace(tzinfo=None)
        return value
    if isinstance(value, datetime.date):
        return datetime.datetime.combine(value, datetime.time())
    if not isinstance(value, str):
        raise ValueError
    text = value.strip()
    offset = None
    if len(text) > 10:
        head, tail = text[:10], text[10:]
        match = OFFSET_RE.search(tail)
        if match:
            offset, tail = match.group(1), tail[:match.start()]
        text = head + tail
    text = text.split(".")[0]
    full = FULL_DATE_RE.match(text)
    if full:
        # the usual shape, without strptime (a third of a batch's checks)
        date = datetime.datetime(*map(int, full.groups()))
    else:
        for fmt in DATE_FORMATS:
            try:
                date = datetime.datetime.strptime(text, fmt)
                break
            except ValueError:
                continue
        else:
            raise ValueError
    if offset and offset != "Z":
        digits = offset[1:].replace(":", "")
        hours, minutes = int(digits[:2]), int(digits[2:4] or 0)
        if hours > 14 or minutes > 59:
            raise ValueError
        delta = datetime.timedelta(hours=hours, minutes=minutes)
        date = date - delta if offset[0] == "+" else date + delta
    return date


def parse_number(value):
    """A finite float from a number or a text; ValueError otherwise (a
    boolean, Infinity, NaN, '1e400')."""
    if isinstance(value, bool) or not isinstance(value, (numbers.Number, str)):
        raise ValueError
    number = float(value)
    if not math.isfinite(number):
        raise ValueError
    return number


class CrmTouchpoint(models.Model):
    _inherit = "crm.touchpoint"

    @api.model
    def ingest(self, rows):
        """Create or update touchpoints from another system, all or nothing.

        `rows`: list of dicts with source_system, external_ref, date (UTC,
        'YYYY-MM-DD[ HH:MM[:SS]]'), channel (code), direction
        (inbound/outbound), kind, subject, summary, amount, cost (the cost
        of goods of a purchase), currency (ISO code), user_login (optional),
        nps (0-10) and csat (1-5) scores, severity (of a complaint: low,
        medium, high, critical) and resolved_date (of a complaint),
        and the customer as partner_id or partner_ref / email / phone / vat.

        Returns one dict per row, in order: {"external_ref", "status":
        "created" | "updated" | "unchanged" | "error", "id", "error"}. When any
        row is invalid nothing is written: invalid rows say which field is
        wrong and why, the others that they were not written.
        """
        self.check_access_rights("create")
        if not isinstance(rows, (list, tuple)):
            raise UserError(_("ingest() expects a list of rows (dicts)."))
        if len(rows) > MAX_ROWS:
            raise UserError(_("ingest() takes at most %(max)d rows per call; got %(n)d.")
                            % {"max": MAX_ROWS, "n": len(rows)})
        prepared, errors, notes = self._ingest_validate(rows)
        existing = {}
        if not errors:
            keys = {(r["source_system"], r["external_ref"]) for r in prepared}
            # the existing rows of the batch, locked: what is checked is
            # what is written over
            existing = self._existing_ids(keys, lock=True)
            self._ingest_check_existing(prepared, existing, errors)
        if errors:
            return self._ingest_error_results(rows, errors)
        with self.env.cr.savepoint():
            # rows in key order: two batches sharing keys lock them in the
            # same order (one waits for the other instead of a deadlock);
            # _upsert checks again what was checked above, and a row another
            # caller created meanwhile (an error rolls back the savepoint)
            written = self._upsert(sorted(
                prepared, key=lambda r: (r["source_system"], r["external_ref"])),
                existing=existing)
        results = []
        for index, row in enumerate(prepared):
            key = (row["source_system"], row["external_ref"])
            if key in written:
                rec_id, status = written[key]
            else:
                rec_id, status = existing.get(key), "unchanged"
            result = {"external_ref": row["external_ref"], "status": status,
                      "id": rec_id, "error": False}
            if notes.get(index):
                result["note"] = notes[index]
            results.append(result)
        return results

    @api.model
    def _ingest_error_results(self, rows, errors):
        bad = sorted(errors)
        results = []
        for index, row in enumerate(rows):
            ref = row.get("external_ref") if isinstance(row, dict) else None
            message = errors.get(index) or _(
                "not written: the batch has invalid rows (%(rows)s)") % {
                "rows": ", ".join(str(i + 1) for i in bad[:20])}
            results.append({"external_ref": ref if isinstance(ref, str) else None,
                            "status": "error", "id": False, "error": message})
        return results

    @api.model
    def _ingest_check_existing(self, prepared, existing, errors):
        """A row of the batch may change an existing touchpoint only where
        the caller could change it through `write` (record rules: their own
        or unassigned rows for a salesperson; companies)."""
        if not existing:
            return
        allowed = permitted_ids(self.browse(sorted(set(existing.values()))), "write")
        for index, row in enumerate(prepared):
            rec_id = existing.get((row["source_system"], row["external_ref"]))
            if rec_id and rec_id not in allowed:
                errors.setdefault(index, _(
                    "row %(row)d, field 'external_ref': the touchpoint %(ref)r of %(source)r "
                    "exists and you may not change it (it belongs to another salesperson or "
                    "another company)") % {"row": index + 1, "ref": row["external_ref"],
                                           "source": row["source_system"]})

    @api.model
    def _ingest_feedback(self, row, out, kind, index, fail):
        """The scores, severity and resolution of a feedback or complaint row."""
        for field, column, low, high in (("nps", "nps_score", 0, 10),
                                         ("csat", "csat_score", 1, 5)):
            value = row.get(field)
            out[column] = None
            # (0 == False: a score of 0 is a score)
            if value is None or value is False or value == "":
                continue
            try:
                out[column] = parse_score(value, low, high)
            except ValueError:
                fail(index, field, _("a whole number from %(low)d to %(high)d, not %(value)r")
                     % {"low": low, "high": high, "value": value})
        severity = row.get("severity")
        out["severity"] = None
        if severity not in (None, False, ""):
            if severity not in dict(SEVERITIES):
                fail(index, "severity", _("unknown severity %(value)r (known: %(known)s)") % {
                    "value": severity, "known": ", ".join(code for code, _l in SEVERITIES)})
            elif kind != "complaint":
                fail(index, "severity", _("only a complaint has a severity"))
            else:
                out["severity"] = severity
        resolved = row.get("resolved_date")
        out["resolved_date"] = None
        if resolved not in (None, False, ""):
            try:
                out["resolved_date"] = parse_date(resolved)
            except (ValueError, TypeError):
                fail(index, "resolved_date", _("bad date %(value)r (expected YYYY-MM-DD "
                                               "HH:MM:SS, UTC)") % {"value": resolved})
            else:
                if kind != "complaint":
                    fail(index, "resolved_date", _("only a complaint is resolved"))
                elif out.get("date") and out["resolved_date"] < out["date"]:
                    fail(index, "resolved_date", _("before the complaint was made"))

    def _ingest_validate(self, rows):
        """Check and convert the rows; return (prepared rows, {index: error},
        {index: note})."""
        errors = {}
        reserved = self._lifecycle_reserved_sources()
        may_credit_others = self.env.user.has_group(MANAGER_GROUP)

        def fail(index, field, reason):
            context = self.env.context  # noqa: F841 (_() finds the language here)
            errors.setdefault(index, _("row %(row)d, field %(field)r: %(reason)s") % {
                "row": index + 1, "field": field, "reason": reason})

        # only the columns used (a read of every field of 170 currencies
        # costs 50 ms a batch)
        channels = {c["code"]: c["id"] for c in self.env["crm.touchpoint.channel"].with_context(
            active_test=False).search_read([], ["code"])}
        currencies = {c["name"]: c["id"] for c in self.env["res.currency"].with_context(
            active_test=False).search_read([], ["name"])}
        logins = {r.get("user_login") for r in rows
                  if isinstance(r, dict) and r.get("user_login")}
        users = {u.login: u for u in self.env["res.users"].search(
            [("login", "in", list(logins))])} if logins else {}
        directions = {d for d, _label in DIRECTIONS}
        kinds = {k for k, _label in KINDS}
        # read once for the batch, not per row: each self.env.user is a new
        # record, each of its fields a cache lookup (a third of the batch's
        # time in Python)
        me = self.env.user
        my_id = me.id
        company_id = me.company_id.id
        company_currency = me.company_id.currency_id.id
        default_team_id = self.env["crm.team"]._get_default_team_id().id or None
        teams = {}

        def team_of(user):
            if user.id not in teams:
                teams[user.id] = user.sale_team_id.id or default_team_id
            return teams[user.id]
        seen = {}
        prepared, customer_keys = [], []
        for index, row in enumerate(rows):
            if not isinstance(row, dict):
                fail(index, "row", _("not a dict"))
                prepared.append(None)
                customer_keys.append({})
                continue
            out = {}
            for field in sorted(row, key=str):
                problem = text_problem(row[field], self.env)
                if problem:
                    fail(index, str(field), problem)
            if index in errors:
                prepared.append(None)
                customer_keys.append({})
                continue
            for field, size in (("source_system", SOURCE_SIZE), ("external_ref", REF_SIZE)):
                value = row.get(field)
                if not isinstance(value, str) or not value.strip():
                    fail(index, field, _("missing"))
                elif len(value) > size:
                    fail(index, field, _("longer than %(size)d characters") % {"size": size})
                else:
                    out[field] = value.strip()
            if out.get("source_system") in reserved:
                fail(index, "source_system", _(
                    "%(source)r is reserved for the touchpoints Odoo captures itself; name "
                    "your system (e.g. 'callcentre')") % {"source": out["source_system"]})
            if out.get("external_ref"):
                key = (out.get("source_system"), out["external_ref"])
                if key in seen:
                    fail(index, "external_ref", _("same reference as row %(row)d") % {
                        "row": seen[key] + 1})
                seen.setdefault(key, index)
            try:
                out["date"] = parse_date(row.get("date"))
                if out["date"].year < 1900:
                    raise ValueError
            except (ValueError, TypeError):
                fail(index, "date", _("bad date %(value)r (expected YYYY-MM-DD HH:MM:SS, UTC)")
                     % {"value": row.get("date")})
            channel_id = channels.get(row.get("channel"))
            if not channel_id:
                fail(index, "channel", _("unknown channel %(value)r (known: %(codes)s)") % {
                    "value": row.get("channel"), "codes": ", ".join(sorted(channels))})
            else:
                out["channel_id"] = channel_id
            direction = row.get("direction") or "inbound"
            if direction not in directions:
                fail(index, "direction", _("must be 'inbound' or 'outbound', not %(value)r")
                     % {"value": direction})
            out["direction"] = direction
            kind = row.get("kind") or "contact"
            if kind not in kinds:
                fail(index, "kind", _("unknown kind %(value)r (known: %(kinds)s)") % {
                    "value": kind, "kinds": ", ".join(sorted(kinds))})
            out["kind"] = kind
            for field, size in (("subject", SUBJECT_SIZE), ("summary", SUMMARY_SIZE)):
                value = row.get(field)
                if value in (None, False, ""):
                    out[field] = None
                elif not isinstance(value, str):
                    fail(index, field, _("not a text"))
                elif len(value) > size:
                    fail(index, field, _("text too long: %(n)d characters, at most %(size)d")
                         % {"n": len(value), "size": size})
                else:
                    out[field] = value
            amount = row.get("amount")
            if amount in (None, False, ""):
                out["amount"] = None
            else:
                try:
                    out["amount"] = parse_number(amount)
                    # a return or credit note is a purchase with a negative amount
                    if out["amount"] < 0 and out.get("kind") != "purchase":
                        raise ValueError
                except ValueError:
                    fail(index, "amount", _("not a finite number >= 0 (negative only for a "
                                            "purchase returned): %(value)r") % {"value": amount})
            cost = row.get("cost")
            out["cost_amount"] = None
            if cost not in (None, False, ""):
                try:
                    out["cost_amount"] = parse_number(cost)
                    if kind != "purchase":
                        raise ValueError
                except ValueError:
                    fail(index, "cost", _("the cost of goods of a purchase, a number: "
                                          "%(value)r") % {"value": cost})
            self._ingest_feedback(row, out, kind, index, fail)
            currency = row.get("currency")
            if currency:
                if currency not in currencies:
                    fail(index, "currency", _("unknown currency %(value)r") % {"value": currency})
                out["currency_id"] = currencies.get(currency)
            else:
                out["currency_id"] = company_currency
            login = row.get("user_login")
            user = users.get(login) if login else me
            if login and not user:
                fail(index, "user_login", _("no user with login %(value)r") % {"value": login})
            elif user and user.id != my_id and not may_credit_others:
                fail(index, "user_login", _(
                    "only a Customer Lifecycle manager may credit a touchpoint to another "
                    "salesperson (%(value)r)") % {"value": login})
            out["user_id"] = user.id if user else my_id
            out["team_id"] = team_of(user) if user else default_team_id
            out["company_id"] = company_id
            key = {k: row.get(k) for k in CUSTOMER_KEYS if row.get(k) not in (None, False, "")}
            if "partner_id" in key and (isinstance(key["partner_id"], bool) or
                                        not isinstance(key["partner_id"], int)):
                fail(index, "partner_id", _("not an integer id"))
                key.pop("partner_id")
            for k in ("partner_ref", "email", "phone", "vat"):
                if k in key and not isinstance(key[k], str):
                    fail(index, k, _("not a text"))
                    key.pop(k)
            customer_keys.append(key)
            prepared.append(out)
        self._ingest_check_rates(prepared, fail)
        notes = {}
        self._ingest_follow_merges(customer_keys, notes)
        matches = self.env["res.partner"]._lifecycle_match_customers(customer_keys)
        for index, (partner_id, error) in enumerate(matches):
            if prepared[index] is None:
                continue
            if error:
                field = next(iter(customer_keys[index]), "partner_id")
                fail(index, field, _("unknown customer: %(why)s") % {"why": error})
            else:
                prepared[index]["partner_id"] = partner_id
        self._ingest_check_customers(prepared, customer_keys, errors, notes, fail)
        return [p for p in prepared if p is not None], errors, notes

    @api.model
    def _ingest_check_rates(self, prepared, fail):
        """An amount in another currency than the company's needs a rate of
        that currency on or before the row's day (the rule of the
        conversion, TO_COMPANY_SQL): one query for the batch."""
        company = self.env.user.company_id
        company_currency = company.currency_id.id
        rows = [(index, row) for index, row in enumerate(prepared)
                if row and row.get("currency_id") and row.get("date")
                and row["currency_id"] != company_currency
                and (row.get("amount") is not None or row.get("cost_amount") is not None)]
        if not rows:
            return
        self.env.cr.execute("""
            SELECT k.i, c.name, k.day FROM unnest(%(idx)s::int[], %(currencies)s::int[],
                                                 %(days)s::date[]) AS k(i, currency, day)
              JOIN res_currency c ON c.id = k.currency
             WHERE NOT EXISTS (SELECT 1 FROM res_currency_rate r
                                WHERE r.currency_id = k.currency AND r.name <= k.day
                                  AND r.rate > 0
                                  AND (r.company_id IS NULL OR r.company_id = %(company)s))
        """, {"idx": [i for i, _r in rows], "currencies": [r["currency_id"] for _i, r in rows],
              "days": [r["date"].date() for _i, r in rows], "company": company.id})
        for index, currency, day in self.env.cr.fetchall():
            fail(index, "currency", missing_rate_message(self.env, currency, day))

    @api.model
    def _ingest_follow_merges(self, customer_keys, notes):
        """A partner_id of a record merged into another designates the record
        kept: the key is replaced and the row's note says so."""
        ids = {k["partner_id"] for k in customer_keys if k.get("partner_id")}
        if not ids:
            return
        kept = self._merged_into(ids)
        for index, key in enumerate(customer_keys):
            if key.get("partner_id") in kept:
                old = key["partner_id"]
                key["partner_id"] = kept[old]
                notes[index] = _("customer %(old)d was merged into %(new)d: written there") % {
                    "old": old, "new": kept[old]}

    @api.model
    def _merged_into(self, partner_ids, lock=False):
        """{id: id of the record it was merged into, at the end of the chain}
        of those of `partner_ids` that were merged. lock: take a key-share
        lock on the records first, so that a merge running now finishes
        before (or waits for) this transaction."""
        cr = self.env.cr
        # the ORM's pending writes reach the tables before these queries
        compat.flush(self.env)
        if lock:
            cr.execute("SELECT id FROM res_partner WHERE id = ANY(%(ids)s) "
                       "ORDER BY id FOR KEY SHARE", {"ids": sorted(partner_ids)})
        cr.execute("""
            WITH RECURSIVE chain (start, id, depth) AS (
                SELECT p.id, p.merged_into_id, 1 FROM res_partner p
                 WHERE p.id = ANY(%(ids)s) AND p.merged_into_id IS NOT NULL
                UNION ALL
                SELECT c.start, p.merged_into_id, c.depth + 1
                  FROM chain c JOIN res_partner p ON p.id = c.id
                 WHERE p.merged_into_id IS NOT NULL AND c.depth < 20
            )
            SELECT DISTINCT ON (start) start, id FROM chain ORDER BY start, depth DESC
        """, {"ids": sorted(partner_ids)})
        return dict(cr.fetchall())

    @api.model
    def _ingest_check_customers(self, prepared, customer_keys, errors, notes, fail):
        """Rows are written only for customers the caller may read; the
        customers are locked against a merge until the batch is written
        (a merge that finished meanwhile is followed)."""
        rows = [(i, p) for i, p in enumerate(prepared) if p and p.get("partner_id")]
        if not rows:
            return
        ids = {p["partner_id"] for _i, p in rows}
        moved = self._merged_into(ids, lock=True)
        for index, row in rows:
            if row["partner_id"] in moved:
                old = row["partner_id"]
                row["partner_id"] = moved[old]
                notes[index] = _("customer %(old)d was merged into %(new)d: written there") % {
                    "old": old, "new": moved[old]}
        Partner = self.env["res.partner"].with_context(active_test=False)
        readable = permitted_ids(Partner.browse(sorted({p["partner_id"] for _i, p in rows})),
                                 "read")
        for index, row in rows:
            if row["partner_id"] not in readable:
                field = next(iter(customer_keys[index]), "partner_id")
                fail(index, field, _("you may not read the customer %(id)d") % {
                    "id": row["partner_id"]})
