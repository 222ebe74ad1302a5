"""Benchmark of campaigns (part of `make bench`), in the touchpoint
benchmark database. Everything runs in transactions that are rolled back
(the cockpit's campaign, committed so that its calls are not new in the
transaction that moves them, is deleted afterwards): the database is left as
it was.

Figures, measured in one run:
  - the audience build of a campaign on a 500,000-customer segment, with a
    10 % holdout and the consent filter (5 % of the customers opted out of
    email, 2 % refused it by a consent record), against a bare
    `INSERT ... SELECT` of the same 500,000 rows into the member table;
  - response matching of 1,000,000 new touchpoints against 20 running
    campaigns (50,000 members each): all at once (a backfill) and in
    batches of 1,000 (how ingestion calls it), against the set-based
    insertion of the same touchpoints;
  - the live cockpit of a running call campaign of 500,000 members (10
    agents, 100,000 calls still open, 350,000 made, 5 % responses): its
    refresh (the figures per group, agent and day) against one bare scan of
    the campaign's members; and moving the 100,000 open calls to 10 other
    agents (Move Calls) against the same scan and against the ORM's write of
    each activity's user (200 timed).
"""
import statistics
import time

AUDIENCE = 500000
RUNNING = 20
RUNNING_MEMBERS = 50000
NEW_TOUCHPOINTS = 1000000
BATCH = 1000
BATCHES_TIMED = 20
COCKPIT_MEMBERS = 500000
COCKPIT_OPEN = 100000
COCKPIT_AGENTS = 10
ORM_MOVES_TIMED = 200

BARE_INSERT = """
    INSERT INTO crm_campaign_member (campaign_id, company_id, partner_id, split_group, state)
    SELECT %(campaign)s, %(company)s, sm.partner_id, 'target', 'planned'
      FROM crm_segment_member sm
     WHERE sm.segment_id = %(segment)s AND sm.date_to IS NULL
"""

NEW_TOUCHPOINTS_SQL = """
    INSERT INTO crm_touchpoint (partner_id, commercial_partner_id, date, channel_id, direction,
                                kind, user_id, company_id, subject, amount, currency_id,
                                create_uid, write_uid, create_date, write_date)
    SELECT p, p, %(start)s::timestamp + (g %% 600) * interval '1 hour',
           %(channel)s, CASE WHEN g %% 3 = 0 THEN 'outbound' ELSE 'inbound' END,
           CASE WHEN g %% 5 = 0 THEN 'purchase' ELSE 'contact' END, 1, 1,
           'Bench response ' || g, CASE WHEN g %% 5 = 0 THEN 40 + g %% 60 END, 1,
           1, 1, now(), now()
      FROM (SELECT g, %(first)s + (g::bigint * 7919) %% %(customers)s AS p
              FROM generate_series(1, %(n)s) g) s
    RETURNING id
"""


def segment_of(env, name, first, count, step=1):
    """A static segment of `count` bench customers (every `step`th from
    `first`), its list written in one statement, its members refreshed."""
    segment = env["crm.segment"].create({"name": name, "kind": "static"})
    env.cr.execute("""
        INSERT INTO crm_segment_static_partner_rel (segment_id, partner_id)
        SELECT %s, %s + g * %s FROM generate_series(0, %s - 1) g
    """, (segment.id, first, step, count))
    # the list was written in this transaction: give the planner its size
    env.cr.execute("ANALYZE crm_segment_static_partner_rel")
    segment.refresh_members()
    return segment


def bench_audience(env, say, first, customers):
    cr = env.cr
    email = env.ref("crm_lifecycle.crm_touchpoint_channel_email")
    segment = segment_of(env, "Bench audience", first, AUDIENCE, step=2)
    # the consent filter has work to do: opted out, and refused by record
    cr.execute("""
        UPDATE res_partner SET opt_out = TRUE
         WHERE id IN (SELECT partner_id FROM crm_segment_member
                       WHERE segment_id = %s AND (partner_id / 2) %% 20 = 0)
    """, (segment.id,))
    cr.execute("""
        INSERT INTO crm_partner_consent (partner_id, channel_id, status, date, source,
                                         create_uid, write_uid, create_date, write_date)
        SELECT partner_id, %s, 'refused', now(), 'bench', 1, 1, now(), now()
          FROM crm_segment_member WHERE segment_id = %s AND (partner_id / 2) %% 50 = 1
    """, (email.id, segment.id))
    cr.execute("ANALYZE crm_partner_consent; ANALYZE crm_segment_member")
    campaign = env["crm.campaign"].create({
        "name": "Bench audience", "segment_ids": [(6, 0, segment.ids)],
        "channel_id": email.id, "holdout_percent": 10.0, "seed": 7})

    def build():
        cr.execute("DELETE FROM crm_campaign_member WHERE campaign_id = %s", (campaign.id,))
        t0 = time.perf_counter()
        count = campaign._build_audience()
        return time.perf_counter() - t0, count

    def bare():
        cr.execute("DELETE FROM crm_campaign_member WHERE campaign_id = %s", (campaign.id,))
        t0 = time.perf_counter()
        cr.execute(BARE_INSERT, {"campaign": campaign.id, "company": campaign.company_id.id,
                                 "segment": segment.id})
        return time.perf_counter() - t0, cr.rowcount

    build()  # warm the caches of both
    t_build = statistics.median(build()[0] for _i in range(3))
    t_bare = statistics.median(bare()[0] for _i in range(3))
    _t, count = build()
    campaign.invalidate_cache()
    say("campaigns: audience of a %d-customer segment (email, 10 %% holdout, consent filter: "
        "%d excluded, %d target, %d control): %.2f s; bare INSERT ... SELECT of the same %d "
        "rows: %.2f s; ratio %.2fx" % (
            AUDIENCE, campaign.excluded_count, campaign.target_count, campaign.control_count,
            t_build, count, t_bare, t_build / t_bare))
    # the same audience routed among three channels: each customer judged on each, its
    # earlier responses, inbound contacts and its segment's rates weighed (the bench
    # customers have only an email: phone and letter are refused for want of details)
    campaign.write({"routing": True, "route_ids": [
        (0, 0, {"channel_id": env.ref("crm_lifecycle.crm_touchpoint_channel_%s" % code).id})
        for code in ("phone", "letter")]})
    t_routed = statistics.median(build()[0] for _i in range(3))
    say("campaigns: the same audience routed among 3 channels (email, phone, letter): %.2f s; "
        "ratio %.2fx to the bare INSERT, %.2fx to one channel" % (
            t_routed, t_routed / t_bare, t_routed / t_build))
    campaign.write({"routing": False, "route_ids": [(5, 0, 0)]})
    return t_build / t_bare


def bench_matching(env, say, first, customers):
    cr = env.cr
    Campaign, Response = env["crm.campaign"], env["crm.campaign.response"]
    # email: the bench customers have an address (no street or phone)
    email = env.ref("crm_lifecycle.crm_touchpoint_channel_email")
    campaigns = Campaign.browse()
    t0 = time.perf_counter()
    for k in range(RUNNING):
        # overlapping audiences: every 19th customer from a shifted start,
        # so that a customer is in none, one or several campaigns
        segment = segment_of(env, "Bench running %d" % k, first + k * 2500,
                             RUNNING_MEMBERS, step=19)
        campaign = Campaign.create({
            "name": "Bench running %d" % k, "segment_ids": [(6, 0, segment.ids)],
            "channel_id": email.id, "holdout_percent": 10.0, "seed": k})
        campaign._build_audience()
        campaigns |= campaign
    cr.execute("SELECT count(*) FROM crm_campaign_member WHERE campaign_id = ANY(%s) "
               "AND split_group IS NOT NULL", (campaigns.ids,))
    drawn = cr.fetchone()[0]
    campaigns.write({"state": "running"})
    cr.execute("UPDATE crm_campaign SET date_start = %s, response_days = 30 WHERE id = ANY(%s)",
               ("2027-01-01 00:00:00", campaigns.ids))
    cr.execute("ANALYZE crm_campaign_member")
    say("campaigns: %d running campaigns, %d members (%d in a target or control group) "
        "drawn in %.0f s" % (RUNNING, RUNNING * RUNNING_MEMBERS, drawn,
                             time.perf_counter() - t0))
    phone = env.ref("crm_lifecycle.crm_touchpoint_channel_phone")
    t0 = time.perf_counter()
    cr.execute(NEW_TOUCHPOINTS_SQL, {
        "start": "2027-01-02 00:00:00", "channel": phone.id, "first": first,
        "customers": customers, "n": NEW_TOUCHPOINTS})
    ids = [row[0] for row in cr.fetchall()]
    t_insert = time.perf_counter() - t0
    cr.execute("ANALYZE crm_touchpoint")
    t0 = time.perf_counter()
    Response._match(touchpoint_ids=ids)
    t_all = time.perf_counter() - t0
    cr.execute("SELECT count(*) FROM crm_campaign_response WHERE campaign_id = ANY(%s)",
               (campaigns.ids,))
    responses = cr.fetchone()[0]
    times = []
    for k in range(BATCHES_TIMED):
        batch = ids[k * BATCH:(k + 1) * BATCH]
        t0 = time.perf_counter()
        Response._match(touchpoint_ids=batch)
        times.append(time.perf_counter() - t0)
    t_batch = statistics.median(times)
    say("campaigns: response matching of %d new touchpoints against %d running campaigns: "
        "%.1f s at once (%d responses), %.1f ms per batch of %d (median of %d); inserting "
        "the touchpoints: %.1f s; matching / insert ratio %.2fx" % (
            NEW_TOUCHPOINTS, RUNNING, t_all, responses, t_batch * 1000, BATCH, BATCHES_TIMED,
            t_insert, t_all / t_insert))


BARE_MEMBER_SCAN = """
    SELECT count(*), count(contact_date), count(response_date), count(DISTINCT user_id)
      FROM crm_campaign_member WHERE campaign_id = %s
"""


def setup_cockpit(env, first, customers):
    """The running call campaign of the cockpit's figures: (campaign, its
    agents, 10 other agents, the open calls, the seconds the launch of its
    call list took)."""
    cr = env.cr
    phone = env.ref("crm_lifecycle.crm_touchpoint_channel_phone")
    Users = env["res.users"].with_context(no_reset_password=True, tracking_disable=True)
    group = env.ref("sales_team.group_sale_salesman")
    agents = Users.browse()
    for k in range(2 * COCKPIT_AGENTS):
        login = "bench_agent_%02d" % k
        agents |= Users.search([("login", "=", login)]) or Users.create({
            "name": "Bench agent %02d" % k, "login": login, "groups_id": [(6, 0, group.ids)]})
    callers, others = agents[:COCKPIT_AGENTS], agents[COCKPIT_AGENTS:]
    campaign = env["crm.campaign"].with_context(tracking_disable=True).create({
        "name": "Bench cockpit", "channel_id": phone.id, "holdout_percent": 10.0,
        "seed": 11, "agent_ids": [(6, 0, callers.ids)]})
    # its audience written as the draw would (the audience build is measured above): every
    # other bench customer, one in ten in the control group
    cr.execute("""
        INSERT INTO crm_campaign_member (campaign_id, company_id, partner_id, split_group,
                                         state, response_rate, channel_id, contact_cost)
        SELECT %(campaign)s, %(company)s, %(first)s + g * 2,
               CASE WHEN g %% 10 = 0 THEN 'control' ELSE 'target' END, 'planned', 0,
               %(channel)s, %(cost)s
          FROM generate_series(0, %(n)s - 1) g
    """, {"campaign": campaign.id, "company": campaign.company_id.id, "first": first + 1,
          "channel": phone.id, "cost": campaign.cost_per_contact or 0.0,
          "n": min(COCKPIT_MEMBERS, (customers - 1) // 2)})
    cr.execute("""
        UPDATE crm_campaign SET state = 'running', date_start = now() - interval '5 days'
         WHERE id = %s
    """, (campaign.id,))
    # the members shared by the agents; all but COCKPIT_OPEN target members called over the
    # last 5 days; 5 % answered
    cr.execute("""
        WITH ranked AS (
            SELECT id, row_number() OVER (ORDER BY id) AS rank
              FROM crm_campaign_member WHERE campaign_id = %(campaign)s
        )
        UPDATE crm_campaign_member m
           SET user_id = (%(callers)s::int[])[1 + r.rank %% %(n)s],
               contact_date = CASE WHEN m.split_group = 'target'
                                   THEN now() - (r.rank %% 5) * interval '1 day' END,
               state = CASE WHEN m.split_group = 'target' THEN 'contacted' ELSE m.state END,
               response_date = CASE WHEN r.rank %% 20 = 0 THEN now() END
          FROM ranked r WHERE r.id = m.id
    """, {"campaign": campaign.id, "callers": callers.ids, "n": COCKPIT_AGENTS})
    cr.execute("""
        UPDATE crm_campaign_member SET state = 'planned', contact_date = NULL
         WHERE id IN (SELECT id FROM crm_campaign_member
                       WHERE campaign_id = %s AND split_group = 'target'
                       ORDER BY id LIMIT %s)
    """, (campaign.id, COCKPIT_OPEN))
    t0 = time.perf_counter()
    opened = campaign._execute_activity()
    t_calls = time.perf_counter() - t0
    cr.execute("ANALYZE crm_campaign_member; ANALYZE mail_activity")
    campaign.invalidate_cache()
    return campaign, callers, others, opened, t_calls


def drop_cockpit(env, campaign_id):
    """The bench's campaign gone, its members, activities and lines with it."""
    cr = env.cr
    cr.execute("DELETE FROM crm_campaign WHERE id = %s RETURNING utm_campaign_id",
               (campaign_id,))
    utm = [row[0] for row in cr.fetchall()]
    cr.execute("DELETE FROM utm_campaign WHERE id = ANY(%s)", (utm,))
    cr.execute("DELETE FROM mail_message WHERE model = 'crm.campaign' AND res_id = %s",
               (campaign_id,))


def bench_cockpit(env, say, first, customers):
    cr = env.cr
    campaign, callers, others, opened, t_calls = setup_cockpit(env, first, customers)
    # the calls were made days ago, not in the transaction that moves them (PostgreSQL
    # checks every foreign key again of a row its own transaction wrote)
    cr.commit()
    try:
        measure_cockpit(env, say, campaign, callers, others, opened, t_calls)
    finally:
        cr.rollback()
        drop_cockpit(env, campaign.id)
        cr.commit()


def measure_cockpit(env, say, campaign, callers, others, opened, t_calls):
    cr = env.cr

    def bare():
        t0 = time.perf_counter()
        cr.execute(BARE_MEMBER_SCAN, (campaign.id,))
        cr.fetchall()
        return time.perf_counter() - t0

    def refresh():
        t0 = time.perf_counter()
        campaign._refresh_cockpit()
        return time.perf_counter() - t0

    bare()
    refresh()  # warm the caches of both
    t_bare = statistics.median(bare() for _i in range(3))
    t_refresh = statistics.median(refresh() for _i in range(3))
    cr.execute("SELECT count(*) FROM crm_campaign_cockpit_line WHERE campaign_id = %s",
               (campaign.id,))
    lines = cr.fetchone()[0]
    say("campaigns: cockpit of a running call campaign of %d members (%d open calls, %d "
        "agents, %d lines per agent and day): refresh %.2f s; bare scan of the members "
        "%.2f s; ratio %.2fx" % (COCKPIT_MEMBERS, opened, COCKPIT_AGENTS, lines, t_refresh,
                                 t_bare, t_refresh / t_bare))
    # the ORM's way: each activity's user written (followers, notifications), 200 timed
    cr.execute("SAVEPOINT bench_orm_moves")
    cr.execute("""SELECT a.id FROM mail_activity a
                    JOIN crm_campaign_member m ON m.id = a.campaign_member_id
                   WHERE m.campaign_id = %s ORDER BY a.id LIMIT %s""",
               (campaign.id, ORM_MOVES_TIMED))
    sample = env["mail.activity"].browse([row[0] for row in cr.fetchall()])
    t0 = time.perf_counter()
    for k, activity in enumerate(sample):
        activity.write({"user_id": others[k % len(others)].id})
    t_orm = (time.perf_counter() - t0) / len(sample)
    cr.execute("ROLLBACK TO SAVEPOINT bench_orm_moves")
    campaign.invalidate_cache()
    env["mail.activity"].invalidate_cache()
    t0 = time.perf_counter()
    moves = campaign.with_context(tracking_disable=True).move_calls(callers, others)
    t_move = time.perf_counter() - t0
    say("campaigns: moving %d open calls from %d agents to %d others (Move Calls): %.2f s "
        "(%.0f calls/s); bare scan of the members %.2f s, ratio %.2fx; the ORM's write of "
        "each activity's user: %.1f ms per call (%d timed), %.0f s for the %d; launch of the "
        "call list (%d activities inserted) %.2f s" % (
            sum(moves.values()), len(callers), len(others), t_move,
            sum(moves.values()) / t_move, t_bare, t_move / t_bare, t_orm * 1000,
            len(sample), t_orm * opened, opened, opened, t_calls))


def run(bench, env, say):
    cr = env.cr
    cr.execute("SELECT min(id), count(*) FROM res_partner WHERE ref LIKE 'B%%' AND customer")
    first, customers = cr.fetchone()
    try:
        if getattr(bench, "ONLY", None) != "cockpit":
            bench_audience(env, say, first, customers)
            bench_matching(env, say, first, customers)
            cr.rollback()
        bench_cockpit(env, say, first, customers)
    finally:
        cr.rollback()
