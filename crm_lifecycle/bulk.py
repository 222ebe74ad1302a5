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
import re

from psycopg2 import sql

from odoo.tools.mail import generate_tracking_message_id

from . import compat, sql as lifecycle_sql
from .guard import check_rules
from .identity import city_key, company_region, name_key, to_e164

CHUNK = 5000
# values a plain INSERT cannot stand for: `create` derives other rows or
# values from them (`_fields_sync`, the website's cleaning, the images)
REFUSED = ("parent_id", "website", "image", "image_medium", "image_small", "user_ids",
           "child_ids", "company_name")


# the stored computed fields of a new customer (no parent company, no
# company name, no user, no activity) whose computes come down to these
# values: written with the row instead of running the computes (11's ORM
# spends milliseconds per record on them). The other stored computed fields
# run their own computes. The tests compare every column with the ORM's.
KNOWN = {
    # base: named as given, its own commercial entity
    "display_name": lambda row: row["name"],
    "commercial_partner_id": lambda row: row["id"],
    "commercial_company_name": lambda row: row["name"] if row.get("is_company") else None,
    "commercial_partner_country_id": lambda row: row.get("country_id"),
    "partner_share": lambda row: True,
    "activity_date_deadline": lambda row: None,
    # the suite's keys, by the functions its computes call
    "identity_name_key": lambda row: name_key(row.get("name")) or None,
    "identity_city_key": lambda row: city_key(row.get("city")) or None,
    "phone_e164": lambda row: to_e164(row.get("phone"), row["_region"]) or None,
    "mobile_e164": lambda row: to_e164(row.get("mobile"), row["_region"]) or None,
}


def _column_value(model, field, value):
    """A value as its column takes it: booleans never NULL, False and None
    NULL, the rest as the field converts it."""
    if field.type == "boolean":
        return bool(value)
    if value is None or value is False:
        return None
    return field.convert_to_column(value, model)


def _converter(model, field):
    """_column_value of `field` as a function of the value, with the values
    a column takes as they are (a text, an id) passed through: a list's
    insert converts millions of cells."""
    if field.type == "boolean":
        return bool
    plain = None
    if field.type in ("char", "text", "selection") and not field.translate and not getattr(
            field, "size", None):
        plain = str
    elif field.type in ("integer", "many2one"):
        plain = int

    def convert(value):
        if type(value) is plain:  # noqa: E721 (not bool, a subclass of int)
            return value
        return _column_value(model, field, value)
    return convert


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
    # what the ORM holds back reaches the tables the statements below read
    compat.flush(env)
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
    # 11's ORM writes False into every boolean column it is given no value for
    if compat.CREATE_FILLS_BOOLEANS:
        keys.update(name for name, field in Partner._fields.items()
                    if field.type == "boolean" and field.store and not field.compute)
    for vals in vals_list:
        keys.update(vals)
    fields = _plain_columns(Partner, sorted(keys))
    unknown = set().union(*vals_list) - {f.name for f in fields}
    if unknown:
        raise ValueError("bulk.create_partners: not plain columns of res.partner: %s"
                         % ", ".join(sorted(unknown)))
    # each row: the defaults, then its values (all of them columns: above)
    base = {field.name: defaults.get(field.name) for field in fields}
    rows = [dict(base, **vals) for vals in vals_list]
    known = [Partner._fields[name] for name in KNOWN if name in Partner._fields
             and Partner._fields[name].store and Partner._fields[name].compute]
    regions = dict(Partner.env["res.country"].search([]).mapped(lambda c: (c.id, c.code)))
    default_region = company_region(Partner.env)
    cr.execute("SELECT nextval('res_partner_id_seq') FROM generate_series(1, %s)",
               (len(rows),))
    for row, (new_id,) in zip(rows, cr.fetchall()):
        row["id"] = new_id
        row["_region"] = regions.get(row.get("country_id")) or default_region
        for field in known:
            row[field.name] = KNOWN[field.name](row)
    ids = insert_rows(Partner, fields + known, rows)
    records = Partner.browse(ids)
    computed = [f for f in Partner._fields.values()
                if f.store and f.compute and f not in known]
    if computed:
        compat.compute_stored(records, computed)
    records._validate_fields([f.name for f in fields + known + computed])
    check_rules(records, "create")
    # the record name of a customer without parent is its name (KNOWN)
    _copy_chatter(cr, model, records, [row["name"] for row in rows])
    return ids


# sql-write: held to the rights and record rules of a write, its
# constraints and stored computes, as the ORM's write
def write_partners(env, writes):
    """Write `writes` ({partner id: {field: value}}, plain columns) with
    one UPDATE per set of fields written instead of an ORM write per
    partner. Partners whose write would change other records (those with a
    parent company or contacts: `_fields_sync`) or that are users go
    through the ORM's write. The stored fields computed from the written
    ones, on these partners and elsewhere, are recomputed as after an ORM
    write (`compat.recompute_written`)."""
    Partner = env["res.partner"]
    if not writes:
        return
    Partner.check_access_rights("write")
    names = set().union(*writes.values())
    fields = _plain_columns(Partner, sorted(names))
    refused = names & set(REFUSED) or names - {f.name for f in fields}
    if refused:
        raise ValueError("bulk.write_partners cannot set %s: use the ORM's write"
                         % ", ".join(sorted(refused)))
    cr = env.cr
    ids = sorted(writes)
    check_rules(Partner.browse(ids), "write")
    # pending ORM writes first: they would be flushed over these values
    compat.flush(env)
    cr.execute("""
        SELECT p.id FROM res_partner p
         WHERE p.id = ANY(%s)
           AND (p.parent_id IS NOT NULL
                OR EXISTS (SELECT 1 FROM res_partner c WHERE c.parent_id = p.id)
                OR EXISTS (SELECT 1 FROM res_users u WHERE u.partner_id = p.id))
    """, (ids,))
    synced = {row[0] for row in cr.fetchall()}
    for partner_id in sorted(synced):
        Partner.browse(partner_id).write(writes[partner_id])
    rest = [partner_id for partner_id in ids if partner_id not in synced]
    groups = {}
    for partner_id in rest:
        groups.setdefault(tuple(sorted(writes[partner_id])), []).append(partner_id)
    for group, partner_ids in groups.items():
        group_fields = [Partner._fields[name] for name in group]
        payload = [dict({"id": partner_id}, **{
            f.name: _column_value(Partner, f, writes[partner_id][f.name])
            for f in group_fields}) for partner_id in partner_ids]
        lifecycle_sql.update_by_id(cr, "res_partner", group_fields, payload, uid=env.uid)
    if not rest:
        return
    compat.invalidate_all(env)
    records = Partner.browse(rest)
    known = _write_known(Partner, rest)
    compat.recompute_written(records, sorted(names), done=known)
    records._validate_fields(sorted(names))
    compat.invalidate_all(env)


# the stored computed fields of a customer without parent company, contacts
# or users that follow from its own columns whatever else it has (unlike
# KNOWN's "no activity"): written by write_partners for the partners it
# wrote, instead of their computes
WRITE_KNOWN = ("identity_name_key", "identity_city_key", "phone_e164", "mobile_e164",
               "commercial_partner_country_id")


# sql-write: the computed values of partners write_partners just wrote
# (checked there)
def _write_known(Partner, ids):
    """Write the WRITE_KNOWN fields of the partners `ids` from their
    columns; return those fields."""
    fields = [Partner._fields[name] for name in WRITE_KNOWN if name in Partner._fields
              and Partner._fields[name].store and Partner._fields[name].compute]
    if not fields:
        return []
    cr = Partner.env.cr
    regions = dict(Partner.env["res.country"].search([]).mapped(lambda c: (c.id, c.code)))
    default_region = company_region(Partner.env)
    cr.execute("SELECT id, name, city, phone, mobile, country_id FROM res_partner "
               "WHERE id = ANY(%s)", (list(ids),))
    payload = []
    for partner_id, name, city, phone, mobile, country_id in cr.fetchall():
        row = {"id": partner_id, "name": name, "city": city, "phone": phone, "mobile": mobile,
               "country_id": country_id,
               "_region": regions.get(country_id) or default_region}
        payload.append(dict({"id": partner_id}, **{
            f.name: KNOWN[f.name](row) for f in fields}))
    lifecycle_sql.update_by_id(cr, "res_partner", fields, payload)
    return fields


# sql-write: the caller holds the rows to the model's rules (the customers
# above; the import's own preview rows)
def insert_rows(model, fields, rows):
    """INSERT `rows` (dicts of the values of `fields`, columns of `model`;
    their ids taken from its sequence unless each row has one) in one
    statement, with the creating user and date as the ORM writes them;
    return their ids in the order of `rows`."""
    cr = model.env.cr
    if not rows:
        return []
    if all(row.get("id") for row in rows):
        ids = [row["id"] for row in rows]
    else:
        cr.execute(sql.SQL("SELECT nextval({}) FROM generate_series(1, %s)").format(
            sql.Literal("%s_id_seq" % model._table)), (len(rows),))
        ids = [row[0] for row in cr.fetchall()]
    converters = [(f.name, _converter(model, f)) for f in fields]
    payload = [dict({name: convert(vals.get(name)) for name, convert in converters}, id=new_id)
               for new_id, vals in zip(ids, rows)]
    names = [sql.Identifier(f.name) for f in fields]
    query = sql.SQL("""
        INSERT INTO {table} (id, create_uid, write_uid, create_date, write_date, {names})
        SELECT r.id, %(uid)s, %(uid)s, now() AT TIME ZONE 'UTC', now() AT TIME ZONE 'UTC',
               {values}
          FROM json_to_recordset(%(rows)s) AS r(id int, {types})
    """).format(table=sql.Identifier(model._table), names=sql.SQL(", ").join(names),
                values=sql.SQL(", ").join(sql.SQL("r.{}").format(n) for n in names),
                types=lifecycle_sql.column_types(fields))
    cr.execute(query, {"uid": model.env.uid, "rows": json.dumps(payload)})
    return ids


# sql-write: the followers and messages of records created just above,
# copied from those the ORM wrote for the first record
def _copy_chatter(cr, model, records, names):
    ids = records.ids
    cr.execute("SELECT id FROM mail_followers WHERE res_model = %s AND res_id = %s",
               (model._name, model.id))
    followers = cr.fetchall()
    # none without tracking (an import's default, as Odoo's)
    follower_columns = _columns(cr, "mail_followers", ("id", "res_id")) if followers else ()
    for (follower_id,) in followers:
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
    cr.execute("SELECT count(*) FROM mail_message WHERE model = %s AND res_id = %s",
               (model._name, model.id))
    if not cr.fetchone()[0]:
        return
    message_columns = _columns(cr, "mail_message", ("id", "res_id", "message_id",
                                                    "record_name"))
    has_record_name = "record_name" in _columns(cr, "mail_message", ())
    cr.execute(sql.SQL("SELECT id, message_id, {} FROM mail_message "
                       "WHERE model = %s AND res_id = %s").format(
        sql.SQL("record_name" if has_record_name else "NULL")), (model._name, model.id))
    for message_id, model_mid, model_record_name in cr.fetchall():
        # each copy's message id and record name made as the model's are
        # (11: "<...-openerp-<id>-res.partner@host>" and the customer's
        # name; 18 leaves the record name empty)
        middle = re.search(r"-openerp-(.*)@", model_mid or "")
        middle = middle.group(1) if middle else None
        own = "%d-" % model.id
        targets = []
        for record_id, name in zip(ids, names):
            if middle is None:
                mid = model_mid
            elif middle.startswith(own):
                mid = generate_tracking_message_id("%d-%s" % (record_id, middle[len(own):]))
            else:
                mid = generate_tracking_message_id(middle)
            targets.append({"id": record_id, "mid": mid,
                            "name": name if model_record_name else model_record_name})
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
