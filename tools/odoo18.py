"""`make test-18`: the suite on an Odoo 18 core.

Given the path of an Odoo 18.0 core (ODOO18_SRC: a directory with odoo-bin,
odoo/ and requirements.txt), this:
1. builds its Python 3.12 (or 3.11) venv once, in .local/odoo18/venv, from
   the core's requirements.txt and the suite's own libraries;
2. writes the 18 addons from the one source tree (tools/port18.py) into
   .local/odoo18/addons;
3. creates, once, a database with Odoo's CRM, Sales, Email Marketing,
   Surveys and Ratings (o18_base), then a fresh copy of it for the run;
4. installs the ported addons with their demo data and runs their tests
   with Odoo's own test runner;
5. then runs the browser tests of the 18 web client (tests/browser/odoo18,
   pytest and Playwright in the tools venv, headless Chromium) against an
   18 server started on that database, and prints the counts of both.

CI runs Odoo 11 only (no 18 core reaches the CI machine); run this by hand.
The PostgreSQL cluster is the project's own (make setup).
"""
import argparse
import glob
import os
import re
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
LOCAL = os.path.join(ROOT, ".local", "odoo18")
TOOLS_PY = os.path.join(ROOT, ".local", "venv-tools", "bin", "python")
BROWSER_TESTS = os.path.join("tests", "browser", "odoo18")
VENV = os.path.join(LOCAL, "venv")
ADDONS_OUT = os.path.join(LOCAL, "addons")
BASE_DB, TEST_DB = "o18_base", "o18_test"
ODOO_MODULES = "crm,sale_management,mass_mailing,survey,rating"
# the suite's own libraries, in versions with wheels for Python 3.11/3.12
SUITE_LIBS = ["setuptools<70", "phonenumbers==8.13.55", "anyascii==0.3.3", "numpy==2.5.5",
              "scipy==1.18.1", "hypothesis==6.79.4"]
# packages the tests read data from, installed without their dependencies
# (the CLV tests read the CDNOW sample lifetimes ships)
DATA_LIBS = ["lifetimes==0.11.3"]


def log(message):
    print("[odoo18] %s" % message, flush=True)


def pg_settings():
    port = subprocess.check_output(["bash", os.path.join(ROOT, "tools", "setup.sh"),
                                    "pg-port"], universal_newlines=True).strip()
    return {"host": os.path.join(ROOT, ".local", "pg", "run"), "port": port, "user": "odoo"}


def psql(pg, sql, db="postgres"):
    return subprocess.check_output(
        ["psql", "-h", pg["host"], "-p", pg["port"], "-U", pg["user"], "-d", db, "-Atc", sql],
        universal_newlines=True).strip()


def python_312():
    for version in ("3.12", "3.11"):
        pyenv = os.path.expanduser("~/.pyenv/versions")
        if os.path.isdir(pyenv):
            for name in sorted(os.listdir(pyenv), reverse=True):
                if name.startswith(version + "."):
                    return os.path.join(pyenv, name, "bin", "python")
        for name in ("python" + version, ):
            path = subprocess.run(["which", name], stdout=subprocess.PIPE,
                                  universal_newlines=True).stdout.strip()
            if path:
                return path
    raise SystemExit("Odoo 18 needs Python 3.11 or 3.12 (pyenv or PATH)")


def ensure_venv(src):
    python = os.path.join(VENV, "bin", "python")
    stamp = os.path.join(VENV, ".requirements")
    wanted = open(os.path.join(src, "requirements.txt")).read() + "\n".join(
        SUITE_LIBS + DATA_LIBS)
    if os.path.exists(stamp) and open(stamp).read() == wanted:
        return python
    log("building the Odoo 18 venv (a few minutes, once)")
    if not os.path.exists(python):
        subprocess.check_call([python_312(), "-m", "venv", VENV])
    subprocess.check_call([python, "-m", "pip", "install", "-q", "-r",
                           os.path.join(src, "requirements.txt")])
    subprocess.check_call([python, "-m", "pip", "install", "-q"] + SUITE_LIBS)
    subprocess.check_call([python, "-m", "pip", "install", "-q", "--no-deps"] + DATA_LIBS)
    with open(stamp, "w") as handle:
        handle.write(wanted)
    return python


def write_conf(src, pg):
    conf = os.path.join(LOCAL, "odoo.conf")
    with open(conf, "w") as handle:
        handle.write("\n".join([
            "[options]",
            "addons_path = %s,%s" % (os.path.join(src, "odoo", "addons"), ADDONS_OUT),
            "data_dir = %s" % os.path.join(LOCAL, "data"),
            "db_host = %(host)s" % pg, "db_port = %(port)s" % pg, "db_user = %(user)s" % pg,
            "db_password = False", "admin_passwd = admin", "list_db = False",
            "max_cron_threads = 0",
            # another worktree's run may hold the default port at the same time
            "http_port = %s" % os.environ.get("ODOO18_HTTP_PORT", "8078"), ""]))
    return conf


def odoo(python, src, conf, db, *args, check=True):
    command = [python, os.path.join(src, "odoo-bin"), "-c", conf, "-d", db,
               "--stop-after-init"] + list(args)
    result = subprocess.run(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            universal_newlines=True)
    if check and result.returncode:
        sys.stdout.write(result.stdout[-6000:])
        raise SystemExit("odoo 18 failed: %s" % " ".join(args))
    return result.stdout


def browser_tests(python, src, conf, pytest_args=()):
    """The 18 browser tests: the suite's fixtures start an 18 server (a free
    port) on the test database and drive it with Playwright. Returns the
    pytest exit code and the junit counts."""
    from lifecycle import junit_counts
    artifacts = os.path.join(LOCAL, "artifacts")
    os.makedirs(artifacts, exist_ok=True)
    xml = os.path.join(LOCAL, "browser.xml")
    for old in glob.glob(os.path.join(artifacts, "*.png")) + [xml]:
        if os.path.exists(old):
            os.unlink(old)
    env = dict(os.environ, CRM_LIFECYCLE_ODOO_VERSION="18", CRM_LIFECYCLE_ODOO_PYTHON=python,
               CRM_LIFECYCLE_ODOO_BIN=os.path.join(src, "odoo-bin"),
               CRM_LIFECYCLE_ODOO_CONF=conf, CRM_LIFECYCLE_DB=TEST_DB,
               CRM_LIFECYCLE_ARTIFACTS=artifacts)
    for name in ("HOST", "PORT", "USER", "PASSWORD"):
        env.pop(name, None)
    log("browser tests (%s, screenshots in %s)"
        % (BROWSER_TESTS, os.path.relpath(artifacts, ROOT)))
    rc = subprocess.call([TOOLS_PY, "-m", "pytest", "-p", "no:cacheprovider", "-rfEs",
                          "--junitxml=%s" % xml, BROWSER_TESTS] + list(pytest_args),
                         cwd=ROOT, env=env, stdin=subprocess.DEVNULL)
    return rc, junit_counts(xml)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--src", default=os.environ.get("ODOO18_SRC"),
                        help="the Odoo 18 core (default: $ODOO18_SRC)")
    parser.add_argument("--no-tests", action="store_true", help="install only")
    parser.add_argument("--browser-only", action="store_true",
                        help="install, then run the browser tests only (not Odoo's)")
    parser.add_argument("--no-browser", action="store_true",
                        help="run Odoo's tests only, not the browser tests")
    parser.add_argument("pytest_args", nargs="*",
                        help="extra pytest arguments of the browser tests (after --)")
    args = parser.parse_args(argv)
    if not args.src or not os.path.exists(os.path.join(args.src, "odoo-bin")):
        raise SystemExit("set ODOO18_SRC to an Odoo 18.0 core (a directory with odoo-bin)")
    src = os.path.abspath(args.src)
    os.makedirs(LOCAL, exist_ok=True)
    python = ensure_venv(src)
    sys.path.insert(0, os.path.join(ROOT, "tools"))
    import port18
    port18.build(ADDONS_OUT)
    addons = ",".join(port18.ADDONS)
    pg = pg_settings()
    conf = write_conf(src, pg)
    if psql(pg, "SELECT count(*) FROM pg_database WHERE datname = '%s'" % BASE_DB) == "0":
        log("creating %s with %s (about 2 minutes, once)" % (BASE_DB, ODOO_MODULES))
        odoo(python, src, conf, BASE_DB, "-i", ODOO_MODULES, "--log-level=warn")
        # the suite's addons are written later: forget any listed meanwhile
        psql(pg, "DELETE FROM ir_model_data WHERE model = 'ir.module.module' "
                 "AND name LIKE 'module_crm_lifecycle%'; "
                 "DELETE FROM ir_module_module WHERE name LIKE 'crm_lifecycle%'", BASE_DB)
    psql(pg, "DROP DATABASE IF EXISTS %s" % TEST_DB)
    psql(pg, "CREATE DATABASE %s TEMPLATE %s" % (TEST_DB, BASE_DB))
    log("installing %s" % addons)
    odoo(python, src, conf, TEST_DB, "-i", addons, "--log-level=warn")
    states = psql(pg, "SELECT string_agg(name || ' ' || state, ', ') FROM ir_module_module "
                      "WHERE name LIKE 'crm_lifecycle%'", TEST_DB)
    log("installed: %s" % states)
    if args.no_tests:
        return 0
    failed = errors = total = 0
    if not args.browser_only:
        failed, errors, total = odoo_tests(python, src, conf, addons)
    browser_rc, counts = 0, None
    if not args.no_browser:
        browser_rc, counts = browser_tests(python, src, conf, args.pytest_args)
    if not args.browser_only:
        log("tests on Odoo 18: %d run, %d failed, %d errors (log: %s)"
            % (total, failed, errors, os.path.relpath(os.path.join(LOCAL, "test.log"), ROOT)))
    if counts is not None:
        ran = counts["passed"] + counts["failed"] + counts["errors"]
        log("browser tests on Odoo 18: %d run, %d passed, %d failed, %d errors%s"
            % (ran, counts["passed"], counts["failed"], counts["errors"],
               ", %d skipped" % counts["skipped"] if counts["skipped"] else ""))
        if browser_rc or not ran:
            return 1
    if not args.browser_only and (failed or errors or not total):
        return 1
    return 0


def odoo_tests(python, src, conf, addons):
    """Odoo's test runner on the ported addons: (failed, errors, total)."""
    import port18
    tags = ",".join("/%s" % a for a in port18.ADDONS)
    out = odoo(python, src, conf, TEST_DB, "-u", addons, "--test-enable", "--test-tags", tags,
               "--log-level=test", check=False)
    with open(os.path.join(LOCAL, "test.log"), "w") as handle:
        handle.write(out)
    summary = re.findall(r"(\d+) failed, (\d+) error\(s\) of (\d+) tests", out)
    return tuple(map(int, summary[-1])) if summary else (0, 0, 0)


if __name__ == "__main__":
    sys.exit(main())
