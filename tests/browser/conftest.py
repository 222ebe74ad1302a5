"""Playwright fixtures: Debian's headless Chromium, one page per test that
records console errors and uncaught exceptions, and is saved as a
screenshot (failed_<test>.png in the artifacts) when its test fails."""
import os
import shutil
import tempfile

import pytest

CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]


def _chromium():
    for path in (os.environ.get("CHROMIUM"), "/usr/bin/chromium", "/usr/bin/chromium-browser"):
        if path and os.path.exists(path):
            return path
    pytest.fail("Chromium not found (Debian package chromium); tools/setup.sh installs it")


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright
    profile = tempfile.mkdtemp(prefix="crm-lifecycle-chromium-")
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=_chromium(), args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()
    shutil.rmtree(profile, ignore_errors=True)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if report.when == "call":
        item.failed_call = report.failed


@pytest.fixture
def page(browser, odoo_server, artifacts_dir, request):
    # the browser runs in the admin's time zone, as a real user's would: the
    # "This Month" filters are computed in the browser, the server's dates
    # in the user's zone, and both must agree around midnight
    admin = odoo_server.rpc("res.users", "search_read", [("login", "=", "admin")], ["tz"])[0]
    context = browser.new_context(viewport={"width": 1366, "height": 850}, locale="en-US",
                                  timezone_id=admin["tz"] or "UTC")
    page = context.new_page()
    page.console_errors = []
    page.on("console", lambda msg: msg.type == "error" and page.console_errors.append(msg.text))
    page.on("pageerror", lambda exc: page.console_errors.append("uncaught: %s" % exc))
    page.set_default_timeout(60000)
    try:
        yield page
        if getattr(request.node, "failed_call", False):
            try:
                page.screenshot(
                    path=os.path.join(artifacts_dir, "failed_%s.png" % request.node.name))
            except Exception:  # pylint: disable=broad-except
                pass  # a page that crashed: the failure itself says more
    finally:
        context.close()
