# Copyright 2026 crm_lifecycle contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
{
    "name": "Customer Lifecycle",
    "summary": "Every contact with a customer on one timeline: touchpoints, "
    "identity, segments and campaigns",
    "version": "11.0.1.0.0",
    "category": "Sales",
    "license": "AGPL-3",
    "author": "crm_lifecycle contributors",
    "website": "https://github.com/crm-lifecycle/crm_lifecycle",
    "depends": ["crm", "sales_team", "utm", "mail", "calendar"],
    "data": [
        "security/crm_lifecycle_groups.xml",
        "security/ir.model.access.csv",
        "security/crm_touchpoint_security.xml",
        "data/crm_touchpoint_channel_data.xml",
        "views/crm_touchpoint_channel_views.xml",
        "views/crm_touchpoint_views.xml",
        "views/res_partner_views.xml",
        "views/mail_activity_type_views.xml",
        "data/crm_touchpoint_capture_data.xml",
        "views/res_config_settings_views.xml",
        "views/crm_lifecycle_menus.xml",
    ],
    "demo": ["demo/crm_team_demo.xml"],
    "external_dependencies": {"python": ["phonenumbers"]},
    "post_init_hook": "post_init_hook",
    "application": True,
    "installable": True,
}
