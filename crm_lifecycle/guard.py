# Copyright 2026 crm_lifecycle contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The checks an entry point of the suite makes before it works for a
caller: its group, and the companies of the records it was given.

Odoo checks neither for a method called over RPC that then works in SQL or
as superuser, nor (in 11.0) access rights on transient models: every such
entry point calls these first, before any work.
"""
import random
import time

import psycopg2
from psycopg2 import errorcodes

from odoo import SUPERUSER_ID, _
from odoo.exceptions import AccessError

USER_GROUP = "crm_lifecycle.crm_lifecycle_group_user"
MANAGER_GROUP = "crm_lifecycle.crm_lifecycle_group_manager"
# the errors commit_retrying runs a job again for (as Odoo does for a request)
RETRIED = (errorcodes.SERIALIZATION_FAILURE, errorcodes.DEADLOCK_DETECTED)


def is_superuser(env):
    """True for the superuser environment (crons, elevated calls)."""
    return env.uid == SUPERUSER_ID  # port>=13: env.su


def check_group(env, xmlid, what):
    """AccessError unless the user is in the group `xmlid`; `what` says
    what was refused ('import customer lists')."""
    if is_superuser(env) or env.user.has_group(xmlid):
        return
    group = env.ref(xmlid)
    context = env.context  # noqa: F841 (_() finds the language here)
    raise AccessError(_("Only members of %(group)s may %(what)s.") % {
        "group": group.sudo().full_name, "what": what})  # sudo: the group's name only


def check_companies(env, companies):
    """AccessError when any of `companies` (records or ids; empty ones
    ignored) is not one of the user's companies."""
    if is_superuser(env):
        return
    ids = companies.ids if hasattr(companies, "ids") else companies
    foreign = sorted({int(i) for i in ids or () if i} - set(env.user.company_ids.ids))
    if foreign:
        context = env.context  # noqa: F841 (_() finds the language here)
        raise AccessError(_(
            "You are not a member of the company with id %(ids)s: nothing was done for it.")
            % {"ids": ", ".join(str(i) for i in foreign)})


def permitted_ids(records, operation):
    """The ids of `records` the user may `operation` ('read', 'write',
    'unlink') by access rights and record rules: the ORM's answer, asked
    in one query instead of record by record."""
    env = records.env
    if is_superuser(env) or not records:
        return set(records.ids)
    if not records.check_access_rights(operation, raise_exception=False):
        return set()
    # port>=12: records._filter_access_rules(operation)
    domain = env["ir.rule"]._compute_domain(records._name, operation)
    if not domain:
        return set(records.ids)
    # sudo: the rule domain is evaluated as Odoo itself does (ir.rule
    # domain_get runs its query as superuser); only ids of `records` return
    found = records.sudo().with_context(active_test=False).search(
        [("id", "in", records.ids)] + list(domain))
    return set(found.ids)


def check_rules(records, operation):
    """The ORM's check_access_rule (AccessError when the record rules
    refuse `operation` on any of `records`), asked in one query: the ORM
    asks per thousand ids (a hundred queries for an import of 100,000
    rows)."""
    refused = set(records.ids) - permitted_ids(records, operation)
    if refused:
        context = records.env.context  # noqa: F841 (_() finds the language here)
        raise AccessError(_(
            "The requested operation (%(operation)s) cannot be completed due to security "
            "restrictions: %(model)s records %(ids)s.") % {
            "operation": operation, "model": records._description,
            "ids": ", ".join(str(i) for i in sorted(refused)[:10])})


def text_problem(value, env):
    """Why the text `value` cannot be stored (PostgreSQL refuses NUL
    characters, and a lone surrogate is not Unicode), or None; said in the
    language of `env`."""
    if not isinstance(value, str):
        return None
    context = env.context  # noqa: F841 (_() finds the language here)
    if "\x00" in value:
        return _("contains a NUL character (\\x00)")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return _("contains an unpaired surrogate: not valid Unicode text")
    return None


# what a spreadsheet reads as the start of a formula (OWASP, CSV injection)
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value):
    """`value` as the text of a CSV cell a spreadsheet will not run: a cell
    starting like a formula is prefixed with a quote (so '+32 2 555' reads
    "'+32 2 555"); empty values give ''."""
    if value is None or value is False:
        return ""
    text = str(value)
    if text.startswith(FORMULA_STARTS):
        return "'" + text
    return text


def wait_job_lock(env, job, key, seconds=60):
    """try_job_lock, tried again for up to `seconds` (a short job of the
    system, such as a refresh of a few customers' metrics, ends first)."""
    deadline = time.time() + seconds
    while not try_job_lock(env, job, key):
        if time.time() > deadline:
            return False
        time.sleep(0.2)
    return True


def try_job_lock(env, job, key):
    """Take the transaction's advisory lock of `job` (a name) for `key` (a
    company id...); False when another transaction holds it (the same job
    is running for that key: the caller says so instead of running it
    twice). Released at the end of the transaction."""
    env.cr.execute("SELECT pg_try_advisory_xact_lock(hashtext(%(job)s), %(key)s)",
                   {"job": "crm_lifecycle." + job, "key": int(key)})
    return env.cr.fetchone()[0]


def commit_retrying(cr, func, tries=5):
    """Call func() in the transaction of `cr` and commit. On a serialization
    failure or a deadlock (another transaction committed rows this one's
    snapshot predates, such as a refresh of the customers just contacted
    ending between a job's first statement and its lock), roll back and
    call it again with a new snapshot, up to `tries` times. For the
    system's own jobs (crons, threads), which own their cursor."""
    for attempt in range(1, tries + 1):
        try:
            result = func()
            cr.commit()  # pylint: disable=invalid-commit
            return result
        except psycopg2.extensions.TransactionRollbackError as exc:
            cr.rollback()
            if exc.pgcode not in RETRIED or attempt == tries:
                raise
            time.sleep(random.uniform(0.0, 0.5 * attempt))
