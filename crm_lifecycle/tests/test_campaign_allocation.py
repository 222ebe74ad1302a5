# Copyright 2026 crm_lifecycle contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""A running call campaign's open calls moved between agents, agents added
and removed mid-campaign, pause and resume; the moves held to what the ORM
lets the caller write."""
import unittest
from collections import Counter

from hypothesis import given, settings, strategies as st

from odoo.exceptions import AccessError, UserError
from odoo.tools import mute_logger

from .. import compat
from ..models.crm_campaign_allocation import deal, fair_shares
from .common import CampaignCase


class Rollback(Exception):
    """Raised to roll a savepoint back after a change that went through."""


class TestDealing(unittest.TestCase):
    @settings(max_examples=200, deadline=None)
    @given(st.integers(0, 500), st.lists(st.integers(1, 50), min_size=1, max_size=12,
                                         unique=True), st.booleans())
    def test_deal_gives_each_receiver_the_same_number_give_or_take_one(
            self, count, receivers, snake):
        dealt = deal(count, receivers, snake=snake)
        self.assertEqual(len(dealt), count)
        counts = Counter(dealt)
        self.assertLessEqual(set(counts), set(receivers))
        spread = [counts.get(user, 0) for user in receivers]
        self.assertLessEqual(max(spread) - min(spread), 1)

    def test_snake_balances_values_sorted_high_to_low(self):
        values = [100, 90, 80, 70, 60, 50]
        dealt = deal(len(values), [1, 2, 3], snake=True)
        self.assertEqual(dealt, [1, 2, 3, 3, 2, 1])
        sums = Counter()
        for user, value in zip(dealt, values):
            sums[user] += value
        self.assertEqual(set(sums.values()), {150})
        # in turn, the first receiver gets the best of every round
        self.assertEqual(deal(6, [1, 2, 3]), [1, 2, 3, 1, 2, 3])

    @settings(max_examples=200, deadline=None)
    @given(st.dictionaries(st.integers(1, 30), st.integers(0, 200), max_size=10),
           st.lists(st.integers(1, 30), min_size=1, max_size=10, unique=True))
    def test_fair_shares_add_up_and_differ_by_one_at_most(self, current, agents):
        shares = fair_shares(current, agents)
        self.assertEqual(set(shares), set(agents))
        self.assertEqual(sum(shares.values()), sum(current.values()))
        self.assertLessEqual(max(shares.values()) - min(shares.values()), 1)
        # the extra calls stay with the agents already holding the most
        extra = [user for user in agents if shares[user] > min(shares.values())]
        others = [user for user in agents if user not in extra]
        if extra and others:
            self.assertGreaterEqual(min(current.get(u, 0) for u in extra),
                                    max(current.get(u, 0) for u in others))


class TestCampaignAllocation(CampaignCase):
    @classmethod
    def setUpClass(cls):
        super(TestCampaignAllocation, cls).setUpClass()
        Users = cls.env["res.users"].with_context(no_reset_password=True)
        # call-centre agents: salespeople (they log their calls on the customers)
        group = cls.env.ref("sales_team.group_sale_salesman")
        cls.agents = Users.browse()
        for i in range(4):
            cls.agents |= Users.create({
                "name": "Caller %d" % i, "login": "test_alloc_agent_%d" % i,
                "email": "caller%d@example.com" % i, "groups_id": [(6, 0, group.ids)]})
        cls.a, cls.b, cls.c, cls.d = cls.agents
        cls.crowd = cls.make_partners(60, "Alloc")
        cls.segment = cls.make_segment("Allocation Crowd", cls.crowd)

    def run_calls(self, agents=None, **values):
        agents = agents if agents is not None else self.a | self.b | self.c
        campaign = self.make_campaign(self.segment, channel="phone", holdout_percent=20.0,
                                      name="Live calls", agent_ids=[(6, 0, agents.ids)],
                                      **values)
        campaign.action_plan()
        campaign.action_launch()
        return campaign

    def activities(self, campaign):
        return self.env["mail.activity"].search(
            [("campaign_member_id.campaign_id", "=", campaign.id)])

    def calls_of(self, campaign):
        """{user id: open activities}."""
        return Counter(activity.user_id.id for activity in self.activities(campaign))

    def assertMembersFollowActivities(self, campaign):
        for activity in self.activities(campaign):
            self.assertEqual(activity.campaign_member_id.user_id, activity.user_id)

    def last_note(self, campaign):
        return campaign.message_ids.sorted("id")[-1].body

    def test_move_by_count_deals_in_turn_and_is_logged(self):
        campaign = self.run_calls()
        before = self.calls_of(campaign)
        self.assertEqual(sum(before.values()), campaign.target_count)
        moves = campaign.move_calls(self.a, self.b | self.c, count=10)
        self.assertEqual(sum(moves.values()), 10)
        after = self.calls_of(campaign)
        self.assertEqual(after[self.a.id], before[self.a.id] - 10)
        self.assertEqual(after[self.b.id], before[self.b.id] + 5)
        self.assertEqual(after[self.c.id], before[self.c.id] + 5)
        self.assertEqual(campaign.open_call_counts(), dict(after))
        self.assertMembersFollowActivities(campaign)
        note = self.last_note(campaign)
        self.assertIn("10 open calls moved", note)
        self.assertIn("Caller 0 (10)", note)
        self.assertIn("Caller 1 (5)", note)
        # the call, made by its new agent, is credited to that agent
        activity = self.activities(campaign).filtered(
            lambda a: a.user_id == self.b)[0]
        member = activity.campaign_member_id
        activity.with_user(self.b).action_feedback("Interested")
        self.assertEqual(member.state, "contacted")
        touchpoint = self.touchpoints(member.partner_id, direction="outbound")
        self.assertEqual(touchpoint.user_id, self.b)

    def test_move_by_value_takes_the_most_valuable_customers_first(self):
        campaign = self.run_calls()
        members = self.members(campaign, split_group="target", user_id=self.a.id)
        self.assertGreaterEqual(len(members), 6)
        # the value of a customer (without the analytics): its purchases
        for i, member in enumerate(members):
            self.Touchpoint.ingest([{
                "source_system": "test", "external_ref": "alloc-buy-%d" % i,
                "date": "2026-01-10 10:00:00", "channel": "web", "direction": "inbound",
                "kind": "purchase", "amount": 100.0 * (i + 1),
                "partner_id": member.partner_id.id}])
        by_value = members[::-1]
        campaign.move_calls(self.a, self.b | self.c, count=4, order="value")
        moved = self.members(campaign, split_group="target").filtered(
            lambda m: m in members and m.user_id != self.a)
        self.assertEqual(set(moved.ids), set(by_value[:4].ids))
        # dealt back and forth: the best and the fourth to one, the second and third to the
        # other, the same value each
        self.assertEqual(by_value[0].user_id, by_value[3].user_id)
        self.assertEqual(by_value[1].user_id, by_value[2].user_id)
        self.assertNotEqual(by_value[0].user_id, by_value[1].user_id)
        self.assertMembersFollowActivities(campaign)

    def test_agents_added_and_removed_share_the_open_calls(self):
        campaign = self.run_calls()
        total = campaign.target_count
        campaign.write({"agent_ids": [(4, self.d.id)]})
        counts = self.calls_of(campaign)
        self.assertEqual(sum(counts.values()), total)
        self.assertEqual(set(counts), set(self.agents.ids))
        self.assertLessEqual(max(counts.values()) - min(counts.values()), 1)
        self.assertIn("added Caller 3", self.last_note(campaign))
        campaign.write({"agent_ids": [(3, self.a.id)]})
        counts = self.calls_of(campaign)
        self.assertEqual(sum(counts.values()), total)
        self.assertNotIn(self.a.id, counts)
        self.assertLessEqual(max(counts.values()) - min(counts.values()), 1)
        self.assertIn("removed Caller 0", self.last_note(campaign))
        self.assertMembersFollowActivities(campaign)
        with self.assertRaises(UserError):
            campaign.write({"agent_ids": [(5, 0, 0)]})

    def test_pause_takes_the_calls_out_and_resume_gives_them_back(self):
        campaign = self.run_calls()
        done = self.activities(campaign)[0]
        done_member = done.campaign_member_id
        done.action_feedback("Reached")
        open_before = len(self.activities(campaign))
        campaign.action_pause()
        self.assertTrue(campaign.paused)
        self.assertFalse(self.activities(campaign))
        self.assertIn("Paused by", self.last_note(campaign))
        held = self.members(campaign, on_hold=True)
        self.assertEqual(len(held), open_before)
        self.assertEqual(sum(campaign.open_call_counts().values()), open_before)
        # moved while paused: the calls come back to the new agent
        campaign.move_calls(self.a, self.d, count=0)
        self.assertEqual(len(self.members(campaign, on_hold=True, user_id=self.a.id)), 0)
        campaign.action_resume()
        self.assertFalse(campaign.paused)
        activities = self.activities(campaign)
        self.assertEqual(len(activities), open_before)
        self.assertNotIn(done_member, activities.mapped("campaign_member_id"))
        self.assertNotIn(self.a, activities.mapped("user_id"))
        self.assertFalse(self.members(campaign, on_hold=True))
        self.assertMembersFollowActivities(campaign)
        self.assertIn("Resumed by", self.last_note(campaign))
        # paused again and closed: nothing stays on hold
        campaign.action_pause()
        campaign.action_done()
        self.assertFalse(campaign.paused)
        self.assertFalse(self.members(campaign, on_hold=True))

    def test_an_activity_given_to_someone_else_takes_its_member(self):
        campaign = self.run_calls()
        activity = self.activities(campaign).filtered(lambda a: a.user_id == self.a)[0]
        activity.write({"user_id": self.d.id})
        self.assertEqual(activity.campaign_member_id.user_id, self.d)

    def test_refused_moves_change_nothing(self):
        campaign = self.run_calls()
        before = self.calls_of(campaign)
        # not a manager; an agent of another company; a portal user; a closed campaign
        with self.assertRaises(UserError):
            campaign.with_user(self.salesman).move_calls(self.a, self.b)
        self.make_other_company()
        with self.assertRaises(UserError):
            campaign.move_calls(self.a, self.salesman_b)
        with self.assertRaises(AccessError), mute_logger("odoo.models"):
            campaign.with_user(self.manager_b).move_calls(self.a, self.b)
        with self.assertRaises(UserError):
            campaign.move_calls(self.a, self.a)
        self.assertEqual(self.calls_of(campaign), before)
        campaign.action_done()
        with self.assertRaises(UserError):
            campaign.move_calls(self.a, self.b)

    def test_the_move_is_refused_exactly_when_the_orm_refuses_the_write(self):
        """The same change through mail.activity.write and through
        move_calls, as a lifecycle manager whose activities are limited to
        their own (a rule), so that the ORM falls back on the write rules of
        the customers, one of which is locked for them."""
        campaign = self.run_calls()
        manager = self.sales_manager
        Rule = self.env["ir.rule"]
        Rule.create({
            "name": "test: own activities", "model_id": self.env.ref(
                "mail.model_mail_activity").id,
            "groups": [(6, 0, self.env.ref("sales_team.group_sale_manager").ids)],
            "domain_force": "[('user_id', '=', user.id)]", "perm_read": False,
            "perm_create": False, "perm_write": True, "perm_unlink": True})
        locked = self.activities(campaign).filtered(lambda a: a.user_id == self.a)[0]
        self.env["res.partner"].browse(locked.res_id).write({"ref": "LOCKED"})
        lock = Rule.create({
            "name": "test: locked customers", "model_id": self.env.ref(
                "base.model_res_partner").id,
            "groups": [(6, 0, self.env.ref("sales_team.group_sale_manager").ids)],
            "domain_force": "[('ref', '!=', 'LOCKED')]", "perm_read": False,
            "perm_create": False, "perm_write": True, "perm_unlink": False})
        a_calls = self.activities(campaign).filtered(lambda a: a.user_id == self.a)

        def allowed(change):
            """Whether the change is allowed; rolled back either way."""
            try:
                with self.env.cr.savepoint(), mute_logger("odoo.models"):
                    change()
                    raise Rollback()
            except Rollback:
                return True
            except AccessError:
                return False
            finally:
                compat.invalidate_all(self.env)

        def orm_allows():
            return allowed(lambda: a_calls.with_user(manager).write({"user_id": self.b.id}))

        def path_allows():
            return allowed(lambda: campaign.with_user(manager).move_calls(self.a, self.b))
        self.assertFalse(orm_allows())
        self.assertFalse(path_allows())
        self.assertEqual(self.calls_of(campaign)[self.a.id], len(a_calls))
        lock.unlink()
        self.assertTrue(orm_allows())
        self.assertTrue(path_allows())
