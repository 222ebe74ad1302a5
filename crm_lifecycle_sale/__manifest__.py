# Copyright 2026 crm_lifecycle contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
{
    "name": "Customer Lifecycle - Sales",
    "summary": "Confirmed sale orders become purchase touchpoints with the product "
    "categories bought",
    "version": "11.0.1.0.0",
    "category": "Sales",
    "license": "AGPL-3",
    "author": "crm_lifecycle contributors",
    "website": "https://github.com/crm-lifecycle/crm_lifecycle",
    "depends": ["crm_lifecycle", "sale"],
    "data": ["views/crm_touchpoint_views.xml", "views/crm_campaign_views.xml"],
    "post_init_hook": "post_init_hook",
    "auto_install": True,
    "installable": True,
}
