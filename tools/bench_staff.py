"""Benchmark of the staff performance report (part of `make bench`), in the
touchpoint benchmark database.

Data (made on first use, kept): 200 salespeople in 10 teams, the bench
touchpoints of the quarter shared between them (user = touchpoint id
modulo 200).

Figures, measured in one run, as a manager (record rules applied):
  - the performance pivot of the current quarter as the screen opens it
    (read_group by team of contacts made, contacts handled and revenue),
    its SQL time and the ratio to one scan of the quarter's touchpoints;
  - the same with the average response time measure added;
  - the median and 90th percentile response times per salesperson for the
    quarter (the leaderboard's query).
"""
import datetime
import time

SALESPEOPLE = 200
TEAMS = 10
AS_OF = datetime.date(2026, 11, 30)


def quarter_start():
    return AS_OF.replace(month=1 + (AS_OF.month - 1) // 3 * 3, day=1).isoformat()


def salespeople(env, say):
    """The 200 bench salespeople, made on first use, and the touchpoints
    shared between them."""
    cr = env.cr
    Users = env["res.users"].with_context(no_reset_password=True, tracking_disable=True)
    users = Users.search([("login", "=like", "bench_sales_%")], order="id")
    if len(users) >= SALESPEOPLE:
        return users
    t0 = time.time()
    group = env.ref("sales_team.group_sale_salesman")
    teams = env["crm.team"].search([("name", "=like", "Bench team %")], order="id")
    for k in range(len(teams), TEAMS):
        teams |= env["crm.team"].create({"name": "Bench team %d" % k})
    for k in range(len(users), SALESPEOPLE):
        users |= Users.create({
            "name": "Bench Salesperson %d" % k, "login": "bench_sales_%03d" % k,
            "groups_id": [(6, 0, [group.id])], "sale_team_id": teams[k % TEAMS].id})
    # team leaders: the first salesperson of each team
    for k, team in enumerate(teams):
        team.user_id = users[k]
    # the quarter's touchpoints (what the report of the quarter reads); the
    # history keeps its salespeople: rewriting 20 M rows and their ten
    # indexes would take an hour and change none of the figures. One
    # UPDATE, with the answer triggers of crm_lifecycle (timed: they must
    # stay linear in the rows written)
    t_update = time.time()
    cr.execute("""
        UPDATE crm_touchpoint t
           SET user_id = (%(users)s::int[])[1 + t.id %% %(n)s],
               team_id = (%(teams)s::int[])[1 + (t.id %% %(n)s) %% %(n_teams)s]
         WHERE t.date >= %(since)s
    """, {"users": users.ids, "teams": teams.ids, "n": SALESPEOPLE, "n_teams": TEAMS,
          "since": quarter_start()})
    shared = cr.rowcount
    t_update = time.time() - t_update
    cr.execute("ANALYZE crm_touchpoint")
    # the customers' salespeople, and their metrics (the portfolio report)
    cr.execute("""
        UPDATE res_partner p
           SET user_id = (%(users)s::int[])[1 + p.id %% %(n)s],
               team_id = (%(teams)s::int[])[1 + (p.id %% %(n)s) %% %(n_teams)s]
         WHERE p.customer AND p.parent_id IS NULL
    """, {"users": users.ids, "teams": teams.ids, "n": SALESPEOPLE, "n_teams": TEAMS})
    env["crm.customer.metrics"].compute_metrics(as_of=AS_OF)
    cr.commit()
    say("staff: %d salespeople in %d teams made, %d touchpoints shared between them in "
        "%.0f s (the UPDATE of the touchpoints, triggers included: %.0f s)" % (
            SALESPEOPLE, TEAMS, shared, time.time() - t0, t_update))
    return users


def run(bench, env, say):
    salespeople(env, say)
    cr = env.cr
    quarter = quarter_start()
    # as the Staff Performance menu opens it
    domain = [("date", ">=", quarter)]
    manager = env["res.users"].search([("login", "=", "bench_manager")])
    if not manager:
        manager = env["res.users"].with_context(no_reset_password=True).create({
            "name": "Bench Manager", "login": "bench_manager",
            "groups_id": [(6, 0, [env.ref("sales_team.group_sale_manager").id])]})
        cr.commit()
    # sudo(manager): as a manager, not the superuser: the record rules are part
    # of the query (port>=13: with_user)
    Report = env["crm.staff.performance"].sudo(manager)

    def pivot(measures):
        return lambda: Report.read_group(domain, ["team_id"] + measures, ["team_id"],
                                         lazy=False)
    counts = ["outbound_count", "inbound_count", "revenue"]
    pivot(counts)()  # warm the cache
    t_pivot = bench.timed(pivot(counts), 3)
    t_response = bench.timed(pivot(counts + ["response_hours"]), 1)
    t_scan = bench.timed(lambda: cr.execute(
        "SELECT count(*), sum(amount) FROM crm_touchpoint WHERE date >= %s", (quarter,)), 3)
    cr.execute("SELECT count(*) FROM crm_touchpoint WHERE date >= %s", (quarter,))
    rows = cr.fetchone()[0]
    t_pct = bench.timed(lambda: Report.response_time_percentiles(domain), 1)
    say("staff: performance pivot of the quarter (%d touchpoints, %d salespeople), by team, "
        "contacts made and handled and revenue: %.2f s; one scan of the quarter's "
        "touchpoints: %.2f s; ratio %.1fx" % (
            rows, SALESPEOPLE, t_pivot, t_scan, t_pivot / t_scan))
    say("staff: the same pivot with the average response time: %.2f s (%.1fx the scan); "
        "median and 90th percentile response times of the %d salespeople: %.2f s" % (
            t_response, t_response / t_scan, SALESPEOPLE, t_pct))
    portfolio = ["customers_owned", "portfolio_value", "at_risk_share", "quiet_customers"]
    # sudo(manager): as the manager, not the superuser (Odoo 11's sudo given a
    # user): the record rules are part of the query; the bench picks the user
    Portfolio = env["crm.staff.portfolio"].sudo(manager)

    def health():
        return Portfolio.read_group([], ["team_id"] + portfolio, ["team_id"], lazy=False)

    def scan():
        cr.execute("SELECT count(*), sum(clv) FROM crm_customer_metrics")
    # both read the table once first: the rows the metrics run just rewrote
    # get their visibility hints set by whichever reads them first
    health()
    scan()
    t_portfolio = bench.timed(health, 5)
    t_metrics = bench.timed(scan, 5)
    cr.execute("SELECT count(*) FROM crm_customer_metrics")
    customers = cr.fetchone()[0]
    say("staff: Portfolio Health by team (%d customers: owned, value, share at risk, not "
        "contacted): %.2f s; one scan of the customer metrics: %.2f s; ratio %.1fx" % (
            customers, t_portfolio, t_metrics, t_portfolio / t_metrics))
