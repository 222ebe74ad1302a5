# Copyright 2026 crm_lifecycle contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Next Calls: the uplift closed campaigns measured per segment, channel
and objective (pooled target and control counts, refreshed when a campaign
closes and on demand), each salesperson's customers ranked by the expected
gain of one contact on their best reachable channel, against figures
computed here from the counts; and the row's Log Call and Schedule, as the
user and within what the user may change."""
import math

from odoo import fields
from odoo.exceptions import AccessError, UserError

from odoo.addons.crm_lifecycle import compat
from odoo.addons.crm_lifecycle.tests.common import CUSTOMER, CampaignCase

# (segment, channel, objective, closed, [(target, responded, control, responded)])
CAMPAIGNS = [
    ("one", "phone", "retention", True, [(40, 12, 20, 2), (60, 18, 20, 4)]),
    ("one", "sms", "retention", True, [(100, 20, 50, 5)]),
    ("one", "phone", "cross_sell", True, [(50, 10, 50, 10)]),
    ("one", "sms", "cross_sell", True, [(80, 8, 40, 6)]),
    ("two", "phone", "retention", True, [(60, 9, 30, 3)]),
    ("two", "sms", "cross_sell", True, [(100, 25, 50, 5)]),
    # still running: not measured
    ("two", "sms", "retention", False, [(100, 90, 50, 0)]),
]
COST = {"phone": 3.0, "sms": 0.5}


def measured(counts):
    """(uplift %, how sure %, members) of pooled (n_t, r_t, n_c, r_c)."""
    n_t, r_t, n_c, r_c = [sum(c[i] for c in counts) for i in range(4)]
    p_t, p_c = r_t / n_t, r_c / n_c
    diff = p_t - p_c
    se = math.sqrt(p_t * (1 - p_t) / n_t + p_c * (1 - p_c) / n_c)
    sure = 50.0 * (1 + math.erf(diff / se / math.sqrt(2)))
    return 100.0 * diff, sure, n_t + n_c


class TestNextCalls(CampaignCase):
    @classmethod
    def setUpClass(cls):
        super(TestNextCalls, cls).setUpClass()
        env = cls.env
        for code, cost in COST.items():
            cls.channel[code].unit_cost = cost
        cls.rep = env["res.users"].with_context(no_reset_password=True).create({
            "name": "Next Calls Rep", "login": "test_next_calls_rep",
            "email": "rep@example.com",
            "groups_id": [(6, 0, [env.ref("sales_team.group_sale_salesman").id])]})
        Partner = env["res.partner"]

        def customer(name, user, **values):
            return Partner.create(dict({
                "name": name, **CUSTOMER, "is_company": True, "phone": "+32 2 555 77 77",
                "mobile": "+32 470 77 77 77", "user_id": user.id if user else False},
                **values))
        cls.ann = customer("NC Ann", cls.salesman)
        cls.bob = customer("NC Bob", cls.salesman)
        cls.cat = customer("NC Cat", cls.salesman)
        cls.dan = customer("NC Dan", cls.salesman)
        cls.eve = customer("NC Eve", cls.rep)
        cls.gus = customer("NC Gus", None)
        cls.ours = cls.ann | cls.bob | cls.cat | cls.dan | cls.eve | cls.gus
        cls.segment = {
            "one": cls.make_segment("NC One", cls.ann | cls.bob | cls.cat | cls.eve | cls.gus),
            "two": cls.make_segment("NC Two", cls.bob | cls.dan)}
        # their metrics (as the nightly job writes them), read back below
        cls.company = env.user.company_id
        for partner, clv, p_alive in ((cls.ann, 1000.0, 0.8), (cls.bob, 2000.0, 0.5),
                                      (cls.cat, 500.0, 0.6), (cls.dan, 100.0, 0.1),
                                      (cls.eve, 1000.0, 0.9), (cls.gus, 3000.0, 0.9)):
            env.cr.execute("""
                INSERT INTO crm_customer_metrics (partner_id, company_id, clv, p_alive)
                VALUES (%s, %s, %s, %s)
            """, (partner.id, cls.company.id, clv, p_alive))
        cls.Metrics = env["crm.customer.metrics"]
        cls.value = {m.partner_id: (m.clv, m.p_alive) for m in cls.Metrics.search(
            [("partner_id", "in", cls.ours.ids)])}
        # SMS is opt-in: consent from all but Dan; Cat's latest word on the phone: refused
        Consent = env["crm.partner.consent"]
        for partner in cls.ann | cls.bob | cls.cat | cls.eve:
            Consent.create({"partner_id": partner.id, "channel_id": cls.channel["sms"].id,
                            "status": "granted", "source": "web form"})
        for day, status in (("2020-01-01 10:00:00", "granted"),
                            ("2021-01-01 10:00:00", "refused")):
            Consent.create({"partner_id": cls.cat.id, "channel_id": cls.channel["phone"].id,
                            "status": status, "source": "phone", "date": day})
        # the campaigns, their members written with known counts, then closed
        cls.pool = cls.make_partners(160, "NcPool")
        cls.expected = {}
        for segment, channel, objective, closed, counts in CAMPAIGNS:
            for n_t, r_t, n_c, r_c in counts:
                campaign = env["crm.campaign"].create({
                    "name": "NC %s %s %s" % (segment, channel, objective),
                    "segment_ids": [(6, 0, cls.segment[segment].ids)],
                    "channel_id": cls.channel[channel].id, "objective": objective,
                    "seed": 7})
                cls.add_members(campaign, cls.segment[segment], n_t, r_t, n_c, r_c)
                if closed:
                    campaign.action_done()
            if closed:
                cls.expected[(segment, channel, objective)] = counts
        compat.flush(env)

    @classmethod
    def add_members(cls, campaign, segment, n_t, r_t, n_c, r_c):
        """A running campaign with these target and control members and
        responders (and three excluded members)."""
        cr = cls.env.cr
        cr.execute("UPDATE crm_campaign SET state = 'running', date_start = %s WHERE id = %s",
                   ("2024-01-01 09:00:00", campaign.id))
        rows = [("target", i < r_t) for i in range(n_t)]
        rows += [("control", i < r_c) for i in range(n_c)]
        rows += [(None, False)] * 3
        cr.execute("""
            INSERT INTO crm_campaign_member (campaign_id, partner_id, company_id, segment_id,
                                             split_group, state, response_date, channel_id)
            SELECT %(campaign)s, p, %(company)s, %(segment)s, g,
                   CASE WHEN g IS NULL THEN 'excluded' WHEN r THEN 'responded'
                        ELSE 'planned' END,
                   CASE WHEN r THEN '2024-01-05 10:00:00'::timestamp END, %(channel)s
              FROM unnest(%(partners)s::int[], %(groups)s::varchar[], %(responded)s::bool[])
                   AS u(p, g, r)
        """, {"campaign": campaign.id, "company": cls.company.id, "segment": segment.id,
              "channel": campaign.channel_id.id, "partners": cls.pool.ids[:len(rows)],
              "groups": [g for g, _r in rows],
              "responded": [r for _g, r in rows]})
        compat.invalidate_all(cls.env)

    # ------------------------------------------------------------ helpers
    def uplift_rows(self):
        return self.env["crm.campaign.uplift"].search([
            ("segment_id", "in", [s.id for s in self.segment.values()])])

    def key(self, row):
        names = {s: name for name, s in self.segment.items()}
        return (names[row.segment_id], row.channel_id.code, row.objective)

    def gain(self, partner, segment, channel, objective):
        clv, p_alive = self.value[partner]
        uplift = measured(self.expected[(segment, channel, objective)])[0]
        return uplift / 100.0 * clv * p_alive - COST[channel]

    def calls(self, user=None, domain=()):
        Calls = self.env["crm.next.call"]
        if user:
            Calls = Calls.with_user(user)
        return Calls.search([("partner_id", "in", self.ours.ids)] + list(domain))

    def row(self, partner, user=None):
        rows = self.calls(user).filtered(lambda r: r.partner_id == partner)
        self.assertEqual(len(rows), 1)
        return rows

    # ------------------------------------------------------------ uplift
    def test_uplift_pooled_from_closed_campaigns(self):
        rows = self.uplift_rows()
        by_key = {self.key(r): r for r in rows}
        self.assertEqual(set(by_key), set(self.expected))
        self.assertNotIn(("two", "sms", "retention"), by_key)  # running
        for key, counts in self.expected.items():
            row = by_key[key]
            uplift, sure, members = measured(counts)
            self.assertEqual((row.target_count, row.target_responded, row.control_count,
                              row.control_responded),
                             tuple(sum(c[i] for c in counts) for i in range(4)), key)
            self.assertEqual((row.campaign_count, row.member_count), (len(counts), members))
            self.assertAlmostEqual(row.uplift, uplift, places=2, msg=key)
            self.assertAlmostEqual(row.how_sure, sure, places=3, msg=key)
        # two campaigns pooled: (12 + 18) / 100 - (2 + 4) / 40
        self.assertAlmostEqual(by_key[("one", "phone", "retention")].uplift, 15.0, places=2)
        self.assertAlmostEqual(by_key[("one", "phone", "cross_sell")].how_sure, 50.0, places=3)

    def test_refresh_rebuilds_the_uplift(self):
        before = {self.key(r): (r.uplift, r.how_sure, r.member_count)
                  for r in self.uplift_rows()}
        cr = self.env.cr
        cr.execute("DELETE FROM crm_campaign_uplift WHERE segment_id = %s",
                   (self.segment["one"].id,))
        # a key no closed campaign has: gone after the refresh
        cr.execute("""INSERT INTO crm_campaign_uplift (company_id, segment_id, channel_id,
                                                       objective, uplift)
                      VALUES (%s, %s, %s, 'loyalty', 99)""",
                   (self.company.id, self.segment["two"].id, self.channel["phone"].id))
        compat.invalidate_all(self.env)
        with self.assertRaises(UserError):
            self.env["crm.campaign.uplift"].with_user(self.salesman).action_refresh()
        self.env["crm.campaign.uplift"].with_user(self.sales_manager).action_refresh()
        after = {self.key(r): (r.uplift, r.how_sure, r.member_count)
                 for r in self.uplift_rows()}
        self.assertEqual(set(after), set(before))
        for key, figures in before.items():
            for got, wanted in zip(after[key], figures):
                self.assertAlmostEqual(got, wanted, places=4, msg=key)

    # ------------------------------------------------------------ the list
    def test_rows_best_channel_gain_and_how_sure(self):
        expected = {
            # customer: (segment, channel, objective) of the best option
            self.ann: ("one", "phone", "retention"),
            self.bob: ("two", "sms", "cross_sell"),   # 149.5 against 147 by phone
            self.cat: ("one", "sms", "retention"),    # phone refused
            self.dan: ("two", "phone", "retention"),  # SMS: no opt-in consent
            self.eve: ("one", "phone", "retention"),
        }
        rows = self.calls(self.sales_manager)
        self.assertEqual(set(rows.mapped("partner_id")), set(expected))  # Gus: no salesperson
        for row in rows:
            partner = row.partner_id
            segment, channel, objective = expected[partner]
            uplift, sure, members = measured(self.expected[expected[partner]])
            clv, p_alive = self.value[partner]
            self.assertEqual((row.segment_id, row.channel_id.code, row.objective),
                             (self.segment[segment], channel, objective), partner.name)
            self.assertEqual(row.user_id, partner.user_id)
            self.assertAlmostEqual(row.uplift, uplift, places=2)
            self.assertAlmostEqual(row.how_sure, sure, places=3)
            self.assertEqual(row.member_count, members)
            self.assertAlmostEqual(row.predicted_value, clv, places=2)
            self.assertAlmostEqual(row.p_alive, p_alive, places=3)
            self.assertAlmostEqual(row.channel_cost, COST[channel], places=2)
            self.assertAlmostEqual(row.expected_gain, self.gain(partner, *expected[partner]),
                                   places=2, msg=partner.name)
        # the figures by hand: Bob 0.15 x 2000 x 0.5 - 0.5; Ann 0.15 x 1000 x 0.8 - 3
        by_partner = {r.partner_id: r for r in rows}
        self.assertAlmostEqual(by_partner[self.bob].expected_gain, 149.5, places=2)
        self.assertAlmostEqual(by_partner[self.ann].expected_gain, 117.0, places=2)
        self.assertAlmostEqual(by_partner[self.dan].expected_gain, -2.5, places=2)

    def test_ranked_by_expected_gain(self):
        self.assertEqual(list(self.calls(self.sales_manager).mapped("partner_id")),
                         [self.bob, self.eve, self.ann, self.cat, self.dan])
        mine = self.calls(self.salesman, [("user_id", "=", self.salesman.id),
                                          ("expected_gain", ">", 0)])
        self.assertEqual(list(mine.mapped("partner_id")), [self.bob, self.ann, self.cat])

    def test_refused_consent_shows_the_next_best_channel(self):
        Consent = self.env["crm.partner.consent"]
        # Bob refuses SMS now: his best is the phone in segment one
        Consent.create({"partner_id": self.bob.id, "channel_id": self.channel["sms"].id,
                        "status": "refused", "source": "unsubscribe link"})
        # Cat agrees to the phone again, Dan to SMS
        Consent.create({"partner_id": self.cat.id, "channel_id": self.channel["phone"].id,
                        "status": "granted", "source": "phone"})
        Consent.create({"partner_id": self.dan.id, "channel_id": self.channel["sms"].id,
                        "status": "granted", "source": "web form"})
        compat.flush(self.env)
        for partner, option in ((self.bob, ("one", "phone", "retention")),
                                (self.cat, ("one", "phone", "retention")),
                                (self.dan, ("two", "sms", "cross_sell"))):
            row = self.row(partner, self.sales_manager)
            self.assertEqual((row.segment_id, row.channel_id.code, row.objective),
                             (self.segment[option[0]],) + option[1:], partner.name)
            self.assertAlmostEqual(row.expected_gain, self.gain(partner, *option), places=2)
        # 0.15 x 2000 x 0.5 - 3; Dan: 0.15 x 100 x 0.1 - 0.5, now worth it
        self.assertAlmostEqual(self.row(self.bob).expected_gain, 147.0, places=2)
        self.assertAlmostEqual(self.row(self.dan).expected_gain, 1.0, places=2)

    def test_salesperson_sees_own_customers_only(self):
        mine = self.calls(self.salesman)
        self.assertEqual(set(mine.mapped("partner_id")),
                         {self.ann, self.bob, self.cat, self.dan})
        self.assertEqual(self.calls(self.rep).mapped("partner_id"), self.eve)
        eve = self.row(self.eve, self.sales_manager)
        with self.assertRaises(AccessError):
            eve.with_user(self.salesman).read(["expected_gain"])
        with self.assertRaises(AccessError):
            eve.with_user(self.salesman).action_log_call()
        # another company's manager sees none of them
        self.make_other_company()
        self.assertFalse(self.calls(self.manager_b))

    # ------------------------------------------------------------ actions
    def test_log_call_as_the_user(self):
        row = self.row(self.ann, self.salesman)
        self.assertFalse(self.touchpoints(self.ann))
        row.action_log_call()
        touchpoint = self.touchpoints(self.ann)
        self.assertEqual(len(touchpoint), 1)
        self.assertEqual((touchpoint.user_id, touchpoint.create_uid, touchpoint.channel_id,
                          touchpoint.kind, touchpoint.direction),
                         (self.salesman, self.salesman, self.channel["phone"], "contact",
                          "outbound"))
        # done for today: off the list
        self.assertFalse(self.calls(self.salesman).filtered(lambda r: r.partner_id == self.ann))

    def test_schedule_a_call_for_today_as_the_user(self):
        row = self.row(self.bob, self.salesman)
        Activity = self.env["mail.activity"]
        domain = [("res_model", "=", "res.partner"), ("res_id", "=", self.bob.id)]
        self.assertFalse(Activity.search(domain))
        action = row.action_schedule_call()
        activity = Activity.search(domain)
        self.assertEqual(len(activity), 1)
        self.assertEqual((activity.user_id, activity.activity_type_id,
                          str(activity.date_deadline)),
                         (self.salesman, self.env.ref("mail.mail_activity_data_call"),
                          str(fields.Date.context_today(activity))))
        # scheduled by the worklist's wizard, run by the salesperson
        wizard = self.env[action["res_model"]].browse(action["res_id"])
        self.assertEqual((wizard.create_uid, wizard.state), (self.salesman, "done"))

    def test_actions_refused_for_a_customer_the_user_may_not_change(self):
        hidden = self.env["res.partner"].create(dict({
            "name": "NC Hidden", **CUSTOMER, "phone": "+32 2 555 66 66",
            "user_id": self.salesman.id}, **compat.unreadable_partner_vals(self.env)))
        self.env.cr.execute("""
            INSERT INTO crm_customer_metrics (partner_id, company_id, clv, p_alive)
            VALUES (%s, %s, 1000, 0.8)""", (hidden.id, self.company.id))
        segment = self.segment["one"]
        segment.write({"partner_ids": [(4, hidden.id)]})
        segment.refresh_members()
        compat.flush(self.env)
        Calls = self.env["crm.next.call"].with_user(self.salesman)
        row = Calls.search([("partner_id", "=", hidden.id)])
        self.assertEqual(len(row), 1)
        with self.assertRaises(AccessError):
            row.action_log_call()
        with self.assertRaises(AccessError):
            row.action_schedule_call()
        self.assertFalse(self.touchpoints(hidden))
        self.assertFalse(self.env["mail.activity"].search(
            [("res_model", "=", "res.partner"), ("res_id", "=", hidden.id)]))
