"""A customer on the Odoo 18 web client: its partner form with the
Lifecycle tab and the stat buttons, then its timeline (the touchpoints),
against the ported addons and their demo data."""
import collections

from web18 import assert_healthy, login, open_app, open_card, open_menu, shot, wait_title

BUTTON = ".o-form-buttonbox .oe_stat_button:has(.o_field_widget[name=%s])"


def busiest_customer(rpc):
    """The demo customer (on 18: a customer rank, as in Odoo's own Customers
    menu) with the most touchpoints, and its figures as the server computes
    them."""
    customers = set(rpc("res.partner", "search", [("customer_rank", ">", 0)]))
    counts = collections.Counter(
        t["commercial_partner_id"][0]
        for t in rpc("crm.touchpoint", "search_read", [], ["commercial_partner_id"])
        if t["commercial_partner_id"] and t["commercial_partner_id"][0] in customers)
    assert counts, "the install should have made the demo customers' touchpoints"
    partner_id = counts.most_common(1)[0][0]
    partner = rpc("res.partner", "read", [partner_id],
                  ["name", "touchpoint_count", "touchpoint_recent_count",
                   "touchpoint_channel_ids", "phone_e164"])[0]
    partner["channels"] = [c["name"] for c in rpc(
        "crm.touchpoint.channel", "read", partner["touchpoint_channel_ids"], ["name"])]
    return partner


def open_customer(page, url, name):
    login(page, url)
    open_app(page, "crm_lifecycle.crm_lifecycle_menu_root")
    wait_title(page, "Overview")
    open_menu(page, "crm_lifecycle.crm_lifecycle_menu_customers",
              "crm_lifecycle.res_partner_menu_customer")
    wait_title(page, "Customers")
    page.wait_for_selector(".o_kanban_view .o_kanban_record")
    open_card(page, name)
    page.wait_for_function(
        """name => {
            const input = document.querySelector('.o_form_view .o_field_widget[name=name] input');
            return input && input.value === name;
        }""", arg=name)


def test_partner_form_lifecycle_tab_and_stat_buttons(page, odoo_server, artifacts_dir):
    customer = busiest_customer(odoo_server.rpc)
    assert customer["touchpoint_count"] >= 3 and customer["channels"], customer
    open_customer(page, odoo_server.url, customer["name"])

    # the stat buttons: the touchpoints first, with their count
    buttons = page.locator(".o-form-buttonbox .oe_stat_button")
    buttons.first.wait_for()
    touchpoints = page.locator(BUTTON % "touchpoint_count")
    assert "Touchpoints" in buttons.first.inner_text(), buttons.all_inner_texts()
    assert touchpoints.inner_text().split() == [str(customer["touchpoint_count"]),
                                                "Touchpoints"], touchpoints.inner_text()
    # the header's action of the suite
    assert page.locator(".o_form_statusbar button[name=action_log_touchpoint]").is_visible()

    # the Lifecycle tab: its groups and the customer's figures
    page.locator(".o_notebook .nav-link").filter(has_text="Lifecycle").click()
    tab = page.locator(".o_notebook .tab-pane.active")
    tab.locator(".o_field_widget[name=touchpoint_recent_count]").wait_for()
    assert tab.is_visible()
    titles = [t.strip().lower() for t in tab.locator(".o_horizontal_separator").all_inner_texts()]
    for title in ("value and risk", "contacts", "identity", "consents"):
        assert title in titles, (title, titles)
    metrics = tab.locator(".o_field_widget[name=lifecycle_metrics_ids] thead").inner_text()
    for column in ("RFM Segment", "Predicted Value", "Lapse Risk"):
        assert column in metrics, metrics
    assert "Currency" not in metrics, metrics
    assert tab.locator(".o_field_widget[name=touchpoint_recent_count]").inner_text().strip() \
        == str(customer["touchpoint_recent_count"])
    tags = tab.locator(".o_field_widget[name=touchpoint_channel_ids] .o_tag").all_inner_texts()
    assert sorted(t.strip() for t in tags) == sorted(customer["channels"]), tags
    assert tab.locator(".o_field_widget[name=phone_e164]").inner_text().strip() == \
        (customer["phone_e164"] or "")
    assert tab.locator(".o_field_widget[name=touchpoint_last_date]").inner_text().strip()
    # the consents are edited in place
    assert tab.locator(".o_field_widget[name=lifecycle_consent_ids] .o_field_x2many_list_row_add"
                       ).is_visible()
    shot(page, artifacts_dir, "o18_01_partner_lifecycle_tab")
    assert_healthy(page, "partner form, Lifecycle tab")


def test_customer_timeline_from_the_stat_button(page, odoo_server, artifacts_dir):
    customer = busiest_customer(odoo_server.rpc)
    expected = odoo_server.rpc("crm.touchpoint", "search_read",
                               [("commercial_partner_id", "=", customer["id"])],
                               ["subject", "date"], limit=80)
    open_customer(page, odoo_server.url, customer["name"])
    page.locator(BUTTON % "touchpoint_count").click()
    wait_title(page, "Touchpoints of %s" % customer["name"])
    rows = page.locator(".o_list_view .o_data_row")
    rows.first.wait_for()
    assert rows.count() == len(expected), (rows.count(), len(expected))
    headers = page.locator(".o_list_view thead").inner_text()
    for column in ("Date", "Channel", "Direction", "Kind", "Subject", "Salesperson"):
        assert column in headers, headers
    # newest first, as the model orders them, each with its subject
    subjects = [s.strip() for s in
                page.locator(".o_list_view .o_data_row td[name=subject]").all_inner_texts()]
    assert subjects == [t["subject"] or "" for t in expected], subjects
    dates = page.locator(".o_list_view .o_data_row td[name=date]").all_inner_texts()
    assert all(d.strip() for d in dates), dates
    shot(page, artifacts_dir, "o18_02_customer_timeline")
    assert_healthy(page, "customer timeline")
