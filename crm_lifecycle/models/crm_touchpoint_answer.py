# Copyright 2026 crm_lifecycle contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""When was an inbound contact answered, and how fast.

An inbound contact (a purchase needs no answer) is answered by the next
outbound contact of the same company to the same customer; purchases and
campaign sends (a mailing to many customers) are no contacts: they answer
nobody. Its answer date and response time (in weekday hours: Saturdays and
Sundays, in UTC, do not count) are stored on the touchpoint, so that the
call-centre queue of unanswered contacts and the staff reports read a column
instead of looking for the next contact row by row.

The columns are kept by the database itself: statement-level triggers with
transition tables recompute the answers of the customers a statement
touched, whatever wrote it (the ORM, the set-based capture, imports,
ingestion, partner merges), in one window-function pass over the rows
whose answers the statement can change (around each row written, from the
last answer before it to the first one after it). One statement of a
million rows costs one set-based update, a one-row ORM write a read of a
few rows of its customer.
"""

from psycopg2 import sql

from odoo import api, fields, models

from .. import compat
from ..sql import ensure_statement_triggers, planner_settings
from .crm_touchpoint import NOT_CONTACT_KINDS, NOT_CONTACT_KINDS_SQL

# percent of a page of crm_touchpoint filled by inserts (init)
FILLFACTOR = 90
# the fields the triggers write, and the one computed from them
ANSWER_FIELDS = ["answered_date", "response_hours", "awaiting_answer"]

# seconds of weekdays from Monday 2001-01-01 00:00 (UTC) to `ts`, closed
# form: whole weeks, the weekdays of the last week, and the part of the day.
# One expression without FROM, so that PostgreSQL inlines it into the
# queries that call it (a function with a FROM runs its own executor per
# call: 40% of the answers' cost for a batch of touchpoints).
_EPOCH = "date_part('epoch', ts - timestamp '2001-01-01')"
_DAY = "floor({epoch} / 86400)".format(epoch=_EPOCH)
_WEEKDAY = "({day} - floor({day} / 7) * 7)".format(day=_DAY)
WEEKDAY_SECONDS = """
CREATE OR REPLACE FUNCTION crm_lifecycle_weekday_seconds(ts timestamp)
RETURNS float8 LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT floor({day} / 7) * 5 * 86400
           + LEAST({weekday}, 5) * 86400
           + CASE WHEN {weekday} < 5 THEN {epoch} - {day} * 86400 ELSE 0 END
$$
""".format(epoch=_EPOCH, day=_DAY, weekday=_WEEKDAY)
# the response time, in weekday hours, of a contact at {date} answered at
# {answer} (the one expression every writer of response_hours uses)
RESPONSE_HOURS = ("(crm_lifecycle_weekday_seconds({answer})"
                  " - crm_lifecycle_weekday_seconds({date})) / 3600.0")

# The answers of the touchpoints of some customers (stretches of each one's
# rows), written only where they changed: one pass of a window function over
# their rows sorted by customer and date (newest first, so that the running
# minimum of the outbound dates is the next answer; rows of the same instant
# are peers and count), not a lookup of the next outbound row per inbound
# row, so that a statement touching a million customers costs one sort.
#
# The input: per version of a row written (new rows, and the old and new
# versions of the rows an update changed), its customer, company, date and
# what it was. The stretch of rows it changes answers in, around its date d:
# - an outbound contact written: the calls since the last outbound contact
#   before d (l) now wait for it: [l, d];
# - an outbound contact gone (deleted, moved, turned, another customer's
#   now): the calls it answered wait for the next one (u): [l, u];
# - an inbound contact written: its own answer, the next outbound contact
#   (u): [d, u];
# - anything else written (a purchase, a campaign send): itself, which has
#   no answer, and the calls of the same instant, whose answer is the next
#   outbound contact: [d, u]; an inbound contact gone changes nothing.
# l and u are two probes of the timeline index. Every inbound row whose
# answer a statement changes lies in one of these stretches, and its answer
# too (their own l or u bound them), so the rows outside them are not read.
# Stretches of a customer that overlap are merged (islands), so that a row
# is read once. A new contact of a customer with 50,000 touchpoints reads the
# few rows around it, and ten contacts of that customer in one statement,
# years apart, ten such stretches, not the years between them; the whole
# history only when there is no outbound contact before an outbound one
# written.
# sql-write: the answer columns are derived data kept by the database's own triggers on every
# write path; no caller input
ANSWER_STRETCHES = """
CREATE OR REPLACE FUNCTION crm_lifecycle_answer_stretches(
    partners int[], companies int[], dates timestamp[], whats text[])
RETURNS void LANGUAGE sql AS $$
UPDATE crm_touchpoint t
   SET answered_date = a.answered, response_hours = a.hours
  FROM (SELECT r.id, r.answered,
               {hours} AS hours,
               r.answered_date, r.response_hours
          FROM (SELECT t2.id, t2.date, t2.answered_date, t2.response_hours,
                       CASE WHEN t2.direction = 'inbound' AND t2.kind NOT IN {not_contact} THEN
                           min(CASE WHEN t2.direction = 'outbound'
                                         AND t2.kind NOT IN {not_contact}
                                    THEN t2.date END) OVER (
                               PARTITION BY t2.commercial_partner_id, t2.company_id
                               ORDER BY t2.date DESC) END AS answered
                  FROM (SELECT i.p, i.co, min(i.lo) AS lo, max(i.hi) AS hi
                          FROM (SELECT s.p, s.co, s.lo, s.hi,
                                       sum(s.start) OVER (PARTITION BY s.p, s.co
                                                          ORDER BY s.lo, s.hi) AS island
                                  FROM (SELECT g.p, g.co, g.lo, g.hi,
                                               CASE WHEN g.lo <= max(g.hi) OVER (
                                                        PARTITION BY g.p, g.co ORDER BY g.lo, g.hi
                                                        ROWS BETWEEN UNBOUNDED PRECEDING
                                                                 AND 1 PRECEDING)
                                                    THEN 0 ELSE 1 END AS start
                                          FROM (SELECT DISTINCT w.p, w.co,
                                                       CASE WHEN w.what IN ('out', 'gone')
                                                            THEN coalesce(l.after, '-infinity')
                                                            ELSE w.d END AS lo,
                                                       CASE WHEN w.what IN ('in', 'gone', 'row')
                                                            THEN coalesce(u.until, w.d)
                                                            ELSE w.d END AS hi
                                                  FROM unnest(partners, companies, dates, whats)
                                                       AS w(p, co, d, what)
                                                 CROSS JOIN LATERAL (
                                                       SELECT max(o.date) AS after
                                                         FROM crm_touchpoint o
                                                        WHERE w.what IN ('out', 'gone')
                                                          AND o.commercial_partner_id = w.p
                                                          AND o.company_id IS NOT DISTINCT FROM w.co
                                                          AND o.direction = 'outbound'
                                                          AND o.kind NOT IN {not_contact}
                                                          AND o.date < w.d) l
                                                 CROSS JOIN LATERAL (
                                                       SELECT min(o.date) AS until
                                                         FROM crm_touchpoint o
                                                        WHERE w.what IN ('in', 'gone', 'row')
                                                          AND o.commercial_partner_id = w.p
                                                          AND o.company_id IS NOT DISTINCT FROM w.co
                                                          AND o.direction = 'outbound'
                                                          AND o.kind NOT IN {not_contact}
                                                          AND o.date > w.d) u) g) s) i
                         GROUP BY i.p, i.co, i.island) w
                  JOIN crm_touchpoint t2
                    ON t2.commercial_partner_id = w.p AND t2.company_id IS NOT DISTINCT FROM w.co
                   AND t2.date >= w.lo AND t2.date <= w.hi) r) a
 -- the rows whose answer changed only are looked up to be written (most
 -- rows of a stretch keep theirs)
 WHERE (a.answered_date, a.response_hours) IS DISTINCT FROM (a.answered, a.hours)
   AND t.id = a.id
$$
""".format(not_contact=NOT_CONTACT_KINDS_SQL,
           hours=RESPONSE_HOURS.format(answer="r.answered", date="r.date"))

# the whole history at once (install): the same window, written where no
# answer is stored yet
# sql-write: the answer columns backfilled on install; no caller input
ANSWER_BACKFILL = """
UPDATE crm_touchpoint t
   SET answered_date = a.answered,
       response_hours = {hours}
  FROM (SELECT id, direction, kind,
               min(CASE WHEN direction = 'outbound' AND kind NOT IN {not_contact}
                        THEN date END) OVER (
                   PARTITION BY commercial_partner_id, company_id ORDER BY date DESC)
                   AS answered
          FROM crm_touchpoint) a
 WHERE t.id = a.id AND a.direction = 'inbound' AND a.kind NOT IN {not_contact}
   AND a.answered IS NOT NULL AND t.answered_date IS NULL
""".format(not_contact=NOT_CONTACT_KINDS_SQL,
           hours=RESPONSE_HOURS.format(answer="a.answered", date="t.date"))

# the triggers: the rows inserted (new), deleted (old), or whose customer,
# company, date, direction or kind an update changed (both versions); the
# update they make themselves fires the update trigger again, one level
# down, where it stops. What each version was, for its stretch ({new} and
# {old}: the versions' tables, aliased d).
_WHAT_NEW = """
                SELECT d.commercial_partner_id AS p, d.company_id AS co, d.date AS d,
                       CASE WHEN d.kind IN {not_contact} THEN 'row'
                            WHEN d.direction = 'outbound' THEN 'out' ELSE 'in' END AS what
                  FROM {{new}} d
                 WHERE d.commercial_partner_id IS NOT NULL""".format(
    not_contact=NOT_CONTACT_KINDS_SQL)
_WHAT_OLD = """
                SELECT d.commercial_partner_id AS p, d.company_id AS co, d.date AS d,
                       'gone' AS what
                  FROM {{old}} d
                 WHERE d.commercial_partner_id IS NOT NULL
                   AND d.direction = 'outbound' AND d.kind NOT IN {not_contact}""".format(
    not_contact=NOT_CONTACT_KINDS_SQL)
_STRETCHES_OF = """
        SELECT array_agg(r.p), array_agg(r.co), array_agg(r.d), array_agg(r.what)
          INTO partners, companies, dates, whats
          FROM (SELECT DISTINCT x.p, x.co, x.d, x.what FROM ({versions}) x) r;"""
# the rows of an update whose answer columns changed, old and new versions:
# the two set differences (hashed or sorted, linear), not a join of the
# transition tables, which have no index and no statistics (a nested loop
# there is quadratic in the rows updated)
_CHANGED = """(SELECT id, commercial_partner_id, company_id, date, direction, kind
                   FROM crm_lifecycle_{0}_rows
                 EXCEPT
                 SELECT id, commercial_partner_id, company_id, date, direction, kind
                   FROM crm_lifecycle_{1}_rows)"""
# An insert that computed the answers of its new inbound contacts itself
# (_upsert_new_columns: the next outbound contact among the rows already
# there) says so in GIVEN_SETTING, with the time of its own statement (a
# later statement of the transaction is not taken for it): their stretches
# are not read again. Those answers can only be changed by an outbound
# contact of the same statement, whose own stretch holds them (its stretch
# reaches back to the last outbound contact before it).
GIVEN_SETTING = "crm_lifecycle.answers_given"
GIVEN_SQL = "set_config('%s', statement_timestamp()::text, true)" % GIVEN_SETTING
ANSWER_TRIGGER_FUNCTION = """
CREATE OR REPLACE FUNCTION crm_lifecycle_touchpoint_answers() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    partners int[];
    companies int[];
    dates timestamp[];
    whats text[];
    given boolean;
BEGIN
    IF pg_trigger_depth() > 1 THEN
        RETURN NULL;
    END IF;
    IF TG_OP = 'INSERT' THEN
        given := coalesce(current_setting('""" + GIVEN_SETTING + """', true)
                          = statement_timestamp()::text, FALSE);""" + _STRETCHES_OF.format(
    versions="SELECT * FROM (" + _WHAT_NEW.format(new="crm_lifecycle_new_rows")
    + ") n WHERE NOT (given AND n.what = 'in')") + """
    ELSIF TG_OP = 'DELETE' THEN""" + _STRETCHES_OF.format(
    versions=_WHAT_OLD.format(old="crm_lifecycle_old_rows")) + """
    ELSE""" + _STRETCHES_OF.format(
    versions=_WHAT_NEW.format(new=_CHANGED.format("new", "old")) + "\n UNION ALL"
    + _WHAT_OLD.format(old=_CHANGED.format("old", "new"))) + """
    END IF;
    IF partners IS NOT NULL THEN
        PERFORM crm_lifecycle_answer_stretches(partners, companies, dates, whats);
    END IF;
    RETURN NULL;
END
$$
"""

# the answer of a new row `s` of customer `p`, for _upsert_new_columns:
# derived data (the value the triggers store, which they check), read of the
# customer's rows whoever may read them, as the triggers do; the caller
# gives no answer of its own
NEW_ANSWER_JOIN = """
      CROSS JOIN (SELECT """ + GIVEN_SQL + """) crm_lifecycle_given
      LEFT JOIN LATERAL (
           SELECT min(o.date) AS date FROM crm_touchpoint o
            WHERE s.direction = 'inbound' AND s.kind NOT IN {not_contact}
              AND o.commercial_partner_id = p.commercial_partner_id
              AND o.company_id IS NOT DISTINCT FROM s.company_id
              AND o.direction = 'outbound' AND o.kind NOT IN {not_contact}
              AND o.date >= s.date) crm_lifecycle_answer ON true""".format(
    not_contact=NOT_CONTACT_KINDS_SQL)

ANSWER_TRIGGERS = {
    "crm_touchpoint_answers_ins": "AFTER INSERT ON crm_touchpoint "
                                  "REFERENCING NEW TABLE AS crm_lifecycle_new_rows",
    "crm_touchpoint_answers_upd": "AFTER UPDATE ON crm_touchpoint "
                                  "REFERENCING NEW TABLE AS crm_lifecycle_new_rows "
                                  "OLD TABLE AS crm_lifecycle_old_rows",
    "crm_touchpoint_answers_del": "AFTER DELETE ON crm_touchpoint "
                                  "REFERENCING OLD TABLE AS crm_lifecycle_old_rows",
}


class CrmTouchpoint(models.Model):
    _inherit = "crm.touchpoint"

    answered_date = fields.Datetime(
        string="Answered On", readonly=True, copy=False,
        help="For an inbound contact: when the company next contacted the customer (the "
             "next outbound touchpoint). Empty while the contact is unanswered.")
    response_hours = fields.Float(
        string="Response Time (h)", readonly=True, copy=False, **compat.aggregator("avg"),
        help="For an answered inbound contact: weekday hours until the answer (Saturdays "
             "and Sundays do not count).")
    awaiting_answer = fields.Boolean(
        string="Awaiting an Answer", compute="_compute_awaiting_answer",
        search="_search_awaiting_answer",
        help="An inbound contact (not a purchase) the company has not answered yet.")

    @api.depends("direction", "kind", "answered_date")
    def _compute_awaiting_answer(self):
        for touchpoint in self:
            touchpoint.awaiting_answer = (
                touchpoint.direction == "inbound" and touchpoint.kind not in NOT_CONTACT_KINDS
                and not touchpoint.answered_date)

    def _search_awaiting_answer(self, operator, value):
        awaiting = ["&", "&", ("direction", "=", "inbound"),
                    ("kind", "not in", list(NOT_CONTACT_KINDS)),
                    ("answered_date", "=", False)]
        if (operator == "=") == bool(value):
            return awaiting
        return ["!"] + awaiting

    def init(self):
        super(CrmTouchpoint, self).init()
        cr = self.env.cr
        # room on each page for the answer written later into a row (an
        # update of columns no index has, in the same page: no new entry in
        # the table's twelve indexes, a tenth of the cost). Pages written
        # from now on; an existing history gets it from a VACUUM FULL.
        cr.execute("SELECT reloptions FROM pg_class WHERE oid = 'crm_touchpoint'::regclass")
        if "fillfactor=%d" % FILLFACTOR not in (cr.fetchone()[0] or []):
            cr.execute(sql.SQL("ALTER TABLE crm_touchpoint SET (fillfactor = {})").format(
                sql.Literal(FILLFACTOR)))
        cr.execute(WEEKDAY_SECONDS)
        # the answers read a customer's rows through the timeline index; the
        # partial index of the outbound rows served the former lookup of the
        # next outbound row and is only a cost on every write now
        cr.execute("DROP INDEX IF EXISTS crm_touchpoint_partner_outbound_idx")
        cr.execute("DROP FUNCTION IF EXISTS crm_lifecycle_answer_customers(int[])")
        cr.execute(ANSWER_STRETCHES)
        cr.execute(ANSWER_TRIGGER_FUNCTION)
        # the former answers by customer (the range of all rows written)
        cr.execute("DROP FUNCTION IF EXISTS crm_lifecycle_answer_ranges("
                   "int[], int[], timestamp[], timestamp[])")
        missing = ensure_statement_triggers(cr, "crm_touchpoint", ANSWER_TRIGGERS,
                                            "crm_lifecycle_touchpoint_answers")
        if missing:
            # first install, or the triggers are new: answer the history
            with planner_settings(cr, work_mem="256MB"):
                cr.execute(ANSWER_BACKFILL)

    @api.model
    def _upsert_new_columns(self, columns):
        """A new inbound contact written in bulk comes with its answer, the
        next outbound contact among the rows already there (one probe of
        the timeline index), so that the triggers do not write each such
        row a second time (a new version, its foreign keys checked again:
        half the answers' cost of a batch). The statement says so
        (GIVEN_SETTING): the triggers do not read those rows again, only
        the stretches of its outbound contacts, which hold the rows of the
        statement they answer earlier."""
        names, values, joins = super(CrmTouchpoint, self)._upsert_new_columns(columns)
        if not {"date", "direction", "kind", "company_id"} <= set(columns):
            return names, values, joins
        return (names + ["answered_date", "response_hours"],
                values + [sql.SQL("crm_lifecycle_answer.date"), sql.SQL(
                    RESPONSE_HOURS.format(answer="crm_lifecycle_answer.date", date="s.date"))],
                joins + sql.SQL(NEW_ANSWER_JOIN))

    # the triggers write other rows than the ones written: the rows reach
    # the table now (13+ holds back the computed customer column the
    # triggers read), then the answers read from it are forgotten
    @compat.model_create_multi
    def create(self, vals_list):
        records = compat.create_records(super(CrmTouchpoint, self).create, vals_list)
        compat.flush(self.env)
        compat.invalidate_fields(self, ANSWER_FIELDS)
        return records

    def write(self, vals):
        result = super(CrmTouchpoint, self).write(vals)
        compat.flush(self.env)
        compat.invalidate_fields(self, ANSWER_FIELDS)
        return result

    def unlink(self):
        result = super(CrmTouchpoint, self).unlink()
        compat.invalidate_fields(self, ANSWER_FIELDS)
        return result
