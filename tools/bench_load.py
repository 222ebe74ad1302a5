"""Benchmark of readers while writers ingest (part of `make bench`), in the
touchpoint benchmark database (1,000,000 customers, 20,000,000 touchpoints):
an Odoo server with WORKERS worker processes; WRITERS JSON-RPC clients (a
Sales Manager) ingest 100-row batches of new contacts of random customers,
while READERS clients (a salesperson) open random customers as the web
client does: the first page of the timeline (80 rows, newest first), then
the customer's form (every field of its form view, smart buttons
included), pausing THINK seconds between customers. Per kind of call:
calls, errors, p50 and p95 (the clients and their figures are
tools/loadtest.py's).
"""
import random
import time

WORKERS = 8
WRITERS = 5
READERS = 20
SECONDS = 60
BATCH = 100
THINK = 0.5
SOURCE = "bench-load"


def ensure_users(loadtest, admin):
    found = admin.execute("res.users", "search", [[("login", "in", [
        "loadtest.integration", "loadtest.salesperson"])]])
    if len(found) < 2:
        loadtest.create_users(admin)


def run(bench, lifecycle, say):
    import loadtest
    db = bench.DB
    # the generated customers (whether or not their metrics are computed:
    # this part runs alone too)
    customers = [int(x) for x in bench.sql(
        "SELECT id FROM res_partner WHERE ref LIKE 'B%' AND company_id = 1 "
        "ORDER BY id", db=db).split()]
    port = lifecycle.free_port()
    name = "odoo-bench-load"
    proc, logfile = lifecycle.start_server(db, port, name, extra=[
        "--workers", str(WORKERS), "--max-cron-threads", "0",
        "--limit-time-real", "600", "--limit-time-cpu", "600",
        "--longpolling-port", str(lifecycle.free_port())])
    try:
        lifecycle.wait_http("http://127.0.0.1:%d/web/login" % port, proc, logfile, timeout=300)
        admin = loadtest.Client(port, db)
        admin.login("admin", "admin")
        ensure_users(loadtest, admin)
        admin.close()
        load = _load_class(loadtest)(port, db, customers, SECONDS)
        elapsed = load.run(WRITERS, READERS, recompute=False)
    finally:
        lifecycle.stop_pid(name)
        bench.sql("DELETE FROM crm_touchpoint WHERE source_system = '%s'" % SOURCE, db=db)
    figures = []
    for kind in ("ingest", "timeline read", "partner form"):
        stats = load.stats[kind]
        errors = sum(stats.server_errors.values()) + sum(stats.refused.values())
        # loadtest's latencies are in milliseconds
        figures.append("%s %d calls, p50 %.0f ms, p95 %.0f ms, %d errors" % (
            kind, stats.calls, loadtest.percentile(stats.latencies, 0.5),
            loadtest.percentile(stats.latencies, 0.95), errors))
    say("load: %d readers (timeline page then form of random customers, %.1f s apart) and "
        "%d writers (%d-row batches of contacts) for %.0f s on %d workers, %d customers: %s "
        "(targets: timeline p95 <= 100 ms, form p95 <= 300 ms, 0 errors)" % (
            READERS, THINK, WRITERS, BATCH, elapsed, WORKERS, len(customers),
            "; ".join(figures)))
    for error in load.setup_errors[:3]:
        say("  login failed: %s" % error)
    for kind, stats in load.stats.items():
        for counter in (stats.server_errors, stats.refused):
            for message, count in counter.most_common(3):
                say("  %s error x%d: %s" % (kind, count, message))


def _load_class(loadtest):
    class BenchLoad(loadtest.Load):
        """loadtest's clients, writing new contacts of random customers."""

        think = THINK

        def writer(self, number):
            client = self.client("loadtest.integration")
            rng = random.Random(number)
            serial = 0
            self.ready.wait()
            while client.uid and time.time() < self.deadline:
                stamp = time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime())
                rows = []
                for partner_id in rng.sample(self.customers, BATCH):
                    serial += 1
                    rows.append({"source_system": SOURCE,
                                 "external_ref": "%d-%d-%d" % (number, serial, time.time()),
                                 "date": stamp, "channel": "phone", "direction": "inbound",
                                 "kind": "contact", "subject": "Load bench",
                                 "partner_id": partner_id})
                self.timed("ingest", lambda: client.execute(
                    "crm.touchpoint", "ingest", [rows]), len)
            client.close()
    return BenchLoad
