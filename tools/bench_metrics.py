"""Benchmark of the customer metrics engine (part of `make bench`), in
the touchpoint benchmark database.

Data: besides the 1,000,000 customers and 20,000,000 touchpoints of the
main company, a company "Bench 10k" with the touchpoints of every 100th
bench customer copied to it (10,000 customers), made inside PostgreSQL on
the first run.

Figures, measured in one run:
  - one aggregate scan of the touchpoint table, the query of the issue
    (`SELECT commercial_partner_id, count(*), sum(amount), max(date) ...
    GROUP BY 1`, rows fetched), the floor of any per-customer work;
  - the full recompute of the main company (1 M customers) as the nightly
    cron runs it (the rows of the last run there), and its ratio to the
    scan; the first recompute (no rows yet) when there was one; the peak
    memory of the process;
  - at 10,000 customers, the recompute against a per-customer ORM loop
    computing the same figures (search the customer's touchpoints, sum in
    Python, write the row), as a ratio, and a check that both give the
    same figures.
"""
import collections
import datetime
import resource
import time

import numpy as np

AS_OF = datetime.date(2026, 11, 30)
SMALL_COMPANY = "Bench 10k"
SMALL_EVERY = 100
SCAN_SQL = """SELECT commercial_partner_id, count(*), sum(company_amount), max(date)
                FROM crm_touchpoint GROUP BY 1"""

SMALL_SQL = """
    INSERT INTO crm_touchpoint (partner_id, commercial_partner_id, date, channel_id, direction,
                                kind, user_id, team_id, company_id, subject, amount,
                                currency_id, company_amount, create_uid, write_uid,
                                create_date, write_date)
    SELECT t.partner_id, t.commercial_partner_id, t.date, t.channel_id, t.direction, t.kind,
           t.user_id, t.team_id, %(company)s, t.subject, t.amount, t.currency_id,
           t.company_amount, 1, 1, now(), now()
      FROM crm_touchpoint t,
           (SELECT min(id) AS first_id FROM res_partner
             WHERE ref LIKE 'B%%' AND customer) r
     WHERE t.company_id = 1 AND (t.commercial_partner_id - r.first_id + 1) %% %(every)s = 0
"""


def small_company(env, say):
    """The company of the 10,000-customer comparison, made on first use."""
    company = env["res.company"].search([("name", "=", SMALL_COMPANY)])
    if not company:
        company = env["res.company"].create({"name": SMALL_COMPANY})
    env.cr.execute("SELECT count(*) FROM crm_touchpoint WHERE company_id = %s", (company.id,))
    if not env.cr.fetchone()[0]:
        t0 = time.time()
        env.cr.execute(SMALL_SQL, {"company": company.id, "every": SMALL_EVERY})
        env.cr.execute("ANALYZE crm_touchpoint")
        env.cr.commit()
        say("metrics: company %s made: the touchpoints of every %dth customer copied in "
            "%.0f s" % (SMALL_COMPANY, SMALL_EVERY, time.time() - t0))
    # copies made before the amounts in the company's currency existed
    env.cr.execute("""UPDATE crm_touchpoint c SET company_amount = t.company_amount
                        FROM crm_touchpoint t
                       WHERE c.company_id = %s AND c.amount IS NOT NULL
                         AND c.company_amount IS NULL AND t.company_id = 1
                         AND t.commercial_partner_id = c.commercial_partner_id
                         AND t.date = c.date AND t.kind = c.kind AND t.amount = c.amount""",
                   (company.id,))
    env.cr.commit()
    return company


def rss_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def run(bench, env, say):
    """env: a superuser environment on the touchpoint benchmark database."""
    cr = env.cr
    Metrics = env["crm.customer.metrics"]
    small = small_company(env, say)
    main = env.ref("base.main_company")

    def scan():
        cr.execute(SCAN_SQL)
        return len(cr.fetchall())
    groups = scan()
    t_scan = bench.timed(scan, 2)
    say("metrics: one aggregate scan of crm_touchpoint (%s, %d groups fetched): %.1f s" % (
        "count, sum(company_amount), max(date) per customer", groups, t_scan))

    from odoo.addons.crm_lifecycle import guard

    def recompute(company):
        # as the nightly cron: committed, run again with a new snapshot when a
        # refresh of queued customers committed the company's rows meanwhile
        cr.commit()
        t0 = time.perf_counter()
        guard.commit_retrying(cr, lambda: Metrics.compute_metrics(
            company_ids=company.ids, as_of=AS_OF))
        return time.perf_counter() - t0
    rss_before = rss_mb()
    cr.execute("SELECT count(*) FROM crm_customer_metrics WHERE company_id = %s", (main.id,))
    if not cr.fetchone()[0]:
        say("metrics: first recompute of %s (no rows yet): %.1f s" % (
            main.name, recompute(main)))
    # between two nightly runs autovacuum frees the space of the replaced
    # rows, which the next run's updates reuse in place
    bench.sql("VACUUM crm_customer_metrics")
    t_full = recompute(main)
    cr.execute("SELECT count(*), count(clv) FROM crm_customer_metrics WHERE company_id = %s",
               (main.id,))
    rows, with_clv = cr.fetchone()
    say("metrics: full recompute of %d customers (%d with a predicted value), as the "
        "nightly cron runs it: %.1f s; ratio to the aggregate scan %.1fx (target: 3x or "
        "less); peak memory of the process %.0f MB (%.0f MB before the recompute)" % (
            rows, with_clv, t_full, t_full / t_scan, rss_mb(), rss_before))

    # the company view (retention, churn, cohorts): its refresh rebuilds the
    # whole history, so it is the install backfill too
    def company_view():
        t0 = time.perf_counter()
        months = env["crm.retention.month"].refresh(company_ids=main.ids)
        cr.commit()
        return time.perf_counter() - t0, months
    company_view()
    t_view, months = company_view()
    cr.execute("SELECT count(*) FROM crm_cohort_cell WHERE company_id = %s", (main.id,))
    say("metrics: company view refresh, also the backfill of the whole history (%d months, "
        "%d cohort cells): %.1f s; ratio to the aggregate scan %.1fx (target: 3x or less)" % (
            months, cr.fetchone()[0], t_view, t_view / t_scan))

    # 10,000 customers: the engine against the per-customer ORM loop
    recompute(small)
    t_small = recompute(small)
    engine_rows = {m["partner_id"][0]: m for m in Metrics.search_read(
        [("company_id", "=", small.id)],
        ["partner_id", "purchase_count", "revenue", "cost_to_serve", "p_alive", "clv",
         "preferred_channel_id", "contact_count"])}
    model = env["crm.clv.model"].search([("company_id", "=", small.id)], order="id desc",
                                        limit=1)
    t0 = time.perf_counter()
    naive = naive_recompute(env, small, model)
    cr.commit()
    t_naive = time.perf_counter() - t0
    differences = sorted(set(naive) ^ set(engine_rows))
    for pid in set(naive) & set(engine_rows):
        mine, theirs = naive[pid], engine_rows[pid]
        for name in ("purchase_count", "revenue", "cost_to_serve", "contact_count", "clv"):
            # both rounded to the cent, from floats summed in another order
            if abs((mine[name] or 0) - (theirs[name] or 0)) > 0.015:
                differences.append((pid, name, mine[name], theirs[name]))
    say("metrics: %d customers (%s): recompute %.2f s; per-customer ORM loop %.1f s; "
        "the engine is %.0fx faster (target: 100x or more); same figures: %s" % (
            len(engine_rows), SMALL_COMPANY, t_small, t_naive, t_naive / t_small,
            "yes" if not differences else "NO, %d differences, first %s" % (
                len(differences), differences[:3])))
    # leave the naive rows replaced by the engine's
    recompute(small)


def naive_recompute(env, company, model):
    """The per-customer way: for each customer, its touchpoints through the
    ORM, the figures summed in Python, the model applied to one customer,
    the row written through the ORM. Returns the figures per partner id."""
    from odoo.addons.crm_lifecycle_analytics.stats import clv as clv_model
    Touchpoint = env["crm.touchpoint"]
    Metrics = env["crm.customer.metrics"]
    months, discount, _threshold = Metrics._settings()
    until = "%s 00:00:00" % (AS_OF + datetime.timedelta(days=1))
    partners = Touchpoint.read_group(
        [("company_id", "=", company.id), ("date", "<", until)],
        ["commercial_partner_id"], ["commercial_partner_id"])
    out = {}
    bg, gg = model.bg_params(), model.gg_params()
    for group in partners:
        pid = group["commercial_partner_id"][0]
        touchpoints = Touchpoint.search([("commercial_partner_id", "=", pid),
                                         ("company_id", "=", company.id),
                                         ("date", "<", until)])
        days = collections.defaultdict(float)
        contacts = 0
        cost = 0.0
        channels = collections.Counter()
        for t in touchpoints:
            cost += t.channel_id.unit_cost
            if t.kind == "purchase":
                # in the company's currency, as the engine adds them up
                days[t.date[:10]] += t.company_amount
            elif t.kind != "campaign":
                contacts += 1
                if t.direction == "inbound":
                    channels[t.channel_id.id] += 1
        bought = sorted(d for d, v in days.items() if round(v, 6) > 0)
        revenue = sum(days.values())
        vals = {"purchase_count": len(bought), "revenue": revenue, "cost_to_serve": cost,
                "contact_count": contacts, "clv": None}
        if bought and bg:
            first = datetime.date(*map(int, bought[0].split("-")))
            last = datetime.date(*map(int, bought[-1].split("-")))
            x = len(bought) - 1
            repeat = [days[d] for d in bought[1:]]
            m = sum(repeat) / x if x else 0.0
            if m <= 0:
                x, m = 0, 0.0
            args = [np.array([v], dtype=float) for v in (
                x, (last - first).days, (AS_OF - first).days + 1, m)]
            vals["clv"] = round(float(clv_model.clv(
                bg, gg, *args, months=months, monthly_discount=discount,
                periods_per_month=30.4375)[0]), 2)
        row = Metrics.search([("partner_id", "=", pid), ("company_id", "=", company.id)])
        row.write({"purchase_count": vals["purchase_count"], "revenue": revenue,
                   "cost_to_serve": cost, "contact_count": contacts, "clv": vals["clv"],
                   "preferred_channel_id": channels.most_common(1)[0][0] if channels
                   else False})
        out[pid] = vals
    return out
