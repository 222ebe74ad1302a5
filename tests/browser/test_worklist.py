"""The lapsing-customers worklist acts (issue 18, item 5): a salesperson's
lapsed customer is shown with its salesperson, last contact and next
activity, a call is scheduled from its row in Odoo's own activity dialog,
then calls for several picked rows at once (headless Chromium, as admin)."""
import datetime

from test_smoke import assert_healthy, login, open_app, open_menu, shot


def make_lapsed(rpc, name, user_id, value, customer_vals=None):
    """A customer who bought long ago, its metrics made lapsed and valuable
    (written as a manager: the model's own verdict depends on the data).
    customer_vals: what makes a partner a customer (11: the flag; the 18
    tests give a customer rank)."""
    order = rpc("crm.touchpoint.channel", "search", [("code", "=", "order")])[0]
    partner = rpc("res.partner", "create", dict(
        customer_vals or {"customer": True}, name=name, user_id=user_id,
        phone="+40 21 312 0000"))
    old = datetime.date.today() - datetime.timedelta(days=400)
    for days in (0, 30, 60):
        rpc("crm.touchpoint", "create", {
            "partner_id": partner, "kind": "purchase", "channel_id": order,
            "direction": "inbound", "amount": 250.0,
            "date": (old - datetime.timedelta(days=days)).strftime("%Y-%m-%d 10:00:00")})
    return partner, value


def test_schedule_calls_from_the_lapsing_list(page, odoo_server, artifacts_dir):
    rpc = odoo_server.rpc
    demo = rpc("ir.model.data", "xmlid_to_res_id", "base.user_demo")
    demo_name = rpc("res.users", "read", [demo], ["name"])[0]["name"]
    customers = [make_lapsed(rpc, "Wanda Worklist-Lapsed", demo, 990001.0),
                 make_lapsed(rpc, "Walter Worklist-Lapsed", demo, 990000.0),
                 make_lapsed(rpc, "Wilma Worklist-Lapsed", False, 989999.0)]
    rpc("crm.customer.metrics", "compute_metrics")
    for partner, value in customers:
        rows = rpc("crm.customer.metrics", "search", [("partner_id", "=", partner)])
        rpc("crm.customer.metrics", "write", rows,
            {"lapse_band": "lapsed", "clv": value, "value_tier": "high"})
    wanda, walter, wilma = (p for p, _v in customers)

    login(page, odoo_server.url)
    open_app(page, "crm_lifecycle.crm_lifecycle_menu_root")
    page.wait_for_selector(".o_kanban_view")
    open_menu(page, "crm_lifecycle_analytics.crm_customer_metrics_menu_lapsing")
    page.wait_for_selector(".o_control_panel .breadcrumb:has-text('Lapsing Customers')")
    row = page.locator(".o_list_view tr.o_data_row:has-text('Wanda Worklist-Lapsed')")
    row.wait_for()
    headers = page.locator(".o_list_view thead").inner_text()
    for column in ("Salesperson", "Last Contact", "Next Activity", "Phone"):
        assert column in headers, headers
    assert demo_name in row.inner_text()
    shot(page, artifacts_dir, "50_lapsing_list")

    # one row: Odoo's activity dialog, a call for the customer's salesperson
    row.locator("button[title='Schedule a Call']").click()
    dialog = page.locator(".modal:has(.o_field_widget[name=activity_type_id])")
    dialog.wait_for()
    assert "Call" in dialog.locator(".o_field_widget[name=activity_type_id] input").input_value()
    assert demo_name in dialog.locator(".o_field_widget[name=user_id] input").input_value()
    shot(page, artifacts_dir, "51_schedule_call")
    dialog.locator(".modal-footer button[name=action_close_dialog]").click()
    dialog.wait_for(state="detached")
    # planned: the list of customers with nothing planned no longer shows it
    row.wait_for(state="detached", timeout=30000)
    call = rpc("ir.model.data", "xmlid_to_res_id", "mail.mail_activity_data_call")
    activities = rpc("mail.activity", "search_read",
                     [("res_model", "=", "res.partner"), ("res_id", "=", wanda)],
                     ["activity_type_id", "user_id"])
    assert [(a["activity_type_id"][0], a["user_id"][0]) for a in activities] == [(call, demo)]

    # several rows: pick them, Action > Schedule Activities
    for name in ("Walter Worklist-Lapsed", "Wilma Worklist-Lapsed"):
        page.locator(".o_list_view tr.o_data_row:has-text('%s') .o_list_record_selector input"
                     % name).check()
    page.click(".o_cp_sidebar .o_dropdown_toggler_btn:has-text('Action'), "
               ".o_cp_sidebar button:has-text('Action')")
    page.click(".o_cp_sidebar a:has-text('Schedule Activities')")
    wizard = page.locator(".modal:has(.o_field_widget[name=assign_to])")
    wizard.wait_for()
    assert wizard.locator(".o_field_widget[name=customer_count]").inner_text().strip() == "2"
    wizard.locator(".modal-footer button:has-text('Schedule')").click()
    page.locator(".modal:has-text('2 activities scheduled.')").wait_for(timeout=30000)
    shot(page, artifacts_dir, "52_calls_scheduled")
    page.click(".modal-footer button:has-text('Close')")
    owners = {a["res_id"]: a["user_id"][0] for a in rpc(
        "mail.activity", "search_read",
        [("res_model", "=", "res.partner"), ("res_id", "in", [walter, wilma])],
        ["res_id", "user_id"])}
    admin = rpc("ir.model.data", "xmlid_to_res_id", "base.user_root")
    # Walter's salesperson; Wilma has none: the user who scheduled
    assert owners == {walter: demo, wilma: admin}, owners
    assert_healthy(page, "lapsing customers worklist")
