# Copyright 2026 crm_lifecycle contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Batch ingestion of touchpoints from other systems (call-centre switch,
web shop, store till...), callable over XML-RPC / JSON-RPC."""
import datetime
import numbers

from odoo import _, api, models
from odoo.exceptions import UserError

from .crm_touchpoint import DIRECTIONS, KINDS, SEVERITIES, SUBJECT_SIZE, SUMMARY_SIZE

MAX_ROWS = 50000
REF_SIZE = 256
SOURCE_SIZE = 64
DATE_FORMATS = ("%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M",
                "%Y-%m-%dT%H:%M", "%Y-%m-%d")
CUSTOMER_KEYS = ("partner_id", "partner_ref", "email", "phone", "vat")


def parse_score(value, low, high):
    """'7', 7 or 7.0 -> '7' (the selection key); ValueError outside
    low..high or not a whole number."""
    if isinstance(value, bool) or not isinstance(value, (numbers.Number, str)):
        raise ValueError
    number = float(value)
    if number != int(number) or not low <= number <= high:
        raise ValueError
    return str(int(number))


def parse_date(value):
    if isinstance(value, datetime.datetime):
        return value
    if isinstance(value, datetime.date):
        return datetime.datetime.combine(value, datetime.time())
    if not isinstance(value, str):
        raise ValueError
    text = value.strip().replace("Z", "")
    if "+" in text[10:]:
        text = text[:10] + text[10:].split("+")[0]
    text = text.split(".")[0]
    for fmt in DATE_FORMATS:
        try:
            return datetime.datetime.strptime(text, fmt)
        except ValueError:
            continue
    raise ValueError


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
        prepared, errors = self._ingest_validate(rows)
        results = []
        if errors:
            bad = sorted(errors)
            for index, row in enumerate(rows):
                ref = row.get("external_ref") if isinstance(row, dict) else None
                message = errors.get(index) or _(
                    "not written: the batch has invalid rows (%(rows)s)") % {
                    "rows": ", ".join(str(i + 1) for i in bad[:20])}
                results.append({"external_ref": ref, "status": "error", "id": False,
                                "error": message})
            return results
        keys = {(r["source_system"], r["external_ref"]) for r in prepared}
        existing = self._existing_ids(keys)
        written = self._upsert(prepared)
        for row in prepared:
            key = (row["source_system"], row["external_ref"])
            if key in written:
                rec_id, status = written[key]
            else:
                rec_id, status = existing.get(key), "unchanged"
            results.append({"external_ref": row["external_ref"], "status": status,
                            "id": rec_id, "error": False})
        return results

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
        """Check and convert the rows; return (prepared rows, {index: error})."""
        errors = {}

        def fail(index, field, reason):
            errors.setdefault(index, _("row %(row)d, field %(field)r: %(reason)s") % {
                "row": index + 1, "field": field, "reason": reason})

        channels = {c.code: c for c in self.env["crm.touchpoint.channel"].with_context(
            active_test=False).search([])}
        currencies = {c.name: c.id for c in self.env["res.currency"].with_context(
            active_test=False).search([])}
        logins = {r.get("user_login") for r in rows
                  if isinstance(r, dict) and r.get("user_login")}
        users = {u.login: u for u in self.env["res.users"].search(
            [("login", "in", list(logins))])} if logins else {}
        directions = {d for d, _label in DIRECTIONS}
        kinds = {k for k, _label in KINDS}
        company = self.env.user.company_id
        default_team = self.env["crm.team"]._get_default_team_id()
        seen = {}
        prepared, customer_keys = [], []
        for index, row in enumerate(rows):
            if not isinstance(row, dict):
                fail(index, "row", _("not a dict"))
                prepared.append(None)
                customer_keys.append({})
                continue
            out = {}
            for field, size in (("source_system", SOURCE_SIZE), ("external_ref", REF_SIZE)):
                value = row.get(field)
                if not isinstance(value, str) or not value.strip():
                    fail(index, field, _("missing"))
                elif len(value) > size:
                    fail(index, field, _("longer than %(size)d characters") % {"size": size})
                else:
                    out[field] = value.strip()
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
            channel = channels.get(row.get("channel"))
            if not channel:
                fail(index, "channel", _("unknown channel %(value)r (known: %(codes)s)") % {
                    "value": row.get("channel"), "codes": ", ".join(sorted(channels))})
            else:
                out["channel_id"] = channel.id
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
                    if isinstance(amount, bool) or not isinstance(amount, (numbers.Number, str)):
                        raise ValueError
                    out["amount"] = float(amount)
                    # a return or credit note is a purchase with a negative amount
                    if out["amount"] != out["amount"] or (
                            out["amount"] < 0 and out.get("kind") != "purchase"):
                        raise ValueError
                except ValueError:
                    fail(index, "amount", _("not a number >= 0 (negative only for a purchase "
                                            "returned): %(value)r") % {"value": amount})
            cost = row.get("cost")
            out["cost_amount"] = None
            if cost not in (None, False, ""):
                try:
                    if isinstance(cost, bool) or not isinstance(cost, (numbers.Number, str)):
                        raise ValueError
                    out["cost_amount"] = float(cost)
                    if out["cost_amount"] != out["cost_amount"] or kind != "purchase":
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
                out["currency_id"] = company.currency_id.id
            login = row.get("user_login")
            user = users.get(login) if login else self.env.user
            if login and not user:
                fail(index, "user_login", _("no user with login %(value)r") % {"value": login})
            out["user_id"] = user.id if user else self.env.uid
            out["team_id"] = (user.sale_team_id.id if user else None) or default_team.id or None
            out["company_id"] = company.id
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
        matches = self.env["res.partner"]._lifecycle_match_customers(customer_keys)
        for index, (partner_id, error) in enumerate(matches):
            if prepared[index] is None:
                continue
            if error:
                field = next(iter(customer_keys[index]), "partner_id")
                fail(index, field, _("unknown customer: %(why)s") % {"why": error})
            else:
                prepared[index]["partner_id"] = partner_id
        return [p for p in prepared if p is not None], errors
