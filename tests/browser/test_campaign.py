"""Plan a campaign for the demo segment, launch it, record a response
through `crm.touchpoint.ingest` and watch the campaign's figures change, in
headless Chromium, as a manager (admin)."""
import datetime
import hashlib

from test_smoke import assert_healthy, login, open_app, open_menu, pick, shot


def stat(page, field):
    """The number shown by the smart button of `field`."""
    button = page.locator(".oe_button_box .oe_stat_button:has([name=%s])" % field)
    button.wait_for()
    return int(button.locator(".o_stat_value").inner_text().strip() or 0)


def draw(seed, partner_id):
    """The campaign's draw of a customer in [0, 1), as its audience query
    computes it (the first 32 bits of md5("seed:partner"), shifted)."""
    bits = int(hashlib.md5(("%s:%s" % (seed, partner_id)).encode()).hexdigest()[:8], 16)
    return ((bits + 2 ** 31) % 2 ** 32) / 2.0 ** 32


def split_seed(partner_ids, holdout):
    """A seed that puts some of these customers in each group: the demo
    segment is small, and a random seed could put them all on one side."""
    for seed in range(1, 1000):
        control = sum(draw(seed, pid) < holdout for pid in partner_ids)
        if 0 < control < len(partner_ids):
            return seed
    raise AssertionError("no seed splits %s" % partner_ids)


def test_plan_launch_and_watch_a_campaign(page, odoo_server, artifacts_dir):
    rpc = odoo_server.rpc
    segment = rpc("ir.model.data", "xmlid_to_res_id", "crm_lifecycle.crm_segment_demo_companies")
    assert segment, "the demo segment is installed with the demo data"

    login(page, odoo_server.url)
    open_app(page, "crm_lifecycle.crm_lifecycle_menu_root")
    page.wait_for_selector(".o_kanban_view")
    open_menu(page, "crm_lifecycle.crm_campaign_menu")
    page.wait_for_selector(".o_control_panel .breadcrumb:has-text('Campaigns')")
    page.wait_for_selector(".o_kanban_view")
    shot(page, artifacts_dir, "30_campaign_kanban")
    page.click(".o_cp_buttons .o-kanban-button-new, .o_cp_buttons .o_list_button_add")

    # the form: name, the demo segment, the letter channel, half held out
    page.wait_for_selector(".o_form_view.o_form_editable")
    page.fill(".o_field_widget[name=name]", "Browser spring mailing")
    pick(page, "segment_ids", "Demo Companies")
    pick(page, "channel_id", "Letter")
    page.fill(".o_field_widget[name=holdout_percent]", "50")
    page.click(".o_form_button_save")
    page.wait_for_selector(".o_form_view.o_form_readonly")
    # the seed (a technical field) fixed so that both groups have members
    companies = rpc("res.partner", "search", [("customer", "=", True), ("is_company", "=", True)])
    draft = rpc("crm.campaign", "search", [("name", "=", "Browser spring mailing")])
    rpc("crm.campaign", "write", draft, {"seed": split_seed(companies, 0.5)})

    # plan: the audience is drawn, target and control shown
    page.click(".o_form_statusbar button:has-text('Plan')")
    page.wait_for_selector(".o_statusbar_status .btn-primary:has-text('Planned')")
    campaign = rpc("crm.campaign", "search_read", [("name", "=", "Browser spring mailing")],
                   ["target_count", "control_count", "forecast_basis"])[0]
    assert campaign["target_count"] > 0 and campaign["control_count"] > 0, campaign
    assert stat(page, "audience_count") == campaign["target_count"] + campaign["control_count"]
    # the forecast says what it learnt from (nothing, in a fresh database; the campaigns of
    # other channels when another browser test has run one)
    assert campaign["forecast_basis"] in page.locator(".o_form_view").inner_text()
    shot(page, artifacts_dir, "31_campaign_planned")

    # launch: the letters go out (an export), the figures start at zero
    page.click(".o_form_statusbar button:has-text('Launch')")
    page.click(".modal-footer button:has-text('Ok'), .modal-footer button:has-text('OK')")
    page.wait_for_selector(".o_statusbar_status .btn-primary:has-text('Running')")
    assert stat(page, "response_count") == 0
    form = page.locator(".o_form_view")
    assert "Judgement" in form.inner_text()

    # a customer of the target group answers: recorded through the API
    member = rpc("crm.campaign.member", "search_read",
                 [("campaign_id", "=", campaign["id"]), ("split_group", "=", "target")],
                 ["partner_id"], limit=1)[0]
    result = rpc("crm.touchpoint", "ingest", [{
        "source_system": "browser-test", "external_ref": "reply-1",
        "date": datetime.datetime.utcnow().strftime("%Y-%m-%d %H:%M:%S"),
        "partner_id": member["partner_id"][0], "channel": "phone", "direction": "inbound",
        "kind": "response", "subject": "Calling about the spring catalogue"}])
    assert result[0]["status"] == "created", result
    page.reload()
    page.wait_for_selector(".o_statusbar_status .btn-primary:has-text('Running')")
    assert stat(page, "response_count") == 1
    responded = rpc("crm.campaign", "read", [campaign["id"]],
                    ["target_responded", "target_rate", "uplift"])[0]
    assert responded["target_responded"] == 1
    assert responded["uplift"] > 0
    assert "%.2f" % responded["target_rate"] in form.inner_text()
    assert_healthy(page, "campaign form")
    shot(page, artifacts_dir, "32_campaign_running")

    # the dashboard: responses by day, target against control
    page.click(".oe_button_box .oe_stat_button:has([name=response_count])")
    page.wait_for_selector(".o_control_panel .breadcrumb li.active")
    page.wait_for_selector(".o_graph_svg_container svg, .o_graph canvas, .o_graph svg")
    assert_healthy(page, "responses graph")
    shot(page, artifacts_dir, "33_campaign_responses")
    page.click(".o_cp_switch_pivot")
    pivot = page.locator(".o_pivot table")
    pivot.wait_for()
    assert "Target" in pivot.inner_text()
    errors = odoo_server.log_errors()
    assert not errors, "server log has errors:\n%s" % "\n".join(errors[:10])
