"""Reporting > Retention and Churn and Cohorts (issue 20, item 4) in
headless Chromium: a month only this test's customers bought in shows the
buyers and the retention the test computes; the cohort matrix's total is
the average share read from the database."""
import datetime

from test_profit_risk import open_report, pivot_totals
from test_smoke import assert_healthy, shot


def test_retention_and_cohorts(page, odoo_server, artifacts_dir):
    rpc = odoo_server.rpc
    order = rpc("crm.touchpoint.channel", "search", [("code", "=", "order")])[0]
    # March 2019: two customers buy, one of them again in May (within three
    # months): 2 buyers, 1 retained, 50 % retention
    for name, days in (("Rhea Retained", ("2019-03-05", "2019-05-10")),
                       ("Carl Churned", ("2019-03-20",))):
        partner = rpc("res.partner", "create", {"name": name, "customer": True})
        for day in days:
            rpc("crm.touchpoint", "create", {
                "partner_id": partner, "kind": "purchase", "channel_id": order,
                "direction": "inbound", "amount": 80.0, "date": day + " 10:00:00"})
    rpc("crm.retention.month", "refresh")
    march = rpc("crm.retention.month", "search_read", [("month", "=", "2019-03-01")],
                ["active_customers", "retained_customers", "retention_rate"])
    assert march and (march[0]["active_customers"], march[0]["retained_customers"]) == (2, 1)

    open_report(page, odoo_server.url, "crm_retention_month_menu", "Retention and Churn")
    page.wait_for_selector(".o_graph_svg_container svg, .o_graph canvas, .o_graph_renderer")
    assert_healthy(page, "Retention and Churn graph")
    page.click(".o_cp_switch_list")
    row = page.locator(".o_list_view tr.o_data_row:has-text('03/01/2019')")
    row.wait_for()
    cells = row.locator("td").all_inner_texts()
    shot(page, artifacts_dir, "retention")
    assert "2" in cells and "1" in cells, cells
    assert "50.0" in cells and "50.0" in cells[cells.index("50.0") + 1:], cells  # retention, churn
    assert_healthy(page, "Retention and Churn list")

    # the cohort matrix: the share still buying, its total the average cell
    today = datetime.date.today()
    since = (today - datetime.timedelta(days=730)).strftime("%Y-%m-01")
    total = rpc("crm.cohort.cell", "read_group",
                [("cohort", ">=", since), ("age", "<", 12)], ["share"], [])[0]
    open_report(page, odoo_server.url, "crm_cohort_cell_menu", "Cohorts", login_first=False)
    _pivot, cells = pivot_totals(page)
    shot(page, artifacts_dir, "cohorts")
    assert abs(cells[-1] - total["share"]) < 0.051, (total, cells)
    assert_healthy(page, "Cohorts")


def list_rows(page, text):
    """The cells of the list rows that contain `text`."""
    rows = page.locator(".o_list_view tr.o_data_row:has-text('%s')" % text)
    rows.first.wait_for()
    return [rows.nth(i).locator("td").all_inner_texts() for i in range(rows.count())]


def test_value_ledger(page, odoo_server, artifacts_dir):
    """Reporting > Value Ledger: two monthly snapshots far in the past (an
    upgrade, a customer who left, a new one); the opening and closing values
    and the new customers' part are the sums the test reads back from the
    snapshots."""
    rpc = odoo_server.rpc
    admin = rpc("res.users", "search", [("login", "=", "admin")])
    company = rpc("res.users", "read", admin, ["company_id"])[0]["company_id"][0]
    names = ("Una Upgrade", "Lee Left", "Nina New-Value")
    people = {name: rpc("res.partner", "create", {"name": name, "customer": True})
              for name in names}
    for name, month, value in (("Una Upgrade", "2018-01-01", 1000.0),
                               ("Una Upgrade", "2018-02-01", 1250.0),
                               ("Lee Left", "2018-01-01", 300.0),
                               ("Nina New-Value", "2018-02-01", 4321.0)):
        rpc("crm.customer.snapshot", "create", {
            "partner_id": people[name], "company_id": company, "month": month,
            "rfm_segment": "loyal", "lapse_band": "active", "clv": value})
    try:
        check_ledger(page, odoo_server, artifacts_dir, company, people)
    finally:
        # the other tests share the database (the demo-data test counts the
        # snapshot months)
        rpc("crm.customer.snapshot", "unlink", rpc("crm.customer.snapshot", "search", [
            ("month", "in", ("2018-01-01", "2018-02-01"))]))
        rpc("crm.retention.month", "refresh")


def check_ledger(page, odoo_server, artifacts_dir, company, people):
    rpc = odoo_server.rpc
    rpc("crm.retention.month", "refresh")

    def clv(month, domain=()):
        rows = rpc("crm.customer.snapshot", "search_read",
                   [("month", "=", month), ("company_id", "=", company)] + list(domain),
                   ["clv"])
        return round(sum(row["clv"] or 0.0 for row in rows), 2)
    opening, closing = clv("2018-01-01"), clv("2018-02-01")
    new = clv("2018-02-01", [("partner_id", "=", people["Nina New-Value"])])
    fmt = "{:,.2f}".format

    open_report(page, odoo_server.url, "crm_value_ledger_menu", "Value Ledger")
    # the graph of this month (empty unless a snapshot of this month exists)
    page.wait_for_selector(".o_graph, .o_graph_renderer")
    assert_healthy(page, "Value Ledger graph")
    page.click(".o_searchview .o_facet_remove")  # This Month
    page.wait_for_selector(".o_graph_svg_container svg, .o_graph canvas")
    page.click(".o_cp_switch_list")
    rows = list_rows(page, "02/01/2018")
    shot(page, artifacts_dir, "value_ledger")
    by_part = {}
    for cells in rows:
        for part in ("Opening Value", "Closing Value", "New Customers"):
            if part in cells:
                by_part[part] = cells
    assert fmt(opening) in " ".join(by_part["Opening Value"]), (opening, by_part)
    assert fmt(closing) in " ".join(by_part["Closing Value"]), (closing, by_part)
    assert fmt(new) in " ".join(by_part["New Customers"]), (new, by_part)
    assert_healthy(page, "Value Ledger list")


def test_campaign_results_by_segment(page, odoo_server, artifacts_dir):
    """Reporting > Campaign Results by Segment: a letter campaign to the
    demo segment with a fixed cost and a cost per letter, one response; the
    segment's members contacted, responses and cost as the test counts them
    from the campaigns' members."""
    from test_campaign import split_seed
    rpc = odoo_server.rpc
    segment = rpc("ir.model.data", "xmlid_to_res_id", "crm_lifecycle.crm_segment_demo_companies")
    letter = rpc("crm.touchpoint.channel", "search", [("code", "=", "letter")])[0]
    companies = rpc("res.partner", "search", [("customer", "=", True), ("is_company", "=", True)])
    campaign = rpc("crm.campaign", "create", {
        "name": "Browser results by segment", "segment_ids": [(6, 0, [segment])],
        "channel_id": letter, "holdout_percent": 50, "seed": split_seed(companies, 0.5),
        "fixed_cost": 100.0, "cost_per_contact": 2.5})
    rpc("crm.campaign", "action_plan", [campaign])
    rpc("crm.campaign", "action_launch", [campaign])
    member = rpc("crm.campaign.member", "search_read",
                 [("campaign_id", "=", campaign), ("split_group", "=", "target")],
                 ["partner_id"], limit=1)[0]
    rpc("crm.touchpoint", "ingest", [{
        "source_system": "browser-test", "external_ref": "segment-results-reply",
        "date": datetime.datetime.utcnow().strftime("%Y-%m-%d %H:%M:%S"),
        "partner_id": member["partner_id"][0], "channel": "phone", "direction": "inbound",
        "kind": "response", "subject": "About your letter"}])

    # the test's own count over every launched campaign with members of the segment
    contacted = responses = 0
    cost = 0.0
    launched = rpc("crm.campaign", "search_read", [("date_start", "!=", False)],
                   ["fixed_cost", "cost_per_contact"])
    for other in launched:
        base = [("campaign_id", "=", other["id"]), ("split_group", "=", "target")]
        mine = rpc("crm.campaign.member", "search_count",
                   base + [("segment_id", "=", segment), ("contact_date", "!=", False)])
        everyone = rpc("crm.campaign.member", "search_count",
                       base + [("segment_id", "!=", False), ("contact_date", "!=", False)])
        contacted += mine
        responses += rpc("crm.campaign.member", "search_count",
                         base + [("segment_id", "=", segment), ("response_date", "!=", False)])
        if everyone:
            cost += other["cost_per_contact"] * mine + other["fixed_cost"] * mine / everyone
    assert contacted > 0 and responses > 0, (contacted, responses)

    open_report(page, odoo_server.url, "crm_segment_roi_menu", "Campaign Results by Segment")
    cells = list_rows(page, "Demo Companies")[0]
    shot(page, artifacts_dir, "segment_results")
    assert str(contacted) in cells and str(responses) in cells, (contacted, responses, cells)
    assert "{:,.2f}".format(cost) in " ".join(cells), (cost, cells)
    assert_healthy(page, "Campaign Results by Segment")


def test_segment_by_category(page, odoo_server, artifacts_dir):
    """Reporting > Segment x Category (sale bridge): a confirmed order of a
    product in a new category; the segment's penetration of that category is
    the share the test counts from the customers' metrics."""
    rpc = odoo_server.rpc
    categ = rpc("product.category", "create", {"name": "Browser Rare Teas"})
    product = rpc("product.product", "create", {
        "name": "Silver Needle", "categ_id": categ, "list_price": 45.0, "type": "consu"})
    partner = rpc("res.partner", "create", {"name": "Tess Tea-Buyer", "customer": True})
    order = rpc("sale.order", "create", {
        "partner_id": partner,
        "order_line": [(0, 0, {"product_id": product, "product_uom_qty": 3,
                               "price_unit": 45.0})]})
    rpc("sale.order", "action_confirm", [order])
    rpc("crm.customer.metrics", "compute_metrics")
    mine = rpc("crm.customer.metrics", "search_read", [("partner_id", "=", partner)],
               ["rfm_segment", "categ_ids"])[0]
    assert mine["rfm_segment"] and categ in mine["categ_ids"], mine
    in_segment = [("rfm_segment", "=", mine["rfm_segment"])]
    buyers = rpc("crm.customer.metrics", "search_count", in_segment + [("categ_ids", "in", categ)])
    everyone = rpc("crm.customer.metrics", "search_count", in_segment)
    share = "%.1f" % (100.0 * buyers / everyone)

    open_report(page, odoo_server.url, "crm_segment_category_menu", "Segment x Category",
                module="crm_lifecycle_analytics_sale")
    pivot_totals(page)
    assert_healthy(page, "Segment x Category pivot")
    page.click(".o_cp_switch_list")
    cells = list_rows(page, "Browser Rare Teas")[0]
    shot(page, artifacts_dir, "segment_category")
    assert str(buyers) in cells and str(everyone) in cells and share in cells, \
        (buyers, everyone, share, cells)
    assert_healthy(page, "Segment x Category list")
