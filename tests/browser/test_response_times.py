"""Performance > Response Times (issue 20, item 5) in headless Chromium: a
salesperson's median and 90th percentile of the month, computed here from
the touchpoints the test writes, are the ones on screen; the Unanswered
button opens the contact still waiting."""
import datetime

from test_smoke import assert_healthy, login, open_app, open_menu, shot

NAME = "Rita Response-Times"


def weekday_monday(today):
    """A Monday in the current month at least a week before the end of the
    data written (so that every answer falls in the same month)."""
    day = today.replace(day=1)
    while day.weekday() != 0:
        day += datetime.timedelta(days=1)
    return day


def test_median_and_percentile_on_screen(page, odoo_server, artifacts_dir):
    rpc = odoo_server.rpc
    user = rpc("res.users", "create", {"name": NAME, "login": "rita_response_times"})
    partner = rpc("res.partner", "create", {"name": "Response Times Customer",
                                            "customer": True, "user_id": user})
    phone = rpc("crm.touchpoint.channel", "search", [("code", "=", "phone")])[0]
    monday = weekday_monday(datetime.date.today())
    hours = [1.0, 2.0, 4.0, 7.0]   # answers within the same weekday

    def tp(day, hour, direction):
        return rpc("crm.touchpoint", "create", {
            "partner_id": partner, "user_id": user, "channel_id": phone, "kind": "contact",
            "direction": direction,
            "date": "%s %02d:00:00" % ((monday + datetime.timedelta(days=day)).isoformat(),
                                       hour)})
    for day, wait in enumerate(hours):
        tp(day, 8, "inbound")
        tp(day, 8 + int(wait), "outbound")
    tp(4, 9, "inbound")   # Friday: still waiting
    # the figures as the test computes them (linear interpolation)
    ordered = sorted(hours)
    median = (ordered[1] + ordered[2]) / 2.0
    rank = 0.9 * (len(ordered) - 1)
    p90 = ordered[int(rank)] + (rank - int(rank)) * (ordered[int(rank) + 1] - ordered[int(rank)])

    login(page, odoo_server.url)
    open_app(page, "crm_lifecycle.crm_lifecycle_menu_root")
    open_menu(page, "crm_lifecycle_analytics.crm_staff_response_time_menu")
    row = page.locator(".o_list_view tr.o_data_row:has-text('%s')" % NAME)
    row.wait_for()
    cells = row.locator("td").all_inner_texts()
    shot(page, artifacts_dir, "response_times")
    assert "%.1f" % median in cells, (median, cells)
    assert "%.1f" % p90 in cells, (p90, cells)
    assert "5" in cells and "4" in cells and "1" in cells, cells  # handled, answered, waiting
    assert_healthy(page, "Response Times")
    row.locator("button[title='Unanswered']").click()
    page.locator(".o_control_panel .breadcrumb li:has-text('Unanswered')").wait_for()
    page.locator(".o_list_view tr.o_data_row").first.wait_for()
    assert page.locator(".o_list_view tr.o_data_row").count() == 1
    assert "Response Times Customer" in page.locator(".o_list_view tr.o_data_row").inner_text()
    assert_healthy(page, "the unanswered contact")
