# Copyright 2026 crm_lifecycle contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""What the module made in the database outside the ORM's tables: Odoo
drops its models' tables and views on uninstall, not these."""
from odoo.addons.crm_lifecycle import compat

# the triggers go with their functions (CASCADE): those of the metrics queue
# on crm_touchpoint (a table of crm_lifecycle, which stays) and those of the
# portfolio's copy on crm_customer_metrics; the report's view on the copy
# goes with it (Odoo then finds no view to drop)
UNINSTALL_SQL = """
    DROP FUNCTION IF EXISTS crm_lifecycle_queue_metrics() CASCADE;
    DROP FUNCTION IF EXISTS crm_staff_portfolio_sync() CASCADE;
    DROP TABLE IF EXISTS crm_lifecycle_metrics_queue, crm_lifecycle_metrics_generation,
                         crm_staff_portfolio_base CASCADE;
    DROP SEQUENCE IF EXISTS crm_lifecycle_metrics_generation_seq;
"""


def uninstall_hook(cr, registry=None):
    env = compat.hook_env(cr, registry)
    env.cr.execute(UNINSTALL_SQL)
