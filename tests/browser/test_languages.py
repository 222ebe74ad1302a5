"""The suite in its users' languages, in headless Chromium.

For Bulgarian, Indonesian, Romanian and Simplified Chinese: the language is
installed (Odoo loads the suite's i18n/<lang>.po with its own), the admin
switches to it, and the Customer Lifecycle menu, the partner form's
Lifecycle tab and the campaign form show the strings of the .po files.
A screenshot of each goes to the test artifacts (lang_<code>_*.png).
"""
import os

import polib
from test_smoke import assert_healthy, login, shot

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
# Odoo's language code, and the file name of its translations
LANGS = [("bg_BG", "bg"), ("id_ID", "id"), ("ro_RO", "ro"), ("zh_CN", "zh_CN")]


def translated(lang, msgid):
    """The suite's translation of `msgid` in crm_lifecycle/i18n/<lang>.po."""
    po = polib.pofile(os.path.join(ROOT, "crm_lifecycle", "i18n", "%s.po" % lang))
    entry = po.find(msgid)
    assert entry and entry.msgstr, "%r is not translated in %s.po" % (msgid, lang)
    return entry.msgstr


def assert_labels_fit(page, where):
    """No smart-button label of the page is cut off (Odoo ends a label too
    long for the button with an ellipsis)."""
    page.locator(".oe_button_box .o_stat_text").first.wait_for()
    cut = page.evaluate("""() => Array.from(
        document.querySelectorAll('.oe_button_box .oe_stat_button:not(.o_invisible_modifier) '
                                  + '.o_stat_text, .oe_button_box .oe_stat_button '
                                  + '.o_stat_value'))
        .filter(el => el.offsetParent && el.scrollWidth > el.clientWidth + 1)
        .map(el => el.textContent.trim())""")
    assert not cut, "smart-button labels cut off on %s: %s" % (where, cut)


def test_menu_partner_form_and_campaign_form_in_four_languages(page, odoo_server,
                                                               artifacts_dir):
    rpc = odoo_server.rpc
    for code, _file in LANGS:
        wizard = rpc("base.language.install", "create", {"lang": code})
        rpc("base.language.install", "lang_install", [wizard])
    admin = rpc("res.users", "search", [("login", "=", "admin")])[0]
    partner = rpc("res.partner", "search", [("name", "=", "Agrolait")])[0]
    phone = rpc("crm.touchpoint.channel", "search", [("code", "=", "phone")])[0]
    campaign = rpc("crm.campaign", "create", {"name": "Languages", "channel_id": phone})
    url = odoo_server.url
    try:
        for code, lang in LANGS:
            rpc("res.users", "write", [admin], {"lang": code})
            # the session takes the user's language when it logs in
            page.goto(url + "/web/session/logout")
            login(page, url)
            menu = page.locator(
                "#oe_main_menu_navbar a[data-menu-xmlid='crm_lifecycle.crm_lifecycle_menu_root']")
            menu.wait_for()
            assert menu.inner_text().strip() == translated(lang, "Customer Lifecycle"), (
                code, menu.inner_text())

            # the customer's form, on the Lifecycle tab
            page.goto(url + "/web#id=%d&model=res.partner&view_type=form" % partner)
            tab = page.locator(".o_form_view .nav-tabs a:text-is('%s')"
                               % translated(lang, "Lifecycle"))
            tab.wait_for()
            tab.click()
            assert_healthy(page, "partner form in %s" % code)
            assert_labels_fit(page, "partner form in %s" % code)
            shot(page, artifacts_dir, "lang_%s_partner" % code)

            # a campaign's form: its groups and fields
            page.goto(url + "/web#id=%d&model=crm.campaign&view_type=form" % campaign)
            page.locator(".o_form_view .o_horizontal_separator:text-is('%s')"
                         % translated(lang, "Audience")).wait_for()
            label = page.locator(".o_form_view label.o_form_label").filter(
                has_text=translated(lang, "Control Group (%)"))
            assert label.count() >= 1, "no translated control group label in %s" % code
            assert page.locator(".o_form_view label.o_form_label:text-is('Control Group (%)')") \
                .count() == 0, "the English label is still shown in %s" % code
            assert_healthy(page, "campaign form in %s" % code)
            assert_labels_fit(page, "campaign form in %s" % code)
            shot(page, artifacts_dir, "lang_%s_campaign" % code)
    finally:
        rpc("res.users", "write", [admin], {"lang": "en_US"})
    errors = odoo_server.log_errors()
    assert not errors, "server log has errors:\n%s" % "\n".join(errors[:10])
