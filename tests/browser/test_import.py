"""Import a departmental customer list from the browser, as a manager
(admin) would on their first day: choose the file, name the source,
preview the decisions, import (a step of rows at a time, the window showing
the progress), and import the same file again."""
import time

from test_smoke import assert_healthy, login, open_app, open_menu, shot

LIST = (b"ref,name,email,phone,city,country\n"
        b"BR-1,Browser Import Bakery,bakery@browser-import.example,+32 2 555 77 01,Ghent,BE\n"
        b"BR-2,Browser Import Florist,florist@browser-import.example,,Namur,BE\n"
        # a near copy of a demo customer: name changed, email in capitals
        b"BR-3,SA Agrolait,AGROLAIT@YOURCOMPANY.EXAMPLE.COM,,Wavre,BE\n"
        # the bakery again, further down the same file
        b"BR-4,Browser Import Bakery,BAKERY@browser-import.example,,Gent,BE\n")


def open_import(page):
    open_app(page, "crm_lifecycle.crm_lifecycle_menu_root")
    page.wait_for_selector(".o_kanban_view")
    open_menu(page, "crm_lifecycle.crm_partner_import_menu")
    dialog = page.locator(".modal:has-text('Import a Customer List')")
    dialog.wait_for()
    return dialog


def wait_uploaded(page, dialog, timeout=60):
    """The binary widget shows the file's name once it has read the file."""
    name = dialog.locator(".o_field_widget[name=file] input:not([type=file])").first
    deadline = time.time() + timeout
    while name.input_value() != "bakers.csv":
        assert time.time() < deadline, "the file was not taken: %r" % name.input_value()
        page.wait_for_timeout(200)


def test_import_a_list_from_the_browser(page, odoo_server, artifacts_dir, tmp_path):
    rpc = odoo_server.rpc
    path = tmp_path / "bakers.csv"
    path.write_bytes(LIST)
    # a step per row: the window applies the list in three steps (the
    # bakery's two rows are one customer, one step)
    rpc("ir.config_parameter", "set_param", "crm_lifecycle.import_step_rows", "1")
    login(page, odoo_server.url)
    dialog = open_import(page)
    dialog.locator("input[name=source_system]").fill("browser_be")
    dialog.locator("input.o_input_file").set_input_files(str(path))
    wait_uploaded(page, dialog)
    shot(page, artifacts_dir, "30_import_upload")
    dialog.locator("footer button:has-text('Preview'), .modal-footer button:has-text('Preview')") \
        .first.click()
    # the preview: one row per line of the file, each with its decision
    rows = page.locator(".modal .o_field_one2many tr.o_data_row")
    rows.first.wait_for()
    assert rows.count() == 4, page.locator(".modal").inner_text()
    text = page.locator(".modal").inner_text()
    assert "Browser Import Bakery" in text and "Browser Import Florist" in text
    assert "browser_be" in text
    # the near copy is matched to the demo customer, with its score
    agrolait = rpc("res.partner", "search", [("name", "=", "Agrolait")])
    near = page.locator(".modal tr.o_data_row:has-text('SA Agrolait')")
    assert "Matches" in near.inner_text(), near.inner_text()
    assert "Agrolait" in near.inner_text().replace("SA Agrolait", ""), near.inner_text()
    # the bakery's second row: the same customer as row 2, listed under it
    texts = rows.all_inner_texts()
    assert "BR-1" in texts[0] and "BR-4" in texts[1], texts
    assert "Same as Row" in texts[1] and "2" in texts[1].split("Same as Row")[1], texts[1]
    assert_healthy(page, "import preview")
    shot(page, artifacts_dir, "31_import_preview")
    page.locator(".modal footer button:has-text('Import'), "
                 ".modal .modal-footer button:has-text('Import')").first.click()
    page.locator(".modal .o_field_widget[name=summary]").wait_for(timeout=120000)
    assert_healthy(page, "import done")
    # every row imported, by the steps the window asked for
    lines = rpc("crm.partner.import.line", "search_read",
                [("import_id.source_system", "=", "browser_be")], ["applied"])
    assert len(lines) == 4 and all(line["applied"] for line in lines), lines
    rpc("ir.config_parameter", "set_param", "crm_lifecycle.import_step_rows", "")
    shot(page, artifacts_dir, "32_import_done")
    created = rpc("res.partner", "search_read",
                  [("email", "like", "@browser-import.example")], ["name", "city"])
    assert sorted(p["name"] for p in created) == ["Browser Import Bakery",
                                                  "Browser Import Florist"]
    # no new customer for the near copy: its source row names the demo one
    assert rpc("res.partner", "search_count", [("name", "=", "SA Agrolait")]) == 0
    near_source = rpc("crm.partner.source", "search_read",
                      [("source_system", "=", "browser_be"), ("external_ref", "=", "BR-3")],
                      ["partner_id"])
    assert [s["partner_id"][0] for s in near_source] == agrolait, near_source
    sources = rpc("crm.partner.source", "search_count", [("source_system", "=", "browser_be")])
    assert sources == 4
    bakery = rpc("crm.partner.source", "search_read",
                 [("source_system", "=", "browser_be"), ("external_ref", "in", ["BR-1", "BR-4"])],
                 ["partner_id"])
    assert len({s["partner_id"][0] for s in bakery}) == 1, bakery

    # the same file again: nothing new, both rows known
    page.keyboard.press("Escape")
    page.goto(odoo_server.url + "/web")
    page.wait_for_selector("#oe_main_menu_navbar")
    dialog = open_import(page)
    dialog.locator("input[name=source_system]").fill("browser_be")
    dialog.locator("input.o_input_file").set_input_files(str(path))
    wait_uploaded(page, dialog)
    dialog.locator("footer button:has-text('Preview'), .modal-footer button:has-text('Preview')") \
        .first.click()
    page.locator(".modal .o_field_one2many tr.o_data_row").first.wait_for()
    assert page.locator(".modal tr.o_data_row:has-text('Unchanged')").count() == 4
    assert rpc("res.partner", "search_count",
               [("email", "like", "@browser-import.example")]) == 2
