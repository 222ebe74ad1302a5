"""Next Calls (issue 23, item 7) in headless Chromium, as admin: a letter
campaign measured by its control group and closed gives the uplift of its
segment; the salesperson's customers of that segment are listed, the most
valuable first, with the best channel, the expected gain and how sure; a
call is scheduled from one row and a call logged from another, which leaves
today's list."""
import datetime
import re

from test_smoke import assert_healthy, login, open_app, open_menu, shot

PREFIX = "Nora NextCall"
COUNT = 40


def test_next_calls_rank_schedule_and_log(page, odoo_server, artifacts_dir):
    rpc = odoo_server.rpc
    admin = rpc("res.users", "search", [("login", "=", "admin")])[0]
    order = rpc("crm.touchpoint.channel", "search", [("code", "=", "order")])[0]
    letter = rpc("crm.touchpoint.channel", "search", [("code", "=", "letter")])[0]
    recent = datetime.date.today() - datetime.timedelta(days=20)
    customers = []
    for i in range(COUNT):
        partner = rpc("res.partner", "create", {
            "name": "%s %02d" % (PREFIX, i), "customer": True, "is_company": True,
            "user_id": admin, "street": "Rue %d" % i, "city": "Namur"})
        rpc("crm.touchpoint", "create", {
            "partner_id": partner, "kind": "purchase", "channel_id": order,
            "direction": "inbound", "amount": 120.0,
            "date": recent.strftime("%Y-%m-%d 10:00:00")})
        customers.append(partner)
    segment = rpc("crm.segment", "create", {
        "name": "Next calls browser segment", "kind": "static",
        "partner_ids": [(6, 0, customers)]})
    # a letter campaign to the segment (planning refreshes its members), a quarter held
    # out; the target members answer
    campaign = rpc("crm.campaign", "create", {
        "name": "Next calls browser letters", "segment_ids": [(6, 0, [segment])],
        "channel_id": letter, "objective": "retention", "holdout_percent": 25.0, "seed": 5})
    rpc("crm.campaign", "action_plan", [campaign])
    rpc("crm.campaign", "action_launch", [campaign])
    targets = rpc("crm.campaign.member", "search_read", [
        ("campaign_id", "=", campaign), ("split_group", "=", "target")], ["partner_id"])
    now = datetime.datetime.utcnow().strftime("%Y-%m-%d %H:%M:%S")
    for member in targets[: len(targets) // 2]:
        rpc("crm.touchpoint", "create", {
            "partner_id": member["partner_id"][0], "kind": "contact", "channel_id": letter,
            "direction": "inbound", "date": now})
    rpc("crm.campaign", "action_done", [campaign])
    uplift = rpc("crm.campaign.uplift", "search_read", [
        ("segment_id", "=", segment), ("channel_id", "=", letter)], ["uplift"])
    assert uplift and uplift[0]["uplift"] > 0, uplift
    # the customers' predicted figures, made known: the higher the number, the more valuable
    rpc("crm.customer.metrics", "compute_metrics")
    for i, partner in enumerate(customers):
        rows = rpc("crm.customer.metrics", "search", [("partner_id", "=", partner)])
        rpc("crm.customer.metrics", "write", rows, {"clv": 5000.0 + 100.0 * i, "p_alive": 0.9})

    login(page, odoo_server.url)
    open_app(page, "crm_lifecycle.crm_lifecycle_menu_root")
    open_menu(page, "crm_lifecycle_analytics.crm_next_call_menu")
    page.wait_for_selector(".o_control_panel .breadcrumb:has-text('Next Calls')")
    page.locator(".o_list_view tr.o_data_row:has-text('%s')" % PREFIX).first.wait_for(
        timeout=60000)
    headers = page.locator(".o_list_view thead").inner_text()
    for column in ("Best Channel", "Expected Gain", "How Sure"):
        assert column in headers, headers
    names = [found.group(0) for found in (
        re.search(r"%s \d\d" % PREFIX, text)
        for text in page.locator(".o_list_view tr.o_data_row").all_inner_texts()) if found]
    # the most valuable first
    assert names[:3] == ["%s %02d" % (PREFIX, i) for i in (39, 38, 37)], names[:5]
    assert_healthy(page, "next calls")
    shot(page, artifacts_dir, "70_next_calls")

    # Schedule on the first: a call for today for the user
    top = customers[39]
    page.locator(".o_list_view tr.o_data_row:has-text('%s 39') "
                 "button[title='Schedule']" % PREFIX).click()
    activity = []
    for _attempt in range(60):
        activity = rpc("mail.activity", "search", [
            ("res_model", "=", "res.partner"), ("res_id", "=", top), ("user_id", "=", admin)])
        if activity:
            break
        page.wait_for_timeout(500)
    assert len(activity) == 1, activity
    # the worklist's wizard says what it did; closed
    dialog = page.locator(".modal:has-text('Activities Scheduled')")
    dialog.wait_for()
    assert "1 activities scheduled" in dialog.inner_text()
    dialog.locator(".modal-footer button:visible:has-text('Close')").click()
    dialog.wait_for(state="detached", timeout=30000)

    # Log Call on the second: a contact of the user, and off today's list
    second = customers[38]
    page.locator(".o_list_view tr.o_data_row:has-text('%s 38') "
                 "button[title='Log Call']" % PREFIX).click()
    page.locator(".o_list_view tr.o_data_row:has-text('%s 38')" % PREFIX).wait_for(
        state="detached", timeout=60000)
    logged = rpc("crm.touchpoint", "search", [
        ("partner_id", "=", second), ("direction", "=", "outbound"), ("kind", "=", "contact"),
        ("user_id", "=", admin)])
    assert len(logged) == 1, logged
    assert page.locator(".o_list_view tr.o_data_row:has-text('%s 39')" % PREFIX).count() == 1
    assert_healthy(page, "next calls after a call")
    shot(page, artifacts_dir, "71_next_calls_logged")
