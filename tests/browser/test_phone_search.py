"""A call-centre agent finds the caller by typing the number the switchboard
shows, in three formats, in the Customers search box; then the caller's
touchpoints the same way (headless Chromium, as admin)."""
from test_smoke import assert_healthy, login, open_app, open_menu, shot

NUMBERS = ("+32 9 555 44 33", "0032 9 5554433", "+3295554433")


def clear_facets(page):
    for _i in range(page.locator(".o_searchview .o_facet_remove").count()):
        page.locator(".o_searchview .o_facet_remove").first.click()


def search_for(page, text):
    """Clear the search box's facets, type `text` and press Enter."""
    clear_facets(page)
    box = page.locator(".o_searchview_input")
    box.click()
    box.type(text, delay=20)
    page.locator(".o_searchview_autocomplete li").first.wait_for()
    box.press("Enter")
    page.locator(".o_searchview .o_searchview_facet").first.wait_for()


def test_find_a_caller_by_phone(page, odoo_server, artifacts_dir):
    rpc = odoo_server.rpc
    belgium = rpc("res.country", "search", [("code", "=", "BE")])[0]
    caller = rpc("res.partner", "create", {
        "name": "Caller Finder NV", "is_company": True, "customer": True,
        "phone": "+32 9 555 44 33", "city": "Ghent", "country_id": belgium})
    phone = rpc("crm.touchpoint.channel", "search", [("code", "=", "phone")])[0]
    rpc("crm.touchpoint", "create", {"partner_id": caller, "channel_id": phone,
                                     "subject": "Caller asked for a quote"})

    login(page, odoo_server.url)
    open_app(page, "crm_lifecycle.crm_lifecycle_menu_root")
    open_menu(page, "crm_lifecycle.res_partner_menu_customer")
    page.wait_for_selector(".breadcrumb li.active:text-is('Customers')")
    page.wait_for_selector(".o_kanban_view")
    cards = page.locator(".o_kanban_view .o_kanban_record:not(.o_kanban_ghost)")
    for typed in NUMBERS:
        search_for(page, typed)
        page.locator(".o_kanban_record:has-text('Caller Finder NV')").wait_for()
        page.wait_for_function(
            "() => document.querySelectorAll("
            "'.o_kanban_view .o_kanban_record:not(.o_kanban_ghost)').length === 1")
        assert cards.count() == 1, (typed, cards.all_inner_texts())
    assert_healthy(page, "customers found by phone")
    shot(page, artifacts_dir, "40_customer_by_phone")

    open_menu(page, "crm_lifecycle.crm_touchpoint_menu")
    page.wait_for_selector(".o_list_view")
    # the box offers the Phone Number field: pick it
    clear_facets(page)
    page.locator(".o_searchview_input").click()
    page.locator(".o_searchview_input").type("0032 9 555 44 33", delay=20)
    page.locator(".o_searchview_autocomplete li:has-text('Phone Number')").first.click()
    page.locator(".o_searchview .o_searchview_facet:has-text('Phone Number')").wait_for()
    page.wait_for_function(
        "() => document.querySelectorAll('.o_list_view tr.o_data_row').length === 1")
    rows = page.locator(".o_list_view tr.o_data_row")
    assert "Caller asked for a quote" in rows.first.inner_text()
    assert rows.count() == 1, rows.all_inner_texts()
    assert_healthy(page, "touchpoints found by phone")
    shot(page, artifacts_dir, "41_touchpoints_by_phone")
