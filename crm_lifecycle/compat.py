# Copyright 2026 crm_lifecycle contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Every difference between the Odoo versions the suite runs on (11.0 and
18.0), in one place: the models, SQL and wizards call these helpers and
never test the version themselves. Each helper says which versions it
bridges."""
import contextlib

import psycopg2

from odoo import api, release

from . import sql as lifecycle_sql

VERSION = release.version_info[0]
# 11's create writes False into every boolean column it is given no value
# for; 18's leaves them NULL
CREATE_FILLS_BOOLEANS = VERSION < 13
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


def action_values(action):
    """The values of a window action (a record) a button returns, for any
    user. 11: its `read()` (every user reads actions); 14+: the action's
    own `_get_action_dict()` (only its fields meant for the web client;
    a plain user may not read actions there)."""
    if VERSION >= 14:
        return action._get_action_dict()
    return action.read()[0]


def is_superuser(env):
    """Whether the environment bypasses access rules. 11: the superuser's
    uid (sudo() switches to it); 13+: the `su` flag of sudo()."""
    if VERSION >= 13:
        return env.su
    from odoo import SUPERUSER_ID
    return env.uid == SUPERUSER_ID


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


def recompute_written(records, fnames, done=()):
    """After `fnames` of `records` were written by SQL: recompute what the
    ORM recomputes after a write of them (the stored fields computed from
    them, on these records and on others), except the fields `done` of
    `records` (the caller wrote them). 13+: the ORM's own `modified`, then
    a flush; 11: `modified` marks them, the records' own fields are
    computed in batches (`compute_stored`: one UPDATE), the other models'
    by the ORM's `recompute`."""
    env = records.env
    records.modified(fnames)
    if VERSION >= 13:
        for field in done:
            if hasattr(env, "remove_to_compute"):
                env.remove_to_compute(field, records)
        flush(env)
        return
    for field in done:
        env.remove_todo(field, records)
    own = {}
    for field, recs_list in list(env.all.todo.items()):
        if field.model_name != records._name:
            continue
        for recs in list(recs_list):
            own[field] = own.get(field, records.browse()) | recs
            env.remove_todo(field, recs)
    if own:
        targets = records.browse()
        for recs in own.values():
            targets |= recs
        compute_stored(targets.exists(), list(own))
    records.recompute()


def compute_stored(records, fields):
    """Compute the stored computed `fields` of `records` (rows just
    INSERTed by SQL) with their own compute methods, over all the records
    at once, and write them. 13+: the ORM's own queue of fields to compute,
    flushed in batch; 11: the ORM would write each record with its own
    UPDATE, so the values are computed into the cache and written with one
    UPDATE of all the records."""
    env = records.env
    if VERSION >= 13:
        # the values of rows just created: not tracked (17+ tracks computed
        # fields as they are computed; the ORM's create logs the creation only)
        records = records.with_context(mail_notrack=True)
        env = records.env
        for field in fields:
            env.add_to_compute(field, records)
        if VERSION >= 16:
            records.flush_recordset([f.name for f in fields])
        else:
            records.recompute()
            records.flush()
        return
    # by levels: a field that depends on another computed field (the
    # commercial entity's country on the commercial entity) after it, as
    # 11 computes some of them in another environment, which reads the
    # columns
    names = {f.name for f in fields}
    remaining = list(fields)
    while remaining:
        waiting = {g.name for g in remaining}

        def ready(field):
            return not any(dep.split(".")[0] in (names & waiting) - {field.name}
                           for dep in field.depends)
        level = [f for f in remaining if ready(f)]
        level = level or remaining
        remaining = [f for f in remaining if f not in level]
        _compute_level(records, level)


def _compute_level(records, fields, batch=250):
    env = records.env
    rows = {record.id: {"id": record.id} for record in records}
    # computed a few hundred records at a time: 11's computes mark what
    # their values invalidate over the whole batch at each assignment
    # (5,000 records at once: 45 s, by 250: a few seconds)
    for start in range(0, len(records), batch):
        # browsed anew: a slice would prefetch the fields of all the records
        part = records.browse(records.ids[start:start + batch])
        for field in fields:
            env.add_todo(field, part)
        for field in fields:
            for record in part:
                value = field.convert_to_write(record[field.name], record)
                rows[record.id][field.name] = field.convert_to_column(value, record)
            env.remove_todo(field, part)
    # the computed values of the records just created (the caller checks
    # them as a create is checked)
    lifecycle_sql.update_by_id(env.cr, records._table, fields, list(rows.values()))
    env.cache.invalidate([(f, records.ids) for f in fields])


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


def after_commit(cr, func):
    """Call `func` (no argument) once the transaction of `cr` is committed
    (never when it is rolled back). 11: cr.after("commit"); 13+: the
    cursor's postcommit callbacks."""
    if hasattr(cr, "postcommit"):
        cr.postcommit.add(func)
    else:
        cr.after("commit", func)


@contextlib.contextmanager
def system_env(dbname):
    """A superuser environment on a cursor of its own on the database
    `dbname`, for work in a thread of its own; the cursor is committed when
    the block ends without error and closed in any case. 11 wants the
    environments of a thread managed (Environment.manage, gone in 16)."""
    from odoo import SUPERUSER_ID
    from odoo.modules.registry import Registry
    manage = getattr(api.Environment, "manage", None)
    with (manage() if manage else contextlib.suppress()):
        with Registry(dbname).cursor() as cr:
            yield api.Environment(cr, SUPERUSER_ID, {})


def listen_connection(dbname):
    """A connection of its own to the database `dbname` (not from Odoo's
    pool: it holds a session lock and LISTENs), in autocommit, with the
    server's connection settings."""
    from odoo.sql_db import connection_info_for
    _name, info = connection_info_for(dbname)
    conn = psycopg2.connect(**info)
    conn.autocommit = True
    return conn


def hook_env(cr_or_env, registry=None):
    """The environment of an install hook. 11: hooks get (cr, registry);
    17+: they get the environment."""
    if registry is None and hasattr(cr_or_env, "cr"):
        return cr_or_env
    from odoo import SUPERUSER_ID
    return api.Environment(cr_or_env, SUPERUSER_ID, {})


def aggregator(function):
    """The keyword of a field that says how a group sums it (avg, max...).
    11-16: `group_operator`; 17+: `aggregator`."""
    return {"aggregator" if VERSION >= 17 else "group_operator": function}


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


def unreadable_partner_vals(env):
    """Values of a partner that a salesperson of the main company may not
    read (tests). 11: a private address (only HR officers read those; the
    partners' company rule is off by default there); 17+: a partner of
    another company (private addresses are gone, the company rule is on)."""
    if VERSION >= 17:
        return {"company_id": env["res.company"].create({"name": "Elsewhere Ltd"}).id}
    return {"type": "private"}


def partner_team_vals(team):
    """Values giving a customer this sales team (tests, demo). 11: the
    partner's own team; 13+: partners have none, the team of their
    salesperson (a member of it) stands for it."""
    return {} if VERSION >= 13 else {"team_id": team.id}


def after_install(test_class):
    """Run the test class once every module is installed (tests that need
    the bridges' code, which Odoo's runner loads after the module under
    test). 11: `post_install(True)` and `at_install(False)`; 12+: the tags
    `post_install` and `-at_install`."""
    from odoo.tests import common
    if hasattr(common, "tagged"):
        return common.tagged("post_install", "-at_install")(test_class)
    return common.at_install(False)(common.post_install(True)(test_class))


def pure_test_case():
    """The base class of the tests of pure functions (maths, keys: no
    database). 11: unittest's TestCase (pytest-odoo runs it); 12+: Odoo's
    BaseCase, since Odoo's runner collects only its tests, keeping
    unittest's assertRaises (Odoo's wants an environment)."""
    import unittest
    if VERSION < 12:
        return unittest.TestCase
    from odoo.tests import common

    class PureCase(common.BaseCase):
        assertRaises = unittest.TestCase.assertRaises

    return PureCase


def sale_tax_vals(percent, included):
    """Values of a sales tax of `percent` %, in the price or added to it
    (tests, demo). 11-16: `price_include`; 17+: `price_include_override`
    (the company's default otherwise)."""
    vals = {"name": "Tax %s%% %s" % (percent, "incl." if included else "excl."),
            "amount": percent, "amount_type": "percent", "type_tax_use": "sale"}
    if VERSION >= 17:
        vals["price_include_override"] = "tax_included" if included else "tax_excluded"
    else:
        vals["price_include"] = included
    return vals


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
# the field of a stage that makes it a won stage (WON_STAGE_SQL reads it)
WON_STAGE_FIELD = "is_won" if VERSION >= 13 else "probability"
# SQL of a customer's sales team (alias p of res_partner): 11 the partner's
# own team; 13+ partners have none: the team of their salesperson
PARTNER_TEAM_SQL = "(SELECT u.sale_team_id FROM res_users u WHERE u.id = p.user_id)" \
    if VERSION >= 13 else "p.team_id"
# the fields the team of a customer (above) is read from, per model: a write
# of one of them moves the customer to another team
PARTNER_TEAM_SOURCES = ({"res.partner": ["user_id"], "res.users": ["sale_team_id"]}
                        if VERSION >= 13 else {"res.partner": ["team_id"]})
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


def xmlid_id(env, xmlid):
    """The id of the record of `xmlid` from the registry's cache, without
    the existence query of env.ref. 11-14: xmlid_to_res_id; 15+:
    _xmlid_to_res_id."""
    Data = env["ir.model.data"]
    lookup = getattr(Data, "_xmlid_to_res_id", None) or Data.xmlid_to_res_id
    return lookup(xmlid)


def subtype(xmlid):
    """The keyword naming a message's subtype in `message_post`: 11
    `subtype`, 13+ `subtype_xmlid`."""
    return {"subtype_xmlid" if VERSION >= 13 else "subtype": xmlid}


def error_message(error):
    """The message of an Odoo exception. 11: its `name`; 13+: its first
    argument (`name` is gone)."""
    return getattr(error, "name", None) or (error.args[0] if error.args else str(error))


# the stored column of a partner's full name ("Company, Person"): 11-16
# `display_name`, 17+ `complete_name` (display_name is no longer stored)
PARTNER_NAME_COLUMN = "complete_name" if VERSION >= 17 else "display_name"
# the column and value that make a partner inserted in SQL a customer: 11 the
# `customer` flag, 13+ a customer rank of 1 (accounting)
CUSTOMER_COLUMN = ("customer_rank", 1) if VERSION >= 13 else ("customer", True)


def activity_columns_sql(user_sql):
    """(columns, values): what an SQL insert of activities adds for the
    columns 18 has beyond 11's, for an activity of the user `user_sql` (an
    SQL expression of the suite's): `active` (18 archives done activities;
    NULL would hide the new one) and `user_tz` (a stored related field, the
    user's time zone). 11: nothing."""
    if VERSION >= 18:
        return (", active, user_tz",
                ", TRUE, (SELECT tzp.tz FROM res_users tzu JOIN res_partner tzp"
                " ON tzp.id = tzu.partner_id WHERE tzu.id = " + user_sql + ")")
    return "", ""


def view_arch(model, view_type):
    """The arch (XML text) of the model's default view of this type, as the
    web client gets it. 11-15: `fields_view_get`; 16+: `get_view`."""
    if VERSION >= 16:
        return model.get_view(view_type=view_type)["arch"]
    return model.fields_view_get(view_type=view_type)["arch"]


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


# ------------------------------------------------------------ bridges (issue 19)
def model_create_multi(method):
    """The decorator of a `create` override written for a list of values
    (it calls its parent through `create_records`). 12+:
    `api.model_create_multi`; 11: `create` takes one dict, which the method
    gets as a list of one."""
    decorator = getattr(api, "model_create_multi", None)
    if decorator:
        return decorator(method)

    def create(self, vals):
        return method(self, [vals])
    create.__name__, create.__doc__ = method.__name__, method.__doc__
    return api.model(create)


def create_records(parent_create, vals_list):
    """The records the parent `create` (a bound `super().create`) makes of a
    list of values, in a `model_create_multi` override. 12+: one call with
    the list; 11: one call per dict (the parent takes one)."""
    if hasattr(api, "model_create_multi"):
        return parent_create(vals_list)
    records = [parent_create(vals) for vals in vals_list]
    return parent_create.__self__.browse().concat(*records)


# SQL of the day a confirmed sale order (alias o of sale_order) was
# confirmed: 11 its `confirmation_date`; 13+ `date_order`, set to the
# confirmation day when the order is confirmed
ORDER_DATE_SQL = "o.date_order" if VERSION >= 13 else "COALESCE(o.confirmation_date, o.date_order)"
# SQL of a sale order's (alias o) currency: 11 its pricelist's (the field is
# a related one, not stored); 18 the order's own stored column (the
# pricelist is optional there)
ORDER_CURRENCY_SQL = "o.currency_id" if VERSION >= 13 else \
    "(SELECT pl.currency_id FROM product_pricelist pl WHERE pl.id = o.pricelist_id)"
# context of cancelling confirmed sale orders directly: 11 ignores it; 15+
# `action_cancel` of a confirmed order otherwise returns a confirmation wizard
NO_CANCEL_WIZARD = {"disable_cancel_warning": True}

# the mass mailing model: 11 `mail.mass_mailing`; 13+ `mailing.mailing`
MAILING_MODEL = "mailing.mailing" if VERSION >= 13 else "mail.mass_mailing"
# the model of a mailing's per-recipient records: 11 `mail.mail.statistics`;
# 13+ `mailing.trace` (same columns mass_mailing_id, model, res_id)
MAILING_TRACE_MODEL = "mailing.trace" if VERSION >= 13 else "mail.mail.statistics"
MAILING_TRACE_TABLE = MAILING_TRACE_MODEL.replace(".", "_")
# SQL of "the mailing's email to this recipient (alias s of the trace table)
# was not cancelled nor failed": 11 no `exception` date; 15+ its
# `trace_status` (cancel: blacklisted, duplicate...; error: failed)
MAILING_TRACE_OK_SQL = "s.trace_status NOT IN ('cancel', 'error')" if VERSION >= 15 \
    else "s.exception IS NULL"
# a mailing's reply-to mode "replies go to a given email address": 11
# `email`; 13+ `new`
MAILING_REPLY_TO_EMAIL = "new" if VERSION >= 13 else "email"


def mailing_subject(subject):
    """The values of a new mass mailing's subject. 11: `name` is the
    subject; 13+: `subject`, and `name` the mailing's UTM source's."""
    if VERSION >= 13:
        return {"subject": subject, "name": subject}
    return {"name": subject}


def mailing_recipients(mailing):
    """The ids of the records the mailing goes to. 11: `get_recipients`;
    13+: `_get_recipients`."""
    if VERSION >= 13:
        return mailing._get_recipients()
    return mailing.get_recipients()


def send_mailing(mailing):
    """Send the mass mailing now (it ends in the state `done`, which is
    what the suite listens to). 11: `send_mail`; 13+: `action_send_mail`."""
    if VERSION >= 13:
        return mailing.action_send_mail()
    return mailing.send_mail()


def mailing_trace_failed(traces):
    """The traces (`MAILING_TRACE_MODEL`) whose email was cancelled or
    failed. 11: with an `exception` date; 15+: by `trace_status`."""
    if VERSION >= 15:
        return traces.filtered(lambda t: t.trace_status in ("cancel", "error"))
    return traces.filtered("exception")


# a customer's rating values, Odoo's three faces: 11 10 satisfied, 5 not
# satisfied, 1 highly dissatisfied; 16+ 5 top, 3 okay, 1 bad (on 1-5, 4 and
# up is satisfied, 3 okay). 0: not rated yet in both.
RATING_TOP, RATING_OKAY, RATING_BAD = (5, 3, 1) if VERSION >= 16 else (10, 5, 1)
# the lowest rating of a satisfied and of an okay face
RATING_TOP_MIN, RATING_OKAY_MIN = (4, 3) if VERSION >= 16 else (10, 5)

# the model of a survey answer's lines (table survey_user_input_line in
# both): 11 `survey.user_input_line`; 18 `survey.user_input.line`
SURVEY_LINE_MODEL = "survey.user_input.line" if VERSION >= 14 else "survey.user_input_line"
# SQL of the number an answer line (alias l) gives: the number typed, or the
# score of the choice picked. 11: `value_number` of a `number` line, the
# line's `quizz_mark` (the label's, copied); 18: `value_numerical_box`, a
# `scale` line's `value_scale`, the picked answer's `answer_score`
SURVEY_LINE_VALUE_SQL = """CASE l.answer_type
    WHEN 'numerical_box' THEN l.value_numerical_box
    WHEN 'scale' THEN l.value_scale
    WHEN 'suggestion' THEN (SELECT sa.answer_score FROM survey_question_answer sa
                             WHERE sa.id = l.suggested_answer_id) END""" if VERSION >= 14 else \
    """CASE l.answer_type WHEN 'number' THEN l.value_number
                          WHEN 'suggestion' THEN l.quizz_mark END"""
# SQL of when a survey answer (alias ui of survey_user_input) was last
# changed: 11 `date_create`; 13+ `create_date`
SURVEY_INPUT_DATE_SQL = "COALESCE(ui.write_date, ui.create_date)" if VERSION >= 13 \
    else "COALESCE(ui.write_date, ui.date_create)"
# the state of a survey answer begun but not completed: 11 `skip`; 13+
# `in_progress`
SURVEY_INPUT_OPEN = "in_progress" if VERSION >= 13 else "skip"


def survey_page(survey, title):
    """A new page of the survey (tests, imports). 11: a `survey.page`; 13+:
    a question that is a page (`is_page`), its questions follow it."""
    if VERSION >= 13:
        return survey.env["survey.question"].create({
            "survey_id": survey.id, "title": title, "is_page": True, "sequence": 1})
    return survey.env["survey.page"].create({"title": title, "survey_id": survey.id})


def survey_question(page, title, question_type, choices=(), **values):
    """A new question on the page (tests, imports); `choices`: (label,
    score) of a choice question. 11: `question`, `type` and labels with a
    `quizz_mark`; 13+: `title`, `question_type` (placed after the page)
    and suggested answers with an `answer_score`."""
    if VERSION >= 13:
        sequence = 2 + page.env["survey.question"].search_count(
            [("survey_id", "=", page.survey_id.id)])
        values = dict(values, survey_id=page.survey_id.id, title=title, sequence=sequence,
                      question_type=question_type, suggested_answer_ids=[
                          (0, 0, {"value": label, "answer_score": score})
                          for label, score in choices])
    else:
        values = dict(values, page_id=page.id, question=title, type=question_type,
                      labels_ids=[(0, 0, {"value": label, "quizz_mark": score})
                                  for label, score in choices])
    return page.env["survey.question"].create(values)


def survey_answer_line(answer, question, number=None, score=None):
    """A new line of the survey answer (tests, imports): a number, or the
    choice of the question with that score. 11: a `number` line's
    `value_number`, a `suggestion` line's `value_suggested` (a label); 14+:
    `numerical_box` and `value_numerical_box`, `suggested_answer_id`."""
    values = {"user_input_id": answer.id, "survey_id": answer.survey_id.id,
              "question_id": question.id}
    new = VERSION >= 14
    if score is not None:
        choices = question.suggested_answer_ids if new else question.labels_ids
        choice = choices.filtered(
            lambda c: (c.answer_score if new else c.quizz_mark) == score)
        values.update({"answer_type": "suggestion",
                       "suggested_answer_id" if new else "value_suggested": choice.id})
    else:
        values.update({"answer_type": "numerical_box" if new else "number",
                       "value_numerical_box" if new else "value_number": number})
    return answer.env[SURVEY_LINE_MODEL].create(values)


def queue_mailing(mailing):
    """Put the mass mailing in the sending queue (Odoo's scheduled action
    `_process_mass_mailing_queue`, same name in both, sends it). 11:
    `put_in_queue`; 13+: `action_put_in_queue`."""
    if VERSION >= 13:
        return mailing.action_put_in_queue()
    return mailing.put_in_queue()


# the composer's record: one id (11-16) or a list of them written as text (17+)
COMPOSER_RECORD_FIELD = "res_ids" if VERSION >= 17 else "res_id"


def composer_res_ids(composer):
    """The ids of the records the composer writes on."""
    if VERSION >= 17:
        return composer._evaluate_res_ids() if composer.res_ids else []
    return [composer.res_id] if composer.res_id else []


def origin(records):
    """The stored records behind `records` of a form being edited: 13+
    wraps them as new records (NewId) whose computed fields read nothing
    from the database; 11 gives the stored records themselves."""
    if VERSION >= 13:
        return records._origin
    return records
