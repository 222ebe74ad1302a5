"""End-to-end smoke test of the installed suite in headless Chromium.

Logs in as admin, opens Contacts and a customer's form, then the Customer
Lifecycle app and its channels. Fails on a JavaScript error in the console,
an Odoo error dialog, an unstyled page, or an ERROR line in the server log.
Screenshots go to the test artifacts folder.
"""
import os

ERROR_DIALOG = ".o_dialog_error, .o_error_detail, .modal:has-text('Odoo Server Error'), " \
               ".modal:has-text('Odoo Client Error')"


def shot(page, artifacts_dir, name):
    page.screenshot(path=os.path.join(artifacts_dir, "%s.png" % name))


def assert_healthy(page, where):
    assert not page.console_errors, "JS errors on %s: %s" % (where, page.console_errors)
    assert page.locator(ERROR_DIALOG).count() == 0, (
        "Odoo error dialog on %s: %s" % (where, page.locator(ERROR_DIALOG).first.inner_text()))


def assert_styled(page, where, sub_menu=True):
    # the backend's compiled stylesheet gives the navbar Odoo's purple and a
    # fixed height; without it (no lessc, broken bundle) both are missing
    style = page.evaluate("""() => {
        const nav = document.querySelector('#oe_main_menu_navbar');
        const cs = nav && getComputedStyle(nav);
        return cs && {bg: cs.backgroundColor, height: nav.getBoundingClientRect().height};
    }""")
    assert style, "no navbar on %s" % where
    assert style["bg"] not in ("rgba(0, 0, 0, 0)", "transparent"), (
        "unstyled page on %s: navbar background %s" % (where, style["bg"]))
    assert 25 <= style["height"] <= 60, "unstyled page on %s: navbar %s" % (where, style)
    if not sub_menu:
        return
    # the left sub-menu column is laid out beside the view, not above it
    sub = page.evaluate("""() => {
        const m = document.querySelector('.o_sub_menu');
        return m && m.getBoundingClientRect().width;
    }""")
    assert sub and 100 < sub < 400, "unstyled page on %s: sub-menu width %s" % (where, sub)


def login(page, url):
    page.goto(url + "/web/login")
    page.fill("input[name=login]", "admin")
    page.fill("input[name=password]", "admin")
    page.click("button[type=submit]")
    page.wait_for_selector("#oe_main_menu_navbar")
    # hide the first-visit tour tips so that screenshots show the screens
    page.add_style_tag(content=".o_tooltip { display: none !important; }")


def open_app(page, xmlid):
    """Click a top-level menu (Odoo 11 community: apps in the top bar)."""
    page.click("#oe_main_menu_navbar a[data-menu-xmlid='%s']" % xmlid)


def open_menu(page, xmlid):
    """Click a menu of the left column."""
    page.click(".o_sub_menu a[data-menu-xmlid='%s']" % xmlid)


def pick(page, field, text, tries=3):
    """Choose `text` in the autocomplete of the relational field `field`.

    Picking a value can start an onchange whose answer redraws the form and
    empties an input typed into meanwhile: type again until the dropdown
    offers `text`, then check that the field shows it."""
    widget = page.locator(".o_field_widget[name=%s]" % field)
    item = page.locator(".ui-autocomplete:visible li:has-text('%s')" % text).first
    for _attempt in range(tries):
        widget.locator("input").first.fill(text)
        try:
            item.wait_for(state="visible", timeout=15000)
        except Exception:  # pylint: disable=broad-except
            continue
        item.click()
        page.wait_for_function(
            """([sel, text]) => {
                const el = document.querySelector(sel);
                if (!el) { return false; }
                const input = el.querySelector('input');
                return el.innerText.includes(text) || (input && input.value.includes(text));
            }""", arg=[".o_field_widget[name=%s]" % field, text], timeout=15000)
        return
    raise AssertionError("%r is not offered by the field %s" % (text, field))


def open_card(page, text):
    """Search the kanban view for `text` and open the first matching card."""
    page.fill(".o_searchview_input", text)
    page.keyboard.press("Enter")
    card = page.locator(".o_kanban_record:has-text('%s')" % text).first
    card.wait_for()
    card.click()


def test_login_contacts_partner_form_and_lifecycle_menu(page, odoo_server, artifacts_dir):
    login(page, odoo_server.url)
    assert_styled(page, "home", sub_menu=False)
    assert_healthy(page, "home")

    # Contacts, then the form of a customer
    open_app(page, "contacts.menu_contacts")
    page.wait_for_selector(".o_kanban_view .o_kanban_record")
    shot(page, artifacts_dir, "01_contacts")
    open_card(page, "Agrolait")
    page.wait_for_selector(".o_form_view .o_field_widget[name=name]:has-text('Agrolait')")
    assert_styled(page, "partner form")
    assert_healthy(page, "partner form")
    shot(page, artifacts_dir, "02_partner_form")

    # the Customer Lifecycle app opens on its Overview: a tile per question
    # of the day, each with its count; then customers, Configuration > Channels
    open_app(page, "crm_lifecycle.crm_lifecycle_menu_root")
    page.wait_for_selector(".breadcrumb li.active:text-is('Overview')")
    tiles = page.locator(".o_kanban_view .o_lifecycle_tile")
    tiles.first.wait_for()
    names = tiles.all_inner_texts()
    for name in ("My Activities Due", "Lapsing, Nothing Planned", "Campaigns Running",
                 "Duplicates to Review", "Open Complaints", "My Portfolio"):
        assert any(name in text for text in names), (name, names)
    running = odoo_server.rpc("crm.campaign", "search_count", [("state", "=", "running")])
    tile = tiles.filter(has_text="Campaigns Running")
    assert tile.locator(".o_lifecycle_tile_count").inner_text().strip() == str(running)
    shot(page, artifacts_dir, "03_lifecycle_overview")
    tile.locator(".o_lifecycle_tile_link").click()
    page.wait_for_selector(".breadcrumb li.active:text-is('Campaigns Running')")
    assert_healthy(page, "Overview")
    open_menu(page, "crm_lifecycle.res_partner_menu_customer")
    page.wait_for_selector(".breadcrumb li.active:text-is('Customers')")
    page.wait_for_selector(".o_kanban_view .o_kanban_record")
    assert_healthy(page, "Customer Lifecycle")
    shot(page, artifacts_dir, "03_lifecycle_customers")
    open_menu(page, "crm_lifecycle.crm_touchpoint_channel_menu")
    page.wait_for_selector(".o_list_view td:has-text('Phone Call')")
    rows = page.locator(".o_list_view tbody tr.o_data_row").count()
    assert rows >= 13, "expected the 13+ channels of the data file, got %d rows" % rows
    assert_styled(page, "channels")
    assert_healthy(page, "channels")
    shot(page, artifacts_dir, "04_lifecycle_channels")

    # settings page of the suite
    open_menu(page, "crm_lifecycle.res_config_settings_menu")
    page.wait_for_selector(".app_settings_block[data-key=crm_lifecycle] "
                           "label:has-text('Capture Emails')")
    assert_healthy(page, "settings")
    shot(page, artifacts_dir, "05_lifecycle_settings")

    errors = odoo_server.log_errors()
    assert not errors, "server log has errors:\n%s" % "\n".join(errors[:10])


def test_customer_timeline_from_smart_button(page, odoo_server, artifacts_dir):
    """A customer's form shows its touchpoint count; the smart button opens
    its timeline, newest first."""
    expected = odoo_server.rpc("crm.touchpoint", "search_count",
                               [("commercial_partner_id.name", "=", "Agrolait")])
    assert expected >= 3, "the install should have made Agrolait's touchpoints"
    login(page, odoo_server.url)
    open_app(page, "crm_lifecycle.crm_lifecycle_menu_root")
    open_menu(page, "crm_lifecycle.res_partner_menu_customer")
    page.wait_for_selector(".breadcrumb li.active:text-is('Customers')")
    page.wait_for_selector(".o_kanban_view .o_kanban_record")
    open_card(page, "Agrolait")
    button = page.locator(".oe_button_box .oe_stat_button:has([name=touchpoint_count])")
    button.wait_for()
    assert str(expected) in button.inner_text()
    shot(page, artifacts_dir, "06_customer_form")

    # a complaint logged from the form's header: labelled fields, a severity
    page.click(".o_form_statusbar button:has-text('Log a Touchpoint')")
    dialog = page.locator(".modal:has(.o_field_widget[name=subject])")
    dialog.wait_for()
    labels = dialog.locator("label.o_form_label").all_inner_texts()
    for label in ("Subject", "What Was Said", "Channel"):
        assert any(text.startswith(label) for text in labels), (label, labels)
    pick(page, "channel_id", "Phone Call")
    dialog.locator(".o_field_widget[name=kind]").select_option(label="Complaint")
    dialog.locator(".o_field_widget[name=severity]").select_option(label="High")
    dialog.locator(".o_field_widget[name=subject]").fill("Delivery arrived broken")
    shot(page, artifacts_dir, "06b_log_touchpoint")
    dialog.locator(".modal-footer button:has-text('Log')").click()
    dialog.wait_for(state="detached")
    logged = odoo_server.rpc("crm.touchpoint", "search_read",
                             [("subject", "=", "Delivery arrived broken")],
                             ["kind", "severity", "commercial_partner_id"])
    assert [(t["kind"], t["severity"], t["commercial_partner_id"][1]) for t in logged] == \
        [("complaint", "high", "Agrolait")], logged
    expected += 1
    # the form's address names the record before the page is loaded again (a reload of an
    # address still without it opens a new customer)
    page.wait_for_function("() => /[#&]id=\\d+/.test(window.location.hash)", timeout=60000)
    page.reload()
    page.wait_for_selector(".breadcrumb li.active:has-text('Agrolait')", timeout=60000)
    button.wait_for()
    page.wait_for_function(
        "n => document.querySelector('.oe_button_box [name=touchpoint_count]')"
        ".innerText.includes(String(n))", arg=expected)
    button.click()
    page.wait_for_selector(".breadcrumb li.active:has-text('Touchpoints of')")
    page.wait_for_selector(".o_list_view tr.o_data_row")
    rows = page.locator(".o_list_view tr.o_data_row")
    assert rows.count() == min(expected, 80)
    dates = [rows.nth(i).locator("td").nth(1).inner_text() for i in range(rows.count())]
    assert all(d for d in dates)
    assert_healthy(page, "timeline")
    assert_styled(page, "timeline")
    shot(page, artifacts_dir, "07_customer_timeline")
