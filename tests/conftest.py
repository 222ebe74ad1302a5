"""Fixtures of the suite-level tests (run by `make test` in the tools venv).

`odoo_server` starts a real Odoo 11 on a free port against the database the
harness prepared (CRM_LIFECYCLE_DB, a copy of the addons template) and stops
it afterwards; its log is kept with the test artifacts.
"""
import os
import re
import signal
import socket
import subprocess
import time
import urllib.request

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
NOISE = re.compile(r"Unmet dependencies|inconsistent state|module .* not installable")

# tests/browser/odoo18/ drives the Odoo 18 web client: `make test-18` runs it
# with CRM_LIFECYCLE_ODOO_VERSION=18 and these fixtures pointed at an 18
# server. `make test` and CI (Odoo 11, no 18 core) never collect it, and an
# 18 run collects nothing else (the other tests are the 11 ones).
if os.environ.get("CRM_LIFECYCLE_ODOO_VERSION") == "18":
    collect_ignore_glob = ["test_*.py", "browser/test_*.py"]
else:
    collect_ignore = ["browser/odoo18"]


def _env(name):
    value = os.environ.get(name)
    if not value:
        pytest.fail("%s is not set: run the suite through `make test`" % name)
    return value


@pytest.fixture(scope="session")
def odoo_python():
    """The Python 3.7 of the Odoo venv (Odoo, lifetimes and the pins)."""
    return _env("CRM_LIFECYCLE_ODOO_PYTHON")


@pytest.fixture(scope="session")
def cdnow_file(odoo_python):
    """CDNOW_master.txt as shipped in the lifetimes wheel of the Odoo venv."""
    out = subprocess.check_output(
        [odoo_python, "-c", "import lifetimes.datasets as d, os; "
         "print(os.path.join(os.path.dirname(d.__file__), 'CDNOW_master.txt'))"],
        universal_newlines=True)
    return out.strip()


@pytest.fixture(scope="session")
def demo_data_module():
    """tools/demo_data.py, whose pure part needs only the standard library."""
    import importlib.util
    spec = importlib.util.spec_from_file_location(
        "demo_data", os.path.join(ROOT, "tools", "demo_data.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="session")
def artifacts_dir():
    path = os.environ.get("CRM_LIFECYCLE_ARTIFACTS") or os.path.join(ROOT, ".local", "artifacts")
    os.makedirs(path, exist_ok=True)
    return path


def _free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


@pytest.fixture(scope="session")
def free_port():
    """A function giving a free TCP port on the loopback interface."""
    return _free_port


class OdooServer(object):
    def __init__(self, url, db, logfile):
        self.url = url
        self.db = db
        self.logfile = logfile

    def rpc(self, model, method, *args, **kwargs):
        """Call a model method over XML-RPC as admin."""
        import xmlrpc.client
        uid = xmlrpc.client.ServerProxy(self.url + "/xmlrpc/2/common").authenticate(
            self.db, "admin", "admin", {})
        assert uid, "admin could not log in over XML-RPC"
        proxy = xmlrpc.client.ServerProxy(self.url + "/xmlrpc/2/object", allow_none=True)
        return proxy.execute_kw(self.db, uid, "admin", model, method, list(args), kwargs)

    def log_errors(self):
        """ERROR/CRITICAL lines of the server log, Odoo's packaging noise left out."""
        with open(self.logfile, errors="replace") as f:
            return [line.rstrip() for line in f
                    if re.search(r" (ERROR|CRITICAL) ", line) and not NOISE.search(line)]


@pytest.fixture(scope="session")
def odoo_server(artifacts_dir):
    python = _env("CRM_LIFECYCLE_ODOO_PYTHON")
    odoo_bin = _env("CRM_LIFECYCLE_ODOO_BIN")
    conf = _env("CRM_LIFECYCLE_ODOO_CONF")
    db = _env("CRM_LIFECYCLE_DB")
    port = _free_port()
    logfile = os.path.join(artifacts_dir, "odoo-browser.log")
    if os.path.exists(logfile):
        os.unlink(logfile)
    env = dict(os.environ, ODOO_PRELOAD_ADDONS="no")
    proc = subprocess.Popen(
        [python, odoo_bin, "-c", conf, "-d", db, "--db-filter", "^%s$" % db,
         "--http-port", str(port), "--max-cron-threads", "0", "--logfile", logfile],
        env=env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
        stderr=subprocess.STDOUT, start_new_session=True)
    url = "http://127.0.0.1:%d" % port
    deadline = time.time() + 120
    while True:
        if proc.poll() is not None:
            pytest.fail("Odoo exited (%s) before answering; see %s" % (proc.returncode, logfile))
        try:
            with urllib.request.urlopen(url + "/web/login", timeout=10) as resp:
                if resp.status == 200:
                    break
        except OSError:
            pass
        if time.time() > deadline:
            os.killpg(proc.pid, signal.SIGKILL)
            pytest.fail("Odoo did not answer within 120 s; see %s" % logfile)
        time.sleep(0.5)
    try:
        yield OdooServer(url, db, logfile)
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
