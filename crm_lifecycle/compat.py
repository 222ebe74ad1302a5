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
    """The records seen by `user`, under that user's rights. 11: sudo
    given the user; 13+: `with_user(user)` (there sudo given a user would
    mean superuser). The user is the caller's or one it names, never a
    raise of rights."""
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
    (`with_user`); on 11 it stands for sudo given the user, which is the
    same there. Tests only: called by the tests' common module."""
    from odoo import models
    if not hasattr(models.BaseModel, "with_user"):
        # sudo: in 11, sudo(user) is "as that user", under that user's rules
        models.BaseModel.with_user = lambda self, user: self.sudo(user)


def savepoint_case():
    """The test case class whose tests share the class's fixtures, each in a
    savepoint. 11-14: `SavepointCase`; 15+: `TransactionCase` does it."""
    from odoo.tests import common
    return getattr(common, "SavepointCase", None) or common.TransactionCase


# SQL of a lead's expected revenue (alias l of crm_lead): 11-13
# `planned_revenue`, 14+ `expected_revenue`
LEAD_REVENUE_SQL = "l.expected_revenue" if VERSION >= 14 else "l.planned_revenue"
# SQL of "the stage is a won stage" (alias s of crm_stage): 11 a probability
# of 100, 13+ the `is_won` flag
WON_STAGE_SQL = "s.is_won" if VERSION >= 13 else "s.probability = 100"
# SQL of a customer's sales team (alias p of res_partner): 11 the partner's
# own team; 13+ partners have none: the team of their salesperson
PARTNER_TEAM_SQL = "(SELECT u.sale_team_id FROM res_users u WHERE u.id = p.user_id)" \
    if VERSION >= 13 else "p.team_id"
# activity types usable on customers: 11 a model record, 14+ the model's name
ACTIVITY_TYPE_PARTNER_DOMAIN = (
    "['|', ('res_model', '=', False), ('res_model', '=', 'res.partner')]" if VERSION >= 14
    else "['|', ('res_model_id', '=', False), ('res_model_id.model', '=', 'res.partner')]")


def activity_delay(activity_type):
    """Days from scheduling to the deadline of an activity of this type. 11:
    `days`; 13+: `delay_count` in `delay_unit` (days, weeks or months)."""
    if VERSION >= 13:
        per_unit = {"days": 1, "weeks": 7, "months": 30}.get(activity_type.delay_unit, 1)
        return (activity_type.delay_count or 0) * per_unit
    return activity_type.days or 0


def query_parts(query):
    """(FROM clause, WHERE condition, parameters) of an ORM query, as SQL
    text with %s placeholders. 11: `get_sql()`; 17+: the clauses are SQL
    objects with their own parameters."""
    if hasattr(query, "get_sql"):
        from_clause, where_clause, params = query.get_sql()
        return from_clause, where_clause, list(params)
    from_sql, where_sql = query.from_clause, query.where_clause
    return from_sql.code, where_sql.code, list(from_sql.params) + list(where_sql.params)


def subtype(xmlid):
    """The keyword naming a message's subtype in `message_post`: 11
    `subtype`, 13+ `subtype_xmlid`."""
    return {"subtype_xmlid" if VERSION >= 13 else "subtype": xmlid}


def error_message(error):
    """The message of an Odoo exception. 11: its `name`; 13+: its first
    argument (`name` is gone)."""
    return getattr(error, "name", None) or (error.args[0] if error.args else str(error))


def safe_eval_datetime():
    """The `datetime` module as an evaluation context of `safe_eval` takes
    it (a tile's domain, e.g. `datetime.timedelta(days=7)`). 11: the module
    itself; 14+: the wrapper `odoo.tools.safe_eval.datetime` (safe_eval
    refuses modules in its context)."""
    if VERSION >= 14:
        from odoo.tools.safe_eval import datetime as wrapped
        return wrapped
    import datetime
    return datetime


# the partner's picture field: 11 `image`, 13+ `image_1920`
PARTNER_IMAGE_FIELD = "image_1920" if VERSION >= 13 else "image"
# a lead's expected revenue field: 11-13 `planned_revenue`, 14+ `expected_revenue`
LEAD_REVENUE_FIELD = "expected_revenue" if VERSION >= 14 else "planned_revenue"


def attachment_name(title, filename):
    """The name fields of a new attachment. 11: a title and the file's name
    (`datas_fname`); 13+: the name is the file's name."""
    if VERSION >= 13:
        return {"name": filename}
    return {"name": title, "datas_fname": filename}


# SQL of "the customer (alias cp of res_partner) refuses mailings": 11 the
# partner's `opt_out` flag; 12+ the email on Odoo's blacklist
EMAIL_OPT_OUT_SQL = (
    "EXISTS (SELECT 1 FROM mail_blacklist b WHERE b.active "
    "AND b.email = lower(trim(cp.email)))" if VERSION >= 12 else "cp.opt_out")


def refuse_mailings(partners):
    """Record that the customers refuse mailings (tests, imports). 11: the
    partners' `opt_out` flag; 12+: their emails on the blacklist."""
    if VERSION >= 12:
        for partner in partners:
            # sudo: the blacklist is written by mail's own method, for this email only
            partner.env["mail.blacklist"].sudo()._add(partner.email)
    else:
        partners.write({"opt_out": True})
