# Copyright 2026 crm_lifecycle contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
{
    "name": "Customer Lifecycle - Email Marketing",
    "summary": "Email campaigns sent as mass mailings to their target group, with the "
    "campaign's UTM",
    "version": "11.0.1.0.0",
    "category": "Marketing",
    "license": "AGPL-3",
    "author": "crm_lifecycle contributors",
    "website": "https://github.com/crm-lifecycle/crm_lifecycle",
    "depends": ["crm_lifecycle", "mass_mailing"],
    "data": ["views/crm_campaign_views.xml"],
    "auto_install": True,
    "installable": True,
}
