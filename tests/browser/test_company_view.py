"""Reporting > Retention and Churn and Cohorts (issue 20, item 4) in
headless Chromium: a month only this test's customers bought in shows the
buyers and the retention the test computes; the cohort matrix's total is
the average share read from the database."""
import datetime

from test_profit_risk import open_report, pivot_totals
from test_smoke import assert_healthy, shot


def test_retention_and_cohorts(page, odoo_server, artifacts_dir):
    rpc = odoo_server.rpc
    order = rpc("crm.touchpoint.channel", "search", [("code", "=", "order")])[0]
    # March 2019: two customers buy, one of them again in May (within three
    # months): 2 buyers, 1 retained, 50 % retention
    for name, days in (("Rhea Retained", ("2019-03-05", "2019-05-10")),
                       ("Carl Churned", ("2019-03-20",))):
        partner = rpc("res.partner", "create", {"name": name, "customer": True})
        for day in days:
            rpc("crm.touchpoint", "create", {
                "partner_id": partner, "kind": "purchase", "channel_id": order,
                "direction": "inbound", "amount": 80.0, "date": day + " 10:00:00"})
    rpc("crm.retention.month", "refresh")
    march = rpc("crm.retention.month", "search_read", [("month", "=", "2019-03-01")],
                ["active_customers", "retained_customers", "retention_rate"])
    assert march and (march[0]["active_customers"], march[0]["retained_customers"]) == (2, 1)

    open_report(page, odoo_server.url, "crm_retention_month_menu", "Retention and Churn")
    page.wait_for_selector(".o_graph_svg_container svg, .o_graph canvas, .o_graph_renderer")
    assert_healthy(page, "Retention and Churn graph")
    page.click(".o_cp_switch_list")
    row = page.locator(".o_list_view tr.o_data_row:has-text('03/01/2019')")
    row.wait_for()
    cells = row.locator("td").all_inner_texts()
    shot(page, artifacts_dir, "retention")
    assert "2" in cells and "1" in cells, cells
    assert "50.0" in cells and "50.0" in cells[cells.index("50.0") + 1:], cells  # retention, churn
    assert_healthy(page, "Retention and Churn list")

    # the cohort matrix: the share still buying, its total the average cell
    today = datetime.date.today()
    since = (today - datetime.timedelta(days=730)).strftime("%Y-%m-01")
    total = rpc("crm.cohort.cell", "read_group",
                [("cohort", ">=", since), ("age", "<", 12)], ["share"], [])[0]
    open_report(page, odoo_server.url, "crm_cohort_cell_menu", "Cohorts", login_first=False)
    _pivot, cells = pivot_totals(page)
    shot(page, artifacts_dir, "cohorts")
    assert abs(cells[-1] - total["share"]) < 0.051, (total, cells)
    assert_healthy(page, "Cohorts")
