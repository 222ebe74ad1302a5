"""Configuration > Duplicate Finder Weights (issue 21, item 3) in headless
Chromium: a list of customers with a name and an address only, loaded in
one call of Odoo's import, some of them written twice with a typo; a run of
the finder over the whole base learns the weights; the screen shows the
weight of the same name, the expected precision and the suggested
threshold the test reads from the database, and the Settings show them
beside the threshold."""
import random

from test_smoke import assert_healthy, login, open_app, open_menu, shot

GIVEN = ["Ana", "Bogdan", "Cristina", "Dorin", "Elena", "Florin", "Gabriela", "Horia",
         "Ioana", "Liviu", "Mihaela", "Nicolae", "Oana", "Petru", "Raluca", "Sorin"]
SURNAMES = ["Anghel", "Barbu", "Ciobanu", "Dinu", "Enache", "Florea", "Gheorghe", "Ilie",
            "Lungu", "Manole", "Nistor", "Oprea", "Pavel", "Radu", "Stan", "Toma", "Ursu",
            "Vlad", "Zamfir", "Moldovan"]
CITIES = [("Iasi", "700001"), ("Cluj", "400001"), ("Brasov", "500001"), ("Arad", "310001")]


def typo(text, rng):
    at = rng.randrange(1, len(text) - 1)
    return text[:at] + text[at + 1] + text[at] + text[at + 2:]


def test_learnt_weights_screen(page, odoo_server, artifacts_dir):
    rpc = odoo_server.rpc
    rng = random.Random(21)
    rows = []
    for n in range(260):
        name = "%s %s" % (rng.choice(GIVEN), rng.choice(SURNAMES))
        city, zip_code = rng.choice(CITIES)
        street = "Strada Lunga %d" % rng.randrange(1, 300)
        rows.append([name, street, city, zip_code, "1"])
        if n % 2 == 0:  # the same customer again, from another department
            rows.append([typo(name, rng), street, city, zip_code, "1"])
    result = rpc("res.partner", "load", ["name", "street", "city", "zip", "customer"], rows)
    assert not [m for m in result["messages"] if m["type"] == "error"], result["messages"][:3]
    try:
        check_weights(page, odoo_server, artifacts_dir)
    finally:
        # the other browser tests share the database: their pairs and
        # customers lists stay as they were
        loaded = result["ids"]
        pairs = rpc("crm.partner.duplicate", "search",
                    ["|", ("partner_a_id", "in", loaded), ("partner_b_id", "in", loaded)])
        rpc("crm.partner.duplicate", "unlink", pairs)
        rpc("res.partner", "write", loaded, {"active": False})
        rpc("crm.duplicate.model", "unlink", rpc("crm.duplicate.model", "search", []))


def check_weights(page, odoo_server, artifacts_dir):
    rpc = odoo_server.rpc
    rpc("crm.partner.duplicate", "find_duplicates")
    learnt = rpc("crm.duplicate.model", "search_read", [("company_id", "=", False)],
                 ["pair_count", "estimated_precision", "suggested_threshold"])
    assert learnt, "the run over the whole base learns the weights of all customers"
    learnt = learnt[0]
    same_name = rpc("crm.duplicate.weight", "search_read",
                    [("model_id", "=", learnt["id"]), ("field", "=", "name"), ("level", "=", 4)],
                    ["weight", "level_name"])[0]

    login(page, odoo_server.url)
    open_app(page, "crm_lifecycle.crm_lifecycle_menu_root")
    page.wait_for_selector(".o_kanban_view, .o_list_view")
    open_menu(page, "crm_lifecycle.crm_duplicate_model_menu")
    page.wait_for_selector(".o_control_panel .breadcrumb:has-text('Learnt Weights')")
    row = page.locator(".o_list_view tr.o_data_row").first
    row.wait_for()
    cells = row.locator("td").all_inner_texts()
    assert "%.1f" % learnt["estimated_precision"] in cells, (learnt, cells)
    assert "%.2f" % learnt["suggested_threshold"] in cells, (learnt, cells)
    assert_healthy(page, "Learnt Weights list")
    row.click()
    weights = page.locator(".o_form_view .o_field_one2many tr.o_data_row")
    weights.first.wait_for()
    line = weights.filter(has_text=same_name["level_name"]).filter(has_text="Name").first
    assert "%.2f" % same_name["weight"] in line.inner_text(), (same_name, line.inner_text())
    shot(page, artifacts_dir, "duplicate_weights")
    assert_healthy(page, "Learnt Weights form")

    # the Settings: expected precision and the suggested threshold beside it
    page.goto(odoo_server.url + "/web#action=crm_lifecycle.res_config_settings_action")
    box = page.locator("#lifecycle_duplicate_threshold")
    box.wait_for()
    page.wait_for_selector("#lifecycle_duplicate_threshold .o_field_widget"
                           "[name=lifecycle_duplicate_suggested]")
    text = box.inner_text()
    assert "%.2f" % learnt["suggested_threshold"] in text, (learnt, text)
    assert "Expected Precision" in text, text
    assert_healthy(page, "Settings")
