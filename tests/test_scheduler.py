"""Scheduled jobs run: the database the harness prepares (as `make demo`
does) has no module left "to install", which would make Odoo's cron runner
skip it every minute; and a second Odoo with a cron thread really runs a
job of the suite that is due."""
import datetime
import os
import re
import signal
import subprocess
import time


def test_no_module_is_left_pending(odoo_server):
    pending = odoo_server.rpc("ir.module.module", "search_read",
                              [("state", "in", ["to install", "to upgrade", "to remove"])],
                              ["name", "state"])
    assert pending == [], pending


def test_the_scheduler_runs_a_due_job(odoo_server, artifacts_dir, free_port):
    rpc = odoo_server.rpc
    cron_id = rpc("ir.model.data", "xmlid_to_res_id", "crm_lifecycle.ir_cron_refresh_segments")
    segment = rpc("crm.segment", "create", {"name": "Scheduler Check",
                                            "domain": "[('customer', '=', True)]"})
    due = (datetime.datetime.utcnow() - datetime.timedelta(minutes=5)).strftime(
        "%Y-%m-%d %H:%M:%S")
    rpc("ir.cron", "write", [cron_id], {"nextcall": due, "active": True})
    logfile = os.path.join(artifacts_dir, "odoo-cron.log")
    if os.path.exists(logfile):
        os.unlink(logfile)
    proc = subprocess.Popen(
        [os.environ["CRM_LIFECYCLE_ODOO_PYTHON"], os.environ["CRM_LIFECYCLE_ODOO_BIN"],
         "-c", os.environ["CRM_LIFECYCLE_ODOO_CONF"], "-d", odoo_server.db,
         "--db-filter", "^%s$" % odoo_server.db, "--http-port", str(free_port()),
         "--max-cron-threads", "1", "--logfile", logfile],
        env=dict(os.environ, ODOO_PRELOAD_ADDONS="no"), stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        deadline = time.time() + 300
        refreshed = False
        while time.time() < deadline and not refreshed:
            time.sleep(5)
            refreshed = bool(rpc("crm.segment", "read", [segment], ["last_refresh"])[0]
                             ["last_refresh"])
        with open(logfile, errors="replace") as f:
            log = f.read()
        assert not re.search(r"Skipping database .* modules to install", log), log[-2000:]
        assert refreshed, "the due job did not run within 300 s; see %s" % logfile
        nextcall = rpc("ir.cron", "read", [cron_id], ["nextcall"])[0]["nextcall"]
        assert nextcall > due
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
