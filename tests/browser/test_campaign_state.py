"""An email campaign shows its true state, in headless Chromium, as a
manager (admin): launched, it waits for its mailing (Launched, Not Yet
Sent, 0 of N contacted, no verdict); once the mailing is sent it is Running
with its verdict. The Response Rates dashboard then compares the rates of
target and control per campaign."""
from test_campaign import split_seed
from test_smoke import assert_healthy, login, open_app, open_menu, shot

STATUS = ".o_statusbar_status .btn-primary:has-text('%s')"


def test_mailing_campaign_shows_its_true_state_before_and_after_sending(
        page, odoo_server, artifacts_dir):
    rpc = odoo_server.rpc
    segment = rpc("ir.model.data", "xmlid_to_res_id", "crm_lifecycle.crm_segment_demo_companies")
    email = rpc("crm.touchpoint.channel", "search", [("code", "=", "email")])
    assert segment and email
    # the demo companies with an email can be mailed: a seed that splits them
    mailable = rpc("res.partner", "search", [("customer", "=", True), ("is_company", "=", True),
                                             ("email", "!=", False), ("opt_out", "=", False)])
    campaign_id = rpc("crm.campaign", "create", {
        "name": "Browser mailing state", "segment_ids": [(6, 0, [segment])],
        "channel_id": email[0], "holdout_percent": 50.0,
        "seed": split_seed(mailable, 0.5), "description": "Our autumn offers."})
    url = odoo_server.url

    login(page, url)
    page.goto(url + "/web#id=%d&model=crm.campaign&view_type=form" % campaign_id)
    page.wait_for_selector(".o_form_view.o_form_readonly")
    page.click(".o_form_statusbar button:has-text('Plan')")
    page.wait_for_selector(STATUS % "Planned", timeout=60000)
    page.click(".o_form_statusbar button:has-text('Launch')")
    page.click(".modal-footer button:has-text('Ok'), .modal-footer button:has-text('OK')")

    # launched, the mailing not sent: no Running, no verdict, what it waits for
    page.wait_for_selector(STATUS % "Launched, Not Yet Sent", timeout=60000)
    campaign = rpc("crm.campaign", "read", [campaign_id],
                   ["state", "target_count", "contacted_count", "mass_mailing_id"])[0]
    assert campaign["state"] == "launched", campaign
    assert campaign["target_count"] > 0 and campaign["contacted_count"] == 0, campaign
    assert campaign["mass_mailing_id"], "the email campaign prepared its mailing"
    form = page.locator(".o_form_view")
    waiting = page.locator(".o_form_view div[name=contact_status]")
    waiting.wait_for()
    assert ("Waiting for the mailing to be sent: 0 of %d target customers contacted"
            % campaign["target_count"]) in waiting.inner_text()
    assert page.locator(STATUS % "Running").count() == 0
    text = form.inner_text()
    assert "No clear effect" not in text and "raised the response rate" not in text, text
    assert page.locator(".o_form_view div[name=verdict]:visible, "
                        ".o_form_view div[name=verdict_significant]:visible").count() == 0
    assert "Judgement" not in text
    assert_healthy(page, "launched mailing campaign")
    shot(page, artifacts_dir, "34_campaign_waiting_for_mailing")

    # the mailing is sent (Email Marketing's send; the mails wait in the queue)
    rpc("mail.mass_mailing", "send_mail", [campaign["mass_mailing_id"][0]])
    page.reload()
    page.wait_for_selector(STATUS % "Running", timeout=60000)
    sent = rpc("crm.campaign", "read", [campaign_id], ["contacted_count", "judgement_summary"])[0]
    assert sent["contacted_count"] == campaign["target_count"], sent
    verdict = page.locator(".o_form_view div[name=verdict]:visible, "
                           ".o_form_view div[name=verdict_significant]:visible")
    verdict.first.wait_for()
    assert sent["judgement_summary"] in verdict.first.inner_text()
    assert "No clear effect" in sent["judgement_summary"]
    assert page.locator(".o_form_view div[name=contact_status]:visible").count() == 0
    assert "Judgement" in form.inner_text()
    assert_healthy(page, "sent mailing campaign")
    shot(page, artifacts_dir, "35_campaign_mailing_sent")

    # the dashboard: response rates of target and control, by campaign
    open_app(page, "crm_lifecycle.crm_lifecycle_menu_root")
    rates_menu = "crm_lifecycle.crm_campaign_response_menu"
    page.wait_for_selector(".o_sub_menu a[data-menu-xmlid='%s']" % rates_menu)
    open_menu(page, rates_menu)
    pivot = page.locator(".o_pivot table")
    pivot.wait_for(timeout=60000)
    page.wait_for_selector(".o_pivot table:has-text('Browser mailing state')", timeout=60000)
    table = pivot.inner_text()
    assert "Response Rate (%)" in table and "Target" in table and "Control" in table, table
    assert_healthy(page, "response rates")
    shot(page, artifacts_dir, "36_campaign_response_rates")
    errors = odoo_server.log_errors()
    assert not errors, "server log has errors:\n%s" % "\n".join(errors[:10])
