"""A customer's Lifecycle tab and the R x F pivot, in headless Chromium, as
a manager (admin), after a recompute of the metrics."""
import datetime

from test_smoke import assert_healthy, login, open_app, open_card, open_menu, shot


def test_lifecycle_tab_and_rf_pivot(page, odoo_server, artifacts_dir):
    rpc = odoo_server.rpc
    order = rpc("crm.touchpoint.channel", "search", [("code", "=", "order")])[0]
    phone = rpc("crm.touchpoint.channel", "search", [("code", "=", "phone")])[0]
    today = datetime.date.today()

    def day(days_ago):
        return (today - datetime.timedelta(days=days_ago)).strftime("%Y-%m-%d 10:00:00")
    customer = rpc("res.partner", "create", {"name": "Ophelia Lifecycle-Tab",
                                             "customer": True})
    # purchases 300, 200, 100 and 3 days ago, a return, and a call
    for days_ago, amount in [(300, 120.0), (200, 80.0), (100, 150.0), (3, 95.5), (2, -20.0)]:
        rpc("crm.touchpoint", "create", {
            "partner_id": customer, "date": day(days_ago), "kind": "purchase",
            "channel_id": order, "direction": "inbound", "amount": amount})
    rpc("crm.touchpoint", "create", {"partner_id": customer, "date": day(1),
                                     "channel_id": phone, "direction": "inbound",
                                     "subject": "Asked about the new releases"})
    rpc("crm.customer.metrics", "compute_metrics")
    row = rpc("crm.customer.metrics", "search_read", [("partner_id", "=", customer)],
              ["revenue", "purchase_count", "rfm_segment", "preferred_channel_id"])[0]
    assert row["revenue"] == 425.5 and row["purchase_count"] == 4
    assert row["rfm_segment"]

    login(page, odoo_server.url)
    # the customer's form, Lifecycle tab: the metrics row of the company
    open_app(page, "contacts.menu_contacts")
    page.wait_for_selector(".o_kanban_view .o_kanban_record")
    open_card(page, "Ophelia")
    page.wait_for_selector(".o_form_view .o_field_widget[name=name]:has-text('Ophelia')")
    page.click(".o_notebook a[role=tab]:has-text('Lifecycle'), "
               ".o_notebook .nav-tabs a:has-text('Lifecycle')")
    metrics = page.locator(".o_field_widget[name=lifecycle_metrics_ids] tr.o_data_row").first
    metrics.wait_for()
    text = metrics.inner_text()
    assert "425.50" in text, text
    assert row["preferred_channel_id"][1] in text, text
    # the segment by its label, not its code
    labels = dict(rpc("crm.customer.metrics", "fields_get", ["rfm_segment"])
                  ["rfm_segment"]["selection"])
    assert labels[row["rfm_segment"]] in text, text
    assert_healthy(page, "Lifecycle tab")
    shot(page, artifacts_dir, "20_lifecycle_tab")

    # Reporting > Customer Metrics, pivot: recency scores down, frequency across
    open_app(page, "crm_lifecycle.crm_lifecycle_menu_root")
    page.wait_for_selector(".o_kanban_view, .o_list_view")
    open_menu(page, "crm_lifecycle_analytics.crm_customer_metrics_menu")
    page.wait_for_selector(".o_list_view tr.o_data_row")
    page.click(".o_cp_switch_pivot")
    pivot = page.locator(".o_pivot table")
    pivot.wait_for()
    page.wait_for_selector(".o_pivot th.o_pivot_header_cell_closed, "
                           ".o_pivot th.o_pivot_header_cell_opened")
    headers = pivot.locator("thead").inner_text()
    body = pivot.locator("tbody").inner_text()
    assert "Revenue" in headers, headers
    # row groups are the R scores 1..5 present, columns the F scores
    assert any(str(score) in body for score in range(1, 6)), body
    assert_healthy(page, "R x F pivot")
    shot(page, artifacts_dir, "21_rf_pivot")

    # Reporting > Segment Migration, after this month's snapshot: from
    # segment down, to segment across, the customer counted
    rpc("crm.customer.snapshot", "take_snapshot")
    segment_label = labels[row["rfm_segment"]]
    open_menu(page, "crm_lifecycle_analytics.crm_customer_snapshot_menu_migration")
    page.wait_for_selector(".o_control_panel .breadcrumb:has-text('Segment Migration')")
    pivot = page.locator(".o_pivot table")
    pivot.wait_for()
    page.wait_for_selector(".o_pivot th.o_pivot_header_cell_closed, "
                           ".o_pivot th.o_pivot_header_cell_opened")
    headers = pivot.locator("thead").inner_text()
    body = pivot.locator("tbody").inner_text()
    assert "Count" in headers and "Predicted Value" in headers, headers
    # the customer's segment is a column; first snapshot: no earlier segment
    assert segment_label in headers, headers
    assert "No Earlier Segment" in body, body
    assert_healthy(page, "segment migration pivot")
    shot(page, artifacts_dir, "22_segment_migration")
