"""crm_lifecycle_analytics on the Odoo 18 web client: the Staff Performance
pivot and the Lapsing Customers worklist, with a call scheduled from a row."""
from test_worklist import make_lapsed as make_lapsed_11
from web18 import assert_healthy, field_text, login, open_app, open_menu, shot, wait_title

PERIOD = [("this_quarter", "=", True)]


def test_staff_performance_pivot(page, odoo_server, artifacts_dir):
    rpc = odoo_server.rpc
    groups = rpc("crm.staff.performance", "read_group", PERIOD,
                 ["outbound_count:sum", "inbound_count:sum"], ["team_id"], lazy=False)
    made = sum(g["outbound_count"] or 0 for g in groups)
    handled = sum(g["inbound_count"] or 0 for g in groups)
    teams = [g["team_id"][1] for g in groups if g["team_id"]
             and (g["outbound_count"] or g["inbound_count"])]
    assert made and teams, "the demo data should have this quarter's contacts: %s" % groups

    login(page, odoo_server.url)
    open_app(page, "crm_lifecycle.crm_lifecycle_menu_root")
    wait_title(page, "Overview")
    open_menu(page, "crm_lifecycle_analytics.crm_lifecycle_menu_performance",
              "crm_lifecycle_analytics.crm_staff_performance_menu")
    wait_title(page, "Staff Performance")
    pivot = page.locator(".o_pivot table")
    pivot.wait_for()
    page.locator(".o_searchview_facet").filter(has_text="This Quarter").wait_for()
    # two measures, no Count; rows by team, then salesperson
    measures = [m.strip() for m in
                page.locator(".o_pivot thead th.o_pivot_measure_row").all_inner_texts()]
    assert measures == ["Contacts Made", "Contacts Handled"], measures
    total = page.locator(".o_pivot tbody tr").first
    assert total.locator("th").inner_text().strip() == "Total"
    cells = [c.strip() for c in total.locator("td").all_inner_texts()]
    assert cells == [str(made), str(handled)], (cells, made, handled)
    headers = [h.strip() for h in page.locator(".o_pivot tbody th").all_inner_texts()]
    for team in teams:
        assert team in headers, (team, headers)
    opened = page.locator(".o_pivot tbody th.o_pivot_header_cell_opened").all_inner_texts()
    assert len(opened) > len(teams), ("teams are opened on their salespeople", opened)
    shot(page, artifacts_dir, "o18_07_staff_performance")
    assert_healthy(page, "Staff Performance")


def make_lapsed(rpc, name, user_id, value):
    """A customer who bought long ago, its metrics made lapsed and valuable
    (the 11 test's helper, with 18's customer rank)."""
    return make_lapsed_11(rpc, name, user_id, value, customer_vals={"customer_rank": 1})


def test_lapsing_customers_worklist(page, odoo_server, artifacts_dir):
    rpc = odoo_server.rpc
    demo = rpc("res.users", "search", [("login", "=", "demo")])[0]
    demo_name = rpc("res.users", "read", [demo], ["name"])[0]["name"]
    customers = [make_lapsed(rpc, "Wanda Lapsed-18", demo, 990001.0),
                 make_lapsed(rpc, "Walter Lapsed-18", False, 990000.0)]
    rpc("crm.customer.metrics", "compute_metrics")
    for partner, value in customers:
        rows = rpc("crm.customer.metrics", "search", [("partner_id", "=", partner)])
        assert rows, "no metrics for %s" % partner
        rpc("crm.customer.metrics", "write", rows,
            {"lapse_band": "lapsed", "clv": value, "value_tier": "high"})
    wanda = customers[0][0]
    expected = rpc("crm.customer.metrics", "search_count",
                   [("lapse_band", "in", ("at_risk", "lapsed")),
                    ("next_activity_date", "=", False)])

    login(page, odoo_server.url)
    open_app(page, "crm_lifecycle.crm_lifecycle_menu_root")
    wait_title(page, "Overview")
    open_menu(page, "crm_lifecycle.crm_lifecycle_menu_customers",
              "crm_lifecycle_analytics.crm_customer_metrics_menu_lapsing")
    wait_title(page, "Lapsing Customers")
    page.locator(".o_searchview_facet").filter(has_text="Nothing Planned").wait_for()
    rows = page.locator(".o_list_view .o_data_row")
    row = rows.filter(has_text="Wanda Lapsed-18")
    row.wait_for()
    assert rows.count() == expected, (rows.count(), expected)
    headers = page.locator(".o_list_view thead").inner_text()
    for column in ("Customer", "Phone", "Salesperson", "Value Tier", "Predicted Value",
                   "Lapse Risk", "Last Contact", "Next Activity"):
        assert column in headers, headers
    # the currency is read for the amounts, not shown as a column
    assert "Currency" not in headers, headers
    assert row.locator("td[name=salesperson_id]").inner_text().strip() == demo_name
    assert row.locator("td[name=lapse_band]").inner_text().strip() == "Lapsed"
    # the most valuable first
    assert "Wanda Lapsed-18" in rows.first.inner_text(), rows.first.inner_text()
    shot(page, artifacts_dir, "o18_08_lapsing_customers")
    assert_healthy(page, "Lapsing Customers")

    # a row's Schedule a Call: Odoo's activity dialog, a call for the
    # customer's salesperson; then the customer has something planned
    row.locator("button[name=action_schedule_call]").click()
    dialog = page.locator(".modal:has(.o_field_widget[name=activity_type_id])")
    dialog.wait_for()
    assert field_text(dialog, "activity_type_id") == "Call"
    assert field_text(dialog, "user_id") == demo_name
    shot(page, artifacts_dir, "o18_09_schedule_call")
    dialog.locator(".modal-footer button[name=action_close_dialog]:visible").first.click()
    dialog.wait_for(state="detached")
    row.wait_for(state="detached")
    call = rpc("ir.model.data", "search_read", [("module", "=", "mail"),
                                                ("name", "=", "mail_activity_data_call")],
               ["res_id"])[0]["res_id"]
    activities = rpc("mail.activity", "search_read",
                     [("res_model", "=", "res.partner"), ("res_id", "=", wanda)],
                     ["activity_type_id", "user_id"])
    assert [(a["activity_type_id"][0], a["user_id"][0]) for a in activities] == [(call, demo)]
    assert_healthy(page, "Lapsing Customers, call scheduled")
