"""Helpers of the Odoo 18 browser tests: the 18 web client (Owl) names its
navbar, menus, breadcrumbs, stat buttons and error dialogs differently from
11's, so the 11 helpers of test_smoke.py do not apply; the fixtures (the
server, the browser, the page recording console errors) are the suite's."""
import os

# every error the web client shows (server error, user error, client
# error, session expired) is a dialog with this class
ERROR_DIALOG = ".o_error_dialog"


def shot(page, artifacts_dir, name):
    page.screenshot(path=os.path.join(artifacts_dir, "%s.png" % name))


def assert_healthy(page, where):
    """No JavaScript error or uncaught exception in the console, no error
    dialog: the 18 client shows a failed RPC in a dialog and logs nothing."""
    assert not page.console_errors, "JS errors on %s: %s" % (where, page.console_errors)
    dialogs = page.locator(ERROR_DIALOG)
    assert dialogs.count() == 0, (
        "Odoo error dialog on %s: %s" % (where, dialogs.first.inner_text()))


def login(page, url, login="admin", password="admin"):
    page.goto(url + "/web/session/logout")
    # the first visit of a fresh server may answer before its frontend
    # assets are built, with an empty login card: load it again
    for attempt in range(4):
        page.goto(url + "/web/login")
        try:
            page.wait_for_selector("input[name=login]", timeout=30000)
            break
        except Exception:  # playwright's TimeoutError
            if attempt == 3:
                raise
    page.fill("input[name=login]", login)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")
    page.wait_for_selector(".o_main_navbar .o_navbar_apps_menu")
    # no onboarding tour pointers over the screens
    page.add_style_tag(content=".o_tour_pointer { display: none !important; }")


def open_app(page, xmlid):
    """Open an app from the apps menu of the navbar (18 community)."""
    page.click(".o_main_navbar .o_navbar_apps_menu button")
    page.click(".o-dropdown--menu .o_app[data-menu-xmlid='%s']" % xmlid)
    page.wait_for_selector(".o_main_navbar .o_menu_brand:not(:empty)")


def open_menu(page, section, item=None):
    """Click a top menu of the current app; with `item`, the entry of the
    dropdown the section opens."""
    page.click(".o_main_navbar .o_menu_sections [data-menu-xmlid='%s']" % section)
    if item:
        page.click(".o-dropdown--menu .dropdown-item[data-menu-xmlid='%s']" % item)


def wait_title(page, text):
    """Wait until the last breadcrumb (the current screen) reads `text`;
    fail at once on an error dialog (a view the 18 client cannot render)."""
    title = page.locator(".o_control_panel .o_breadcrumb .o_last_breadcrumb_item") \
        .filter(has_text=text)
    title.or_(page.locator(ERROR_DIALOG)).first.wait_for()
    assert_healthy(page, text)
    title.wait_for()


def open_card(page, text):
    """Search the kanban view for `text` and open the first matching card."""
    page.fill(".o_searchview_input", text)
    page.keyboard.press("Enter")
    page.locator(".o_searchview_facet:has-text('%s')" % text).wait_for()
    card = page.locator(".o_kanban_record:has-text('%s')" % text).first
    card.wait_for()
    card.click()
    page.wait_for_selector(".o_form_view .o_form_sheet")


def field_text(scope, name):
    """What the field `name` shows: its text when read-only, the value of
    its input (or the label of its selected option) when editable."""
    return scope.locator(".o_field_widget[name=%s]" % name).first.evaluate(
        """el => {
            const select = el.querySelector('select');
            if (select) { return select.selectedOptions[0].text.trim(); }
            const input = el.querySelector('input, textarea');
            return (input ? input.value : el.innerText).trim();
        }""")
