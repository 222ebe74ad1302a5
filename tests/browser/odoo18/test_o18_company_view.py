"""The money and company-view reports of issue 20 on the Odoo 18 web client,
on the demo data: Profit x Risk, Retention and Churn, Cohorts and the Value
Ledger, each checked against a figure the test reads from the database."""
import datetime

from test_profit_risk import numbers
from web18 import assert_healthy, login, open_app, open_menu, shot, wait_title

REPORTING = "crm_lifecycle.crm_lifecycle_menu_reporting"


def open_report(page, url, menu, title, first=True):
    if first:
        login(page, url)
        open_app(page, "crm_lifecycle.crm_lifecycle_menu_root")
        wait_title(page, "Overview")
    open_menu(page, REPORTING, "crm_lifecycle_analytics.%s" % menu)
    wait_title(page, title)


def pivot_total_row(page):
    page.locator(".o_pivot table").wait_for()
    page.locator(".o_pivot tbody td.o_pivot_cell_value").first.wait_for()
    total = page.locator(".o_pivot tbody tr").first
    return numbers(total.locator("td.o_pivot_cell_value").all_inner_texts())


def test_profit_risk_and_company_view(page, odoo_server, artifacts_dir):
    rpc = odoo_server.rpc
    # a customer of this test who bought three times this year, then the
    # nightly figures and the company view
    order = rpc("crm.touchpoint.channel", "search", [("code", "=", "order")])[0]
    partner = rpc("res.partner", "create", {"name": "Olga Orders-18", "customer_rank": 1})
    today = datetime.date.today()
    for days_ago in (120, 60, 10):
        rpc("crm.touchpoint", "create", {
            "partner_id": partner, "kind": "purchase", "channel_id": order,
            "direction": "inbound", "amount": 250.0,
            "date": (today - datetime.timedelta(days=days_ago)).strftime("%Y-%m-%d 10:00:00")})
    rpc("crm.customer.metrics", "compute_metrics")
    rpc("crm.customer.snapshot", "take_snapshot")
    rpc("crm.retention.month", "refresh")
    buyers = rpc("crm.customer.metrics", "search_count", [("purchase_count", ">", 0)])
    assert buyers, "the demo data should have customers with purchases"

    # Profit x Risk: the total row's count is the number of buyers
    open_report(page, odoo_server.url, "crm_customer_metrics_menu_profit_risk", "Profit x Risk")
    page.locator(".o_searchview_facet").filter(has_text="With Purchases").wait_for()
    cells = pivot_total_row(page)
    # the total column's measures are the last three (18 puts Count first)
    measures = [m.strip() for m in
                page.locator(".o_pivot thead th.o_pivot_measure_row").all_inner_texts()][-3:]
    assert cells[len(cells) - 3 + measures.index("Count")] == buyers, (measures, cells, buyers)
    shot(page, artifacts_dir, "o18_10_profit_risk")
    assert_healthy(page, "Profit x Risk")

    # Retention and Churn: the latest month with buyers, in the list
    month = rpc("crm.retention.month", "search_read", [("active_customers", ">", 0)],
                ["month", "active_customers", "retained_customers"], limit=1,
                order="month desc")[0]
    day = datetime.datetime.strptime(month["month"], "%Y-%m-%d").strftime("%m/%d/%Y")
    open_report(page, odoo_server.url, "crm_retention_month_menu", "Retention and Churn",
                first=False)
    page.locator(".o_graph_renderer canvas").wait_for()
    page.click(".o_switch_view.o_list")
    row = page.locator(".o_list_view .o_data_row").filter(has_text=day).first
    row.wait_for()
    active = row.locator("td[name=active_customers]").inner_text().strip()
    assert active.replace(",", "") == str(month["active_customers"]), (active, month)
    shot(page, artifacts_dir, "o18_11_retention")
    assert_healthy(page, "Retention and Churn")

    # Cohorts: the pivot's total is the average share of its default filters
    since = (today - datetime.timedelta(days=730)).strftime("%Y-%m-01")
    total = rpc("crm.cohort.cell", "read_group",
                [("cohort", ">=", since), ("age", "<", 12)], ["share:avg"], [])[0]
    open_report(page, odoo_server.url, "crm_cohort_cell_menu", "Cohorts", first=False)
    cells = pivot_total_row(page)
    assert abs(cells[-1] - total["share"]) < 0.051, (cells, total)
    shot(page, artifacts_dir, "o18_12_cohorts")
    assert_healthy(page, "Cohorts")

    # Value Ledger: this month's closing value, in the list
    this_month = today.replace(day=1).isoformat()
    closing = rpc("crm.value.ledger", "search_read",
                  [("month", "=", this_month), ("part", "=", "closing")], ["amount"])
    open_report(page, odoo_server.url, "crm_value_ledger_menu", "Value Ledger", first=False)
    page.locator(".o_searchview_facet").filter(has_text="This Month").wait_for()
    page.click(".o_switch_view.o_list")
    if closing:
        row = page.locator(".o_list_view .o_data_row").filter(has_text="Closing Value").first
        row.wait_for()
        shown = numbers([row.locator("td[name=amount]").inner_text()])[0]
        assert abs(shown - sum(c["amount"] for c in closing)) < 0.01, (shown, closing)
    shot(page, artifacts_dir, "o18_13_value_ledger")
    assert_healthy(page, "Value Ledger")
