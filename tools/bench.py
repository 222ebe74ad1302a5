"""Benchmarks of the suite at scale: `make bench-data`, then `make bench`.

bench-data: database `crm_lifecycle_bench` (a copy of the addons template)
with 1,000,000 customers and 20,000,000 touchpoints generated inside
PostgreSQL (generate_series, seeded; a few customers have 50,000 touchpoints
each, the rest a skewed share), plus 1,000,000 chatter emails for the
backfill measurement.

bench: prints figures measured in the same run, each with its ratio:
  (a) timeline first page (80 rows) of the largest customer, the SQL the ORM
      issues, against fetching 80 rows by primary key;
  (b) ingestion of 100,000 rows over JSON-RPC in batches of 1,000 against
      per-record `create` calls over JSON-RPC; the answer triggers: ingestion
      and one UPDATE of 100,000 customers' rows with them against without;
  (c) backfill (rebuild) time per 1,000,000 source rows;
  (d) the duplicate finder: precision and recall, and its time over
      1,000,000 partners against Odoo's exact-match grouping (see
      bench_identity.py);
  (e) the customer metrics engine: full recompute against one aggregate
      scan, and at 10,000 customers against a per-customer ORM loop (see
      bench_metrics.py);
  (f) campaigns: the audience build of a 500,000-customer segment against a
      bare INSERT ... SELECT, and response matching of 1,000,000 new
      touchpoints against 20 running campaigns; the cockpit of a 500,000-member
      call campaign and moving its 100,000 open calls, each against a bare scan
      of the members (see bench_campaign.py; alone: --only cockpit);
  (g) the staff performance pivot of the current quarter with 200
      salespeople, against one scan of the quarter's touchpoints (see
      bench_staff.py);
  (h) metrics between nightly runs: from an ingest() call's return to the
      customer's refreshed metrics row while 5 clients ingest (p50, p95; see
      bench_refresh.py);
  (i) a partner create with the suite against the same create on a database
      with Odoo's apps only, as many customers in each (see bench_hooks.py);
  (j) 20 readers opening timelines and partner forms while 5 clients ingest,
      p50 and p95 per kind of call (see bench_load.py);
  (k) the import of a 100,000-row customer list (preview and apply) against
      a bare INSERT of the rows and the per-row ORM way (see bench_import.py);
  and one sequential scan of the touchpoint table, the floor of any
  whole-table work.
"""
import argparse
import json
import os
import statistics
import sys
import time
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import bench_campaign  # noqa: E402  pylint: disable=wrong-import-position
import bench_hooks  # noqa: E402  pylint: disable=wrong-import-position
import bench_identity  # noqa: E402  pylint: disable=wrong-import-position
import bench_import  # noqa: E402  pylint: disable=wrong-import-position
import bench_load  # noqa: E402  pylint: disable=wrong-import-position
import bench_metrics  # noqa: E402  pylint: disable=wrong-import-position
import bench_refresh  # noqa: E402  pylint: disable=wrong-import-position
import bench_staff  # noqa: E402  pylint: disable=wrong-import-position
import lifecycle  # noqa: E402  pylint: disable=wrong-import-position

DB = "crm_lifecycle_bench"
RANGE = """
            DROP TABLE IF EXISTS bench_range;
            -- the bench customers were inserted by one statement: their ids
            -- are consecutive, customer n is first_id + n - 1
            CREATE TEMP TABLE bench_range AS
                SELECT min(id) AS first_id, max(id) - min(id) + 1 AS span, count(*) AS n
                  FROM res_partner WHERE ref LIKE 'B%' AND customer;
            DO $$ BEGIN
                IF (SELECT span <> n FROM bench_range) THEN
                    RAISE EXCEPTION 'bench customer ids are not consecutive';
                END IF; END $$;
"""
CUSTOMERS = 1000000
TOUCHPOINTS = 20000000
HEAVY = 10                 # customers with HEAVY_ROWS touchpoints each
HEAVY_ROWS = 50000
MESSAGES = 1000000
INGEST_ROWS = 100000
INGEST_BATCH = 1000
NAIVE_ROWS = 2000          # per-record creates timed (rate extrapolated)


# the part asked for alone (--only), read by the parts that have sub-parts
ONLY = None


def say(msg):
    print("bench: %s" % msg, flush=True)


def sql(query, db=DB):
    return lifecycle.psql(query, db=db)


# --------------------------------------------------------------- data
def cmd_data(args):
    lifecycle.write_conf()
    if args.only == "identity":
        return bench_identity.generate(sys.modules[__name__], lifecycle, say)
    if args.only == "febrl":
        return say("FEBRL 3 is loaded by `run` itself (5,000 records, seconds)")
    t0 = time.time()
    lifecycle.stop_pid("odoo-bench")
    if not lifecycle.db_exists(DB) or args.fresh:
        lifecycle.copy_db(lifecycle.addons_template(), DB)
        # the template holds the addons at the current code: no update to run
        sql("INSERT INTO ir_config_parameter (key, value) "
            "VALUES ('crm_lifecycle.bench_code', '%s')" % lifecycle.code_hash())
        say("copied the addons template into %s" % DB)
    # each step is skipped when its rows are there: an interrupted run resumes
    steps = [
        ("customers", "SELECT count(*) >= %(customers)d FROM res_partner WHERE ref LIKE 'B%%'",
         """
            SET synchronous_commit = off;
            INSERT INTO res_partner (name, display_name, ref, email, phone_e164, customer,
                                     is_company, active, type, company_id, lang,
                                     invoice_warn, sale_warn, create_date,
                                     write_date, create_uid, write_uid)
            SELECT 'Bench Customer ' || g, 'Bench Customer ' || g, 'B' || g,
                   'customer' || g || '@bench.example', '+4420' || lpad(g::text, 8, '0'),
                   TRUE, g %% 3 = 0, TRUE, 'contact', 1, 'en_US', 'no-message',
                   'no-message', now(), now(), 1, 1
              FROM generate_series(1, %(customers)d) g;
            UPDATE res_partner SET commercial_partner_id = id
             WHERE commercial_partner_id IS NULL;
        """),
        ("touchpoints (indexes dropped, then rebuilt)",
         "SELECT count(*) >= %(touchpoints)d FROM crm_touchpoint", """
            SET synchronous_commit = off;
            -- the generated rows reference existing records by construction:
            -- skip the foreign-key triggers while loading (superuser of the
            -- project-local cluster)
            SET session_replication_role = replica;
            SET maintenance_work_mem = '1GB';
            SELECT setseed(0.42);
            CREATE TEMP TABLE bench_idx AS
                SELECT indexdef FROM pg_indexes
                 WHERE tablename = 'crm_touchpoint' AND indexname <> 'crm_touchpoint_pkey'
                   AND indexname <> 'crm_touchpoint_external_ref_uniq';
            DO $$ DECLARE r record; BEGIN
                FOR r IN SELECT indexname FROM pg_indexes
                          WHERE tablename = 'crm_touchpoint'
                            AND indexname NOT IN ('crm_touchpoint_pkey',
                                                  'crm_touchpoint_external_ref_uniq')
                LOOP EXECUTE 'DROP INDEX ' || quote_ident(r.indexname); END LOOP; END $$;
            ALTER TABLE crm_touchpoint DROP CONSTRAINT crm_touchpoint_external_ref_uniq;
            -- the loading skips the triggers: the answers of the inbound
            -- contacts are computed in the same statement (the window of
            -- ANSWER_BACKFILL; OFFSET 0 keeps each random date one value),
            -- then the rows go in in generation order
            SET work_mem = '1GB';
            INSERT INTO crm_touchpoint (partner_id, commercial_partner_id, date, channel_id,
                                        direction, kind, user_id, team_id, company_id,
                                        subject, amount, currency_id, company_amount,
                                        create_uid, write_uid, create_date, write_date,
                                        answered_date, response_hours)
            SELECT y.pid, y.pid, y.date, y.channel_id, y.direction, y.kind, y.user_id,
                   y.team_id, 1, 'Bench touchpoint ' || y.g, y.amount,
                   (SELECT currency_id FROM res_company WHERE id = 1), y.amount, 1, 1,
                   now(), now(),
                   y.answered, (crm_lifecycle_weekday_seconds(y.answered)
                                - crm_lifecycle_weekday_seconds(y.date)) / 3600.0
              FROM (SELECT x.*, CASE WHEN x.direction = 'inbound' AND x.kind <> 'purchase'
                           THEN min(CASE WHEN x.direction = 'outbound'
                                              AND x.kind <> 'purchase' THEN x.date END)
                                OVER (PARTITION BY x.pid ORDER BY x.date DESC) END AS answered
                      FROM (SELECT s.g, s.pid,
                                   timestamp '2021-12-01' + (random() * interval '1825 days')
                                       AS date,
                                   ch.ids[1 + (s.g %% array_length(ch.ids, 1))] AS channel_id,
                                   CASE WHEN random() < 0.5 THEN 'inbound' ELSE 'outbound' END
                                       AS direction,
                                   CASE WHEN s.g %% 7 = 0 THEN 'purchase' ELSE 'contact' END
                                       AS kind,
                                   us.ids[1 + (s.g %% array_length(us.ids, 1))] AS user_id,
                                   tm.ids[1 + (s.g %% array_length(tm.ids, 1))] AS team_id,
                                   CASE WHEN s.g %% 7 = 0
                                        THEN round((random() * 200)::numeric, 2) END AS amount
                              FROM (SELECT g, r.first_id - 1 + CASE
                                      WHEN g <= %(heavy)d * %(heavy_rows)d
                                      THEN 1 + (g %% %(heavy)d)
                                      ELSE %(heavy)d + 1 + floor(
                                          power(random(), 1.5)
                                          * (%(customers)d - %(heavy)d - 1))::int
                                      END AS pid
                                      FROM generate_series(1, %(touchpoints)d) g,
                                           bench_range r) s
                             CROSS JOIN (SELECT array_agg(id ORDER BY id) ids
                                           FROM crm_touchpoint_channel) ch
                             CROSS JOIN (SELECT array_agg(id ORDER BY id) ids FROM res_users
                                          WHERE NOT share) us
                             CROSS JOIN (SELECT array_agg(id ORDER BY id) ids
                                           FROM crm_team) tm
                            OFFSET 0) x) y
             ORDER BY y.g;
            RESET work_mem;
            ALTER TABLE crm_touchpoint ADD CONSTRAINT crm_touchpoint_external_ref_uniq
                UNIQUE (source_system, external_ref);
            DO $$ DECLARE r record; BEGIN
                FOR r IN SELECT indexdef FROM bench_idx LOOP EXECUTE r.indexdef; END LOOP;
            END $$;
            SET session_replication_role = DEFAULT;
            ANALYZE crm_touchpoint;
        """),
        ("chatter emails (source of the backfill)",
         "SELECT count(*) >= %(messages)d FROM mail_message WHERE subject LIKE 'Bench email%%'",
         """
            SET synchronous_commit = off;
            SET session_replication_role = replica;
            INSERT INTO mail_message (model, res_id, message_type, subtype_id, author_id,
                                      subject, body, date, create_date, write_date,
                                      create_uid, write_uid)
            SELECT 'res.partner', r.first_id + (g::bigint * 7919) %% %(customers)d, 'email',
                   (SELECT res_id FROM ir_model_data
                     WHERE module = 'mail' AND name = 'mt_comment'),
                   r.first_id + (g::bigint * 7919) %% %(customers)d, 'Bench email ' || g,
                   '<p>Hello number ' || g || '</p>',
                   timestamp '2021-12-01' + (random() * interval '1825 days'),
                   now(), now(), 1, 1
              FROM generate_series(1, %(messages)d) g, bench_range r;
            SET session_replication_role = DEFAULT;
            ANALYZE mail_message; ANALYZE res_partner;
        """),
    ]
    params = {"customers": CUSTOMERS, "touchpoints": TOUCHPOINTS, "heavy": HEAVY,
              "heavy_rows": HEAVY_ROWS, "messages": MESSAGES}
    todo = [(label, body) for label, done, body in steps if sql(done % params) != "t"]
    for label, _done, _body in steps:
        if label not in dict(todo):
            say("%s: already there" % label)
    # temp tables live in one session: run the steps through one psql
    script = "\n".join("\\echo bench-data: %s\n%s%s" % (label, RANGE, body % params)
                       for label, body in todo)
    if script:
        run_psql_script(script)
    say("generated %s customers, %s touchpoints, %s chatter emails in %.0f s" % (
        sql("SELECT count(*) FROM res_partner WHERE ref LIKE 'B%'"),
        sql("SELECT count(*) FROM crm_touchpoint"),
        sql("SELECT count(*) FROM mail_message WHERE model = 'res.partner' "
            "AND subject LIKE 'Bench email%'"), time.time() - t0))
    if args.only not in ("touchpoints", "metrics", "campaigns", "staff"):
        bench_identity.generate(sys.modules[__name__], lifecycle, say)


def run_psql_script(script):
    import subprocess
    cmd = [os.path.join(lifecycle.PGBIN, "psql"), "-X", "-q", "-h", lifecycle.pg_socket(),
           "-p", lifecycle.PG_PORT, "-U", "odoo", "-d", DB, "-v", "ON_ERROR_STOP=1"]
    res = subprocess.run(cmd, input=script, universal_newlines=True)
    if res.returncode:
        raise lifecycle.Fail("bench data generation failed")


# --------------------------------------------------------------- bench
_PARSED = []


def odoo_env(db=DB):
    """Odoo, configured (once per process: Odoo 11 cannot parse its
    configuration twice) for the database `db`."""
    import odoo
    if not _PARSED:
        odoo.tools.config.parse_config(["-c", lifecycle.CONF, "-d", db, "--log-level=warn"])
        _PARSED.append(db)
    odoo.tools.config["db_name"] = db
    return odoo


def update_addons(db):
    """Update the addons in `db` when the addon code changed since."""
    code = lifecycle.code_hash()
    if sql("SELECT value FROM ir_config_parameter WHERE key = 'crm_lifecycle.bench_code'",
           db=db) != code:
        say("updating the addons in %s to the current code" % db)
        lifecycle.run_odoo(["-d", db, "-u", ",".join(lifecycle.ADDONS)], "update-bench.log",
                           timeout=3600)
        sql("DELETE FROM ir_config_parameter WHERE key = 'crm_lifecycle.bench_code'; "
            "INSERT INTO ir_config_parameter (key, value) "
            "VALUES ('crm_lifecycle.bench_code', '%s')" % code, db=db)


def timed(fn, repeat):
    times = []
    for _i in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def bench_timeline(env):
    cr = env.cr
    cr.execute("""SELECT commercial_partner_id, count(*) FROM crm_touchpoint
                   GROUP BY 1 ORDER BY 2 DESC LIMIT 1""")
    customer, count = cr.fetchone()
    user = env.ref("base.user_demo")
    # sudo(user): in Odoo 11, *as* the demo user (record rules apply);
    # port>=13: with_user(user)
    Touchpoint = env["crm.touchpoint"].sudo(user)
    domain = env["res.partner"].browse(customer)._touchpoint_domain()
    # the SQL the ORM issues for the first page, record rules included
    query = Touchpoint._where_calc(domain)
    Touchpoint._apply_ir_rules(query, "read")
    order_by = Touchpoint._generate_order_by(None, query)
    from_clause, where_clause, params = query.get_sql()
    page_sql = 'SELECT "crm_touchpoint".id FROM %s WHERE %s %s LIMIT 80' % (
        from_clause, where_clause or "TRUE", order_by)

    def page():
        cr.execute(page_sql, params)
        return cr.fetchall()
    ids = [r[0] for r in page()]
    assert len(ids) == 80

    def by_pk():
        cr.execute('SELECT id FROM crm_touchpoint WHERE id = ANY(%s)', (ids,))
        return cr.fetchall()
    for _i in range(5):
        page()
        by_pk()
    t_page = timed(page, 200)
    t_pk = timed(by_pk, 200)
    cr.execute("EXPLAIN (ANALYZE, FORMAT JSON) " + page_sql, params)
    plan = cr.fetchone()[0][0]
    t_exec = plan["Execution Time"]
    # the whole first page as the list view reads it (search_read, ORM)
    fields_ = ["date", "commercial_partner_id", "partner_id", "channel_id", "direction",
               "kind", "subject", "user_id", "team_id", "amount", "currency_id"]
    t_orm = timed(lambda: Touchpoint.search_read(domain, fields_, limit=80), 20)
    say("timeline first page (80 rows) of the largest customer (%d touchpoints), as a "
        "salesperson with record rules: %.3f ms SQL (median of 200, server execution %.3f ms); "
        "80 rows by primary key: %.3f ms; ratio %.1fx; full ORM search_read of the page: "
        "%.1f ms" % (count, t_page * 1000, t_exec, t_pk * 1000, t_page / t_pk, t_orm * 1000))
    return t_page


ANSWER_BATCHES = 10       # batches of INGEST_BATCH rows, with and without the triggers
ANSWER_STATEMENT = 100000  # rows of customers moved by one UPDATE, with and without


def bench_answers(env):
    """The answers' cost (the triggers, and the answer of each new inbound row
    computed by the bulk insert): the same ingestion (ORM ingest() in batches,
    inbound and outbound rows dated through the history of customers across
    the base, heavy ones included) and one UPDATE of 100,000 rows of as many
    customers, with the triggers and with them disabled, in the same run
    (each rolled back)."""
    from psycopg2 import sql as psql

    from odoo.addons.crm_lifecycle.models.crm_touchpoint_answer import ANSWER_TRIGGERS
    cr = env.cr
    Touchpoint = env["crm.touchpoint"]
    channels = ["phone", "email", "web", "visit", "sms"]

    def rows(k):
        out = []
        for i in range(INGEST_BATCH):
            n = k * INGEST_BATCH + i
            # one row in a hundred for a customer with 50,000 touchpoints
            ref = 1 + n % HEAVY if n % 100 == 0 else 1 + (n * 7919) % CUSTOMERS
            out.append({"source_system": "bench", "external_ref": "answers-%d" % n,
                        "date": "202%d-%02d-%02d %02d:00:00" % (
                            2 + n % 5, 1 + n % 12, 1 + n % 28, 8 + n % 10),
                        "channel": channels[n % 5],
                        "direction": "inbound" if n % 2 else "outbound",
                        "kind": "contact", "subject": "Answer bench %d" % n,
                        "partner_ref": "B%d" % ref})
        return out
    batches = [rows(k) for k in range(ANSWER_BATCHES)]

    def ingest():
        for batch in batches:
            res = Touchpoint.ingest(batch)
            assert all(r["status"] == "created" for r in res), res[:3]

    def statement():
        cr.execute("""
            UPDATE crm_touchpoint SET date = date + interval '1 hour'
             WHERE id IN (SELECT DISTINCT ON (commercial_partner_id) id FROM crm_touchpoint
                           WHERE commercial_partner_id %% 10 = 3
                           ORDER BY commercial_partner_id, id LIMIT %s)""",
                   (ANSWER_STATEMENT,))

    model_class = type(Touchpoint)
    own = vars(model_class).get("_upsert_new_columns")

    def measure(fn, triggers):
        cr.execute("SAVEPOINT bench_answers")
        if not triggers:
            for name in ANSWER_TRIGGERS:
                cr.execute(psql.SQL("ALTER TABLE crm_touchpoint DISABLE TRIGGER {}").format(
                    psql.Identifier(name)))
            # and the answers of the new rows computed by the insert itself
            model_class._upsert_new_columns = lambda self, columns: ([], [], psql.SQL(""))
        try:
            t0 = time.perf_counter()
            fn()
            elapsed = time.perf_counter() - t0
        finally:
            # the model's own method back
            if own is not None:
                model_class._upsert_new_columns = own
            elif "_upsert_new_columns" in vars(model_class):
                del model_class._upsert_new_columns
        cr.execute("ROLLBACK TO SAVEPOINT bench_answers")
        env.clear()
        return elapsed
    times = {}
    for _i in range(3):
        for name, fn in (("ingest", ingest), ("statement", statement)):
            for triggers in (True, False):
                times.setdefault((name, triggers), []).append(measure(fn, triggers))
    best = {key: min(value) for key, value in times.items()}
    n = ANSWER_BATCHES * INGEST_BATCH
    say("answer triggers: ingest() of %d rows in batches of %d (in the server process): "
        "%.0f rows/s with the triggers, %.0f rows/s without; ratio %.2fx" % (
            n, INGEST_BATCH, n / best["ingest", True], n / best["ingest", False],
            best["ingest", True] / best["ingest", False]))
    say("answer triggers: one UPDATE of the dates of %d touchpoints of as many customers: "
        "%.1f s with the triggers, %.1f s without; ratio %.2fx" % (
            ANSWER_STATEMENT, best["statement", True], best["statement", False],
            best["statement", True] / best["statement", False]))


def bench_scan(env):
    cr = env.cr
    t = timed(lambda: cr.execute("SELECT count(*), sum(amount) FROM crm_touchpoint"), 3)
    cr.execute("SELECT count(*) FROM crm_touchpoint")
    say("one scan of crm_touchpoint (%d rows): %.2f s" % (cr.fetchone()[0], t))


def jsonrpc(url, service, method, *args):
    payload = json.dumps({"jsonrpc": "2.0", "method": "call", "id": 1,
                          "params": {"service": service, "method": method,
                                     "args": list(args)}}).encode()
    req = urllib.request.Request(url + "/jsonrpc", payload,
                                 {"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=600) as resp:
        answer = json.loads(resp.read().decode())
    if answer.get("error"):
        raise lifecycle.Fail("JSON-RPC error: %s" % answer["error"]["data"]["message"])
    return answer["result"]


def bench_ingest(env):
    port = lifecycle.free_port()
    proc, logfile = lifecycle.start_server(DB, port, "odoo-bench",
                                           extra=["--max-cron-threads", "0", "--workers", "0"])
    url = "http://127.0.0.1:%d" % port
    try:
        lifecycle.wait_http(url + "/web/login", proc, logfile)
        uid = jsonrpc(url, "common", "login", DB, "admin", "admin")
        channels = ["phone", "email", "web", "visit", "sms"]
        tag = "%d" % int(time.time())

        def rows(n, prefix):
            return [{"source_system": "bench", "external_ref": "%s-%s-%d" % (prefix, tag, i),
                     "date": "2026-%02d-%02d 10:00:00" % (1 + i % 12, 1 + i % 28),
                     "channel": channels[i % 5], "direction": "inbound", "kind": "contact",
                     "subject": "Call %d" % i, "partner_ref": "B%d" % (1 + (i * 31) % CUSTOMERS)}
                    for i in range(n)]
        batch_rows = rows(INGEST_ROWS, "batch")
        t0 = time.perf_counter()
        for start in range(0, INGEST_ROWS, INGEST_BATCH):
            res = jsonrpc(url, "object", "execute_kw", DB, uid, "admin", "crm.touchpoint",
                          "ingest", [batch_rows[start:start + INGEST_BATCH]])
            assert all(r["status"] == "created" for r in res), res[:3]
        t_batch = time.perf_counter() - t0
        # the naive way: one create per row, partner looked up by the caller
        naive_rows = rows(NAIVE_ROWS, "naive")
        channel_ids = {c: jsonrpc(url, "object", "execute_kw", DB, uid, "admin",
                                  "crm.touchpoint.channel", "search", [[("code", "=", c)]])[0]
                       for c in channels}
        t0 = time.perf_counter()
        for r in naive_rows:
            partner = jsonrpc(url, "object", "execute_kw", DB, uid, "admin", "res.partner",
                              "search", [[("ref", "=", r["partner_ref"])]], {"limit": 1})
            jsonrpc(url, "object", "execute_kw", DB, uid, "admin", "crm.touchpoint", "create",
                    [{"partner_id": partner[0], "date": r["date"],
                      "channel_id": channel_ids[r["channel"]], "direction": r["direction"],
                      "kind": r["kind"], "subject": r["subject"],
                      "source_system": r["source_system"], "external_ref": r["external_ref"]}])
        t_naive = time.perf_counter() - t0
        rate_batch = INGEST_ROWS / t_batch
        rate_naive = NAIVE_ROWS / t_naive
        say("ingestion over JSON-RPC: %d rows in batches of %d: %.1f s (%.0f rows/s); "
            "per-record create: %.0f rows/s (%d rows timed, %.0f s for %d rows); "
            "batch ingestion is %.0fx faster" % (
                INGEST_ROWS, INGEST_BATCH, t_batch, rate_batch, rate_naive, NAIVE_ROWS,
                INGEST_ROWS / rate_naive, INGEST_ROWS, rate_batch / rate_naive))
    finally:
        lifecycle.stop_pid("odoo-bench")


def bench_backfill(env):
    Touchpoint = env["crm.touchpoint"]
    cr = env.cr
    cr.execute("SELECT count(*) FROM mail_message WHERE model = 'res.partner'")
    sources = cr.fetchone()[0]
    t0 = time.perf_counter()
    Touchpoint._sync_messages(models_=["res.partner"])
    t_first = time.perf_counter() - t0
    cr.commit()
    t0 = time.perf_counter()
    Touchpoint._sync_messages(models_=["res.partner"])
    t_second = time.perf_counter() - t0
    cr.commit()
    per_million = t_first * 1000000.0 / sources
    say("backfill of %d chatter emails into touchpoints: %.1f s, i.e. %.1f s per 1,000,000 "
        "source rows; second run (nothing to change): %.1f s" % (
            sources, t_first, per_million, t_second))


def cmd_run(args):
    lifecycle.write_conf()
    if args.only == "identity":
        return bench_identity.run(sys.modules[__name__], lifecycle, say)
    if args.only == "febrl":
        return bench_identity.febrl(sys.modules[__name__], lifecycle, say)
    if not lifecycle.db_exists(DB):
        raise lifecycle.Fail("no benchmark database: run `make bench-data` first")
    update_addons(DB)
    # start from the generated data: drop what earlier runs added
    sql("DELETE FROM crm_touchpoint WHERE source_system = 'bench' OR "
        "(source_system = 'odoo' AND res_model = 'res.partner' "
        "AND external_ref LIKE 'mail.message,%')")
    sql("VACUUM ANALYZE crm_touchpoint")
    # the parts roll their work back: the tables they wrote keep dead rows a planner
    # would take for a small table
    for table in ("crm_segment_member", "crm_segment_static_partner_rel",
                  "crm_campaign_member", "mail_activity"):
        sql("VACUUM ANALYZE %s" % table)
    odoo = odoo_env()
    registry = odoo.registry(DB)
    if args.only in (None, "metrics"):
        with odoo.api.Environment.manage(), registry.cursor() as cr:
            bench_metrics.run(sys.modules[__name__],
                              odoo.api.Environment(cr, odoo.SUPERUSER_ID, {}), say)
        if args.only == "metrics":
            return None
    if args.only in (None, "campaigns", "cockpit"):
        global ONLY  # pylint: disable=global-statement
        ONLY = args.only  # bench_campaign reads it: the cockpit alone
        with odoo.api.Environment.manage(), registry.cursor() as cr:
            bench_campaign.run(sys.modules[__name__],
                               odoo.api.Environment(cr, odoo.SUPERUSER_ID, {}), say)
        if args.only in ("campaigns", "cockpit"):
            return None
    if args.only in (None, "staff"):
        with odoo.api.Environment.manage(), registry.cursor() as cr:
            bench_staff.run(sys.modules[__name__],
                            odoo.api.Environment(cr, odoo.SUPERUSER_ID, {}), say)
        if args.only == "staff":
            return None
    if args.only in (None, "refresh"):
        bench_refresh.run(sys.modules[__name__], lifecycle, say)
        if args.only == "refresh":
            return None
    if args.only in (None, "hooks"):
        bench_hooks.run(sys.modules[__name__], lifecycle, say)
        if args.only == "hooks":
            return None
    if args.only in (None, "load"):
        bench_load.run(sys.modules[__name__], lifecycle, say)
        if args.only == "load":
            return None
    if args.only in (None, "import"):
        bench_import.run(sys.modules[__name__], lifecycle, say)
        if args.only == "import":
            return None
    if args.only == "answers":
        with odoo.api.Environment.manage(), registry.cursor() as cr:
            bench_answers(odoo.api.Environment(cr, odoo.SUPERUSER_ID, {}))
            cr.rollback()
        return None
    with odoo.api.Environment.manage(), registry.cursor() as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
        bench_scan(env)
        bench_timeline(env)
        bench_answers(env)
        cr.rollback()
    bench_ingest(None)
    with odoo.api.Environment.manage(), registry.cursor() as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
        bench_backfill(env)
    if args.only != "touchpoints":
        bench_identity.run(sys.modules[__name__], lifecycle, say)


def main(argv=None):
    parser = argparse.ArgumentParser(prog="bench")
    parser.add_argument("command", choices=["data", "run"])
    parser.add_argument("--fresh", action="store_true",
                        help="data: start again from the addons template")
    parser.add_argument("--only", choices=["touchpoints", "identity", "febrl", "metrics",
                                           "campaigns", "cockpit", "staff", "refresh",
                                           "hooks", "load", "import", "answers"],
                        help="only this part of the data or of the figures")
    args = parser.parse_args(argv)
    try:
        return {"data": cmd_data, "run": cmd_run}[args.command](args) or 0
    except lifecycle.Fail as exc:
        print("bench: ERROR: %s" % exc, file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
