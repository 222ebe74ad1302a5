from odoo import SUPERUSER_ID, api

from . import models
from . import wizards


def post_init_hook(cr, registry):
    """Make touchpoints from the history already in the database."""
    env = api.Environment(cr, SUPERUSER_ID, {})
    env["crm.touchpoint"]._rebuild_from_sources()
