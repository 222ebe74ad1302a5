"""Benchmark of what the suite adds to Odoo's own partner create (part of
`make bench`): the same creates (name, address, email, phone), as the
superuser, in the touchpoint benchmark database (1,000,000 customers, the
suite installed) and in a database without the suite (Odoo's base template:
CRM, Sales, Email Marketing..., with as many customers, generated inside
PostgreSQL once). Both in this process, rounds interleaved, each round rolled
back; the medians per create and their ratio.
"""
import statistics
import time

BASE_DB = "crm_lifecycle_bench_base"
ROUNDS = 7
CREATES = 50
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


def base_database(bench, lifecycle, say):
    """The database without the suite, with the customers of the bench."""
    if not lifecycle.db_exists(BASE_DB):
        t0 = time.time()
        lifecycle.copy_db(lifecycle.base_template(), BASE_DB)
        bench.sql(CUSTOMERS_SQL.format(customers=bench.CUSTOMERS), db=BASE_DB)
        say("hooks: %s made (Odoo's apps without the suite, %d customers) in %.0f s" % (
            BASE_DB, bench.CUSTOMERS, time.time() - t0))
    return BASE_DB


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


def run(bench, lifecycle, say):
    base = base_database(bench, lifecycle, say)
    odoo = bench.odoo_env()
    suite, bare = odoo.registry(bench.DB), odoo.registry(base)
    times = {"suite": [], "bare": []}
    for round_ in range(ROUNDS):
        serial = 1000 * round_
        order = [("suite", suite), ("bare", bare)]
        for name, registry in (order if round_ % 2 else order[::-1]):
            times[name].append(creates(odoo, registry, serial))
    with_suite = statistics.median(times["suite"])
    without = statistics.median(times["bare"])
    say("hooks: partner create (name, address, email, phone; %d creates x %d rounds, "
        "medians): %.1f ms with the suite, %.1f ms on a database with Odoo's apps only "
        "(%d customers each); ratio %.2fx (target: 1.2x or less)" % (
            CREATES, ROUNDS, with_suite * 1000, without * 1000, bench.CUSTOMERS,
            with_suite / without))
