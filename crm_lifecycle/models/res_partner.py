# Copyright 2026 crm_lifecycle contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import logging

from odoo import _, api, fields, models

_logger = logging.getLogger(__name__)

try:
    import phonenumbers
except ImportError:  # pragma: no cover - declared in external_dependencies
    phonenumbers = None
    _logger.warning("crm_lifecycle: the python library phonenumbers is missing")


def to_e164(number, region=None):
    """'+49 30 1234567', '030 1234567' (region 'DE') -> '+49301234567'.

    Returns False when the text is not a possible phone number.
    """
    if not number or not phonenumbers:
        return False
    try:
        parsed = phonenumbers.parse(number, (region or "").upper() or None)
    except phonenumbers.NumberParseException:
        return False
    if not phonenumbers.is_possible_number(parsed):
        return False
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


class ResPartner(models.Model):
    _inherit = "res.partner"

    phone_e164 = fields.Char(
        string="Phone (E.164)", compute="_compute_phones_e164", store=True, index=True,
        help="Phone in international E.164 form, used to recognise the customer.")
    mobile_e164 = fields.Char(
        string="Mobile (E.164)", compute="_compute_phones_e164", store=True, index=True,
        help="Mobile in international E.164 form, used to recognise the customer.")
    touchpoint_count = fields.Integer(
        string="Touchpoints", compute="_compute_touchpoint_summary",
        help="Contacts with this customer (with all its contacts for a company).")
    touchpoint_last_date = fields.Datetime(
        string="Last Contact", compute="_compute_touchpoint_summary",
        help="Date of the most recent touchpoint.")
    touchpoint_recent_count = fields.Integer(
        string="Contacts (90 days)", compute="_compute_touchpoint_summary",
        help="Touchpoints in the last 90 days.")
    touchpoint_channel_ids = fields.Many2many(
        "crm.touchpoint.channel", string="Channels Used",
        compute="_compute_touchpoint_summary",
        help="Channels through which the customer and the company were in contact.")

    def init(self):
        super(ResPartner, self).init()
        # customer recognition (ingestion, import) looks partners up by
        # normalised email and tax ID
        self.env.cr.execute("""
            CREATE INDEX IF NOT EXISTS res_partner_lower_email_idx
                ON res_partner (lower(email)) WHERE email IS NOT NULL;
            CREATE INDEX IF NOT EXISTS res_partner_vat_normalised_idx
                ON res_partner (upper(replace(vat, ' ', ''))) WHERE vat IS NOT NULL
        """)

    @api.depends("phone", "mobile", "country_id")
    def _compute_phones_e164(self):
        default_region = self.env.user.company_id.country_id.code
        for partner in self:
            region = partner.country_id.code or default_region
            partner.phone_e164 = to_e164(partner.phone, region)
            partner.mobile_e164 = to_e164(partner.mobile, region)

    def _touchpoint_domain(self):
        """Touchpoints shown for this partner: a customer (company or private
        person) sees those of all its contacts, a contact its own."""
        self.ensure_one()
        if self.commercial_partner_id == self:
            return [("commercial_partner_id", "=", self.id)]
        return [("partner_id", "=", self.id)]

    def _compute_touchpoint_summary(self):
        stats = {}
        ids = [p.id for p in self if isinstance(p.id, int)]
        if ids:
            # one query for the whole recordset; the partner is either the
            # customer of the touchpoint or, for a contact of a company, its
            # person
            # port>=13: flush before this query
            self.env.cr.execute("""
                SELECT pid, count(*), max(t.date),
                       count(*) FILTER (WHERE t.date >= now() at time zone 'UTC'
                                                         - interval '90 days'),
                       array_agg(DISTINCT t.channel_id)
                  FROM (SELECT p.id AS pid,
                               p.id = p.commercial_partner_id AS is_customer
                          FROM res_partner p WHERE p.id IN %s) q
                  JOIN crm_touchpoint t
                    ON (q.is_customer AND t.commercial_partner_id = q.pid)
                    OR (NOT q.is_customer AND t.partner_id = q.pid)
                 GROUP BY pid
            """, (tuple(ids),))
            stats = {row[0]: row[1:] for row in self.env.cr.fetchall()}
        for partner in self:
            count, last, recent, channels = stats.get(partner.id, (0, False, 0, []))
            partner.touchpoint_count = count
            partner.touchpoint_last_date = last
            partner.touchpoint_recent_count = recent
            partner.touchpoint_channel_ids = [(6, 0, [c for c in channels if c])]

    def action_view_touchpoints(self):
        self.ensure_one()
        action = self.env.ref("crm_lifecycle.crm_touchpoint_action").read()[0]
        action["domain"] = self._touchpoint_domain()
        action["context"] = {
            "default_partner_id": self.id,
            "search_default_group_month": 0,
        }
        action["display_name"] = _("Touchpoints of %(name)s") % {"name": self.display_name}
        return action

    def action_log_touchpoint(self):
        self.ensure_one()
        action = self.env.ref("crm_lifecycle.crm_touchpoint_action_log").read()[0]
        action["context"] = {"default_partner_id": self.id}
        return action

    # ------------------------------------------------------------ matching
    @api.model
    def _lifecycle_match_customers(self, keys):
        """Find the partner each key designates, set-based.

        `keys` is a list of dicts with any of partner_id, partner_ref, email,
        phone, vat (tried in that order). Returns a list of (partner_id,
        error) in the same order; error is a sentence saying why no single
        partner matches. Archived partners are not matched.
        """
        norm = {
            "partner_id": lambda v: int(v),
            "partner_ref": lambda v: v.strip(),
            "email": lambda v: v.strip().lower(),  # stored emails are trimmed by Odoo
            "vat": lambda v: v.replace(" ", "").upper(),
            "phone": lambda v: to_e164(v) or v.strip(),
        }
        # SQL expression of each key on res_partner, compared with `= ANY`
        # (each has an index: see init())
        exprs = {
            "partner_id": "p.id",
            "partner_ref": "p.ref",
            "email": "lower(p.email)",
            "vat": "upper(replace(p.vat, ' ', ''))",
            "phone": None,
        }
        company_ids = self.env.user.company_ids.ids or [self.env.user.company_id.id]
        found = {}
        for key in norm:
            wanted = sorted({norm[key](k[key]) for k in keys if k.get(key)})
            found[key] = {}
            if not wanted:
                continue
            if key == "phone":
                query = """
                    SELECT p.phone_e164, p.id, p.commercial_partner_id FROM res_partner p
                     WHERE p.active AND p.phone_e164 = ANY(%s)
                       AND (p.company_id IS NULL OR p.company_id = ANY(%s))
                    UNION ALL
                    SELECT p.mobile_e164, p.id, p.commercial_partner_id FROM res_partner p
                     WHERE p.active AND p.mobile_e164 = ANY(%s)
                       AND (p.company_id IS NULL OR p.company_id = ANY(%s))
                """
            else:
                # the expression comes from the constant `exprs` above
                query = """
                    SELECT {expr}, p.id, p.commercial_partner_id FROM res_partner p
                     WHERE p.active AND {expr} = ANY(%s)
                       AND (p.company_id IS NULL OR p.company_id = ANY(%s))
                """.format(expr=exprs[key])
            # port>=13: flush before this query
            args = (wanted, company_ids) * (2 if key == "phone" else 1)
            self.env.cr.execute(query, args)  # pylint: disable=sql-injection
            for value, pid, cid in self.env.cr.fetchall():
                found[key].setdefault(value, set()).add((pid, cid))
        result = []
        labels = {"partner_id": _("id"), "partner_ref": _("reference"), "email": _("email"),
                  "vat": _("tax ID"), "phone": _("phone")}
        for k in keys:
            for key in ("partner_id", "partner_ref", "email", "vat", "phone"):
                raw = k.get(key)
                if not raw:
                    continue
                value = norm[key](raw)
                matches = found[key].get(value, set())
                if not matches:
                    result.append((False, _("no customer with %(what)s %(value)r") % {
                        "what": labels[key], "value": raw}))
                elif len(matches) == 1:
                    result.append((next(iter(matches))[0], None))
                elif len({c for _p, c in matches}) == 1:
                    # several contacts of one customer: the customer itself
                    result.append((next(iter(matches))[1], None))
                else:
                    result.append((False, _(
                        "%(count)d customers have %(what)s %(value)r: give partner_id") % {
                        "count": len({c for _p, c in matches}), "what": labels[key],
                        "value": raw}))
                break
            else:
                result.append((False, _(
                    "no customer given: set partner_id, partner_ref, email, phone or vat")))
        return result
