from . import models
from odoo.addons.crm_lifecycle import compat


def post_init_hook(cr, registry=None):
    """Touchpoints for the ratings given before the bridge was installed."""
    env = compat.hook_env(cr, registry)
    env["crm.touchpoint"]._sync_ratings()
