# Copyright 2026 crm_lifecycle contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Every difference between the Odoo versions the suite runs on (11.0 and
18.0), in one place: the models, SQL and wizards call these helpers and
never test the version themselves. Each helper says which versions it
bridges."""
from odoo import api, release

VERSION = release.version_info[0]
# the list view's type: "tree" up to 17, "list" from 18
LIST_VIEW = "list" if VERSION >= 18 else "tree"


def model_cr_context(method):
    """11: `@api.model_cr_context` (for `_auto_init`, `init`); 13+: plain
    methods, the decorator is gone."""
    decorator = getattr(api, "model_cr_context", None)
    return decorator(method) if decorator else method


def as_user(records, user):
    """The records seen by `user`, under that user's rights. 11:
    `sudo(user)`; 13+: `with_user(user)` (there `sudo(user)` would mean
    superuser)."""
    if VERSION >= 13:
        return records.with_user(user)
    # sudo: in 11, sudo(user) is "as that user", under that user's rules
    return records.sudo(user)


def flush(env):
    """Write what the ORM holds back before raw SQL reads the tables. 11:
    writes are immediate; 13-15: `env['base'].flush()`; 16+: `flush_all`."""
    if VERSION >= 16:
        env.flush_all()
    elif VERSION >= 13:
        env["base"].flush()


def invalidate_all(env):
    """Forget every cached value after raw SQL wrote. 11: the cache's own
    `invalidate()`; 13+: `env.invalidate_all()`."""
    if VERSION >= 13:
        env.invalidate_all()
    else:
        env.cache.invalidate()


def invalidate_fields(records, fnames):
    """Forget the cached values of these fields of every record of the
    model after raw SQL wrote them. 11: `invalidate_cache(fnames)`; 16+:
    `invalidate_model(fnames)`."""
    if VERSION >= 16:
        records.invalidate_model(fnames)
    else:
        records.invalidate_cache(fnames)


def customer_domain():
    """Partners that are customers. 11: the `customer` flag; 13+: the
    `customer_rank` of the accounting module when installed, else every
    partner."""
    if VERSION >= 13:
        return [("customer_rank", ">", 0)]
    return [("customer", "=", True)]


def hook_env(cr_or_env, registry=None):
    """The environment of an install hook. 11: hooks get (cr, registry);
    17+: they get the environment."""
    if registry is None and hasattr(cr_or_env, "cr"):
        return cr_or_env
    from odoo import SUPERUSER_ID
    return api.Environment(cr_or_env, SUPERUSER_ID, {})


# keyword of a field whose changes the chatter records: 11
# `track_visibility="onchange"`, 13+ `tracking=True`
TRACKING = {"tracking": True} if VERSION >= 13 else {"track_visibility": "onchange"}


def text_sql(expression, field):
    """SQL of a char column read as text. 11: the column; 16+: a translated
    field is a jsonb of {language: text}, read in English (the source)."""
    if VERSION >= 16 and getattr(field, "translate", False):
        return "(%s->>'en_US')" % expression
    return expression


def customer_vals():
    """The values that make a new partner a customer. 11: the `customer`
    flag; 13+: a customer rank of 1 (accounting)."""
    if VERSION >= 13:
        return {"customer_rank": 1}
    return {"customer": True}


def install_test_shims():
    """The suite's tests are written in the 13+ API for switching users
    (`with_user`); on 11 it stands for `sudo(user)`, which is the same
    there. Tests only: called by the tests' common module."""
    from odoo import models
    if not hasattr(models.BaseModel, "with_user"):
        # sudo: in 11, sudo(user) is "as that user", under that user's rules
        models.BaseModel.with_user = lambda self, user: self.sudo(user)


def savepoint_case():
    """The test case class whose tests share the class's fixtures, each in a
    savepoint. 11-14: `SavepointCase`; 15+: `TransactionCase` does it."""
    from odoo.tests import common
    return getattr(common, "SavepointCase", None) or common.TransactionCase
