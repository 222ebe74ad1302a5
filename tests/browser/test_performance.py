"""Staff performance in headless Chromium: the leaderboard and the drill
down from a team's salesperson (the pivot opens by team then salesperson)
to a customer to its touchpoints as a manager (admin), then a salesperson
who sees only their own rows."""
import datetime

from test_smoke import assert_healthy, open_app, open_menu, shot


def login_as(page, url, login, password):
    page.goto(url + "/web/session/logout")
    page.goto(url + "/web/login")
    page.fill("input[name=login]", login)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")
    page.wait_for_selector("#oe_main_menu_navbar")
    page.add_style_tag(content=".o_tooltip { display: none !important; }")


def expand(page, header_text, field):
    """Open a closed pivot row header and group it by `field`."""
    page.locator(".o_pivot td.o_pivot_header_cell_closed:has-text('%s')" % header_text) \
        .first.click()
    page.locator(".o_pivot_field_menu li[data-field='%s'] a" % field).first.click()


def test_leaderboard_drill_down_and_own_rows(page, odoo_server, artifacts_dir):
    rpc = odoo_server.rpc
    user = {login: rpc("res.users", "search", [("login", "=", login)])[0]
            for login in ("tomas.novak", "georgi.ivanov")}
    direct = rpc("ir.model.data", "xmlid_to_res_id", "crm_lifecycle.crm_team_direct_sales_demo")
    centre = rpc("ir.model.data", "xmlid_to_res_id", "crm_lifecycle.crm_team_call_centre_demo")
    phone = rpc("crm.touchpoint.channel", "search", [("code", "=", "phone")])[0]
    mine = rpc("res.partner", "create", {"name": "Perf Browser Ltd", "customer": True,
                                         "is_company": True, "user_id": user["tomas.novak"]})
    theirs = rpc("res.partner", "create", {"name": "Perf Elsewhere Ltd", "customer": True,
                                           "is_company": True,
                                           "user_id": user["georgi.ivanov"]})
    now = datetime.datetime.utcnow().strftime("%Y-%m-%d %H:%M:%S")
    for k in range(3):
        rpc("crm.touchpoint", "create", {
            "partner_id": mine, "channel_id": phone, "direction": "outbound", "date": now,
            "user_id": user["tomas.novak"], "team_id": direct, "subject": "Perf call %d" % k})
    rpc("crm.touchpoint", "create", {
        "partner_id": theirs, "channel_id": phone, "direction": "outbound", "date": now,
        "user_id": user["georgi.ivanov"], "team_id": centre, "subject": "Other call"})
    target_id = rpc("crm.staff.target", "create", {
        "user_id": user["tomas.novak"], "measure": "contacts", "target": 6.0})
    achieved = rpc("crm.staff.target", "read", [target_id], ["actual", "achievement"])[0]
    assert achieved["actual"] >= 3, achieved

    # the manager: the leaderboard of the month, Tomas half-way
    login_as(page, odoo_server.url, "admin", "admin")
    open_app(page, "crm_lifecycle.crm_lifecycle_menu_root")
    page.wait_for_selector(".o_kanban_view")
    open_menu(page, "crm_lifecycle_analytics.crm_staff_target_menu")
    page.wait_for_selector(".o_control_panel .breadcrumb:has-text('Leaderboard')")
    page.locator(".o_list_view .o_group_header:has-text('Contacts Made')").first.click()
    target = page.locator(".o_list_view tr.o_data_row:has-text('Tomas Novak')").first
    target.wait_for()
    assert "%d" % round(achieved["achievement"]) in target.inner_text(), target.inner_text()
    assert_healthy(page, "leaderboard")
    shot(page, artifacts_dir, "40_leaderboard")

    # the pivot: team, then salesperson, then customer
    open_menu(page, "crm_lifecycle_analytics.crm_staff_performance_menu")
    try:
        page.wait_for_selector(".o_control_panel .breadcrumb:has-text('Staff Performance')")
    except Exception:
        shot(page, artifacts_dir, "41x_failure")
        raise AssertionError("no pivot: %s" % page.console_errors)
    page.locator(".o_pivot table").wait_for()
    shot(page, artifacts_dir, "41_performance_pivot_teams")
    # the pivot opens by team then salesperson: Tomas under Direct Sales
    page.locator(".o_pivot td.o_pivot_header_cell_opened:has-text('Direct Sales')").wait_for()
    expand(page, "Tomas Novak", "partner_id")
    customer = page.locator(
        ".o_pivot tbody tr:has(td.o_pivot_header_cell_closed:has-text('Perf Browser Ltd'))").first
    customer.wait_for()
    assert_healthy(page, "performance pivot")
    shot(page, artifacts_dir, "41_performance_pivot")
    # the customer's figure opens its rows, a row the customer's timeline
    customer.locator("td.o_pivot_cell_value:not(.o_empty)").first.click()
    page.wait_for_selector(".o_list_view tr.o_data_row")
    rows = page.locator(".o_list_view tr.o_data_row")
    assert rows.count() == 3, rows.count()
    rows.first.locator("button[title='Customer timeline']").click()
    page.wait_for_selector(".breadcrumb li.active:has-text('Touchpoints of')")
    page.wait_for_selector(".o_list_view tr.o_data_row")
    timeline = page.locator(".o_list_view tr.o_data_row:has-text('Perf call')")
    assert timeline.count() == 3
    shot(page, artifacts_dir, "42_performance_timeline")

    # a salesperson: only their own rows
    login_as(page, odoo_server.url, "tomas.novak", "tomas.novak")
    open_app(page, "crm_lifecycle.crm_lifecycle_menu_root")
    page.wait_for_selector(".o_kanban_view, .o_list_view")
    open_menu(page, "crm_lifecycle_analytics.crm_staff_performance_menu")
    page.wait_for_selector(".o_control_panel .breadcrumb:has-text('Staff Performance')")
    page.locator(".o_pivot table").wait_for()
    page.click(".o_cp_switch_list")
    page.wait_for_selector(".o_list_view tr.o_data_row")
    text = page.locator(".o_list_view tbody").inner_text()
    assert "Tomas Novak" in text and "Georgi Ivanov" not in text, text
    assert "Perf Elsewhere Ltd" not in text
    assert_healthy(page, "salesperson's rows")
    shot(page, artifacts_dir, "43_performance_salesperson")
    errors = odoo_server.log_errors()
    assert not errors, "server log has errors:\n%s" % "\n".join(errors[:10])
