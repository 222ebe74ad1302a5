from odoo import SUPERUSER_ID, api

from . import models


def post_init_hook(cr, registry):
    """Touchpoints for the orders confirmed before the bridge was installed."""
    env = api.Environment(cr, SUPERUSER_ID, {})
    env["crm.touchpoint"]._sync_orders()
