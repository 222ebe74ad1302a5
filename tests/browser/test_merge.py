"""Review a pair of possible duplicates, merge it and unmerge it, in
headless Chromium, as a manager (admin)."""
from test_smoke import assert_healthy, login, open_app, open_menu, shot


def test_review_merge_and_unmerge_a_pair(page, odoo_server, artifacts_dir):
    rpc = odoo_server.rpc
    older = rpc("res.partner", "create", {
        "name": "Mădălina Popescu", "email": "madalina@popescu.example", "city": "Iaşi",
        "customer": True})
    newer = rpc("res.partner", "create", {
        "name": "POPESCU Madalina", "email": "Madalina@Popescu.example ", "city": "Iasi",
        "phone": "+40 232 555 123", "customer": True})
    phone = rpc("crm.touchpoint.channel", "search", [("code", "=", "phone")])[0]
    rpc("crm.touchpoint", "create", {"partner_id": newer, "channel_id": phone,
                                     "subject": "Called from Iasi"})
    assert rpc("crm.partner.duplicate", "find_duplicates", [older, newer]) >= 1

    login(page, odoo_server.url)
    open_app(page, "crm_lifecycle.crm_lifecycle_menu_root")
    page.wait_for_selector(".o_kanban_view")
    open_menu(page, "crm_lifecycle.crm_partner_duplicate_menu")
    row = page.locator(".o_list_view tr.o_data_row:has-text('Popescu')").first
    row.wait_for()
    assert "same email" in row.inner_text()
    row.click()

    # side by side: both records with their touchpoint counts
    page.wait_for_selector(".o_form_view .o_group:has-text('Possible Duplicate')")
    form = page.locator(".o_form_view")
    assert "Mădălina Popescu" in form.inner_text()
    assert "POPESCU Madalina" in form.inner_text()
    assert_healthy(page, "pair form")
    shot(page, artifacts_dir, "10_duplicate_pair")

    # merge: the wizard keeps the record with the touchpoint and lists the
    # values that differ (name, email, city) with the record each comes from
    page.click(".o_form_statusbar button:has-text('Merge...')")
    dialog = page.locator(".modal:has-text('Merge Customers')")
    dialog.wait_for()
    values = dialog.locator(".o_field_one2many tr.o_data_row:has(td:text-is('Name'))")
    values.wait_for()
    assert "POPESCU Madalina" in values.inner_text()
    shot(page, artifacts_dir, "11_merge_wizard")
    dialog.locator("footer button:has-text('Merge'), .modal-footer button:has-text('Merge')") \
        .first.click()
    page.wait_for_selector(".o_form_view .o_statusbar_status .btn-primary:has-text('Merged')")
    assert_healthy(page, "merge log")
    shot(page, artifacts_dir, "12_merge_log")
    survivors = rpc("res.partner", "search_read", [("id", "in", [older, newer])],
                    ["active", "merged_into_id"])
    assert [p["id"] for p in survivors] == [newer], survivors
    archived = rpc("res.partner", "search_read",
                   [("id", "=", older), ("active", "=", False)], ["merged_into_id"])
    assert archived[0]["merged_into_id"][0] == newer

    # unmerge from the log
    page.click(".o_form_statusbar button:has-text('Unmerge')")
    page.click(".modal-footer button:has-text('Ok'), .modal-footer button:has-text('OK')")
    page.wait_for_selector(".o_form_view .o_statusbar_status .btn-primary:has-text('Unmerged')")
    assert_healthy(page, "unmerged log")
    shot(page, artifacts_dir, "13_unmerged")
    back = rpc("res.partner", "search_read", [("id", "in", [older, newer])], ["active"])
    assert sorted(p["id"] for p in back) == sorted([older, newer])
    errors = odoo_server.log_errors()
    assert not errors, "server log has errors:\n%s" % "\n".join(errors[:10])
