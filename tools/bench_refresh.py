"""Benchmark of the metrics refreshed between nightly runs (part of `make
bench`), in the touchpoint benchmark database (1,000,000 customers).

An Odoo server with workers, as in production; WRITERS clients ingest
contacts of random customers over JSON-RPC, in batches, for SECONDS. For
every row, the time from the moment its ingest() call returned (committed)
to the moment the customer's metrics row shows the contact (its latest
contact at the contact's time), watched by a separate connection: p50, p95
and the worst, with the rows ingested per second beside. A first batch is
ingested and waited for before the load (the process that drains reads
and sorts the company's rows once, as a server that has run a while did).
"""
import json
import random
import threading
import time
import urllib.request

import psycopg2

WRITERS = 5
BATCH = 100
SECONDS = 60
# after the load, the longest wait for the last rows
SETTLE = 120
POLL = 0.05
SEEN_SQL = """
    SELECT k.p, k.d FROM unnest(%s::int[], %s::timestamp[]) AS k(p, d)
      JOIN crm_customer_metrics m ON m.partner_id = k.p AND m.company_id = %s
     WHERE m.last_contact >= k.d - interval '1 second'
"""


def percentile(values, fraction):
    ordered = sorted(values)
    return ordered[max(0, int(round(fraction * len(ordered) + 0.5)) - 1)] if ordered else 0.0


class Load(object):
    def __init__(self, url, db, uid, customers, company_id):
        self.url, self.db, self.uid = url, db, uid
        self.customers = customers
        self.company_id = company_id
        self.lock = threading.Lock()
        self.pending = {}       # (partner id, contact time) -> when ingest() returned
        self.latencies = []
        self.rows = 0
        self.errors = []
        self.deadline = None

    def call(self, rows):
        payload = json.dumps({"jsonrpc": "2.0", "method": "call", "id": 1, "params": {
            "service": "object", "method": "execute_kw",
            "args": [self.db, self.uid, "admin", "crm.touchpoint", "ingest", [rows]]}})
        req = urllib.request.Request(self.url + "/jsonrpc", payload.encode(),
                                     {"Content-Type": "application/json"})
        with urllib.request.urlopen(req, timeout=600) as resp:
            answer = json.loads(resp.read().decode())
        if answer.get("error"):
            raise RuntimeError(answer["error"]["data"]["message"])
        return answer["result"]

    def writer(self, number):
        rng = random.Random(number)
        serial = 0
        while time.time() < self.deadline:
            # now, to the second (UTC, as Odoo stores it)
            stamp = time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime())
            picked = rng.sample(self.customers, BATCH)
            rows = []
            for partner_id in picked:
                serial += 1
                rows.append({"source_system": "bench",
                             "external_ref": "refresh-%d-%d-%d" % (number, serial, time.time()),
                             "date": stamp, "channel": "phone", "direction": "inbound",
                             "kind": "contact", "subject": "Refresh bench",
                             "partner_id": partner_id})
            try:
                result = self.call(rows)
            except Exception as exc:  # noqa: B902 - reported below
                with self.lock:
                    self.errors.append(str(exc)[:300])
                continue
            done = time.time()
            with self.lock:
                self.rows += sum(1 for r in result if r["status"] == "created")
                for partner_id in picked:
                    self.pending.setdefault((partner_id, stamp), done)

    def watcher(self, dsn):
        conn = psycopg2.connect(**dsn)
        conn.autocommit = True
        cr = conn.cursor()
        end = None
        while True:
            with self.lock:
                keys = list(self.pending)
            if keys:
                cr.execute(SEEN_SQL, ([k[0] for k in keys], [k[1] for k in keys],
                                      self.company_id))
                now = time.time()
                with self.lock:
                    for partner_id, stamp in cr.fetchall():
                        if not isinstance(stamp, str):
                            stamp = stamp.strftime("%Y-%m-%d %H:%M:%S")
                        key = (partner_id, stamp)
                        if key in self.pending:
                            self.latencies.append(now - self.pending.pop(key))
            if time.time() >= self.deadline:
                end = end or time.time() + SETTLE
                with self.lock:
                    if not self.pending or time.time() > end:
                        break
            time.sleep(POLL)
        conn.close()

    def warm_up(self, dsn):
        """One batch ingested and waited for: the server process that drains
        reads and sorts the company's rows once (a server that has run for a
        while has done so). Returns the seconds it took."""
        start = time.time()
        self.deadline = start + 1
        self.writer(WRITERS)
        self.deadline = time.time()
        self.watcher(dsn)
        self.latencies, self.rows = [], 0
        if self.pending:
            raise RuntimeError("the warm-up batch did not reach the metrics within %d s" % SETTLE)
        return time.time() - start

    def run(self, dsn):
        self.deadline = time.time() + SECONDS
        threads = [threading.Thread(target=self.writer, args=(i,)) for i in range(WRITERS)]
        threads.append(threading.Thread(target=self.watcher, args=(dsn,)))
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()


def run(bench, lifecycle, say):
    db = bench.DB
    company_id = 1
    customers = [int(x) for x in bench.sql(
        "SELECT partner_id FROM crm_customer_metrics WHERE company_id = %d "
        "ORDER BY partner_id" % company_id, db=db).split()]
    if bench.sql("SELECT count(*) FROM crm_clv_model WHERE company_id = %d"
                 % company_id, db=db).strip() in ("", "0"):
        raise lifecycle.Fail("the benchmark company has no metrics yet: run the metrics part")
    bench.sql("DELETE FROM crm_lifecycle_metrics_queue", db=db)
    port = lifecycle.free_port()
    proc, logfile = lifecycle.start_server(db, port, "odoo-bench-refresh", extra=[
        "--workers", "4", "--max-cron-threads", "0", "--limit-time-real", "600",
        "--limit-time-cpu", "600", "--longpolling-port", str(lifecycle.free_port())])
    url = "http://127.0.0.1:%d" % port
    try:
        lifecycle.wait_http(url + "/web/login", proc, logfile, timeout=300)
        uid = bench.jsonrpc(url, "common", "login", db, "admin", "admin")
        load = Load(url, db, uid, customers, company_id)
        dsn = {"host": lifecycle.pg_socket(), "port": lifecycle.PG_PORT, "user": "odoo",
               "dbname": db}
        warm = load.warm_up(dsn)
        load.run(dsn)
    finally:
        lifecycle.stop_pid("odoo-bench-refresh")
    lat = load.latencies
    say("metrics refreshed after ingest: %d clients ingesting %d-row batches of contacts for "
        "%d s (%.0f rows/s) over %d customers: %d contacts reached their customer's metrics, "
        "p50 %.2f s, p95 %.2f s, worst %.2f s; %d not within %d s; %d ingest errors "
        "(after a first batch that took %.1f s: the draining process reads and sorts the "
        "company's rows once)" % (
            WRITERS, BATCH, SECONDS, load.rows / float(SECONDS), len(customers), len(lat),
            percentile(lat, 0.5), percentile(lat, 0.95), max(lat or [0.0]),
            len(load.pending), SETTLE, len(load.errors), warm))
    for error in load.errors[:3]:
        say("  ingest error: %s" % error)
