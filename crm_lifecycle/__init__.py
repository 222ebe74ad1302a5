from . import compat
from . import models
from . import wizards


def post_init_hook(cr, registry=None):
    """Make touchpoints from the history already in the database."""
    env = compat.hook_env(cr, registry)
    env["crm.touchpoint"]._rebuild_from_sources()
