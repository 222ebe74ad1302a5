"""Configuration > Duplicate Rules (issue 21, item 2) in headless Chromium: a
customer written twice with the same info@ address, proposed by the
finder; the rules screen with info@ added to the values that prove nothing;
its preview says which pairs would disappear; after saving, a run of the
finder moves exactly those pairs."""
from test_smoke import assert_healthy, login, open_app, open_menu, shot


def open_pairs(rpc):
    return {(d["partner_a_id"][0], d["partner_b_id"][0]) for d in rpc(
        "crm.partner.duplicate", "search_read", [("state", "=", "review")],
        ["partner_a_id", "partner_b_id"])}


def test_rule_change_with_its_preview(page, odoo_server, artifacts_dir):
    rpc = odoo_server.rpc
    loaded = [
        rpc("res.partner", "create", {"name": "Jan Peeters", "email": "info@rules21.example",
                                      "city": "Gent", "customer": True}),
        rpc("res.partner", "create", {"name": "Jan Peters", "email": "INFO@rules21.example",
                                      "city": "Namur", "customer": True}),
    ]
    try:
        check_rules(page, odoo_server, artifacts_dir, tuple(sorted(loaded)))
    finally:
        # the other browser tests share the database: the rules, the pairs
        # and the customers' list are left as they were
        rpc("crm.duplicate.exception", "unlink",
            rpc("crm.duplicate.exception", "search", []))
        pairs = rpc("crm.partner.duplicate", "search",
                    ["|", ("partner_a_id", "in", loaded), ("partner_b_id", "in", loaded)])
        rpc("crm.partner.duplicate", "unlink", pairs)
        rpc("res.partner", "write", loaded, {"active": False})
        rpc("crm.partner.duplicate", "find_duplicates")
        rpc("crm.duplicate.model", "unlink", rpc("crm.duplicate.model", "search", []))


def check_rules(page, odoo_server, artifacts_dir, pair):
    rpc = odoo_server.rpc
    rpc("crm.partner.duplicate", "find_duplicates")
    before = open_pairs(rpc)
    assert pair in before, "the shared address makes the two records a pair"

    login(page, odoo_server.url)
    open_app(page, "crm_lifecycle.crm_lifecycle_menu_root")
    page.wait_for_selector(".o_kanban_view, .o_list_view")
    open_menu(page, "crm_lifecycle.crm_duplicate_rule_menu")
    dialog = page.locator(".modal-dialog:has(.o_lifecycle_rule_lines)")
    dialog.wait_for()
    rules = dialog.locator(".o_lifecycle_rule_lines tr.o_data_row")
    rules.first.wait_for()
    assert rules.count() == 5, rules.all_inner_texts()
    assert "0.95" in rules.filter(has_text="Email").first.inner_text()
    dialog.locator(".o_lifecycle_rule_exceptions textarea, "
                   "textarea.o_lifecycle_rule_exceptions").fill("info@")
    dialog.locator(".modal-footer button[name=action_preview]").first.click()

    preview = page.locator(".modal-dialog .o_lifecycle_rule_preview:not(.o_invisible_modifier)")
    preview.wait_for(timeout=60000)
    disappear = int(preview.locator("[name=disappear_count]").inner_text().strip())
    appear = int(preview.locator("[name=appear_count]").inner_text().strip())
    assert disappear >= 1 and appear == 0, (disappear, appear)
    listed = preview.locator(".o_field_one2many tr.o_data_row").all_inner_texts()
    assert any("Jan Peeters" in row and "Jan Peters" in row for row in listed), listed
    shot(page, artifacts_dir, "duplicate_rules_preview")
    assert_healthy(page, "Duplicate Rules preview")
    page.locator(".modal-dialog .modal-footer button[name=action_save]").first.click()
    page.wait_for_selector(".modal-dialog .o_lifecycle_rule_lines", state="detached",
                           timeout=30000)
    assert rpc("crm.duplicate.exception", "search_read", [], ["value"])[0]["value"] == "info@"

    # the finder run after saving moves the pairs the preview said
    rpc("crm.partner.duplicate", "find_duplicates")
    after = open_pairs(rpc)
    assert pair not in after
    assert len(before - after) == disappear, (len(before - after), disappear)
    assert not after - before
