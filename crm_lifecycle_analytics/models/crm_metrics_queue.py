# Copyright 2026 crm_lifecycle contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Metrics within seconds of a contact.

Every statement that writes touchpoints (the ORM, ingest(), the capture,
merges, SQL from outside Odoo) queues the customers and companies it
touched, in the same transaction, by statement triggers
(crm_lifecycle_metrics_queue) and NOTIFY. One thread of one server process
per database (the first to commit such a write takes a session lock)
LISTENs and takes the queue in batches, refreshing those customers' rows
with the nightly engine's code on the subset
(crm.customer.metrics._recompute_company with partner_ids): the company's
latest model, the customers ranked among the stored rows of the others
(kept sorted in that process), then their segment memberships. A cron
every minute drains what was queued while no process listened. The nightly
run stays the reconciliation: it fits the model again and ranks every customer."""
import datetime
import logging
import select
import threading
import time

import psycopg2
from psycopg2 import sql

from odoo import _, api, fields, models
from odoo.exceptions import AccessError

from odoo.addons.crm_lifecycle import compat
from odoo.addons.crm_lifecycle.guard import commit_retrying, try_job_lock
from odoo.addons.crm_lifecycle.sql import ensure_statement_triggers

_logger = logging.getLogger(__name__)

# customers refreshed per transaction
QUEUE_BATCH = 5000
# a drain started by the cron gives the cron thread back after this long
CRON_SECONDS = 50
# the NOTIFY channel of the queue's triggers (a commit that queued customers)
CHANNEL = "crm_lifecycle_metrics"

QUEUE_TABLE = """
    CREATE TABLE IF NOT EXISTS crm_lifecycle_metrics_queue (
        company_id integer NOT NULL,
        partner_id integer NOT NULL,
        queued_at timestamp NOT NULL DEFAULT (now() AT TIME ZONE 'UTC')
    );
    CREATE INDEX IF NOT EXISTS crm_lifecycle_metrics_queue_company_idx
        ON crm_lifecycle_metrics_queue (company_id, queued_at);
"""
# what the engine reads of a touchpoint: an update that changes none of
# these (an answer, a note, the write date) queues nobody
READ_COLUMNS = ("commercial_partner_id", "company_id", "date", "company_amount",
                "company_cost_amount", "cost_amount", "channel_id", "kind", "direction",
                "nps_score", "csat_score", "resolved_date")
_COLUMNS = ", ".join(("id",) + READ_COLUMNS)
# Plain inserts, no uniqueness: a writer never waits for the drain (which
# deletes the rows it takes) nor for another writer of the same customer;
# the drain reads each customer once however often it was queued.
# sql-write: the queue is derived from the touchpoints a statement wrote (whoever wrote
# them, held by the ORM or by the database's own grants); it names customers, nothing more
QUEUE_FUNCTION = """
CREATE OR REPLACE FUNCTION crm_lifecycle_queue_metrics() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO crm_lifecycle_metrics_queue (company_id, partner_id)
        SELECT DISTINCT company_id, commercial_partner_id FROM crm_lifecycle_metrics_new
         WHERE company_id IS NOT NULL AND commercial_partner_id IS NOT NULL;
    ELSIF TG_OP = 'DELETE' THEN
        INSERT INTO crm_lifecycle_metrics_queue (company_id, partner_id)
        SELECT DISTINCT company_id, commercial_partner_id FROM crm_lifecycle_metrics_old
         WHERE company_id IS NOT NULL AND commercial_partner_id IS NOT NULL;
    ELSE
        -- the rows whose read columns changed, old and new versions: the two
        -- set differences (hashed or sorted, linear), not a join of the
        -- transition tables on id, which have no index and no statistics (a
        -- nested loop there costs the square of the rows updated: 90 ms for
        -- the answers of a batch of 1,000 touchpoints)
        INSERT INTO crm_lifecycle_metrics_queue (company_id, partner_id)
        SELECT DISTINCT c.company_id, c.commercial_partner_id
          FROM ((SELECT %(columns)s FROM crm_lifecycle_metrics_new
                 EXCEPT
                 SELECT %(columns)s FROM crm_lifecycle_metrics_old)
                UNION ALL
                (SELECT %(columns)s FROM crm_lifecycle_metrics_old
                 EXCEPT
                 SELECT %(columns)s FROM crm_lifecycle_metrics_new)) c
         WHERE c.company_id IS NOT NULL AND c.commercial_partner_id IS NOT NULL;
    END IF;
    PERFORM pg_notify('%(channel)s', '');
    RETURN NULL;
END
$$
""" % {"columns": _COLUMNS, "channel": CHANNEL}
QUEUE_TRIGGERS = {
    "crm_touchpoint_metrics_ins": "AFTER INSERT ON crm_touchpoint "
                                  "REFERENCING NEW TABLE AS crm_lifecycle_metrics_new",
    "crm_touchpoint_metrics_upd": "AFTER UPDATE ON crm_touchpoint "
                                  "REFERENCING NEW TABLE AS crm_lifecycle_metrics_new "
                                  "OLD TABLE AS crm_lifecycle_metrics_old",
    "crm_touchpoint_metrics_del": "AFTER DELETE ON crm_touchpoint "
                                  "REFERENCING OLD TABLE AS crm_lifecycle_metrics_old",
}
# the oldest rows of a company's queue, taken off it (rows another drain
# holds are skipped); a rollback puts them back
# sql-write: only the system drains the queue (_refresh_queued checks it)
TAKE_SQL = """
    DELETE FROM crm_lifecycle_metrics_queue q
     WHERE q.ctid = ANY(ARRAY(
            SELECT ctid FROM crm_lifecycle_metrics_queue
             WHERE company_id = %(company)s
             ORDER BY queued_at LIMIT %(batch)s
             FOR UPDATE SKIP LOCKED))
    RETURNING q.partner_id
"""

# One thread of one server process per database drains the queue, so that
# the company's sorted rows (crm_customer_metrics._REFERENCES) stay warm in
# that process: it holds a session advisory lock on a connection of its own
# and LISTENs to the NOTIFY of the queue's triggers, so a commit from any
# process (or from outside Odoo) wakes it at once.
LEADER_LOCK = "crm_lifecycle.metrics_leader"
# a drainer with nothing to do for this long gives the database back (its
# connection closed: the database can be dropped)
IDLE_SECONDS = 300
# a process that found another process draining tries again after this
# long (when that process ended, its lock went with its connection)
FOLLOWER_SECONDS = 10
# a company whose metrics another transaction is computing: looked at again
# after this long
LOCKED_SECONDS = 1.0

# database name -> {"leading": bool, "retry_at": time}
_drainers = {}
_drainers_lock = threading.Lock()


def poke(dbname):
    """After a commit that may have queued customers: make sure a thread
    drains the queue of `dbname` (in this process when no other process
    does; the one draining is woken by the triggers' NOTIFY)."""
    with _drainers_lock:
        state = _drainers.get(dbname)
        if state is not None and (state["leading"] or time.time() < state["retry_at"]):
            return
        state = _drainers[dbname] = {"leading": True, "retry_at": 0.0}
    thread = threading.Thread(target=_drain, args=(dbname, state),
                              name="crm_lifecycle.metrics.%s" % dbname)
    thread.daemon = True
    thread.start()


def _drain(dbname, state):
    conn = None
    try:
        conn = compat.listen_connection(dbname)
        cr = conn.cursor()
        cr.execute("SELECT pg_try_advisory_lock(hashtext(%s), 0)", (LEADER_LOCK,))
        if not cr.fetchone()[0]:
            # another process drains: the NOTIFY of this commit wakes it
            with _drainers_lock:
                state.update(leading=False, retry_at=time.time() + FOLLOWER_SECONDS)
            return
        cr.execute(sql.SQL("LISTEN {}").format(sql.Identifier(CHANNEL)))
        idle_since = time.time()
        while True:
            # the notifications so far are for rows this drain takes
            conn.poll()
            del conn.notifies[:]
            with compat.system_env(dbname) as env:
                done, waiting = env["crm.customer.metrics"]._refresh_queue()
            now = time.time()
            if done or waiting:
                idle_since = now
            elif now - idle_since > IDLE_SECONDS:
                return
            timeout = LOCKED_SECONDS if waiting else IDLE_SECONDS - (now - idle_since)
            select.select([conn], [], [], max(timeout, 0.0))
    except Exception:  # pylint: disable=broad-except
        # the rows stay queued: the next commit or the cron takes them
        _logger.exception("crm_lifecycle_analytics: refreshing the queued metrics failed")
    finally:
        if conn is not None:
            conn.close()
        with _drainers_lock:
            if _drainers.get(dbname) is state and state["leading"]:
                del _drainers[dbname]


class CrmCustomerMetrics(models.Model):
    _inherit = "crm.customer.metrics"

    def init(self):
        super(CrmCustomerMetrics, self).init()
        cr = self.env.cr
        cr.execute(QUEUE_TABLE)
        cr.execute(QUEUE_FUNCTION)
        ensure_statement_triggers(cr, "crm_touchpoint", QUEUE_TRIGGERS,
                                  "crm_lifecycle_queue_metrics")

    @api.model
    def _refresh_queue(self, seconds=None):
        """Refresh the queued customers batch by batch, each batch committed,
        until the queue is empty (but for companies whose metrics another
        transaction is computing: they wait for the next drain) or after
        `seconds`. Returns (the customers refreshed, whether rows of a
        company wait for its lock)."""
        start, total, waiting = time.time(), 0, []

        def batch():
            del waiting[:]
            return self._refresh_queued(waiting=waiting)
        while True:
            # rows another drain (the cron's) took after this snapshot began:
            # the batch again, with a new one
            done = commit_retrying(self.env.cr, batch)
            total += done
            if not done or (seconds and time.time() - start > seconds):
                return total, bool(waiting)

    # sql-write: the queue's rows taken off it, and the derived rows of the customers it
    # names written by the engine; only the system runs it (checked)
    @api.model
    def _refresh_queued(self, batch=QUEUE_BATCH, as_of=None, waiting=None):
        """One batch per company: the oldest queued customers taken off the
        queue, their metrics computed as of today (or `as_of`) with the
        company's latest model and written, then their segment memberships.
        A company never computed is left to its first nightly run. Returns
        the customers refreshed; the ids of the companies whose lock another
        transaction holds are added to the list `waiting`."""
        if not compat.is_superuser(self.env):
            raise AccessError(_("Only the system refreshes the queued customer metrics."))
        cr = self.env.cr
        as_of = as_of or fields.Date.context_today(self)
        if not isinstance(as_of, datetime.date):  # 11: a string
            as_of = fields.Date.from_string(as_of)
        cr.execute("SELECT DISTINCT company_id FROM crm_lifecycle_metrics_queue ORDER BY 1")
        refreshed = 0
        for (company_id,) in cr.fetchall():
            # the nightly run or another drain on this company: later
            if not try_job_lock(self.env, "metrics", company_id):
                if waiting is not None:
                    waiting.append(company_id)
                continue
            cr.execute(TAKE_SQL, {"company": company_id, "batch": batch})
            partner_ids = sorted({row[0] for row in cr.fetchall()})
            company = self.env["res.company"].browse(company_id).exists()
            model = self.env["crm.clv.model"].search(
                [("company_id", "=", company_id)], order="date desc, id desc", limit=1)
            if not partner_ids or not company or not model:
                continue
            # never before the day of the company's model: this process's
            # today is the server's (UTC), the nightly run's is its user's
            # time zone's, a day ahead around midnight; computed as of an
            # earlier day than its model, a customer whose last purchase is
            # on the model's day would read as gone
            day = max(as_of, fields.Date.from_string(model.date))
            try:
                with cr.savepoint():
                    self._recompute_company(company, day, partner_ids=partner_ids,
                                            model=model)
                    self.env["crm.segment"]._refresh_members_of(company, partner_ids)
            except psycopg2.extensions.TransactionRollbackError:
                raise  # a concurrent write of these rows: the batch again (_refresh_queue)
            except Exception:  # pylint: disable=broad-except
                # off the queue all the same: the nightly run computes them
                _logger.exception("crm_lifecycle_analytics: metrics of %d queued customers "
                                  "of %s not refreshed", len(partner_ids), company.name)
                continue
            refreshed += len(partner_ids)
        compat.invalidate_all(self.env)
        return refreshed

    @api.model
    def _cron_refresh_queue(self):
        """Every minute: what was queued while no process drained (Odoo's
        own commits start a drainer, whose LISTEN wakes it at every commit
        that queued customers, from Odoo or from outside)."""
        return self._refresh_queue(seconds=CRON_SECONDS)[0]


class CrmTouchpoint(models.Model):
    _inherit = "crm.touchpoint"

    def _poke_metrics(self):
        """After this transaction commits, the customers its touchpoint
        writes queued are refreshed by a thread of this process."""
        compat.after_commit(self.env.cr, lambda dbname=self.env.cr.dbname: poke(dbname))

    @compat.model_create_multi
    def create(self, vals_list):
        records = compat.create_records(super(CrmTouchpoint, self).create, vals_list)
        self._poke_metrics()
        return records

    def write(self, vals):
        result = super(CrmTouchpoint, self).write(vals)
        self._poke_metrics()
        return result

    def unlink(self):
        result = super(CrmTouchpoint, self).unlink()
        self._poke_metrics()
        return result

    @api.model
    def _touchpoints_written(self, ids):
        result = super(CrmTouchpoint, self)._touchpoints_written(ids)
        self._poke_metrics()
        return result
