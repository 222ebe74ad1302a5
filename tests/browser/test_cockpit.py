"""The cockpit of a running call campaign, in headless Chromium, as an
operations lead (admin): open it from the Campaigns menu, move one agent's
open calls to another with Move Calls, and see the activities moved (in the
database and in the cockpit's Agents list) and the move in the campaign's
chatter."""
from test_smoke import assert_healthy, login, open_app, open_menu, pick, shot

NAME = "Browser cockpit calls"


def agent_row(page, name):
    """The cells of the cockpit's Agents line of `name`."""
    row = page.locator(".o_notebook .o_field_one2many[name=cockpit_agent_ids] "
                       "tr.o_data_row:has-text('%s')" % name).first
    row.wait_for()
    return [cell.strip() for cell in row.locator("td").all_inner_texts()]


def test_move_calls_between_two_agents_from_the_cockpit(page, odoo_server, artifacts_dir):
    rpc = odoo_server.rpc
    salesman = rpc("ir.model.data", "xmlid_to_res_id", "sales_team.group_sale_salesman")
    agents = {}
    for key, name in (("ann", "Cockpit Agent Ann"), ("bob", "Cockpit Agent Bob")):
        found = rpc("res.users", "search", [("login", "=", "browser_cockpit_%s" % key)])
        agents[key] = found[0] if found else rpc("res.users", "create", {
            "name": name, "login": "browser_cockpit_%s" % key,
            "email": "%s@cockpit.example" % key, "groups_id": [(6, 0, [salesman])]})
    customers = [rpc("res.partner", "create", {
        "name": "Cockpit Customer %02d" % i, "customer": True, "is_company": True,
        "phone": "+32 2 555 70 %02d" % i}) for i in range(16)]
    segment = rpc("crm.segment", "create", {
        "name": "Cockpit browser segment", "kind": "static", "partner_ids": [(6, 0, customers)]})
    phone = rpc("crm.touchpoint.channel", "search", [("code", "=", "phone")])[0]
    campaign = rpc("crm.campaign", "create", {
        "name": NAME, "segment_ids": [(6, 0, [segment])], "channel_id": phone,
        "holdout_percent": 20.0, "seed": 7,
        "agent_ids": [(6, 0, [agents["ann"], agents["bob"]])]})
    rpc("crm.campaign", "action_plan", [campaign])
    rpc("crm.campaign", "action_launch", [campaign])

    def calls(user):
        return rpc("mail.activity", "search", [
            ("campaign_member_id.campaign_id", "=", campaign), ("user_id", "=", user)])
    ann_calls, bob_calls = calls(agents["ann"]), calls(agents["bob"])
    assert len(ann_calls) >= 3 and bob_calls, (ann_calls, bob_calls)
    # Ann has made one call: she keeps a line in the cockpit once her open calls are gone
    rpc("mail.activity", "action_feedback", [ann_calls[0]], "Reached")
    ann_open = len(ann_calls) - 1

    login(page, odoo_server.url)
    open_app(page, "crm_lifecycle.crm_lifecycle_menu_root")
    open_menu(page, "crm_lifecycle_analytics.crm_campaign_cockpit_menu")
    page.locator(".o_list_view tr.o_data_row:has-text('%s')" % NAME).first.click()
    page.wait_for_selector(".o_form_view .o_notebook")
    cells = agent_row(page, "Cockpit Agent Ann")
    assert str(ann_open) in cells, cells
    assert_healthy(page, "campaign cockpit")
    shot(page, artifacts_dir, "60_cockpit")

    # Move Calls: all of Ann's open calls to Bob
    page.click(".o_form_statusbar button:has-text('Move Calls')")
    dialog = page.locator(".modal-dialog:has-text('Move Calls')")
    dialog.wait_for()
    # the agent holding the most open calls is offered: replaced by Ann
    tags = ".modal-dialog .o_field_many2manytags[name=from_user_ids] .o_delete"
    dialog.locator(".o_field_many2manytags[name=from_user_ids]").wait_for()
    for left in range(page.locator(tags).count() - 1, -1, -1):
        page.locator(tags).first.click()
        page.wait_for_function("([sel, n]) => document.querySelectorAll(sel).length === n",
                               arg=[tags, left], timeout=30000)
    pick(page, "from_user_ids", "Cockpit Agent Ann")
    pick(page, "to_user_ids", "Cockpit Agent Bob")
    page.wait_for_function(
        """(n) => {
            const el = document.querySelector('.modal-dialog .o_field_widget[name=open_count]');
            return el && el.innerText.trim() === String(n);
        }""", arg=ann_open, timeout=30000)
    shot(page, artifacts_dir, "61_cockpit_move_calls")
    dialog.locator(".modal-footer button:has-text('Move Calls')").click()
    dialog.wait_for(state="detached", timeout=60000)

    # the activities moved, in the database and on the screen
    assert calls(agents["ann"]) == []
    assert sorted(calls(agents["bob"])) == sorted(ann_calls[1:] + bob_calls)
    page.reload()
    page.wait_for_selector(".o_form_view .o_notebook")
    cells = agent_row(page, "Cockpit Agent Ann")
    assert cells[cells.index("Cockpit Agent Ann") + 2] == "0", cells
    cells = agent_row(page, "Cockpit Agent Bob")
    assert str(ann_open + len(bob_calls)) in cells, cells
    chatter = page.locator(".o_chatter, .o_mail_thread").first
    chatter.locator(":text('%d open calls moved')" % ann_open).first.wait_for()
    assert_healthy(page, "cockpit after the move")
    shot(page, artifacts_dir, "62_cockpit_moved")
    errors = odoo_server.log_errors()
    assert not errors, "server log has errors:\n%s" % "\n".join(errors[:10])
