# Copyright 2026 crm_lifecycle contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import ast
import logging

import psycopg2

from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError

from .. import compat
from ..guard import check_companies
from ..sql import compose, planner_settings

_logger = logging.getLogger(__name__)

# a rule is a domain of plain values, as Odoo's domain editor writes it:
# read as a literal (no expression is evaluated, so `list(range(10**8))`
# or `[0] * 10**9` cannot take the server's memory), of bounded length
MAX_RULE_CHARS = 20000
# the refresh of one segment: a rule that runs longer is stopped
REFRESH_TIMEOUT = "300s"


def parse_rule(text, env):
    """The domain of a segment rule; ValueError (in the language of `env`)
    when it is not a list of plain values or is too long."""
    context = env.context  # noqa: F841 (_() finds the language here)
    text = text or "[]"
    if len(text) > MAX_RULE_CHARS:
        raise ValueError(_("the rule is %(n)d characters long, at most %(max)d") % {
            "n": len(text), "max": MAX_RULE_CHARS})
    try:
        domain = ast.literal_eval(text.strip())
    except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError):
        raise ValueError(_("a rule is a list of conditions with plain values, e.g. "
                           "[('city', '=', 'Ghent')]; expressions are not evaluated"))
    if not isinstance(domain, (list, tuple)):
        raise ValueError(_("a rule is a list of conditions"))
    return list(domain)


class CrmSegment(models.Model):
    """A named group of customers: a rule (a domain on partners, which can
    use the customer metrics) or a static list. Its members are refreshed
    set-based; every refresh keeps who entered and who left, and the size."""

    _name = "crm.segment"
    _description = "Customer Segment"
    _order = "sequence, name, id"

    name = fields.Char(required=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        "res.company", string="Company", required=True,
        default=lambda self: self.env.user.company_id,
        help="Members are the partners of this company and the partners shared by all "
             "companies.")
    kind = fields.Selection(
        [("rule", "Rule"), ("static", "Static List")], string="Type", required=True,
        default="rule",
        help="Rule: the partners matching the domain at each refresh. Static list: the "
             "partners chosen by hand.")
    domain = fields.Char(
        string="Rule", default=lambda self: repr(compat.customer_domain()),
        help="Which partners belong to the segment, e.g. customers whose RFM segment is "
             "At Risk and whose predicted value is above 500.")
    partner_ids = fields.Many2many(
        "res.partner", "crm_segment_static_partner_rel", "segment_id", "partner_id",
        string="Listed Partners", help="The members of a static list.")
    description = fields.Text()
    member_ids = fields.One2many("crm.segment.member", "segment_id", string="Memberships")
    member_count = fields.Integer(
        string="Members", compute="_compute_member_count",
        help="Partners in the segment since its last refresh.")
    size_ids = fields.One2many("crm.segment.size", "segment_id", string="Size History")
    last_refresh = fields.Datetime(string="Last Refresh", readonly=True)

    @api.constrains("domain", "kind")
    def _check_domain(self):
        for segment in self.filtered(lambda s: s.kind == "rule"):
            try:
                domain = parse_rule(segment.domain, self.env)
                self.env["res.partner"]._where_calc(domain)
            except Exception as error:  # pylint: disable=broad-except
                raise ValidationError(_("The rule of segment %(name)s is not a valid domain "
                                        "on partners: %(error)s") % {
                                            "name": segment.name, "error": error})

    def _compute_member_count(self):
        counts = {}
        if self.ids:
            self.env.cr.execute("""
                SELECT segment_id, count(*) FROM crm_segment_member
                 WHERE segment_id IN %s AND date_to IS NULL GROUP BY 1
            """, (tuple(self.ids),))
            counts = dict(self.env.cr.fetchall())
        for segment in self:
            segment.member_count = counts.get(segment.id, 0)

    def _rule_filters(self):
        """Conditions that modules add to the rule (the analytics' lifecycle
        shortcuts): [(SQL condition on "res_partner".id, parameters)],
        written by the module, never by the user."""
        self.ensure_one()
        return []

    def _members_query(self, partner_ids=None):
        """SQL and parameters of the ids of the partners that belong to the
        segment now (active partners of its company or shared); of
        `partner_ids` only when given."""
        self.ensure_one()
        if self.kind == "static":
            return ("""SELECT p.id FROM crm_segment_static_partner_rel r
                         JOIN res_partner p ON p.id = r.partner_id AND p.active
                        WHERE r.segment_id = %s
                          AND (%s::int[] IS NULL OR p.id = ANY(%s::int[]))""",
                    [self.id, partner_ids, partner_ids])
        domain = parse_rule(self.domain, self.env) + [
            "|", ("company_id", "=", False), ("company_id", "=", self.company_id.id)]
        # sudo: the members are the partners the rule names whoever refreshes
        # (the nightly cron or a manager), not what one user may read; the rule
        # is a literal domain checked at save, limited to the segment's company
        query = self.env["res.partner"].sudo().with_context(active_test=True)._where_calc(domain)
        from_clause, where_clause, params = compat.query_parts(query)
        where, params = [where_clause or "TRUE"], list(params)
        for condition, values in self._rule_filters():
            where.append(condition)
            params.extend(values)
        if partner_ids is not None:
            where.append('"res_partner".id = ANY(%s::int[])')
            params.append(partner_ids)
        return ('SELECT "res_partner".id FROM %s WHERE %s' % (
            from_clause, " AND ".join("(%s)" % w for w in where)), params)

    # the manager group, the write rule and the companies of the segments are checked
    # before _apply_members writes
    def refresh_members(self):
        """Bring the members up to date, set-based: one statement per
        segment closes the memberships of the partners who left and opens
        those of the partners who entered, then the size is recorded.
        Returns {segment id: (size, entered, left)}."""
        if not self.env.user.has_group("crm_lifecycle.crm_lifecycle_group_manager"):
            raise UserError(_("Only Customer Lifecycle managers can refresh segments."))
        self.check_access_rights("write")
        self.check_access_rule("write")
        check_companies(self.env, self.mapped("company_id"))
        result = {}
        now = fields.Datetime.now()
        for segment in self:
            size, entered, left = segment._apply_members(now)
            # sudo: the size row's company (related, stored) is filled after the
            # insert, which the company rule would refuse; the caller was
            # checked above and the values are computed here
            self.env["crm.segment.size"].sudo().create({
                "segment_id": segment.id, "date": now, "size": size, "entered": entered,
                "left_count": left})
            result[segment.id] = (size, entered, left)
        self.write({"last_refresh": now})
        compat.invalidate_all(self.env)
        compat.invalidate_fields(self, ["member_count", "member_ids"])
        return result

    # sql-write: the memberships of one segment in one statement; the callers check the
    # manager group, the write rule and the companies (refresh_members), or are the system
    # refreshing the customers whose metrics it has just written (_refresh_members_of)
    def _apply_members(self, now, partner_ids=None):
        """Close the memberships of the partners who left the segment and
        open those of the partners who entered (of `partner_ids` only, when
        given); returns (size, entered, left), the size of `partner_ids`
        that belong when given."""
        self.ensure_one()
        cr = self.env.cr
        try:
            members_sql, params = self._members_query(partner_ids)
        except ValueError as error:
            raise UserError(_("The rule of segment %(name)s cannot be used: %(error)s") % {
                "name": self.name, "error": error})
        # the ORM's pending writes of partners and metrics reach the tables first
        compat.flush(self.env)
        query = """
            WITH target AS MATERIALIZED ({members}),
            left_ AS (
                UPDATE crm_segment_member m SET date_to = %s
                 WHERE m.segment_id = %s AND m.date_to IS NULL
                   AND (%s::int[] IS NULL OR m.partner_id = ANY(%s::int[]))
                   AND NOT EXISTS (SELECT 1 FROM target t WHERE t.id = m.partner_id)
                RETURNING 1),
            entered AS (
                -- the members already in are skipped by the open memberships' unique
                -- index, not by a lookup the planner could make a scan of the table per
                -- row (a table it had just seen empty: quadratic as the rows go in)
                INSERT INTO crm_segment_member (segment_id, company_id, partner_id,
                                                date_from)
                SELECT %s, %s, t.id, %s FROM target t
                ON CONFLICT (segment_id, partner_id) WHERE date_to IS NULL DO NOTHING
                RETURNING 1)
            -- left_ first: the CTEs run as their counts are asked for, and the memberships
            -- closed are looked up before the entered ones reach the index (after them,
            -- the lookup went through hundreds of thousands of new entries it cannot see:
            -- a new segment of 500,000 customers took over 200 s instead of 12)
            SELECT (SELECT count(*) FROM left_), (SELECT count(*) FROM target),
                   (SELECT count(*) FROM entered)
        """
        try:
            with cr.savepoint(), planner_settings(cr, statement_timeout=REFRESH_TIMEOUT):
                # the lock each new membership's foreign key check takes on the segment,
                # taken once here: inside the savepoint, on a segment created earlier in the
                # same transaction, PostgreSQL otherwise records the lock again for every row
                # (a new 500,000-customer segment: over 300 s instead of 12)
                cr.execute("SELECT 1 FROM crm_segment WHERE id = %s FOR KEY SHARE", (self.id,))
                # the members' SQL is Odoo's own query builder's, from the rule
                cr.execute(compose(query, members=members_sql),
                           params + [now, self.id, partner_ids, partner_ids, self.id,
                                     self.company_id.id, now])
                left, size, entered = cr.fetchone()
                return size, entered, left
        except psycopg2.extensions.QueryCanceledError:
            raise UserError(_("The rule of segment %(name)s ran for more than %(limit)s "
                              "and was stopped: make it narrower.") % {
                                  "name": self.name, "limit": REFRESH_TIMEOUT})

    @api.model
    def _refresh_members_of(self, company, partner_ids):
        """After the metrics of some customers were refreshed between
        nightly runs: their memberships of the company's segments, now.
        The sizes are recorded by the full refresh."""
        if not compat.is_superuser(self.env):
            raise UserError(_("Only the system refreshes memberships customer by customer."))
        now = fields.Datetime.now()
        for segment in self.search([("company_id", "=", company.id)]):
            try:
                segment._apply_members(now, partner_ids)
            except UserError as error:
                _logger.warning("crm_lifecycle: segment %s not refreshed: %s", segment.id,
                                compat.error_message(error))
        compat.invalidate_fields(self, ["member_count", "member_ids"])

    def action_refresh(self):
        self.refresh_members()
        return True

    @api.model
    def _cron_refresh(self):
        """Nightly, after the customer metrics: every active segment (a
        segment whose rule fails is logged and the others go on)."""
        result = {}
        # sudo: the nightly cron refreshes every company's segments
        for segment in self.sudo().search([]):
            try:
                result.update(segment.refresh_members())
            except UserError as error:
                _logger.warning("crm_lifecycle: segment %s not refreshed: %s", segment.id,
                                compat.error_message(error))
        return result

    def action_view_members(self):
        self.ensure_one()
        action = compat.action_values(self.env.ref(
            "crm_lifecycle.crm_segment_member_action"))
        action["domain"] = [("segment_id", "=", self.id)]
        action["context"] = {"search_default_current": 1, "default_segment_id": self.id}
        return action

    def action_view_sizes(self):
        self.ensure_one()
        action = compat.action_values(self.env.ref(
            "crm_lifecycle.crm_segment_size_action"))
        action["domain"] = [("segment_id", "=", self.id)]
        return action


class CrmSegmentMember(models.Model):
    """A stay of a partner in a segment: from the refresh that found the
    partner in it to the refresh that did not (open while a member)."""

    _name = "crm.segment.member"
    _description = "Segment Membership"
    _order = "date_from desc, id desc"
    _rec_name = "partner_id"
    # written by refresh_members only, thousands at a time
    _log_access = False

    segment_id = fields.Many2one(
        "crm.segment", string="Segment", required=True, readonly=True, ondelete="cascade")
    partner_id = fields.Many2one(
        "res.partner", string="Partner", required=True, readonly=True, ondelete="cascade",
        index=True)
    company_id = fields.Many2one(
        "res.company", related="segment_id.company_id", store=True, readonly=True)
    date_from = fields.Datetime(
        string="Entered", required=True, readonly=True,
        help="The refresh that first found the partner in the segment.")
    date_to = fields.Datetime(
        string="Left", readonly=True,
        help="The refresh that no longer found the partner in the segment; empty while a "
             "member.")

    def init(self):
        # one open membership per partner and segment; the refresh looks
        # the open ones up by segment
        self.env.cr.execute("""
            CREATE UNIQUE INDEX IF NOT EXISTS crm_segment_member_open_uniq
                ON crm_segment_member (segment_id, partner_id) WHERE date_to IS NULL
        """)


class CrmSegmentSize(models.Model):
    """The size of a segment at each refresh, with the partners who entered
    and left since the refresh before."""

    _name = "crm.segment.size"
    _description = "Segment Size"
    _order = "date desc, id desc"
    _log_access = False

    segment_id = fields.Many2one(
        "crm.segment", string="Segment", required=True, readonly=True, ondelete="cascade",
        index=True)
    company_id = fields.Many2one(
        "res.company", related="segment_id.company_id", store=True, readonly=True)
    date = fields.Datetime(string="Refreshed On", required=True, readonly=True)
    size = fields.Integer(string="Members", readonly=True, **compat.aggregator("max"))
    entered = fields.Integer(string="Entered", readonly=True)
    left_count = fields.Integer(string="Left", readonly=True)
