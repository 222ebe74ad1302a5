"""Benchmark of the merge-aware customer import (part of `make bench`), in
the touchpoint benchmark database (1,000,000 customers): a list of ROWS
customers (one in ten a customer of the database, written as another
department writes it: same email, name in capitals; the others new people)
goes through the import wizard as a Sales Manager: preview (read, check,
match against the base and within the file), then apply; as the window's
default (no history tracked, as Odoo's own import), then with Track History. Against it, in the
same process and database, each rolled back:
  - a bare INSERT of the same rows into res_partner (one statement);
  - the per-row ORM way the import used before: `create` per new customer,
    timed on NAIVE rows and extrapolated.
The generated customers are first given people's names and their name
keys (see `name_customers`), so that names are matched as in a real base.
"""
import base64
import csv
import io
import json
import time

ROWS = 100000
KNOWN_EVERY = 10
NAIVE = 1000
SOURCE = "bench_import"
LOGIN = "bench.import.manager"
SYLLABLES = ["ba", "ko", "ri", "ten", "lu", "mar", "vo", "si", "dan", "pe", "na", "gor",
             "el", "tu", "fi", "ram", "zo", "che", "wil", "ost", "qua", "bre", "dim", "sha",
             "ux", "lor", "yev", "pim", "ka", "nor", "stu", "gle", "hab", "jo", "mek", "rud",
             "ve", "xan", "ilt", "omb"]
GIVEN = ["Mariana", "Stefan", "Lydia", "Dewi", "Harley", "Isabelle", "Taylor", "Ionela",
         "Dylan", "Madeline", "Hollie", "Mitchell"]
CITIES = [("Bruxelles", "1000", "BE"), ("Gent", "9000", "BE"), ("Cluj-Napoca", "400001", "RO"),
          ("Plovdiv", "4000", "BG"), ("Bandung", "40111", "ID"), ("Leeds", "LS1 4AB", "GB")]


def person(number):
    """A made-up person's name per number: a given name of twelve and a
    surname of four syllables of forty (30 million names, a few of them a
    syllable apart from each other, as real names are)."""
    given = GIVEN[number % len(GIVEN)]
    number //= len(GIVEN)
    parts = []
    for _ in range(4):
        number, rest = divmod(number, len(SYLLABLES))
        parts.append(SYLLABLES[rest])
    return "%s %s" % (given, "".join(parts).capitalize())


def file_rows(known):
    """The list: ROWS rows, one in KNOWN_EVERY one of `known` [(name,
    email)] of the database."""
    rows = []
    for i in range(ROWS):
        city, zip_code, country = CITIES[i % len(CITIES)]
        if i % KNOWN_EVERY == 0 and known:
            name, email = known[(i // KNOWN_EVERY) % len(known)]
            rows.append(["K%d" % i, name.upper(), email, "", "", city, zip_code, country])
            continue
        # people the database does not have, with names like theirs
        name = person(1100000 + i)
        rows.append(["N%d" % i, name, "p%d@import.example" % i, "+32 470 %06d" % i,
                     "%d Rue de la Gare" % (i % 300 + 1), city, zip_code, country])
    return rows


def csv_bytes(rows):
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["ref", "name", "email", "phone", "street", "city", "zip", "country"])
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")


def name_customers(env, say):
    """The generated customers are "Bench Customer <n>": a million names a
    trigram apart, which no real base has. Once, they get made-up people's
    names (`person`), and their name and city keys computed by the suite's
    own functions (committed)."""
    from odoo.addons.crm_lifecycle.identity import city_key, name_key
    cr = env.cr
    cr.execute("SELECT name FROM res_partner WHERE ref = 'B123457'")
    if [row[0] for row in cr.fetchall()] == [person(123457)]:
        return
    t0 = time.time()
    cr.execute("SELECT id, name, city, ref FROM res_partner")
    rows = []
    for pid, name, city, ref in cr.fetchall():
        if (ref or "")[:1] == "B" and ref[1:].isdigit():
            name = person(int(ref[1:]))
        rows.append({"id": pid, "name": name, "n": name_key(name), "c": city_key(city)})
    for start in range(0, len(rows), 100000):
        cr.execute("""
            UPDATE res_partner p SET name = r.name, display_name = r.name,
                   identity_name_key = r.n, identity_city_key = r.c
              FROM json_to_recordset(%s) AS r(id int, name varchar, n varchar, c varchar)
             WHERE p.id = r.id
        """, (json.dumps(rows[start:start + 100000]),))
    cr.execute("ANALYZE res_partner")
    cr.commit()
    say("import: the %d customers named as people, their name keys computed, in %.0f s" % (
        len(rows), time.time() - t0))


def manager(env):
    Users = env["res.users"].with_context(no_reset_password=True)
    user = Users.search([("login", "=", LOGIN)])
    if not user:
        user = Users.create({
            "name": "Bench Import Manager", "login": LOGIN, "email": "import@bench.example",
            "groups_id": [(6, 0, [env.ref("sales_team.group_sale_manager").id,
                                  env.ref("crm_lifecycle.crm_lifecycle_group_manager").id])]})
        env.cr.commit()
    if not user.email:
        # the chatter's "created" message needs its author's address
        user.email = "import@bench.example"
        env.cr.commit()
    return user


def bare_insert(env, rows):
    """Seconds of one INSERT of the rows into res_partner, rolled back."""
    cr = env.cr
    countries = dict(env["res.country"].search([]).mapped(lambda c: (c.code, c.id)))
    payload = json.dumps([{"name": r[1], "email": r[2], "phone": r[3] or None,
                           "street": r[4] or None, "city": r[5], "zip": r[6],
                           "country_id": countries[r[7]]} for r in rows])
    t0 = time.perf_counter()
    cr.execute("""
        INSERT INTO res_partner (name, display_name, email, phone, street, city, zip,
                                 country_id, customer, active, type, company_id, lang,
                                 invoice_warn, sale_warn,
                                 create_date, write_date, create_uid, write_uid)
        SELECT r.name, r.name, r.email, r.phone, r.street, r.city, r.zip, r.country_id,
               TRUE, TRUE, 'contact', 1, 'en_US', 'no-message', 'no-message',
               now(), now(), 1, 1
          FROM json_to_recordset(%s) AS r(name varchar, email varchar, phone varchar,
               street varchar, city varchar, zip varchar, country_id int)
    """, (payload,))
    elapsed = time.perf_counter() - t0
    cr.rollback()
    return elapsed


def orm_creates(env, rows, user):
    """Seconds per row of the ORM's create of new customers, as the import
    created them before (one `create` per row), rolled back."""
    from odoo.addons.crm_lifecycle import compat
    cr = env.cr
    Partner = compat.as_user(env["res.partner"], user)
    countries = dict(env["res.country"].search([]).mapped(lambda c: (c.code, c.id)))
    sample = [r for r in rows if r[0].startswith("N")][:NAIVE]
    t0 = time.perf_counter()
    for r in sample:
        Partner.create(dict(name=r[1], email=r[2], phone=r[3], street=r[4], city=r[5],
                            zip=r[6], country_id=countries[r[7]], **compat.customer_vals()))
    elapsed = time.perf_counter() - t0
    cr.rollback()
    return elapsed / len(sample)


def import_list(env, Import, rows, track_history):
    """(preview s, apply s, counts, summary) of the list imported as the
    import window does, its Track History option as given; rolled back."""
    from odoo.addons.crm_lifecycle import compat
    cr = env.cr
    t0 = time.perf_counter()
    wizard = Import.create({"source_system": SOURCE, "filename": "customers.csv",
                            "file": base64.b64encode(csv_bytes(rows)),
                            "track_history": track_history})
    wizard.action_preview()
    t_preview = time.perf_counter() - t0
    counts = (wizard.count_new, wizard.count_match, wizard.count_same,
              wizard.count_ambiguous, wizard.count_error)
    # the rows to choose are set to New, as a user would after looking
    cr.execute("UPDATE crm_partner_import_line SET decision = 'new' "
               "WHERE import_id = %s AND decision = 'ambiguous'", (wizard.id,))
    compat.invalidate_all(env)
    t0 = time.perf_counter()
    wizard.action_apply()
    t_apply = time.perf_counter() - t0
    summary = wizard.summary
    cr.rollback()
    return t_preview, t_apply, counts, summary


def run(bench, lifecycle, say):
    odoo = bench.odoo_env()
    from odoo.addons.crm_lifecycle import compat
    registry = odoo.registry(bench.DB)
    with odoo.api.Environment.manage(), registry.cursor() as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
        name_customers(env, say)
        user = manager(env)
        cr.execute("SELECT name, email FROM res_partner WHERE ref LIKE 'B%%' AND email <> '' "
                   "ORDER BY id LIMIT %s", (ROWS // KNOWN_EVERY,))
        rows = file_rows(cr.fetchall())
        Import = compat.as_user(env["crm.partner.import"], user)
        t_preview, t_apply, counts, summary = import_list(env, Import, rows, False)
        # with Track History ticked: the chatter of every new customer
        t_tracked = sum(import_list(env, Import, rows, True)[:2])
        t_bare = bare_insert(env, rows)
        t_orm = orm_creates(env, rows, user)
    created = counts[0] + counts[3]
    say("import: %d-row customer list at %d customers (preview: %d new, %d matching a "
        "customer, %d the same as another row, %d to choose, %d errors): preview %.1f s, "
        "apply %.1f s (%s); bare INSERT of the rows %.2f s; ratio %.1fx (target: 5x or "
        "less); with Track History (a chatter message and follower per new customer) %.1f s, "
        "ratio %.1fx; the per-row ORM way (as the import created customers before): %.1f ms "
        "per new customer (%d timed), %.0f s for the list's %d" % (
            ROWS, bench.CUSTOMERS, counts[0], counts[1], counts[2], counts[3], counts[4],
            t_preview, t_apply, summary, t_bare, (t_preview + t_apply) / t_bare,
            t_tracked, t_tracked / t_bare, t_orm * 1000, NAIVE, t_orm * created, created))
