# Copyright 2026 crm_lifecycle contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
{
    "name": "Customer Lifecycle Analytics",
    "summary": "RFM segments, lifetime value, lapse risk, profitability and "
    "staff performance from customer touchpoints",
    "version": "11.0.1.0.0",
    "category": "Sales",
    "license": "AGPL-3",
    "author": "crm_lifecycle contributors",
    "website": "https://github.com/crm-lifecycle/crm_lifecycle",
    "depends": ["crm_lifecycle", "mail"],
    "external_dependencies": {"python": ["numpy", "scipy"]},
    "data": [
        "security/ir.model.access.csv",
        "security/crm_customer_metrics_security.xml",
        "data/ir_cron.xml",
        "data/mail_activity_type_data.xml",
        "data/crm_campaign_template_data.xml",
        "views/crm_customer_metrics_views.xml",
        "views/crm_customer_snapshot_views.xml",
        "views/res_partner_views.xml",
        "views/crm_campaign_views.xml",
        "views/crm_staff_performance_views.xml",
        "views/crm_staff_response_time_views.xml",
        "views/res_config_settings_views.xml",
        "views/crm_customer_activity_wizard_views.xml",
        "views/crm_segment_views.xml",
        "views/crm_company_view_views.xml",
        "data/crm_lifecycle_tile_data.xml",
    ],
    "demo": [],
    "installable": True,
}
