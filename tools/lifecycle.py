"""Project commands behind the Makefile: demo, stop, demo-data, test, pot.

Runs with the project's Python 3.7 venv (standard library only, so it also
runs before Odoo is importable). Everything it creates lives in `.local/`
(venvs and npm `less` are shared caches linked from there).
"""
import argparse
import glob
import hashlib
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
import xml.etree.ElementTree as ET

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
LOCAL = os.path.join(ROOT, ".local")
LOG_DIR = os.path.join(LOCAL, "log")
RUN_DIR = os.path.join(LOCAL, "run")
RESULTS_DIR = os.path.join(LOCAL, "test-results")
VENV_PY = os.path.join(LOCAL, "venv", "bin", "python")
TOOLS_PY = os.path.join(LOCAL, "venv-tools", "bin", "python")
ODOO_BIN = os.path.join(ROOT, "tools", "odoo_bin.py")
SETUP = os.path.join(ROOT, "tools", "setup.sh")
CONF = os.path.join(LOCAL, "odoo.conf")

ADDONS = ["crm_lifecycle", "crm_lifecycle_analytics", "crm_lifecycle_sale",
          "crm_lifecycle_analytics_sale", "crm_lifecycle_mass_mailing",
          "crm_lifecycle_rating", "crm_lifecycle_survey"]
ODOO_MODULES = ["crm", "sale_management", "mass_mailing"]
DEMO_DB = "crm_lifecycle_demo"
PG_PORT = os.environ.get("CRM_LIFECYCLE_PGPORT", "55432")
PGBIN = os.environ.get("PGBIN", "/usr/lib/postgresql/15/bin")
# harmless noise of the PyPI Odoo build: addon folders shipped without
# their dependencies (see PLATFORM notes in the README)
NOISE = re.compile(r"Unmet dependencies|inconsistent state|module .* not installable")


class Fail(Exception):
    """A step failed; the message says which and why."""


def say(msg):
    print("[crm_lifecycle] %s" % msg, flush=True)


# ------------------------------------------------------------------ set-up
def setup(step="all"):
    rc = subprocess.call(["bash", SETUP, step], stdin=subprocess.DEVNULL)
    if rc:
        raise Fail("set-up step '%s' failed (exit %s)" % (step, rc))


def pg_socket():
    return os.path.join(os.path.realpath(os.path.join(LOCAL, "pg")), "run")


def psql(sql, db="postgres", check=True):
    cmd = [
        os.path.join(PGBIN, "psql"), "-X", "-q", "-h", pg_socket(), "-p", PG_PORT,
        "-U", "odoo", "-d", db, "-tA", "-v", "ON_ERROR_STOP=1", "-c", sql,
    ]
    res = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                         universal_newlines=True)
    if check and res.returncode:
        raise Fail("psql on %s failed: %s" % (db, res.stderr.strip()))
    return res.stdout.strip()


def db_exists(name):
    return psql("SELECT 1 FROM pg_database WHERE datname = '%s'" % name) == "1"


def drop_db(name):
    psql('DROP DATABASE IF EXISTS "%s"' % name)
    shutil.rmtree(os.path.join(LOCAL, "data", "filestore", name), ignore_errors=True)


def copy_db(src, dst):
    drop_db(dst)
    psql('CREATE DATABASE "%s" TEMPLATE "%s"' % (dst, src))
    src_fs = os.path.join(LOCAL, "data", "filestore", src)
    if os.path.isdir(src_fs):
        shutil.copytree(src_fs, os.path.join(LOCAL, "data", "filestore", dst))


def odoo_addons_dir():
    out = subprocess.check_output(
        [VENV_PY, "-c", "import odoo.addons, os; "
         "print([p for p in odoo.addons.__path__ if 'site-packages' in p][0])"],
        universal_newlines=True,
    )
    return out.strip()


def write_conf():
    os.makedirs(os.path.join(LOCAL, "data"), exist_ok=True)
    conf = "\n".join([
        "[options]",
        "addons_path = %s,%s" % (odoo_addons_dir(), ROOT),
        "data_dir = %s" % os.path.join(LOCAL, "data"),
        "db_host = %s" % pg_socket(),
        "db_port = %s" % PG_PORT,
        "db_user = odoo",
        "db_password = False",
        "admin_passwd = admin",
        "list_db = False",
        "without_demo = False",
        "max_cron_threads = 1",
        "log_level = info",
        "",
    ])
    with open(CONF, "w") as f:
        f.write(conf)
    return CONF


def server_env():
    env = dict(os.environ)
    # pytest-odoo turns HOST, PORT, USER and PASSWORD (the Odoo Docker
    # image's variables) into database options: never let them through
    for name in ("HOST", "PORT", "USER", "PASSWORD"):
        env.pop(name, None)
    env["ODOO_PRELOAD_ADDONS"] = "no"
    env["PATH"] = os.path.join(LOCAL, "node", "node_modules", ".bin") + ":" + env["PATH"]
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    return env


def files_hash(paths, skip_dirs=("tests", "readme", "__pycache__", "i18n")):
    h = hashlib.sha256()
    for base in paths:
        if os.path.isfile(base):
            h.update(open(base, "rb").read())
            continue
        for dirpath, dirnames, filenames in sorted(os.walk(base)):
            dirnames[:] = sorted(d for d in dirnames if d not in skip_dirs)
            for fn in sorted(filenames):
                if fn.endswith((".pyc", ".pyo")):
                    continue
                path = os.path.join(dirpath, fn)
                h.update(os.path.relpath(path, ROOT).encode())
                with open(path, "rb") as f:
                    h.update(f.read())
    return h.hexdigest()[:12]


def pins_hash():
    return files_hash([os.path.join(ROOT, f) for f in
                       ("requirements.txt", "requirements-odoo.txt")])


def code_hash():
    return files_hash([os.path.join(ROOT, a) for a in ADDONS])


def run_odoo(args, logname, timeout=1800):
    """Run Odoo with --stop-after-init; fail on a non-zero exit or an ERROR."""
    os.makedirs(LOG_DIR, exist_ok=True)
    logfile = os.path.join(LOG_DIR, logname)
    cmd = [VENV_PY, ODOO_BIN, "-c", CONF, "--stop-after-init",
           "--logfile", logfile, "--http-port", str(free_port())] + args
    if os.path.exists(logfile):
        os.unlink(logfile)
    rc = subprocess.call(cmd, env=server_env(), stdin=subprocess.DEVNULL, timeout=timeout)
    errors = []
    if os.path.exists(logfile):
        with open(logfile, errors="replace") as f:
            for line in f:
                if re.search(r" (ERROR|CRITICAL) ", line) and not NOISE.search(line):
                    errors.append(line.rstrip())
    if rc or errors:
        for line in errors[:20]:
            print(line, file=sys.stderr)
        raise Fail("Odoo %s failed (exit %s, %d error lines; log: %s)"
                   % (" ".join(args), rc, len(errors), os.path.relpath(logfile, ROOT)))


def installed(db, modules):
    rows = psql("SELECT name FROM ir_module_module WHERE state = 'installed' "
                "AND name IN (%s)" % ",".join("'%s'" % m for m in modules), db=db)
    return set(rows.split()) >= set(modules)


def settle_modules(db):
    """Modules Odoo marked 'to install' (auto-installed with what was
    installed) but could not install, their own dependencies not being in
    the package: left so, they make the cron runner skip the database every
    minute ("because of modules to install/upgrade/remove"), and no
    scheduled job ever runs. Mark them uninstalled, which they are."""
    names = psql("UPDATE ir_module_module SET state = 'uninstalled' "
                 "WHERE state = 'to install' RETURNING name", db=db).split()
    if names:
        say("%s: %d modules Odoo could not install (unmet dependencies) marked uninstalled, "
            "so that scheduled jobs run: %s" % (db, len(names), ", ".join(sorted(names))))
    return names


# --------------------------------------------------------------- templates
def base_template():
    """Database with Odoo's own modules and demo data, per set of pins."""
    name = "clt_base_%s" % pins_hash()
    if db_exists(name) and installed(name, ODOO_MODULES):
        return name
    for old in psql("SELECT datname FROM pg_database WHERE datname LIKE 'clt_base_%'").split():
        drop_db(old)
    say("creating base database %s (%s, with demo data; a few minutes, once)"
        % (name, ", ".join(ODOO_MODULES)))
    t0 = time.time()
    try:
        run_odoo(["-d", name, "-i", ",".join(ODOO_MODULES)], "install-base.log")
        settle_modules(name)
    except Fail:
        drop_db(name)
        raise
    say("base database ready in %.0f s" % (time.time() - t0))
    return name


def addons_template():
    """Base template plus both addons, per version of the addon code."""
    base = base_template()
    # the recipe's version: a template made by an older recipe (modules left
    # 'to install') is made again
    name = "clt_tpl_%s_%s_r2" % (pins_hash(), code_hash())
    if db_exists(name) and installed(name, ADDONS):
        return name
    for old in psql("SELECT datname FROM pg_database WHERE datname LIKE 'clt_tpl_%'").split():
        drop_db(old)
    say("installing %s into template %s" % (", ".join(ADDONS), name))
    t0 = time.time()
    copy_db(base, name)
    try:
        run_odoo(["-d", name, "-i", ",".join(ADDONS)], "install-addons.log")
        settle_modules(name)
    except Fail:
        drop_db(name)
        raise
    say("addons template ready in %.0f s" % (time.time() - t0))
    return name


# -------------------------------------------------------------------- server
def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def port_busy(port):
    s = socket.socket()
    s.settimeout(0.5)
    try:
        return s.connect_ex(("127.0.0.1", port)) == 0
    finally:
        s.close()


def pid_alive(pid):
    try:
        os.kill(pid, 0)
    except OSError:
        return False
    return True


def read_pid(name):
    path = os.path.join(RUN_DIR, name + ".pid")
    try:
        pid = int(open(path).read().strip())
    except (OSError, ValueError):
        return None
    return pid if pid_alive(pid) else None


def start_server(db, port, name, extra=()):
    os.makedirs(RUN_DIR, exist_ok=True)
    os.makedirs(LOG_DIR, exist_ok=True)
    logfile = os.path.join(LOG_DIR, name + ".log")
    cmd = [VENV_PY, ODOO_BIN, "-c", CONF, "-d", db, "--db-filter", "^%s$" % db,
           "--http-port", str(port), "--logfile", logfile] + list(extra)
    proc = subprocess.Popen(cmd, env=server_env(), stdin=subprocess.DEVNULL,
                            stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT,
                            start_new_session=True)
    with open(os.path.join(RUN_DIR, name + ".pid"), "w") as f:
        f.write(str(proc.pid))
    return proc, logfile


def wait_http(url, proc, logfile, timeout=180):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if proc is not None and proc.poll() is not None:
            raise Fail("Odoo exited with %s before answering; log: %s"
                       % (proc.returncode, os.path.relpath(logfile, ROOT)))
        try:
            with urllib.request.urlopen(url, timeout=10) as resp:
                if resp.status == 200:
                    return
        except Exception:  # noqa: B902 - not up yet
            pass
        time.sleep(0.5)
    raise Fail("Odoo did not answer %s within %d s; log: %s"
               % (url, timeout, os.path.relpath(logfile, ROOT)))


def stop_pid(name):
    pid = read_pid(name)
    path = os.path.join(RUN_DIR, name + ".pid")
    if pid:
        try:
            os.killpg(pid, signal.SIGTERM)
        except OSError:
            os.kill(pid, signal.SIGTERM)
        for _i in range(100):
            if not pid_alive(pid):
                break
            time.sleep(0.1)
        else:
            os.killpg(pid, signal.SIGKILL)
    if os.path.exists(path):
        os.unlink(path)
    return pid


# ---------------------------------------------------------------------- demo
def state_path():
    return os.path.join(LOCAL, "demo-state.json")


def cmd_demo(args):
    port = int(args.port or 8069)
    t0 = time.time()
    running = read_pid("odoo-demo")
    if not running and port_busy(port):
        raise Fail("port %d is already in use by another program; stop it or choose "
                   "another port: make demo PORT=8070" % port)
    setup("all")
    write_conf()
    state = {}
    if os.path.exists(state_path()):
        state = json.load(open(state_path()))
    code = code_hash()
    fresh = not (db_exists(DEMO_DB) and installed(DEMO_DB, ADDONS + ODOO_MODULES))
    if fresh:
        if running:
            stop_pid("odoo-demo")
            running = None
        copy_db(addons_template(), DEMO_DB)
        state = {"code": code}
    elif state.get("code") != code:
        if running:
            stop_pid("odoo-demo")
            running = None
        say("addon code changed: updating %s in %s" % (", ".join(ADDONS), DEMO_DB))
        run_odoo(["-d", DEMO_DB, "-u", ",".join(ADDONS)], "update-demo.log")
        state["code"] = code
    if not state.get("demo_data"):
        generate_demo_data()
        state["demo_data"] = True
    if not running:
        settle_modules(DEMO_DB)  # a database made before this step existed
    with open(state_path(), "w") as f:
        json.dump(state, f)
    url = "http://localhost:%d" % port
    if running and state.get("port") == port:
        say("already running (pid %d)" % running)
    else:
        if running:
            stop_pid("odoo-demo")
        if port_busy(port):
            raise Fail("port %d is already in use by another program; stop it or "
                       "choose another port: make demo PORT=8070" % port)
        proc, logfile = start_server(DEMO_DB, port, "odoo-demo")
        wait_http(url + "/web/login", proc, logfile)
        state["port"] = port
        with open(state_path(), "w") as f:
            json.dump(state, f)
    say("up in %.0f s" % (time.time() - t0))
    say(demo_summary())
    print("\n  Odoo is running at %s/web  (database %s)\n  Login: admin  Password: admin\n"
          "  Stop it with: make stop\n" % (url, DEMO_DB), flush=True)


def demo_summary():
    """What a first look at the demo database should confirm."""
    customers, keyed = psql(
        "SELECT count(*), count(*) FILTER (WHERE identity_name_key IS NOT NULL "
        "AND (phone IS NULL OR phone_e164 IS NOT NULL)) FROM res_partner "
        "WHERE customer AND active AND merged_into_id IS NULL", db=DEMO_DB).split("|")
    pending = psql("SELECT count(*) FROM ir_module_module "
                   "WHERE state IN ('to install', 'to upgrade', 'to remove')", db=DEMO_DB)
    return "%s customers, %s with identity keys, cron runner %s" % (
        customers, keyed, "active" if pending == "0" else
        "blocked by %s modules to install/upgrade/remove" % pending)


def generate_demo_data():
    say("generating demo customers and sale orders in %s" % DEMO_DB)
    t0 = time.time()
    rc = subprocess.call([VENV_PY, os.path.join(ROOT, "tools", "demo_data.py"),
                          "-c", CONF, "-d", DEMO_DB], env=server_env(),
                         stdin=subprocess.DEVNULL)
    if rc:
        raise Fail("demo data generation failed (exit %s)" % rc)
    say("demo data ready in %.0f s" % (time.time() - t0))


def cmd_demo_data(args):
    """Recreate the demo database from the addons template with fresh data."""
    write_conf()
    was_running = stop_pid("odoo-demo")
    copy_db(addons_template(), DEMO_DB)
    generate_demo_data()
    state = {"code": code_hash(), "demo_data": True}
    with open(state_path(), "w") as f:
        json.dump(state, f)
    if was_running:
        cmd_demo(args)


def cmd_stop(args):
    pid = stop_pid("odoo-demo")
    say("Odoo stopped (pid %d)" % pid if pid else "Odoo was not running")
    subprocess.call(["bash", SETUP, "pg-stop"])


# ---------------------------------------------------------------------- test
def junit_counts(path):
    counts = {"passed": 0, "failed": 0, "errors": 0, "skipped": 0}
    if not os.path.exists(path):
        return counts
    root = ET.parse(path).getroot()
    suites = [root] if root.tag == "testsuite" else list(root)
    for suite in suites:
        tests = int(suite.get("tests", 0))
        failed = int(suite.get("failures", 0))
        errors = int(suite.get("errors", 0))
        skipped = int(suite.get("skipped", 0))
        counts["failed"] += failed
        counts["errors"] += errors
        counts["skipped"] += skipped
        counts["passed"] += tests - failed - errors - skipped
    return counts


def finish_test(results, t0, runs):
    """Print the totals of the runs; 0 when every run passed."""
    total = {"passed": 0, "failed": 0, "errors": 0, "skipped": 0}
    ok = True
    for label, rc, counts in results:
        for key in total:
            total[key] += counts[key]
        ran = counts["passed"] + counts["failed"] + counts["errors"]
        if rc != 0 or ran == 0:
            ok = False
            say("%s run failed: pytest exit %s, %d tests ran" % (label, rc, ran))
    if len(results) < runs:
        ok = False
    parts = ["%d passed" % total["passed"], "%d failed" % total["failed"]]
    if total["errors"]:
        parts.append("%d errors" % total["errors"])
    if total["skipped"]:
        parts.append("%d skipped" % total["skipped"])
    print("=" * 20 + " %s in %.2fs " % (", ".join(parts), time.time() - t0) + "=" * 20,
          flush=True)
    return 0 if ok else 1


def cmd_test(args):
    t0 = time.time()
    setup("all")
    write_conf()
    tpl = addons_template()
    os.makedirs(RESULTS_DIR, exist_ok=True)
    for old in glob.glob(os.path.join(RESULTS_DIR, "*.xml")):
        os.unlink(old)
    tag = "%d" % os.getpid()
    run_db, web_db = "clt_run_%s" % tag, "clt_web_%s" % tag
    # a copy of the config with a free HTTP port: a test run binds it
    run_conf = os.path.join(LOCAL, "odoo-test-%s.conf" % tag)
    with open(CONF) as src, open(run_conf, "w") as dst:
        dst.write(src.read() + "http_port = %d\n" % free_port())
    results = []
    try:
        copy_db(tpl, run_db)
        copy_db(tpl, web_db)
        if args.only != "suite":
            say("addon tests (pytest-odoo, database %s)" % run_db)
            xml1 = os.path.join(RESULTS_DIR, "addons.xml")
            rc1 = subprocess.call(
                [VENV_PY, "-m", "pytest", "-p", "no:warnings", "-p", "no:cacheprovider",
                 "--odoo-config=%s" % run_conf, "--odoo-database=%s" % run_db,
                 "--junitxml=%s" % xml1, "-rfEs"] + ADDONS + list(args.pytest_args or []),
                cwd=ROOT, env=server_env(), stdin=subprocess.DEVNULL)
            results.append(("addons", rc1, junit_counts(xml1)))
        if args.only != "addons":
            say("suite tests: packaging and browser (database %s)" % web_db)
            xml2 = os.path.join(RESULTS_DIR, "suite.xml")
            env = server_env()
            env.update({
                "CRM_LIFECYCLE_ODOO_PYTHON": VENV_PY,
                "CRM_LIFECYCLE_ODOO_BIN": ODOO_BIN,
                "CRM_LIFECYCLE_ODOO_CONF": CONF,
                "CRM_LIFECYCLE_DB": web_db,
                "CRM_LIFECYCLE_ARTIFACTS": os.path.join(LOCAL, "artifacts"),
            })
            rc2 = subprocess.call(
                [TOOLS_PY, "-m", "pytest", "-p", "no:cacheprovider",
                 "--junitxml=%s" % xml2, "-rfEs", "tests"]
                + (list(args.pytest_args or []) if args.only == "suite" else []),
                cwd=ROOT, env=env, stdin=subprocess.DEVNULL)
            results.append(("suite", rc2, junit_counts(xml2)))
    finally:
        for db in (run_db, web_db):
            drop_db(db)
        os.unlink(run_conf)
    return finish_test(results, t0, 1 if args.only else 2)


I18N_LANGS = ("bg", "id", "ro", "zh_CN")


def cmd_pot(args):
    """Regenerate i18n/<module>.pot from a database with the addons."""
    setup("all")
    write_conf()
    db = addons_template()
    tmp = os.path.join(LOCAL, "tmp")
    os.makedirs(tmp, exist_ok=True)
    for mod in ADDONS:
        out = os.path.join(ROOT, mod, "i18n", "%s.pot" % mod)
        os.makedirs(os.path.dirname(out), exist_ok=True)
        # Odoo 11 writes the template when no language is given; it only
        # accepts a .po/.csv/.tgz file name
        tmp_po = os.path.join(tmp, "%s.po" % mod)
        run_odoo(["-d", db, "--i18n-export=%s" % tmp_po, "--modules=%s" % mod],
                 "pot-%s.log" % mod)
        shutil.move(tmp_po, out)
        say("wrote %s" % os.path.relpath(out, ROOT))
        # the translations follow the template: new entries come in empty
        # (make lint then names them), entries gone are dropped
        for lang in I18N_LANGS:
            po = os.path.join(ROOT, mod, "i18n", "%s.po" % lang)
            if os.path.exists(po):
                subprocess.check_call(["msgmerge", "--quiet", "--update", "--backup=none",
                                       "--no-fuzzy-matching", po, out])
                subprocess.check_call(["msgattrib", "--no-obsolete", "-o", po, po])
                say("merged %s" % os.path.relpath(po, ROOT))


def main(argv=None):
    parser = argparse.ArgumentParser(prog="lifecycle")
    sub = parser.add_subparsers(dest="command")
    demo = sub.add_parser("demo")
    demo.add_argument("--port", default=os.environ.get("PORT") or None)
    demo_data = sub.add_parser("demo-data")
    demo_data.add_argument("--port", default=os.environ.get("PORT") or None)
    sub.add_parser("stop")
    test = sub.add_parser("test")
    test.add_argument("--only", choices=("addons", "suite"),
                      help="run only the addon tests or only the suite (browser, packaging)")
    test.add_argument("pytest_args", nargs="*",
                      help="extra pytest arguments, passed to the run(s) chosen")
    sub.add_parser("pot")
    args = parser.parse_args(argv)
    handlers = {"demo": cmd_demo, "demo-data": cmd_demo_data, "stop": cmd_stop,
                "test": cmd_test, "pot": cmd_pot}
    if args.command not in handlers:
        parser.print_help()
        return 2
    try:
        return handlers[args.command](args) or 0
    except Fail as exc:
        print("[crm_lifecycle] ERROR: %s" % exc, file=sys.stderr, flush=True)
        return 1


if __name__ == "__main__":
    sys.exit(main())
