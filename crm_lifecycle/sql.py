# Copyright 2026 crm_lifecycle contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""How the suite builds SQL: the one module an auditor reads.

- Values are always parameters, named (``%(name)s``); a list is compared
  with ``= ANY(%(name)s)``.
- Identifiers (tables, columns) go through ``psycopg2.sql.Identifier``
  (`idents`), never through string formatting.
- A fragment of SQL text that is not an identifier (a condition, a join, a
  sub-select) comes only from the suite's own code: a constant (named
  ``*_SQL``) or an expression built from constants, or the SQL Odoo's own
  query builder made from a checked domain. It is wrapped with `trusted`
  and composed into its statement with ``psycopg2.sql`` (`compose`), so
  that no statement is ever made by ``str.format`` or ``%`` on SQL text,
  and nothing a user typed can become SQL.
- `planner_settings` changes PostgreSQL settings for a block.
- Every SQL write says why it is SQL and what holds the caller to the ORM's
  rules (``# sql-write:``; `make lint` checks it, tools/sql_audit.py).
"""
import contextlib
import json

from psycopg2 import sql


def trusted(text):
    """SQL text written by the suite's own code (never user input), as a
    composable fragment."""
    return text if isinstance(text, sql.Composable) else sql.SQL(text)


def compose(template, **parts):
    """`template` (the suite's SQL, with {name} slots) with its `parts`
    (composables, or trusted text) filled in."""
    return sql.SQL(template).format(**{name: trusted(part) for name, part in parts.items()})


def idents(names, prefix=None):
    """'a, b' or 'p.a, p.b' as SQL identifiers."""
    return sql.SQL(", ").join(
        sql.Identifier(prefix, n) if prefix else sql.Identifier(n) for n in names)


@contextlib.contextmanager
def planner_settings(cr, **settings):
    """Run the block with PostgreSQL settings changed for the transaction
    (SET LOCAL), then put back the values they had. A setting this server
    does not know (jit before PostgreSQL 11) is left alone.

    When the block fails nothing more is run: the transaction is aborted
    (any statement would hide the real error, a serialization failure that
    Odoo retries among them), and the rollback that follows, to a savepoint
    or of the whole transaction, undoes the settings with the rest."""
    saved = {}
    for name, value in settings.items():
        cr.execute("SELECT current_setting(%s, true)", (name,))
        current = cr.fetchone()[0]
        if current is not None:
            saved[name] = current
            cr.execute("SELECT set_config(%s, %s, true)", (name, value))
    yield
    for name, value in saved.items():
        cr.execute("SELECT set_config(%s, %s, true)", (name, value))


def ensure_statement_triggers(cr, table, triggers, function):
    """Create those of `triggers` ({name: timing clause, a constant of the
    suite}) missing on `table`, each FOR EACH STATEMENT executing
    `function` (a name of the suite); returns the names created."""
    cr.execute("SELECT tgname FROM pg_trigger WHERE tgrelid = %s::regclass", (table,))
    existing = {row[0] for row in cr.fetchall()}
    missing = sorted(set(triggers) - existing)
    for name in missing:
        cr.execute(sql.SQL("CREATE TRIGGER {name} {when} FOR EACH STATEMENT "
                           "EXECUTE PROCEDURE {function}()").format(
            name=sql.Identifier(name), when=sql.SQL(triggers[name]),
            function=sql.Identifier(function)))
    return missing


def column_types(fields):
    """`name type, ...` of ORM fields, for json_to_recordset's row type."""
    return sql.SQL(", ").join(sql.SQL("{} {}").format(sql.Identifier(f.name),
                                                      sql.SQL(f.column_type[1]))
                              for f in fields)


# sql-write: the callers hold the rows to the ORM's rules (bulk, compat)
def update_by_id(cr, table, fields, rows, uid=None):
    """UPDATE `table` from `rows` (dicts of an "id" and the column values of
    `fields`, ORM fields) in one statement; with `uid`, the rows' writer and
    write date as the ORM stamps them."""
    stamp = sql.SQL(", write_uid = %(uid)s, write_date = now() AT TIME ZONE 'UTC'"
                    if uid else "")
    query = sql.SQL(
        "UPDATE {table} t SET {sets}{stamp} "
        "FROM json_to_recordset(%(rows)s) AS r(id int, {types}) WHERE t.id = r.id").format(
        table=sql.Identifier(table), stamp=stamp, types=column_types(fields),
        sets=sql.SQL(", ").join(sql.SQL("{col} = r.{col}").format(col=sql.Identifier(f.name))
                                for f in fields))
    cr.execute(query, {"uid": uid, "rows": json.dumps(rows)})
