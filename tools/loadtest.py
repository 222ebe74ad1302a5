"""Concurrency load test against a real Odoo server: `make loadtest`.

Copies the addons template to a fresh database (clt_load_<pid>), starts Odoo
on a free port with 4 worker processes (no cron), and runs for --seconds:

  - --writers JSON-RPC clients (one integration user, a Sales Manager)
    ingesting batches of 200 touchpoints through `crm.touchpoint.ingest`,
    drawn from one shared key space of a few thousand external references:
    the same keys are sent by several writers at once, with changing
    subjects, so that batches create, update and leave rows unchanged;
  - --readers clients (a salesperson) opening customers: the first page of
    the timeline (80 rows, newest first) of `crm.touchpoint` of one
    customer, then the customer's form (every field of the form view, its
    smart buttons included);
  - one client (the integration user) running `crm.customer.metrics`
    `compute_metrics` in a loop ("being recomputed right now" is busy).

Each client is a thread with its own HTTP connection (http.client). Then it
prints, per kind of call: calls, rows, server errors (unexpected exceptions),
refusals and busy answers (expected), p50/p95 latency; checks the database
(no duplicate key, every key a writer was told was written exists) and the
server log (no ERROR/CRITICAL line; concurrency retries are counted), prints
"loadtest: OK" or "loadtest: FAILED (...)" and exits non-zero on failure.
The server log is kept in .local/log/odoo-loadtest.log; the database is
dropped.
"""
import argparse
import collections
import http.client
import json
import math
import os
import random
import re
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import lifecycle  # noqa: E402  pylint: disable=wrong-import-position

SERVER = "odoo-loadtest"
WORKERS = 4
LIMIT_TIME = 600            # seconds a request may take on the server
HTTP_TIMEOUT = LIMIT_TIME + 60
SOURCE = "loadtest"
KEYS = 3000                 # shared key space of the writers
BATCH = 200                 # rows per ingest call
CUSTOMERS = 300
PASSWORD = "loadtest"
CHANNELS = ["phone", "email", "web", "sms", "visit"]
KINDS = ["contact", "contact", "contact", "purchase"]
READ_FIELDS = ["date", "commercial_partner_id", "partner_id", "channel_id", "direction",
               "kind", "subject", "user_id", "team_id", "amount"]
# JSON-RPC answers that are the ORM refusing (access rules, a user error...)
# as opposed to an unexpected exception ("internal_error")
REFUSALS = {"user_error", "warning", "access_error", "missing_error", "access_denied",
            "validation_error", "except_orm"}
# the innermost frame of the suite in a traceback
ADDON_FRAME = re.compile(r'File ".*?/(crm_lifecycle\w*/[^"]+)", line (\d+), in (\w+)')
BUSY = re.compile(r"being recomputed right now")
RETRY = re.compile(r"([A-Z_]+), (retry \d+/\d+|maximum number of tries reached)")
RECORD = re.compile(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d+ \d+ ([A-Z]+) ")
ODOO_TRIES = 5              # odoo.service.model.MAX_TRIES_ON_CONCURRENCY_FAILURE
# a query that failed because of a concurrent transaction; Odoo logs it as
# an ERROR ("bad query") and retries the whole call
CONFLICT = re.compile(r"could not serialize access due to [a-z ]+|deadlock detected|"
                      r"could not obtain lock on [a-z ]+")


def say(msg):
    print("loadtest: %s" % msg, flush=True)


# --------------------------------------------------------------- JSON-RPC
class RpcError(Exception):
    """A JSON-RPC error answer, or no answer at all (transport)."""

    def __init__(self, kind, message):
        super(RpcError, self).__init__(message)
        self.kind = kind            # exception_type, or "transport"
        self.message = message


class Client(object):
    """One JSON-RPC client with its own HTTP connection."""

    def __init__(self, port, db):
        self.port = port
        self.db = db
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=HTTP_TIMEOUT)
        self.uid = None
        self.password = None
        self.ids = 0

    def call(self, service, method, *args):
        self.ids += 1
        body = json.dumps({"jsonrpc": "2.0", "method": "call", "id": self.ids,
                           "params": {"service": service, "method": method,
                                      "args": list(args)}})
        try:
            self.conn.request("POST", "/jsonrpc", body,
                              {"Content-Type": "application/json"})
            resp = self.conn.getresponse()
            data = resp.read()
        except (OSError, http.client.HTTPException) as exc:
            self.conn.close()  # reopened by the next request
            raise RpcError("transport", "%s: %s" % (type(exc).__name__, exc))
        if resp.status != 200:
            raise RpcError("transport", "HTTP %d: %s" % (resp.status, data[:200]))
        answer = json.loads(data.decode())
        error = answer.get("error")
        if error:
            info = error.get("data") or {}
            kind = info.get("exception_type", "internal_error")
            message = "%s: %s" % (info.get("name", "?"),
                                  info.get("message") or error.get("message"))
            frames = ADDON_FRAME.findall(info.get("debug") or "")
            if kind not in REFUSALS and frames:
                message += " (at %s:%s, %s)" % frames[-1]
            raise RpcError(kind, message)
        return answer["result"]

    def login(self, login, password):
        self.uid = self.call("common", "login", self.db, login, password)
        if not self.uid:
            raise lifecycle.Fail("login %r refused" % login)
        self.password = password
        return self.uid

    def execute(self, model, method, args, kwargs=None):
        return self.call("object", "execute_kw", self.db, self.uid, self.password,
                         model, method, args, kwargs or {})

    def close(self):
        self.conn.close()


# ------------------------------------------------------------ the data
def xmlid_ids(admin, names):
    """{'module.name': id} of the records of these XML ids."""
    found = {}
    for name in names:
        module, _dot, ident = name.partition(".")
        rows = admin.execute("ir.model.data", "search_read",
                             [[("module", "=", module), ("name", "=", ident)]],
                             {"fields": ["res_id"], "limit": 1})
        if not rows:
            raise lifecycle.Fail("no record %s in the database" % name)
        found[name] = rows[0]["res_id"]
    return found


def create_users(admin):
    """The integration user (Sales Manager) and a salesperson."""
    groups = xmlid_ids(admin, ["base.group_user", "sales_team.group_sale_manager",
                               "sales_team.group_sale_salesman"])
    users = {}
    for login, name, group in (
            ("loadtest.integration", "Load Test Integration", "sales_team.group_sale_manager"),
            ("loadtest.salesperson", "Load Test Salesperson", "sales_team.group_sale_salesman")):
        users[login] = admin.execute("res.users", "create", [{
            "name": name, "login": login, "password": PASSWORD,
            "groups_id": [(6, 0, [groups["base.group_user"], groups[group]])]}])
    return users


def create_customers(admin):
    """CUSTOMERS customers in one `load` call (Odoo's import, set-based)."""
    rows = [["Load Test Customer %04d" % i, "LT%04d" % i, "lt%04d@example.com" % i, "1"]
            for i in range(CUSTOMERS)]
    res = admin.execute("res.partner", "load", [["name", "ref", "email", "customer"], rows])
    if not res.get("ids") or len(res["ids"]) != CUSTOMERS:
        raise lifecycle.Fail("creating the customers failed: %s" % res.get("messages"))
    return res["ids"]


def make_rows(keys, customers, rng):
    """One batch: the customer, date and channel of a key never change, the
    subject now and then does (an update), else the row is unchanged."""
    rows = []
    for key in keys:
        rows.append({
            "source_system": SOURCE, "external_ref": "lt-%05d" % key,
            "date": "2025-%02d-%02d %02d:%02d:00" % (1 + key % 12, 1 + key % 28,
                                                     key % 24, key % 60),
            "channel": CHANNELS[key % len(CHANNELS)],
            "direction": "outbound" if key % 3 == 0 else "inbound",
            "kind": KINDS[key % len(KINDS)],
            "amount": 10.0 + key % 90 if KINDS[key % len(KINDS)] == "purchase" else None,
            "subject": "Load test %d, version %d" % (key, rng.randint(0, 2)),
            "partner_id": customers[key % len(customers)],
        })
    return rows


# ------------------------------------------------------------- the load
class Stats(object):
    """Figures of one kind of call, shared by its clients."""

    def __init__(self):
        self.lock = threading.Lock()
        self.calls = 0
        self.rows = 0
        self.server_errors = collections.Counter()
        self.refused = collections.Counter()
        self.busy = 0
        self.latencies = []

    def record(self, seconds, rows=0, error=None):
        with self.lock:
            self.calls += 1
            self.latencies.append(seconds * 1000.0)
            if error is None:
                self.rows += rows
            elif BUSY.search(error.message):
                self.busy += 1
            elif error.kind in REFUSALS:
                self.refused[error.message[:400]] += 1
            else:
                self.server_errors[error.message[:400]] += 1


def percentile(values, fraction):
    """Nearest-rank percentile (0 for no values)."""
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[max(0, int(math.ceil(fraction * len(ordered))) - 1)]


class Load(object):
    """The clients of one run and what they were told."""

    # seconds a reader pauses between two customers
    think = 0.0

    def __init__(self, port, db, customers, seconds):
        self.port = port
        self.db = db
        self.customers = customers
        self.seconds = seconds
        self.stats = collections.OrderedDict(
            (kind, Stats()) for kind in ("ingest", "timeline read", "partner form",
                                         "recompute"))
        self.lock = threading.Lock()
        self.statuses = collections.Counter()
        self.row_errors = collections.Counter()     # message: rows
        self.confirmed = {}     # external_ref -> set of ids returned
        self.ready = None       # threading.Barrier of the clients and run()
        self.deadline = None
        self.setup_errors = []

    def timed(self, kind, fn, count_rows):
        t0 = time.perf_counter()
        try:
            result = fn()
        except RpcError as exc:
            self.stats[kind].record(time.perf_counter() - t0, error=exc)
            return None
        self.stats[kind].record(time.perf_counter() - t0, rows=count_rows(result))
        return result

    def client(self, login):
        client = Client(self.port, self.db)
        try:
            client.login(login, PASSWORD)
        except (RpcError, lifecycle.Fail) as exc:
            with self.lock:
                self.setup_errors.append("%s: %s" % (login, exc))
        return client

    def writer(self, number):
        client = self.client("loadtest.integration")
        rng = random.Random(number)
        self.ready.wait()
        while client.uid and time.time() < self.deadline:
            rows = make_rows(rng.sample(range(KEYS), BATCH), self.customers, rng)
            result = self.timed("ingest", lambda: client.execute(
                "crm.touchpoint", "ingest", [rows]), len)
            if result is not None:
                self.note_results(result)
        client.close()

    def note_results(self, result):
        with self.lock:
            for row in result:
                self.statuses[row["status"]] += 1
                if row["status"] == "error":
                    self.row_errors[str(row.get("error"))[:400]] += 1
                if row["status"] in ("created", "updated", "unchanged"):
                    ids = self.confirmed.setdefault(row["external_ref"], set())
                    if row.get("id"):
                        ids.add(row["id"])
                    else:
                        self.statuses["without an id"] += 1

    def reader(self, number):
        """Opens customers as a salesperson does: their timeline, then their
        form (every field of the form view, smart buttons included, read
        as the web client reads them)."""
        client = self.client("loadtest.salesperson")
        rng = random.Random(1000 + number)
        form_fields = None
        if client.uid:
            try:
                form_fields = sorted(client.execute(
                    "res.partner", "fields_view_get", [], {"view_type": "form"})["fields"])
            except RpcError as exc:
                self.stats["partner form"].record(0.0, error=exc)
        self.ready.wait()
        while client.uid and form_fields and time.time() < self.deadline:
            customer = rng.choice(self.customers)
            self.timed("timeline read", lambda: client.execute(
                "crm.touchpoint", "search_read", [[("commercial_partner_id", "=", customer)]],
                {"fields": READ_FIELDS, "limit": 80, "order": "date desc"}), len)
            self.timed("partner form", lambda: client.execute(
                "res.partner", "read", [[customer], form_fields]), len)
            if self.think:
                time.sleep(self.think)
        client.close()

    def recomputer(self):
        client = self.client("loadtest.integration")
        self.ready.wait()
        while client.uid and time.time() < self.deadline:
            self.timed("recompute", lambda: client.execute(
                "crm.customer.metrics", "compute_metrics", []), len)
        client.close()

    def run(self, writers, readers, recompute=True):
        """Run the clients; return the seconds the load lasted."""
        targets = [(self.writer, (i,)) for i in range(writers)]
        targets += [(self.reader, (i,)) for i in range(readers)]
        if recompute:
            targets.append((self.recomputer, ()))
        # the clients log in first (each worker loads the registry then): the
        # clock starts when they are all ready
        self.ready = threading.Barrier(len(targets) + 1, action=self.set_deadline)
        threads = [threading.Thread(target=fn, args=args, daemon=True)
                   for fn, args in targets]
        for thread in threads:
            thread.start()
        try:
            self.ready.wait(timeout=LIMIT_TIME)
        except threading.BrokenBarrierError:
            raise lifecycle.Fail("the clients could not log in within %d s" % LIMIT_TIME)
        t0 = time.time()
        for thread in threads:
            thread.join()
        return time.time() - t0

    def set_deadline(self):
        self.deadline = time.time() + self.seconds


# ------------------------------------------------------------ the checks
def check_database(db, confirmed):
    """(duplicate keys, lost keys, keys whose id changed, rows of SOURCE)."""
    duplicates = int(lifecycle.psql(
        "SELECT count(*) FROM (SELECT source_system, external_ref FROM crm_touchpoint "
        "WHERE external_ref IS NOT NULL GROUP BY 1, 2 HAVING count(*) > 1) d", db=db))
    stored = {}
    out = lifecycle.psql("SELECT external_ref, id FROM crm_touchpoint "
                         "WHERE source_system = '%s'" % SOURCE, db=db)
    for line in out.splitlines():
        ref, _sep, rec_id = line.partition("|")
        stored[ref] = int(rec_id)
    lost = sorted(ref for ref in confirmed if ref not in stored)
    moved = sorted(ref for ref, ids in confirmed.items()
                   if ref in stored and ids and ids != {stored[ref]})
    return duplicates, lost, moved, len(stored)


def log_records(logfile):
    """The records of an Odoo log: (level, text of all its lines)."""
    level, lines = None, []
    with open(logfile, errors="replace") as f:
        for line in f:
            match = RECORD.match(line)
            if match:
                if level:
                    yield level, "".join(lines)
                level, lines = match.group(1), []
            lines.append(line)
    if level:
        yield level, "".join(lines)


def statement_of(text):
    """The start of the query of a "bad query" record (and its lock clause)."""
    query = text.split("bad query: ", 1)[1].lstrip("b'\"").replace("\\n", "\n")
    words = " ".join(query.split())
    lock = re.search(r"FOR (NO KEY )?(UPDATE|SHARE)( OF \w+)?", words)
    return words[:60] + (" ... " + lock.group(0) if lock else "")


def scan_log(logfile):
    """What the server log says: {"errors": ERROR/CRITICAL records other
    than the concurrency failures below, "conflicts": Counter of the queries
    that failed on a concurrency error (PostgreSQL error, statement),
    "retries": Counter of Odoo's retries by error, "gave_up": calls that
    failed after the last retry}."""
    found = {"errors": [], "conflicts": collections.Counter(),
             "retries": collections.Counter(), "gave_up": 0}
    if not os.path.exists(logfile):
        return found
    for level, text in log_records(logfile):
        match = RETRY.search(text) if level == "INFO" else None
        if match and match.group(2).startswith("retry"):
            found["retries"][match.group(1)] += 1
        elif match:
            found["gave_up"] += 1
        if level not in ("ERROR", "CRITICAL") or lifecycle.NOISE.search(text):
            continue
        conflict = CONFLICT.search(text)
        if conflict and "odoo.sql_db: bad query" in text:
            found["conflicts"][conflict.group(0),
                               "odoo.sql_db: bad query: " + statement_of(text)] += 1
        elif conflict and " odoo.http: " in text.splitlines()[0]:
            # the call failed after Odoo's retries; the /jsonrpc route runs
            # it again (a call that fails that too reaches the client)
            found["conflicts"][conflict.group(0), "odoo.http: the whole call, after %d "
                               "retries (traceback)" % ODOO_TRIES] += 1
        else:
            first = text.splitlines()[0]
            pg_error = re.search(r"^ERROR: .*$", text, re.M)
            found["errors"].append(first[:240] + (" / " + pg_error.group(0)
                                                  if pg_error else ""))
    return found


# ------------------------------------------------------------ the server
def start_server(db, port):
    logfile = os.path.join(lifecycle.LOG_DIR, SERVER + ".log")
    if os.path.exists(logfile):
        os.unlink(logfile)
    proc, logfile = lifecycle.start_server(db, port, SERVER, extra=[
        "--workers", str(WORKERS), "--max-cron-threads", "0",
        "--limit-time-real", str(LIMIT_TIME), "--limit-time-cpu", str(LIMIT_TIME),
        "--longpolling-port", str(lifecycle.free_port())])
    lifecycle.wait_http("http://127.0.0.1:%d/web/login" % port, proc, logfile, timeout=300)
    return logfile


def copy_template(template, db, tries=30):
    """Copy the template; wait while another run (`make test`...) is
    connected to it (PostgreSQL copies a database nobody is using)."""
    for _i in range(tries - 1):
        try:
            return lifecycle.copy_db(template, db)
        except lifecycle.Fail as exc:
            if "is being accessed by other users" not in str(exc):
                raise
            time.sleep(10)
    return lifecycle.copy_db(template, db)


def prepare(port, db):
    """The users and the customers, created as admin; the customer ids."""
    admin = Client(port, db)
    admin.login("admin", "admin")
    try:
        create_users(admin)
        customers = create_customers(admin)
    except RpcError as exc:
        raise lifecycle.Fail("preparing the data failed: %s" % exc.message)
    finally:
        admin.close()
    return customers


# ------------------------------------------------------------ the report
def report_calls(load):
    say("%-14s %7s %8s %14s %8s %5s %9s %9s" % (
        "call", "calls", "rows", "server errors", "refused", "busy", "p50 ms", "p95 ms"))
    for kind, stats in load.stats.items():
        say("%-14s %7d %8d %14d %8d %5d %9.1f %9.1f" % (
            kind, stats.calls, stats.rows, sum(stats.server_errors.values()),
            sum(stats.refused.values()), stats.busy, percentile(stats.latencies, 0.5),
            percentile(stats.latencies, 0.95)))
    say("ingested rows: %s" % ", ".join(
        "%d %s" % (load.statuses[s], s)
        for s in ("created", "updated", "unchanged", "error", "without an id")))
    for message, count in load.row_errors.most_common(5):
        say("  ingest row error x%d: %s" % (count, message))
    for kind, stats in load.stats.items():
        for label, counter in (("server error", stats.server_errors),
                               ("refused", stats.refused)):
            for message, count in counter.most_common(5):
                say("  %s %s x%d: %s" % (kind, label, count, message))


def report_checks(db, load, logfile):
    """Print the database and log checks; return the list of failures."""
    failures = []
    duplicates, lost, moved, stored = check_database(db, load.confirmed)
    say("database: %d touchpoints from %r, %d keys confirmed to writers, %d duplicate keys, "
        "%d lost rows, %d keys answered with another id" % (
            stored, SOURCE, len(load.confirmed), duplicates, len(lost), len(moved)))
    if lost:
        say("  lost: %s" % ", ".join(lost[:10]))
    log = scan_log(logfile)
    say("server log (%s): %d ERROR/CRITICAL lines besides concurrency failures; "
        "concurrency failures retried by Odoo: %s; calls that failed %d retries: %d (the "
        "/jsonrpc route ran them again; over XML-RPC they would have failed)"
        % (os.path.relpath(logfile, lifecycle.ROOT), len(log["errors"]),
           ", ".join("%d %s" % (n, code) for code, n in sorted(log["retries"].items()))
           or "none", ODOO_TRIES, log["gave_up"]))
    for (error, where), count in log["conflicts"].most_common():
        say("  %d x ERROR %s: %s" % (count, where, error))
    for line in log["errors"][:10]:
        say("  %s" % line)
    deadlocks = sum(n for (error, _s), n in log["conflicts"].items() if "deadlock" in error)
    server_errors = sum(sum(s.server_errors.values()) for s in load.stats.values())
    for count, what in ((len(load.setup_errors), "clients could not log in"),
                        (duplicates, "duplicate keys"), (len(lost), "lost rows"),
                        (len(moved), "keys answered with another id"),
                        (server_errors, "server errors"),
                        (load.statuses["error"], "rows refused by ingest"),
                        (deadlocks, "deadlocks"),
                        (len(log["errors"]), "ERROR/CRITICAL log lines")):
        if count:
            failures.append("%d %s" % (count, what))
    if not load.stats["ingest"].rows:
        failures.append("no ingest call succeeded")
    return failures


# ------------------------------------------------------------------ main
def run(args):
    lifecycle.write_conf()
    template = lifecycle.addons_template()
    db = "clt_load_%d" % os.getpid()
    port = lifecycle.free_port()
    say("database %s (copy of %s), Odoo on port %d with %d workers"
        % (db, template, port, WORKERS))
    copy_template(template, db)
    try:
        try:
            logfile = start_server(db, port)
            customers = prepare(port, db)
            load = Load(port, db, customers, args.seconds)
            say("%d writers (batches of %d rows over %d keys), %d readers, 1 recompute "
                "loop, %d customers, %d s"
                % (args.writers, BATCH, KEYS, args.readers, len(customers), args.seconds))
            elapsed = load.run(args.writers, args.readers)
        finally:
            lifecycle.stop_pid(SERVER)
        say("load ran %.0f s" % elapsed)
        for error in load.setup_errors:
            say("  login failed: %s" % error)
        report_calls(load)
        failures = report_checks(db, load, logfile)
    finally:
        lifecycle.drop_db(db)
    if failures:
        say("FAILED (%s)" % ", ".join(failures))
        return 1
    say("OK")
    return 0


def main(argv=None):
    parser = argparse.ArgumentParser(prog="loadtest", description=__doc__.split("\n")[0])
    parser.add_argument("--writers", type=int, default=10, help="ingesting clients (10)")
    parser.add_argument("--readers", type=int, default=3,
                        help="clients opening timelines and partner forms (3)")
    parser.add_argument("--seconds", type=int, default=60, help="duration of the load (60)")
    args = parser.parse_args(argv)
    try:
        return run(args)
    except lifecycle.Fail as exc:
        print("loadtest: ERROR: %s" % exc, file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
