"""Metrics between nightly runs, in a running server (no cron thread): a
contact ingested reaches its customer's metrics row within seconds; a
touchpoint written by SQL from outside Odoo does too, through the NOTIFY
of the queue's triggers (nothing else would take it before the cron); and
one backend drains (holds the drainer's lock)."""
import json
import os
import subprocess
import time

WAIT = 90
# a small script run by Odoo's Python: SQL on the test database as an
# outside program would run it (psycopg2, the server's connection settings)
OUTSIDE = r"""
import configparser, json, sys
import psycopg2
conf = configparser.ConfigParser()
conf.read(sys.argv[1])
options = dict(conf.items("options"))
args = {"dbname": sys.argv[2]}
for key in ("host", "port", "user", "password"):
    value = options.get("db_" + key)
    if value and value != "False":
        args[key] = value
conn = psycopg2.connect(**args)
cr = conn.cursor()
cr.execute(sys.argv[3], json.loads(sys.argv[4]))
rows = cr.fetchall() if cr.description else []
conn.commit()
print(json.dumps(rows, default=str))
"""


def outside_sql(query, params=()):
    out = subprocess.check_output(
        [os.environ["CRM_LIFECYCLE_ODOO_PYTHON"], "-c", OUTSIDE,
         os.environ["CRM_LIFECYCLE_ODOO_CONF"], os.environ["CRM_LIFECYCLE_DB"], query,
         json.dumps(list(params))], stdin=subprocess.DEVNULL)
    return json.loads(out.decode())


def wait_for_contact(rpc, partner_id, stamp):
    deadline = time.time() + WAIT
    row = None
    while time.time() < deadline:
        rows = rpc("crm.customer.metrics", "search_read", [("partner_id", "=", partner_id)],
                   ["last_contact", "frequency"])
        row = rows and rows[0]
        if row and row["last_contact"] and row["last_contact"] >= stamp:
            return row
        time.sleep(0.5)
    raise AssertionError("the metrics of customer %s did not show the contact of %s within "
                         "%d s: %s" % (partner_id, stamp, WAIT, row))


def now_stamp():
    return time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime())


def test_contacts_reach_the_metrics_without_a_recompute(odoo_server):
    rpc = odoo_server.rpc
    customer = rpc("res.partner", "create", {"name": "Quentin Refresh", "customer": True})
    rpc("crm.touchpoint", "ingest", [{
        "source_system": "refresh-test", "external_ref": "refresh-1", "partner_id": customer,
        "date": "2026-01-05 10:00:00", "channel": "phone", "direction": "inbound",
        "kind": "contact", "subject": "First call"}])
    rpc("crm.customer.metrics", "compute_metrics")
    before = rpc("crm.customer.metrics", "search_read", [("partner_id", "=", customer)],
                 ["last_contact", "frequency"])[0]

    # through the server: ingest() commits, the server's drainer refreshes
    stamp = now_stamp()
    rpc("crm.touchpoint", "ingest", [{
        "source_system": "refresh-test", "external_ref": "refresh-2", "partner_id": customer,
        "date": stamp, "channel": "phone", "direction": "inbound", "kind": "contact",
        "subject": "Second call"}])
    after = wait_for_contact(rpc, customer, stamp)
    assert after["last_contact"] > before["last_contact"]

    # by SQL from outside Odoo: only the triggers' NOTIFY can wake the drainer
    # (this server runs no cron)
    time.sleep(1.1)
    stamp = now_stamp()
    outside_sql("""
        INSERT INTO crm_touchpoint (partner_id, commercial_partner_id, company_id, channel_id,
                                    date, direction, kind, subject, currency_id)
        SELECT partner_id, commercial_partner_id, company_id, channel_id, %s, direction,
               kind, 'Written from outside', currency_id
          FROM crm_touchpoint WHERE partner_id = %s AND external_ref = 'refresh-2'
    """, [stamp, customer])
    wait_for_contact(rpc, customer, stamp)

    # one backend of the database holds the drainer's lock
    holders = outside_sql("""
        SELECT count(*) FROM pg_locks l JOIN pg_database d ON d.oid = l.database
         WHERE l.locktype = 'advisory' AND l.granted AND d.datname = current_database()
           AND l.classid::int = hashtext('crm_lifecycle.metrics_leader') AND l.objid = 0
    """)
    assert holders == [[1]], holders
    assert odoo_server.log_errors() == []
