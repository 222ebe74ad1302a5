"""Reporting > Profit x Risk (issue 20, item 2) in headless Chromium: the
most profitable tenth of the customers against their lapse risk, its count
and profit as the test reads them from the database; a click on the cell
opens those customers, a customer's row their timeline."""
import datetime
import re

from test_smoke import assert_healthy, login, open_app, open_menu, shot

NAME = "Petra Profit-Risk"


def numbers(texts):
    """The numbers of the pivot's cells (thousands separators dropped; an
    empty cell is None)."""
    found = []
    for text in texts:
        text = re.sub(r"[^\d.\-]", "", text.replace(",", ""))
        found.append(float(text) if text not in ("", "-", ".") else None)
    return found


def open_report(page, url, menu, title, login_first=True, module="crm_lifecycle_analytics"):
    """Log in (unless already), open the lifecycle app, then the report of
    the menu `menu` (an xmlid of `module`) titled `title`."""
    if login_first:
        login(page, url)
        open_app(page, "crm_lifecycle.crm_lifecycle_menu_root")
        page.wait_for_selector(".o_kanban_view, .o_list_view")
    open_menu(page, "%s.%s" % (module, menu))
    page.wait_for_selector(".o_control_panel .breadcrumb:has-text('%s')" % title)


def pivot_totals(page):
    """The pivot's table, once its cells are drawn, and the numbers of its
    first row (the totals)."""
    pivot = page.locator(".o_pivot table")
    pivot.wait_for()
    page.wait_for_selector(".o_pivot td.o_pivot_cell_value")
    return pivot, numbers(pivot.locator("tbody tr").first.locator(
        "td.o_pivot_cell_value").all_inner_texts())


def test_profit_deciles_by_lapse_risk(page, odoo_server, artifacts_dir):
    rpc = odoo_server.rpc
    order = rpc("crm.touchpoint.channel", "search", [("code", "=", "order")])[0]
    today = datetime.date.today()
    # a customer worth far more than any other: the top tenth by profit
    partner = rpc("res.partner", "create", {"name": NAME, "customer": True})
    for days_ago in (200, 100, 20):
        rpc("crm.touchpoint", "create", {
            "partner_id": partner, "kind": "purchase", "channel_id": order,
            "direction": "inbound", "amount": 987654.0,
            "date": (today - datetime.timedelta(days=days_ago)).strftime("%Y-%m-%d 10:00:00")})
    rpc("crm.customer.metrics", "compute_metrics")
    mine = rpc("crm.customer.metrics", "search_read", [("partner_id", "=", partner)],
               ["profit_decile", "lapse_band", "standing", "purchase_count", "profit"])
    assert mine and mine[0]["profit_decile"] == 1, mine
    mine = mine[0]
    top = rpc("crm.customer.metrics", "read_group",
              [("purchase_count", ">", 0), ("profit_decile", "=", 1)],
              ["profit", "clv", "profit_decile"], ["profit_decile"])
    assert top, rpc("crm.customer.metrics", "read_group", [], ["profit_decile"],
                    ["profit_decile"])
    top = top[0]

    open_report(page, odoo_server.url, "crm_customer_metrics_menu_profit_risk", "Profit x Risk")
    pivot, _totals = pivot_totals(page)
    headers = pivot.locator("thead").inner_text()
    for label in ("Profit", "Predicted Value", "Count"):
        assert label.lower() in headers.lower(), headers
    row = pivot.locator("tbody tr").filter(
        has=page.locator("td.o_pivot_header_cell_closed", has_text=re.compile(r"^\s*1\s*$")))
    row.first.wait_for()
    cells = numbers(row.first.locator("td.o_pivot_cell_value").all_inner_texts())
    shot(page, artifacts_dir, "profit_risk")
    # the row's totals (the last three cells: profit, predicted value, count)
    assert cells[-3] == round(top["profit"], 2), (top, cells)
    if top.get("clv"):
        assert cells[-2] == round(top["clv"], 2), (top, cells)
    assert cells[-1] == top["profit_decile_count"], (top, cells)
    assert_healthy(page, "Profit x Risk")

    # the decile's customers, then the top customer's timeline
    row.first.locator("td.o_pivot_cell_value").last.click()
    page.wait_for_selector(".o_list_view tr.o_data_row")
    customer = page.locator(".o_list_view tr.o_data_row:has-text('%s')" % NAME)
    customer.wait_for()
    pager = page.locator(".o_pager_value").inner_text()
    assert pager.endswith("-%d" % top["profit_decile_count"]) or \
        pager.endswith(str(top["profit_decile_count"])), pager
    labels = dict(rpc("crm.customer.metrics", "fields_get", ["standing"])
                  ["standing"]["selection"])
    if mine["standing"]:
        assert labels[mine["standing"]] in customer.inner_text(), customer.inner_text()
    assert_healthy(page, "the decile's customers")
    customer.locator("button[title='Customer Timeline']").click()
    page.wait_for_selector(".o_control_panel .breadcrumb:has-text('%s')" % NAME)
    page.wait_for_selector(".o_list_view tr.o_data_row, .o_kanban_record, .o_timeline")
    assert_healthy(page, "the customer's timeline")


def test_channel_shift_totals(page, odoo_server, artifacts_dir):
    """Reporting > Channel Shift (issue 20, item 3): the unprofitable and
    low-margin customers' profit today and if shifted, as read_group sums
    them, in the pivot's total row."""
    rpc = odoo_server.rpc
    phone = rpc("crm.touchpoint.channel", "search", [("code", "=", "phone")])[0]
    today = datetime.date.today()
    partner = rpc("res.partner", "create", {"name": "Sam Shift-Calls", "customer": True,
                                            "email": "sam@shift-calls.example"})
    for days_ago in (9, 6, 3):
        rpc("crm.touchpoint", "create", {
            "partner_id": partner, "kind": "contact", "channel_id": phone,
            "direction": "outbound",
            "date": (today - datetime.timedelta(days=days_ago)).strftime("%Y-%m-%d 10:00:00")})
    rpc("crm.customer.metrics", "compute_metrics")
    mine = rpc("crm.customer.metrics", "search_read", [("partner_id", "=", partner)],
               ["shift_gain", "shift_channel_id", "profit"])[0]
    assert mine["shift_gain"] > 0 and mine["shift_channel_id"], mine
    low_margin = ["|", ("profit", "<", 0), ("profit_decile", ">=", 8)]
    total = rpc("crm.customer.metrics", "read_group", low_margin,
                ["profit", "shift_profit", "shift_gain"], [])[0]

    open_report(page, odoo_server.url, "crm_customer_metrics_menu_channel_shift",
                "Channel Shift")
    pivot, cells = pivot_totals(page)
    headers = pivot.locator("thead").inner_text()
    for label in ("Profit if Shifted", "Gain from Shifting", "Reachable Cheaper"):
        assert label.lower() in headers.lower(), headers
    shot(page, artifacts_dir, "channel_shift")
    # profit, profit if shifted, gain, share reachable, count
    assert cells[0] == round(total["profit"], 2), (total, cells)
    assert cells[1] == round(total["shift_profit"], 2), (total, cells)
    assert cells[2] == round(total["shift_gain"], 2), (total, cells)
    assert cells[-1] == total["__count"], (total, cells)
    assert_healthy(page, "Channel Shift")
