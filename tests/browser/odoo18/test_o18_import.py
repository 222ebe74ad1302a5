"""Odoo 18: import a customer list from its window, as a manager would: the
file, the source, the preview, then Import, which the window applies a step
of rows at a time (the OWL progress field of
crm_lifecycle/static/src/odoo18) until the summary shows."""
from web18 import assert_healthy, login, open_app, open_menu, shot

LIST = (b"ref,name,email,city,country\n"
        b"O18-1,Eighteen Import Bakery,bakery@o18-import.example,Ghent,BE\n"
        b"O18-2,Eighteen Import Florist,florist@o18-import.example,Namur,BE\n"
        b"O18-3,Eighteen Import Grocer,grocer@o18-import.example,Liege,BE\n"
        # the bakery again: one customer with row 2, applied in its step
        b"O18-4,Eighteen Import Bakery,BAKERY@o18-import.example,Gent,BE\n")


def test_import_applies_in_steps_with_progress(page, odoo_server, artifacts_dir, tmp_path):
    rpc = odoo_server.rpc
    # a step per row: three steps, each its own call from the window
    rpc("ir.config_parameter", "set_param", "crm_lifecycle.import_step_rows", "1")
    path = tmp_path / "o18_list.csv"
    path.write_bytes(LIST)
    login(page, odoo_server.url)
    open_app(page, "crm_lifecycle.crm_lifecycle_menu_root")
    open_menu(page, "crm_lifecycle.crm_lifecycle_menu_data",
              "crm_lifecycle.crm_partner_import_menu")
    dialog = page.locator(".modal:has-text('Import a Customer List')")
    dialog.wait_for()
    dialog.locator(".o_field_widget[name=source_system] input").fill("o18_import")
    dialog.locator(".o_field_widget[name=file] input[type=file]").set_input_files(str(path))
    # the binary field shows its pencil (change the file) once it holds one
    dialog.locator(".o_field_widget[name=file] .o_select_file_button").wait_for()
    dialog.locator(".modal-footer button:has-text('Preview')").click()
    rows = dialog.locator(".o_field_widget[name=line_ids] tr.o_data_row")
    rows.first.wait_for()
    assert rows.count() == 4, dialog.inner_text()
    assert_healthy(page, "import preview")
    dialog.locator(".modal-footer button:has-text('Import')").click()
    dialog.locator(".o_field_widget[name=summary]:has-text('3 customers created')") \
        .wait_for(timeout=120000)
    assert_healthy(page, "import done")
    shot(page, artifacts_dir, "o18_import_done")
    lines = rpc("crm.partner.import.line", "search_read",
                [("import_id.source_system", "=", "o18_import")], ["applied"])
    assert len(lines) == 4 and all(line["applied"] for line in lines), lines
    assert rpc("res.partner", "search_count", [("email", "like", "@o18-import.example")]) == 3
    rpc("ir.config_parameter", "set_param", "crm_lifecycle.import_step_rows", "")
