# Copyright 2026 crm_lifecycle contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Concurrent merges and ingestion, with two real database connections.

The records are committed by a connection of their own (the other
connections must see them) and removed at the end. A connection that must
wait is given a lock timeout: that it times out proves that it waited
instead of going on with what it read before the other committed."""
import psycopg2

from odoo import SUPERUSER_ID, api
from odoo.exceptions import UserError
from odoo.tests.common import TransactionCase
from odoo.tools import mute_logger

from ..guard import commit_retrying

PREFIX = "Lock Test Customer"


class TestLocks(TransactionCase):
    def setUp(self):
        super(TestLocks, self).setUp()
        self.cursors = []
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            phone = env.ref("crm_lifecycle.crm_touchpoint_channel_phone")
            partners = env["res.partner"]
            for name in "ABC":
                partner = env["res.partner"].create({"name": "%s %s" % (PREFIX, name)})
                partners |= partner
                for i in range(5):
                    env["crm.touchpoint"].create({
                        "partner_id": partner.id, "channel_id": phone.id,
                        "subject": "%s %d" % (name, i)})
            self.ids = partners.ids
            # the other connections must see the records
            cr.commit()  # pylint: disable=invalid-commit
        self.addCleanup(self.remove)

    def remove(self):
        for cr in self.cursors:
            cr.rollback()
            cr.close()
        with self.registry.cursor() as cr:
            cr.execute("""
                DELETE FROM crm_partner_duplicate
                 WHERE partner_a_id = ANY(%(ids)s) OR partner_b_id = ANY(%(ids)s);
                DELETE FROM crm_partner_merge_log WHERE survivor_id = ANY(%(ids)s);
                DELETE FROM crm_touchpoint WHERE partner_id = ANY(%(ids)s);
                UPDATE res_partner SET merged_into_id = NULL, merge_log_id = NULL
                 WHERE id = ANY(%(ids)s);
                DELETE FROM res_partner WHERE id = ANY(%(ids)s);
            """, {"ids": self.ids})
            cr.commit()  # pylint: disable=invalid-commit

    def connection(self, lock_timeout=None):
        cr = self.registry.cursor()
        self.cursors.append(cr)
        if lock_timeout:
            cr.execute("SET lock_timeout = %s", (lock_timeout,))
        return api.Environment(cr, SUPERUSER_ID, {})

    def touchpoints_of(self, env, partner_id):
        env.cr.execute("SELECT count(*) FROM crm_touchpoint WHERE partner_id = %s",
                       (partner_id,))
        return env.cr.fetchone()[0]

    def test_overlapping_merges_wait_for_each_other(self):
        """The finding: A into B while B into C both ran, and 14
        touchpoints stayed on an archived, merged record."""
        a, b, c = self.ids
        first = self.connection()
        first["crm.partner.merge.log"].merge_partners(b, [a])
        second = self.connection(lock_timeout="500ms")
        with self.assertRaises(psycopg2.errors.LockNotAvailable), \
                mute_logger("odoo.sql_db"):
            second["crm.partner.merge.log"].merge_partners(c, [b])
        second.cr.rollback()
        first.cr.commit()
        # once the first is committed, the second sees all of B's rows
        second["crm.partner.merge.log"].merge_partners(c, [b])
        second.cr.commit()
        check = self.connection()
        self.assertEqual(self.touchpoints_of(check, a), 0)
        self.assertEqual(self.touchpoints_of(check, b), 0)
        self.assertEqual(self.touchpoints_of(check, c), 15)

    def test_merging_a_record_merged_meanwhile_is_refused(self):
        a, b, c = self.ids
        first = self.connection()
        first["crm.partner.merge.log"].merge_partners(c, [b])
        first.cr.commit()
        late = self.connection()
        with self.assertRaisesRegex(UserError, "already merged"):
            late["crm.partner.merge.log"].merge_partners(b, [a])

    def test_ingest_for_a_record_being_merged_waits_then_follows(self):
        """The finding: ingesting for a customer while it was merged away
        left 150 of 200 rows on the archived record."""
        a, b, _c = self.ids
        merging = self.connection()
        merging["crm.partner.merge.log"].merge_partners(b, [a])
        rows = [{"source_system": "locktest", "external_ref": "lock-%d" % i,
                 "date": "2026-05-04 10:00:00", "channel": "phone", "partner_id": a}
                for i in range(200)]
        feeding = self.connection(lock_timeout="500ms")
        with self.assertRaises(psycopg2.errors.LockNotAvailable), \
                mute_logger("odoo.sql_db"):
            feeding["crm.touchpoint"].ingest(rows)
        feeding.cr.rollback()
        merging.cr.commit()
        result = feeding["crm.touchpoint"].ingest(rows)
        feeding.cr.commit()
        self.assertEqual({r["status"] for r in result}, {"created"}, result[:2])
        self.assertIn("merged into %d" % b, result[0]["note"])
        check = self.connection()
        check.cr.execute("SELECT partner_id, count(*) FROM crm_touchpoint "
                         "WHERE source_system = 'locktest' GROUP BY 1")
        self.assertEqual(dict(check.cr.fetchall()), {b: 200})
        check.cr.execute("DELETE FROM crm_touchpoint WHERE source_system = 'locktest'")
        check.cr.commit()

    def test_second_recompute_of_a_company_is_refused(self):
        if "crm.customer.metrics" not in self.env:
            self.skipTest("analytics not installed")
        holder = self.connection()
        company = holder.user.company_id.id
        holder.cr.execute("SELECT pg_advisory_xact_lock(hashtext('crm_lifecycle.metrics'), %s)",
                          (company,))
        with self.assertRaisesRegex(UserError, "being recomputed"):
            self.env["crm.customer.metrics"].compute_metrics(company_ids=[company])


class TestCommitRetrying(TransactionCase):
    """guard.commit_retrying, with a real serialization failure on a table
    of its own (committed by other connections, dropped at the end)."""

    def setUp(self):
        super(TestCommitRetrying, self).setUp()
        with self.registry.cursor() as cr:
            cr.execute("""
                DROP TABLE IF EXISTS crm_lifecycle_test_retry;
                CREATE TABLE crm_lifecycle_test_retry (id int PRIMARY KEY, n int NOT NULL);
                INSERT INTO crm_lifecycle_test_retry VALUES (1, 0);
            """)
            cr.commit()  # pylint: disable=invalid-commit
        self.job_cr, self.other = self.registry.cursor(), self.registry.cursor()
        self.addCleanup(self.drop)

    def drop(self):
        for cr in (self.job_cr, self.other):
            cr.rollback()
            cr.close()
        with self.registry.cursor() as cr:
            cr.execute("DROP TABLE IF EXISTS crm_lifecycle_test_retry")
            cr.commit()  # pylint: disable=invalid-commit

    def job(self, calls, conflicts):
        """Read the row (the snapshot begins), let the other connection
        commit an update of it (the first `conflicts` calls), then update it."""
        def run():
            calls.append(1)
            self.job_cr.execute("SELECT n FROM crm_lifecycle_test_retry WHERE id = 1")
            if len(calls) <= conflicts:
                self.other.execute("UPDATE crm_lifecycle_test_retry SET n = n + 10")
                self.other.commit()  # pylint: disable=invalid-commit
            self.job_cr.execute("UPDATE crm_lifecycle_test_retry SET n = n + 1",
                                log_exceptions=False)
            return len(calls)
        return run

    def value(self):
        self.other.execute("SELECT n FROM crm_lifecycle_test_retry WHERE id = 1")
        return self.other.fetchone()[0]

    def test_a_job_whose_snapshot_is_overtaken_runs_again(self):
        calls = []
        self.assertEqual(commit_retrying(self.job_cr, self.job(calls, 1)), 2)
        # committed once, on top of the other connection's update
        self.assertEqual(self.value(), 11)

    def test_it_gives_up_after_the_tries(self):
        calls = []
        with self.assertRaises(psycopg2.extensions.TransactionRollbackError):
            commit_retrying(self.job_cr, self.job(calls, 10), tries=3)
        self.assertEqual(len(calls), 3)
        self.assertEqual(self.value(), 30)

    def test_other_errors_are_not_run_again(self):
        calls = []

        def failing():
            calls.append(1)
            self.job_cr.execute("INSERT INTO crm_lifecycle_test_retry VALUES (1, 5)",
                                log_exceptions=False)
        with self.assertRaises(psycopg2.IntegrityError):
            commit_retrying(self.job_cr, failing)
        self.assertEqual(len(calls), 1)
        self.assertEqual(self.value(), 0)
