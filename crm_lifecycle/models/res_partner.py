# Copyright 2026 crm_lifecycle contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import logging

from psycopg2 import sql

from odoo import _, api, fields, models

from .. import compat
from ..identity import city_key, company_region, name_key, to_e164

_logger = logging.getLogger(__name__)

# rows per UPDATE when identity keys are filled set-based
KEY_BATCH = 50000


class ResPartner(models.Model):
    _inherit = "res.partner"

    phone_e164 = fields.Char(
        string="Phone (E.164)", compute="_compute_phones_e164", store=True, index=True,
        help="Phone in international E.164 form, used to recognise the customer.")
    mobile_e164 = fields.Char(
        string="Mobile (E.164)", compute="_compute_phones_e164", store=True, index=True,
        help="Mobile in international E.164 form, used to recognise the customer.")
    lifecycle_phone_search = fields.Char(
        string="Phone Number", compute="_compute_lifecycle_phone_search",
        search="_search_lifecycle_phone",
        help="Search only: finds the customers and contacts with this phone or mobile "
             "number, typed in any format (+32 2 555 12 34, 0032 2 5551234...).")
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

    lifecycle_consent_ids = fields.One2many(
        "crm.partner.consent", "partner_id", string="Consents",
        help="What the customer agreed to or refused, per channel: the latest word for a "
             "channel holds.")
    campaign_member_count = fields.Integer(
        string="Campaigns", compute="_compute_campaign_member_count",
        help="Campaigns whose audience included this customer.")
    lifecycle_universal_holdout = fields.Boolean(
        string="Universal Holdout", compute="_compute_lifecycle_universal_holdout",
        help="The customer is in the universal holdout (setting): kept out of every "
             "campaign, so that what all the campaigns together earn can be measured "
             "against the customers none of them reached.")
    lifecycle_holdout_campaign_ids = fields.Many2many(
        "crm.campaign", string="Held Out of Campaigns", compute="_compute_campaign_member_count",
        help="Running campaigns that hold this customer in their control group: it must not "
             "be contacted until they end, or their measurement of what they caused is "
             "spoilt.")
    identity_name_key = fields.Char(
        string="Name Key", compute="_compute_identity_keys", store=True,
        help="The name as the duplicate finder compares it: lower case, accents folded, "
             "transliterated to Latin, legal forms removed, words in alphabetical order.")
    identity_city_key = fields.Char(
        string="City Key", compute="_compute_identity_keys", store=True,
        help="The city as the duplicate finder compares it.")
    merged_into_id = fields.Many2one(
        "res.partner", string="Merged Into", readonly=True, index=True, ondelete="set null",
        help="The customer this record was merged into. Merged records are archived; "
             "the merge can be undone from its merge log.")
    merge_log_id = fields.Many2one(
        "crm.partner.merge.log", string="Merge Log", readonly=True, ondelete="set null",
        help="The merge that archived this record.")
    lifecycle_source_ids = fields.One2many(
        "crm.partner.source", "partner_id", string="Source Records",
        help="The rows of imported customer lists that are this customer.")
    lifecycle_duplicate_ids = fields.Many2many(
        "res.partner", string="Possible Duplicates", compute="_compute_lifecycle_duplicates",
        help="Active customers with the same email, phone, tax ID, or the same name in the "
             "same city, and open duplicate pairs of this customer.")
    lifecycle_duplicate_count = fields.Integer(
        string="Possible Duplicate Count", compute="_compute_lifecycle_duplicates")

    @compat.model_cr_context
    def _auto_init(self):
        # Create and fill the identity keys set-based on install, instead of
        # letting the ORM compute them record by record (minutes on a large
        # base).
        cr = self.env.cr
        cr.execute("""SELECT column_name FROM information_schema.columns
                       WHERE table_name = 'res_partner'
                         AND column_name IN ('identity_name_key', 'identity_city_key')""")
        if cr.rowcount < 2:
            cr.execute("""ALTER TABLE res_partner
                              ADD COLUMN IF NOT EXISTS identity_name_key VARCHAR,
                              ADD COLUMN IF NOT EXISTS identity_city_key VARCHAR""")
            self._identity_fill_keys()
        return super(ResPartner, self)._auto_init()

    @api.model
    def _identity_fill_keys(self, ids=None):
        """Compute the identity keys of the partners `ids` (None: all) in
        batches: one read, one UPDATE per KEY_BATCH rows."""
        cr = self.env.cr
        # the ORM's pending writes reach the tables before this query
        compat.flush(self.env)
        cr.execute("SELECT id, name, city FROM res_partner "
                   "WHERE %(ids)s::int[] IS NULL OR id = ANY(%(ids)s::int[])", {"ids": ids})
        rows = cr.fetchall()
        self._update_two_columns("identity_name_key", "identity_city_key", [
            (r[0], name_key(r[1]) or None, city_key(r[2]) or None) for r in rows])
        return len(rows)

    # sql-write: identity keys derived from the partner's own fields, stored without a second
    # ORM write of the partner; the values are computed here
    @api.model
    def _update_two_columns(self, col1, col2, values):
        """Write [(id, value1, value2)] into two text columns of res_partner,
        one UPDATE per KEY_BATCH rows."""
        for start in range(0, len(values), KEY_BATCH):
            chunk = values[start:start + KEY_BATCH]
            self.env.cr.execute(sql.SQL("""
                UPDATE res_partner p SET {c1} = v.v1, {c2} = v.v2
                  FROM unnest(%s::int[], %s::varchar[], %s::varchar[]) v(id, v1, v2)
                 WHERE p.id = v.id
            """).format(c1=sql.Identifier(col1), c2=sql.Identifier(col2)),
                ([r[0] for r in chunk], [r[1] for r in chunk], [r[2] for r in chunk]))

    @api.model
    def _identity_fill_phones(self, ids=None):
        """Compute phone_e164 and mobile_e164 of the partners `ids` (None:
        all) in batches (data loaded by SQL)."""
        cr = self.env.cr
        default_region = company_region(self.env)
        # the ORM's pending writes reach the tables before this query
        compat.flush(self.env)
        cr.execute("""
            SELECT p.id, p.phone, p.mobile, c.code
              FROM res_partner p LEFT JOIN res_country c ON c.id = p.country_id
             WHERE %(ids)s::int[] IS NULL OR p.id = ANY(%(ids)s::int[])
        """, {"ids": ids})
        rows = cr.fetchall()
        self._update_two_columns("phone_e164", "mobile_e164", [
            (r[0], to_e164(r[1], r[3] or default_region) or None,
             to_e164(r[2], r[3] or default_region) or None) for r in rows])
        return len(rows)

    def _compute_lifecycle_phone_search(self):
        for partner in self:
            partner.lifecycle_phone_search = partner.phone or partner.mobile or False

    def _search_lifecycle_phone(self, operator, value):
        """The partners whose phone or mobile is `value` in any format: the
        E.164 form of what was typed (the company's country for a national
        number) against the stored E.164 keys (indexed); text that is no
        phone number is looked for in the numbers as typed."""
        if not value or not isinstance(value, str):
            return [("id", "=", 0)]
        region = company_region(self.env)
        typed = value.strip()
        if typed.startswith("00"):  # the international prefix of most countries
            typed = "+" + typed[2:]
        number = to_e164(typed, region)
        if number:
            domain = ["|", ("phone_e164", "=", number), ("mobile_e164", "=", number)]
        else:
            domain = ["|", ("phone", "ilike", value.strip()), ("mobile", "ilike", value.strip())]
        if operator in ("!=", "not ilike", "not like", "not in"):
            return ["!"] + domain
        return domain

    @api.depends("name", "city")
    def _compute_identity_keys(self):
        for partner in self:
            partner.identity_name_key = name_key(partner.name) or False
            partner.identity_city_key = city_key(partner.city) or False

    @api.depends("name", "city", "email", "phone", "mobile", "vat", "country_id")
    def _compute_lifecycle_duplicates(self):
        for partner in self:
            dups = partner._lifecycle_likely_duplicates()
            partner.lifecycle_duplicate_ids = [(6, 0, dups)]
            partner.lifecycle_duplicate_count = len(dups)

    def _lifecycle_likely_duplicates(self, limit=5):
        """Ids of active partners that are likely the same customer: exact
        normalised email, phone, tax ID, or name key in the same city (all
        indexed lookups), and the other side of open duplicate pairs."""
        self.ensure_one()
        if not self.name and not self.email:
            return []
        region = self.country_id.code or company_region(self.env)
        phones = [p for p in (to_e164(self.phone, region), to_e164(self.mobile, region)) if p]
        own_id = self.id if isinstance(self.id, int) else 0
        related = [own_id]
        if own_id:
            related += (self.commercial_partner_id | self.child_ids).ids
        # the ORM's pending writes reach the tables before this query
        compat.flush(self.env)
        self.env.cr.execute("""
            SELECT id FROM res_partner p
             WHERE p.active AND p.id <> ALL(%(related)s)
               AND (p.company_id IS NULL OR %(company)s IS NULL OR p.company_id = %(company)s)
               AND NOT EXISTS (SELECT 1 FROM res_users u WHERE u.partner_id = p.id)
               AND ((%(email)s <> '' AND lower(p.email) = %(email)s)
                 OR (%(vat)s <> '' AND upper(replace(p.vat, ' ', '')) = %(vat)s)
                 OR p.phone_e164 = ANY(%(phones)s) OR p.mobile_e164 = ANY(%(phones)s)
                 OR (p.identity_name_key = %(name)s AND p.identity_city_key = %(city)s))
            UNION
            SELECT CASE WHEN d.partner_a_id = %(own)s THEN d.partner_b_id
                        ELSE d.partner_a_id END
              FROM crm_partner_duplicate d
             WHERE d.state = 'review' AND %(own)s IN (d.partner_a_id, d.partner_b_id)
             LIMIT %(limit)s
        """, {
            "related": related, "company": self.company_id.id or None,
            "email": (self.email or "").strip().lower(),
            "vat": (self.vat or "").replace(" ", "").upper(), "phones": phones,
            "name": name_key(self.name) or "", "city": city_key(self.city) or "",
            "own": own_id, "limit": limit,
        })
        return [r[0] for r in self.env.cr.fetchall()]

    def action_view_lifecycle_duplicates(self):
        self.ensure_one()
        self.env["crm.partner.duplicate"].find_duplicates(partner_ids=self.ids)
        action = compat.action_values(self.env.ref(
            "crm_lifecycle.crm_partner_duplicate_action"))
        action["domain"] = ["|", ("partner_a_id", "=", self.id), ("partner_b_id", "=", self.id)]
        action["context"] = {}
        return action

    def init(self):
        super(ResPartner, self).init()
        # customer recognition (ingestion, import) looks partners up by
        # normalised email and tax ID
        # trigram similarity and edit distance of names and streets
        # (contrib modules shipped with PostgreSQL; trusted since
        # PostgreSQL 13: the database owner may create them)
        self.env.cr.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        self.env.cr.execute("CREATE EXTENSION IF NOT EXISTS fuzzystrmatch")
        self.env.cr.execute("""
            CREATE INDEX IF NOT EXISTS res_partner_identity_name_trgm_idx
                ON res_partner USING gin (identity_name_key gin_trgm_ops);
            CREATE INDEX IF NOT EXISTS res_partner_lower_email_idx
                ON res_partner (lower(email)) WHERE email IS NOT NULL;
            CREATE INDEX IF NOT EXISTS res_partner_vat_normalised_idx
                ON res_partner (upper(replace(vat, ' ', ''))) WHERE vat IS NOT NULL;
            CREATE INDEX IF NOT EXISTS res_partner_identity_city_key_idx
                ON res_partner (identity_name_key, identity_city_key)
                WHERE identity_name_key IS NOT NULL
        """)

    @api.depends("phone", "mobile", "country_id")
    def _compute_phones_e164(self):
        default_region = company_region(self.env)
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
            # the ORM's pending writes reach the tables before this query
            compat.flush(self.env)
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

    def _compute_campaign_member_count(self):
        """The campaigns of each partner, and the running ones holding its
        customer (its commercial entity) in their control group: one query."""
        counts, held = {}, {}
        ids = [pid for pid in self.ids if isinstance(pid, int)]
        if ids:
            # the ORM's pending writes reach the tables before this query
            compat.flush(self.env)
            customers = {p.id: p.commercial_partner_id.id for p in self if p.id in ids}
            self.env.cr.execute("""
                SELECT m.partner_id, count(*),
                       array_agg(m.campaign_id) FILTER (
                           WHERE m.split_group = 'control'
                             AND c.state IN ('launched', 'running'))
                  FROM crm_campaign_member m JOIN crm_campaign c ON c.id = m.campaign_id
                 WHERE m.partner_id = ANY(%s) GROUP BY 1
            """, (list(set(ids) | set(customers.values())),))
            for partner_id, count, campaigns in self.env.cr.fetchall():
                counts[partner_id] = count
                held[partner_id] = campaigns or []
            # only the campaigns the user may read (the record rules); no query when no
            # running campaign holds any of them out
            holding = sorted({c for cs in held.values() for c in cs})
            readable = set(self.env["crm.campaign"].search([("id", "in", holding)]).ids) \
                if holding and self.env["crm.campaign"].check_access_rights(
                    "read", raise_exception=False) else set()
        for partner in self:
            partner.campaign_member_count = counts.get(partner.id, 0)
            campaigns = held.get(partner.commercial_partner_id.id, []) if ids else []
            partner.lifecycle_holdout_campaign_ids = [
                (6, 0, sorted(c for c in campaigns if c in readable))]

    def _compute_lifecycle_universal_holdout(self):
        from .crm_campaign import universal_draw, universal_holdout
        share, seed = universal_holdout(self.env)
        for partner in self:
            customer = partner.commercial_partner_id.id or partner.id
            partner.lifecycle_universal_holdout = bool(
                share and isinstance(customer, int) and universal_draw(seed, customer) < share)

    def _lifecycle_holdout_warning(self):
        """The warning of an onchange about to contact this partner while a
        running campaign holds its customer in its control group (None
        otherwise)."""
        campaigns = self[:1].lifecycle_holdout_campaign_ids
        if not campaigns:
            return None
        return {"title": _("Customer held out of a running campaign"), "message": _(
            "%(customer)s is in the control group of the running campaign %(campaigns)s: "
            "contacting them spoils the campaign's measurement of what it caused. Contact "
            "them after the campaign ends, unless they asked for it.") % {
                "customer": self.commercial_partner_id.display_name,
                "campaigns": ", ".join(campaigns.mapped("name"))}}

    def action_view_campaigns(self):
        self.ensure_one()
        action = compat.action_values(self.env.ref(
            "crm_lifecycle.crm_campaign_member_action"))
        action["domain"] = [("partner_id", "=", self.commercial_partner_id.id)]
        action["context"] = {}
        action["display_name"] = _("Campaigns of %(name)s") % {"name": self.display_name}
        return action

    def action_view_touchpoints(self):
        self.ensure_one()
        action = compat.action_values(self.env.ref(
            "crm_lifecycle.crm_touchpoint_action"))
        action["domain"] = self._touchpoint_domain()
        action["context"] = {
            "default_partner_id": self.id,
            "search_default_group_month": 0,
        }
        action["display_name"] = _("Touchpoints of %(name)s") % {"name": self.display_name}
        return action

    def action_log_touchpoint(self):
        self.ensure_one()
        action = compat.action_values(self.env.ref(
            "crm_lifecycle.crm_touchpoint_action_log"))
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
                query = sql.SQL("""
                    SELECT p.phone_e164, p.id, p.commercial_partner_id FROM res_partner p
                     WHERE p.active AND p.phone_e164 = ANY(%s)
                       AND (p.company_id IS NULL OR p.company_id = ANY(%s))
                    UNION ALL
                    SELECT p.mobile_e164, p.id, p.commercial_partner_id FROM res_partner p
                     WHERE p.active AND p.mobile_e164 = ANY(%s)
                       AND (p.company_id IS NULL OR p.company_id = ANY(%s))
                """)
            else:
                # the expression comes from the constant `exprs` above
                query = sql.SQL("""
                    SELECT {expr}, p.id, p.commercial_partner_id FROM res_partner p
                     WHERE p.active AND {expr} = ANY(%s)
                       AND (p.company_id IS NULL OR p.company_id = ANY(%s))
                """).format(expr=sql.SQL(exprs[key]))
            # the ORM's pending writes reach the tables before this query
            compat.flush(self.env)
            args = (wanted, company_ids) * (2 if key == "phone" else 1)
            self.env.cr.execute(query, args)
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
