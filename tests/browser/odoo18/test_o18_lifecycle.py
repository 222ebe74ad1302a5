"""The Customer Lifecycle app on the Odoo 18 web client: the Overview of
tiles it opens on, a tile opening its records, and a campaign's card and
form."""
import datetime

from web18 import assert_healthy, field_text, login, open_app, open_menu, shot, wait_title

TILES = ("My Activities Due", "Lapsing, Nothing Planned", "Open Complaints",
         "Campaigns Running", "Duplicates to Review", "My Portfolio")
COMPLAINTS = [("kind", "=", "complaint"), ("resolved_date", "=", False)]


def test_app_opens_on_the_overview_tiles(page, odoo_server, artifacts_dir):
    rpc = odoo_server.rpc
    # an open complaint, so that a tile counts something
    partner = rpc("res.partner", "search", [("customer_rank", ">", 0)], limit=1)[0]
    phone = rpc("crm.touchpoint.channel", "search", [("code", "=", "phone")])[0]
    rpc("crm.touchpoint", "create", {
        "partner_id": partner, "channel_id": phone, "kind": "complaint",
        "severity": "high", "direction": "inbound", "subject": "Overview 18 complaint",
        "date": datetime.datetime.utcnow().strftime("%Y-%m-%d %H:%M:%S")})
    complaints = rpc("crm.touchpoint", "search_count", COMPLAINTS)
    running = rpc("crm.campaign", "search_count", [("state", "=", "running")])

    login(page, odoo_server.url)
    open_app(page, "crm_lifecycle.crm_lifecycle_menu_root")
    wait_title(page, "Overview")
    tiles = page.locator(".o_kanban_view .o_lifecycle_tile")
    tiles.first.wait_for()
    names = tiles.all_inner_texts()
    for name in TILES:
        assert any(name in text for text in names), (name, names)
    assert len(names) == len(TILES), names

    def count(name):
        return tiles.filter(has_text=name).locator(".o_lifecycle_tile_count").inner_text()

    assert count("Campaigns Running").strip() == str(running)
    assert count("Open Complaints").strip() == str(complaints) and complaints >= 1
    # counted tiles in colour
    assert "o_lifecycle_tile_alert" in tiles.filter(has_text="Open Complaints") \
        .get_attribute("class")
    shot(page, artifacts_dir, "o18_03_overview")
    assert_healthy(page, "Overview")

    # a tile opens the records it counts
    tiles.filter(has_text="Open Complaints").locator(".o_lifecycle_tile_link").click()
    wait_title(page, "Open Complaints")
    rows = page.locator(".o_list_view .o_data_row")
    rows.filter(has_text="Overview 18 complaint").wait_for()
    assert rows.count() == complaints
    shot(page, artifacts_dir, "o18_04_overview_complaints")
    assert_healthy(page, "Overview, Open Complaints")


def test_campaign_form(page, odoo_server, artifacts_dir):
    rpc = odoo_server.rpc
    campaign = rpc("crm.campaign", "search_read", [], ["name", "objective", "state",
                                                       "segment_ids", "channel_id",
                                                       "audience_count"], limit=1)
    assert campaign, "the demo data should have a campaign"
    campaign = campaign[0]
    fields = rpc("crm.campaign", "fields_get", ["objective", "state"], ["selection"])
    objective = dict(fields["objective"]["selection"])[campaign["objective"]]
    state = dict(fields["state"]["selection"])[campaign["state"]]
    segments = [s["name"] for s in rpc("crm.segment", "read", campaign["segment_ids"], ["name"])]

    login(page, odoo_server.url)
    open_app(page, "crm_lifecycle.crm_lifecycle_menu_root")
    wait_title(page, "Overview")
    open_menu(page, "crm_lifecycle.crm_lifecycle_menu_campaigns", "crm_lifecycle.crm_campaign_menu")
    wait_title(page, "Campaigns")
    # the kanban by state: the card in its state's column, with its channel,
    # objective and owner's avatar (11's kanban_image, converted)
    column = page.locator(".o_kanban_group").filter(
        has=page.locator(".o_column_title", has_text=state))
    card = column.locator(".o_kanban_record").filter(has_text=campaign["name"])
    card.wait_for()
    text = card.inner_text()
    assert objective in text, text
    if campaign["channel_id"]:
        assert campaign["channel_id"][1] in text, text
    assert card.locator(".o_field_many2one_avatar_user img").count() == 1
    shot(page, artifacts_dir, "o18_05_campaign_kanban")
    assert_healthy(page, "campaign kanban")
    card.locator(".o_kanban_record_title").click()
    wait_title(page, campaign["name"])
    form = page.locator(".o_form_view")
    form.locator(".o_form_sheet").wait_for()

    # the state bar on the campaign's state, its actions, its figures
    assert form.locator(".o_statusbar_status button.o_arrow_button_current").inner_text() \
        .strip() == state
    if campaign["state"] == "draft":
        assert form.locator(".o_form_statusbar button[name=action_plan]").is_visible()
    members = form.locator(".o-form-buttonbox .oe_stat_button:has(.o_field_widget"
                           "[name=audience_count])")
    assert members.inner_text().split() == [str(campaign["audience_count"]), "Members"], \
        members.inner_text()
    assert field_text(form, "objective") == objective
    tags = form.locator(".o_field_widget[name=segment_ids] .o_tag").all_inner_texts()
    assert sorted(t.strip() for t in tags) == sorted(segments), tags
    if campaign["channel_id"]:
        assert field_text(form, "channel_id") == campaign["channel_id"][1]
    titles = [t.strip().lower() for t in
              form.locator(".o_horizontal_separator").all_inner_texts()]
    for title in ("audience", "schedule", "costs", "forecast"):
        assert title in titles, (title, titles)
    shot(page, artifacts_dir, "o18_06_campaign_form")
    assert_healthy(page, "campaign form")
