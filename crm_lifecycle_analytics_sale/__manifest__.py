# Copyright 2026 crm_lifecycle contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
{
    "name": "Customer Lifecycle Analytics - Sales",
    "summary": "Product categories each customer buys, and the cross-sell gaps: what "
    "the customer's segment buys and the customer does not",
    "version": "11.0.1.0.0",
    "category": "Sales",
    "license": "AGPL-3",
    "author": "crm_lifecycle contributors",
    "website": "https://github.com/crm-lifecycle/crm_lifecycle",
    "depends": ["crm_lifecycle_analytics", "crm_lifecycle_sale"],
    "data": [
        "security/ir.model.access.csv",
        "security/crm_segment_category_security.xml",
        "views/crm_customer_metrics_views.xml",
        "views/crm_segment_category_views.xml",
        "views/res_partner_views.xml",
    ],
    "auto_install": True,
    "installable": True,
}
