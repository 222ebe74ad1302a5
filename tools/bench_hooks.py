"""Benchmark of what the suite adds to Odoo's own partner create (part of
`make bench`): the same creates (name, address, email, phone), as the
superuser, in the touchpoint benchmark database (1,000,000 customers, the
suite installed) and in two databases without the suite, with as many
customers (generated inside PostgreSQL once): one with the same modules of
Odoo (the base template's CRM, Sales, Email Marketing, plus what the
suite's bridges brought: rating, survey, website...), which is the suite's
own cost, and one with the base template's modules only. All in this
process, rounds interleaved, each round rolled back; the medians per create
and their ratios.
"""
import statistics
import time

BASE_DB = "crm_lifecycle_bench_base"
SAME_APPS_DB = "crm_lifecycle_bench_apps"
ROUNDS = 7
CREATES = 50
# Odoo's own import (base_import's `load`), in its chunks
LOADED = 600
LOAD_CHUNK = 200
LOAD_FIELDS = ["name", "street", "city", "zip", "country_id/id", "email", "phone"]
CUSTOMERS_SQL = """
    SET synchronous_commit = off;
    INSERT INTO res_partner (name, display_name, ref, email, phone, customer, is_company,
                             active, type, company_id, lang, invoice_warn, sale_warn,
                             create_date, write_date, create_uid, write_uid)
    SELECT 'Bench Customer ' || g, 'Bench Customer ' || g, 'B' || g,
           'customer' || g || '@bench.example', '+4420' || lpad(g::text, 8, '0'),
           TRUE, g % 3 = 0, TRUE, 'contact', 1, 'en_US', 'no-message', 'no-message',
           now(), now(), 1, 1
      FROM generate_series(1, {customers}) g;
    UPDATE res_partner SET commercial_partner_id = id WHERE commercial_partner_id IS NULL;
    ANALYZE res_partner;
"""


def base_database(bench, lifecycle, say, name, apps=()):
    """A database without the suite (Odoo's base template, plus `apps`),
    with the customers of the bench."""
    if not lifecycle.db_exists(name):
        t0 = time.time()
        lifecycle.copy_db(lifecycle.base_template(), name)
        try:
            if apps:
                lifecycle.run_odoo(["-d", name, "-i", ",".join(apps)], "install-%s.log" % name)
                lifecycle.settle_modules(name)
            bench.sql(CUSTOMERS_SQL.format(customers=bench.CUSTOMERS), db=name)
        except Exception:
            lifecycle.drop_db(name)
            raise
        say("hooks: %s made (Odoo's apps%s without the suite, %d customers) in %.0f s" % (
            name, " and %s" % ", ".join(apps) if apps else "", bench.CUSTOMERS,
            time.time() - t0))
    return name


def odoo_apps_of_the_suite(bench, lifecycle):
    """The modules of Odoo the suite's bridges brought into the bench
    database beyond the base template's (rating, survey, website...)."""
    installed = "SELECT name FROM ir_module_module WHERE state = 'installed'"
    suite = set(bench.sql(installed).split())
    base = set(bench.sql(installed, db=lifecycle.base_template()).split())
    return sorted(m for m in suite - base if not m.startswith("crm_lifecycle"))


def values(serial):
    return {"name": "Hooks Bench %d" % serial, "street": "%d Station Road" % serial,
            "city": "Leeds", "zip": "LS1 %dAB" % (serial % 10),
            "email": "hooks%d@bench.example" % serial,
            "phone": "+44 113 496 %04d" % (serial % 10000)}


def creates(odoo, registry, serial):
    """Seconds per create of CREATES partners, rolled back."""
    with odoo.api.Environment.manage(), registry.cursor() as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
        Partner = env["res.partner"]
        country = env.ref("base.uk")
        Partner.create(dict(values(serial), country_id=country.id))  # warm
        t0 = time.perf_counter()
        for i in range(CREATES):
            Partner.create(dict(values(serial + 1 + i), country_id=country.id))
        elapsed = time.perf_counter() - t0
        cr.rollback()
    return elapsed / CREATES


def loads(odoo, registry, serial):
    """Seconds per row of Odoo's `load` of LOADED partners, in chunks of
    LOAD_CHUNK, rolled back."""
    with odoo.api.Environment.manage(), registry.cursor() as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
        rows = []
        for i in range(LOADED):
            v = values(serial + i)
            rows.append([v["name"], v["street"], v["city"], v["zip"], "base.uk", v["email"],
                         v["phone"]])
        t0 = time.perf_counter()
        for start in range(0, LOADED, LOAD_CHUNK):
            result = env["res.partner"].load(LOAD_FIELDS, rows[start:start + LOAD_CHUNK])
            if result.get("messages"):
                raise RuntimeError("load refused the rows: %s" % result["messages"][:3])
        elapsed = time.perf_counter() - t0
        cr.rollback()
    return elapsed / LOADED


def run(bench, lifecycle, say):
    apps = odoo_apps_of_the_suite(bench, lifecycle)
    bare = base_database(bench, lifecycle, say, BASE_DB)
    same_apps = base_database(bench, lifecycle, say, SAME_APPS_DB, apps)
    odoo = bench.odoo_env()
    registries = {"suite": odoo.registry(bench.DB), "bare": odoo.registry(bare),
                  "same": odoo.registry(same_apps)}
    times = {name: [] for name in registries}
    names = sorted(registries)
    for round_ in range(ROUNDS):
        # each round in another order
        order = names[round_ % 3:] + names[:round_ % 3]
        for name in order:
            times[name].append(creates(odoo, registries[name], 1000 * round_))
    median = {name: statistics.median(values) for name, values in times.items()}
    # the import: one round each, the suite's between the two others
    load = {name: loads(odoo, registries[name], 900000) for name in ("bare", "suite", "same")}
    say("hooks: partner create (name, address, email, phone; %d creates x %d rounds, "
        "medians, %d customers in each database): %.1f ms with the suite; %.1f ms with "
        "the same Odoo apps without it (%s, which the suite's bridges bring): ratio %.2fx "
        "(target: 1.2x or less); %.1f ms with Odoo's CRM, Sales and Email Marketing only: "
        "ratio %.2fx" % (
            CREATES, ROUNDS, bench.CUSTOMERS, median["suite"] * 1000, median["same"] * 1000,
            ", ".join(apps), median["suite"] / median["same"], median["bare"] * 1000,
            median["suite"] / median["bare"]))
    say("hooks: Odoo's import (load) of %d partners in chunks of %d: %.1f ms per row with "
        "the suite, %.1f ms with the same Odoo apps without it: ratio %.2fx; %.1f ms with "
        "the base apps only: ratio %.2fx" % (
            LOADED, LOAD_CHUNK, load["suite"] * 1000, load["same"] * 1000,
            load["suite"] / load["same"], load["bare"] * 1000, load["suite"] / load["bare"]))
