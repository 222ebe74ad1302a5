# Copyright 2026 crm_lifecycle contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Set-based creation of customers: what `res.partner.create` writes for a
row of plain values, in a few statements per chunk of rows instead of an
ORM create (and its hooks) per row.

The first row of a call goes through the ORM's `create`. It is the model of
the rows of other tables a create writes: its followers and its chatter
message ("Contact created"), copied for the other rows with their own
record and message ids. The other rows are INSERTed with the defaults the
ORM fills (company, language, time zone, customer flag...), then the
stored computed fields (display name, commercial entity, the suite's phone
and name keys...) are computed by their own compute methods over the whole
chunk and written in one UPDATE, then the model's constraints are checked
and the caller's record rules applied, as the ORM does after a create.

What it does not do, knowingly: the coloured default avatar the ORM draws
for each new contact (three attachments per row; the web client shows its
placeholder instead), and the Python `create` overrides of other modules.
Rows that need them (a parent company, a website, an image) are refused:
they are for the ORM.
"""
import json

from psycopg2 import sql

from odoo import tools

from . import compat

CHUNK = 5000
# values a plain INSERT cannot stand for: `create` derives other rows or
# values from them (`_fields_sync`, the website's cleaning, the images)
REFUSED = ("parent_id", "website", "image", "image_medium", "image_small", "user_ids",
           "child_ids", "company_name")


def _plain_columns(model, names):
    """The fields among `names` that are columns written as given."""
    result = []
    for name in names:
        field = model._fields.get(name)
        if (field is None or not field.store or field.compute or field.type in (
                "one2many", "many2many", "binary") or getattr(field, "company_dependent", False)
                or not field.column_type):
            continue
        result.append(field)
    return result


def create_partners(env, vals_list, chunk=CHUNK):
    """Create one customer per dict of `vals_list` (plain column values:
    name, email, phone, country_id, is_company...); return the records in
    the order of `vals_list`. One transaction with the caller's: a
    failure leaves nothing behind."""
    Partner = env["res.partner"]
    Partner.check_access_rights("create")
    if not vals_list:
        return Partner
    refused = sorted({key for vals in vals_list for key in vals if key in REFUSED})
    if refused:
        raise ValueError("bulk.create_partners cannot set %s: use the ORM's create"
                         % ", ".join(refused))
    # a copy: 11's create adds the default image to the dict it is given
    model = Partner.create(dict(vals_list[0]))
    ids = [model.id]
    if not template_is_plain(model):
        # the ORM wrote more than this module knows how to copy: the ORM
        # creates the rest too
        for vals in vals_list[1:]:
            ids.append(Partner.create(dict(vals)).id)
        return Partner.browse(ids)
    for start in range(1, len(vals_list), chunk):
        ids += _create_chunk(Partner, model, vals_list[start:start + chunk])
    # the cache knew the rows before their chatter was copied
    compat.invalidate_all(env)
    return Partner.browse(ids)


# sql-write: rows checked below as the ORM checks a create (access rights
# above, constraints and record rules after the insert)
def _create_chunk(Partner, model, vals_list):
    cr = Partner.env.cr
    defaults = Partner._add_missing_default_values({})
    keys = set(defaults)
    # the ORM writes False into every boolean column it is given no value for
    keys.update(name for name, field in Partner._fields.items()
                if field.type == "boolean" and field.store and not field.compute)
    for vals in vals_list:
        keys.update(vals)
    fields = _plain_columns(Partner, sorted(keys))
    unknown = set().union(*vals_list) - {f.name for f in fields}
    if unknown:
        raise ValueError("bulk.create_partners: not plain columns of res.partner: %s"
                         % ", ".join(sorted(unknown)))
    cr.execute("SELECT nextval('res_partner_id_seq') FROM generate_series(1, %s)",
               (len(vals_list),))
    ids = [row[0] for row in cr.fetchall()]
    rows = []
    for new_id, vals in zip(ids, vals_list):
        row = {"id": new_id}
        for field in fields:
            value = vals[field.name] if field.name in vals else defaults.get(field.name)
            if field.type == "boolean":
                row[field.name] = bool(value)
            elif value is None or value is False:
                row[field.name] = None
            else:
                row[field.name] = field.convert_to_column(value, Partner)
        rows.append(row)
    names = [sql.Identifier(f.name) for f in fields]
    types = sql.SQL(", ").join(
        sql.SQL("{} {}").format(sql.Identifier(f.name), sql.SQL(f.column_type[1]))
        for f in fields)
    cr.execute(sql.SQL("""
        INSERT INTO res_partner (id, create_uid, write_uid, create_date, write_date, {names})
        SELECT r.id, %(uid)s, %(uid)s, now() AT TIME ZONE 'UTC', now() AT TIME ZONE 'UTC',
               {values}
          FROM json_to_recordset(%(rows)s) AS r(id int, {types})
    """).format(names=sql.SQL(", ").join(names),
                values=sql.SQL(", ").join(sql.SQL("r.{}").format(n) for n in names),
                types=types), {"uid": Partner.env.uid, "rows": json.dumps(rows)})
    records = Partner.browse(ids)
    computed = [f for f in Partner._fields.values() if f.store and f.compute]
    compat.compute_stored(records, computed)
    records._validate_fields([f.name for f in fields] + [f.name for f in computed])
    records.check_access_rule("create")
    _copy_chatter(cr, model, records)
    return ids


# sql-write: the followers and messages of records created just above,
# copied from those the ORM wrote for the first record
def _copy_chatter(cr, model, records):
    ids = records.ids
    follower_columns = _columns(cr, "mail_followers", ("id", "res_id"))
    cr.execute("SELECT id FROM mail_followers WHERE res_model = %s AND res_id = %s",
               (model._name, model.id))
    for (follower_id,) in cr.fetchall():
        query = sql.SQL("""
            INSERT INTO mail_followers (res_id, {cols})
            SELECT r.id, {src} FROM mail_followers f, unnest(%s::int[]) AS r(id)
             WHERE f.id = %s
            RETURNING id
        """).format(cols=sql.SQL(", ").join(map(sql.Identifier, follower_columns)),
                    src=sql.SQL(", ").join(sql.SQL("f.{}").format(sql.Identifier(c))
                                           for c in follower_columns))
        cr.execute(query, (ids, follower_id))
        new_ids = [row[0] for row in cr.fetchall()]
        cr.execute("""
            INSERT INTO mail_followers_mail_message_subtype_rel
                   (mail_followers_id, mail_message_subtype_id)
            SELECT f.id, s.mail_message_subtype_id
              FROM unnest(%s::int[]) AS f(id), mail_followers_mail_message_subtype_rel s
             WHERE s.mail_followers_id = %s
        """, (new_ids, follower_id))
    message_columns = _columns(cr, "mail_message", ("id", "res_id", "message_id",
                                                    "record_name"))
    has_record_name = "record_name" in _columns(cr, "mail_message", ())
    cr.execute("SELECT id FROM mail_message WHERE model = %s AND res_id = %s",
               (model._name, model.id))
    for (message_id,) in cr.fetchall():
        targets = [{"id": record.id, "name": record.display_name,
                    "mid": tools.generate_tracking_message_id("%d-%s" % (
                        record.id, model._name))} for record in records]
        query = sql.SQL("""
            INSERT INTO mail_message (res_id, message_id, {record_name} {cols})
            SELECT r.id, r.mid, {record_value} {src}
              FROM mail_message m, json_to_recordset(%s) AS r(id int, mid varchar, name varchar)
             WHERE m.id = %s
        """).format(
            record_name=sql.SQL("record_name," if has_record_name else ""),
            record_value=sql.SQL("r.name," if has_record_name else ""),
            cols=sql.SQL(", ").join(map(sql.Identifier, message_columns)),
            src=sql.SQL(", ").join(sql.SQL("m.{}").format(sql.Identifier(c))
                                   for c in message_columns))
        cr.execute(query, (json.dumps(targets), message_id))


def _columns(cr, table, excluded):
    cr.execute("""
        SELECT column_name FROM information_schema.columns
         WHERE table_schema = current_schema() AND table_name = %s
         ORDER BY ordinal_position
    """, (table,))
    return [name for (name,) in cr.fetchall() if name not in excluded]


def template_is_plain(model):
    """Whether what the ORM wrote around `model` (a partner just created)
    is only what `_copy_chatter` copies: followers and messages without
    tracking values or notifications."""
    cr = model.env.cr
    cr.execute("""
        SELECT count(*) FROM mail_tracking_value t JOIN mail_message m ON m.id = t.mail_message_id
         WHERE m.model = %s AND m.res_id = %s
    """, (model._name, model.id))
    return not cr.fetchone()[0]
