# Copyright 2026 crm_lifecycle contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
{
    "name": "Customer Lifecycle - Surveys",
    "summary": "Customers' survey answers become feedback touchpoints with their NPS and "
    "CSAT scores",
    "version": "11.0.1.0.0",
    "category": "Sales/CRM",
    "license": "AGPL-3",
    "author": "crm_lifecycle contributors",
    "website": "https://github.com/crm-lifecycle/crm_lifecycle",
    "depends": ["crm_lifecycle", "survey"],
    "data": ["views/survey_question_views.xml"],
    "post_init_hook": "post_init_hook",
    "auto_install": True,
    "installable": True,
}
