# Copyright 2026 crm_lifecycle contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Awaiting an Answer by customer value: the unanswered inbound contacts,
the most valuable customers first, each with its value tier's response
time target (settings) and whether it is overdue; and Response Times'
share answered within the target, counted by hand."""
import datetime

from odoo import fields

from odoo.addons.crm_lifecycle import compat
from odoo.addons.crm_lifecycle.tests.common import CUSTOMER, CrmLifecycleCase
from odoo.addons.crm_lifecycle.tests.test_touchpoint_answer import weekday_hours

from ..models.crm_touchpoint_awaiting import ANSWER_TARGET_KEYS


class TestAwaitingAnswer(CrmLifecycleCase):
    @classmethod
    def setUpClass(cls):
        super(TestAwaitingAnswer, cls).setUpClass()
        Partner = cls.env["res.partner"]
        cls.gold = Partner.create({"name": "Gold Awaiting", **CUSTOMER})
        cls.silver = Partner.create({"name": "Silver Awaiting", **CUSTOMER})
        cls.plain = Partner.create({"name": "Plain Awaiting", **CUSTOMER})
        company = cls.env.user.company_id
        # their metrics (as the nightly job writes them): value and tier
        for partner, clv, tier in ((cls.gold, 5000.0, "high"), (cls.silver, 800.0, "medium")):
            cls.env.cr.execute("""
                INSERT INTO crm_customer_metrics (partner_id, company_id, clv, value_tier)
                VALUES (%s, %s, %s, %s)
            """, (partner.id, company.id, clv, tier))
        params = cls.env["ir.config_parameter"].sudo()
        params.set_param(ANSWER_TARGET_KEYS["high"][0], "2")
        params.set_param(ANSWER_TARGET_KEYS["medium"][0], "30")
        params.set_param(ANSWER_TARGET_KEYS["low"][0], "1000")

    def call(self, partner, hours_ago, direction="inbound"):
        when = datetime.datetime.utcnow().replace(microsecond=0) \
            - datetime.timedelta(hours=hours_ago)
        return self.Touchpoint.create({
            "partner_id": partner.id, "date": fields.Datetime.to_string(when),
            "direction": direction, "kind": "contact", "channel_id": self.channel["phone"].id,
            "user_id": self.salesman.id})

    def test_most_valuable_first_with_their_tier_target(self):
        calls = {partner: self.call(partner, 200) for partner in
                 (self.plain, self.silver, self.gold)}
        compat.flush(self.env)
        Awaiting = self.env["crm.touchpoint.awaiting"]
        rows = Awaiting.search([("touchpoint_id", "in", [c.id for c in calls.values()])])
        self.assertEqual(rows.mapped("partner_id"), self.gold | self.silver | self.plain)
        self.assertEqual([r.partner_id for r in rows], [self.gold, self.silver, self.plain])
        by_partner = {row.partner_id: row for row in rows}
        self.assertEqual(by_partner[self.gold].value_tier, "high")
        self.assertEqual(by_partner[self.plain].value_tier, "low")
        self.assertEqual([by_partner[p].target_hours for p in (self.gold, self.silver, self.plain)],
                         [2.0, 30.0, 1000.0])
        waited = weekday_hours(fields.Datetime.from_string(calls[self.gold].date),
                               datetime.datetime.utcnow())
        self.assertAlmostEqual(by_partner[self.gold].waiting_hours, waited, delta=0.1)
        # 200 hours ago is at least 120 weekday hours: late for gold and silver, not plain
        self.assertEqual([by_partner[p].overdue for p in (self.gold, self.silver, self.plain)],
                         [True, True, False])
        # answered: gone from the list
        self.call(self.gold, 0, direction="outbound")
        compat.flush(self.env)
        self.assertNotIn(self.gold, Awaiting.search(
            [("touchpoint_id", "in", [c.id for c in calls.values()])]).mapped("partner_id"))

    def test_response_times_count_the_contacts_answered_in_time(self):
        # gold answered after 1 weekday hour (target 2: in time), silver after 40 (target
        # 30: late), plain never (late); all this month, Monday to Friday
        monday = datetime.datetime.utcnow().replace(hour=8, minute=0, second=0, microsecond=0)
        while monday.weekday() != 0 or monday.day > 20 or monday > datetime.datetime.utcnow():
            monday -= datetime.timedelta(days=1)
        Touchpoint = self.Touchpoint

        def tp(partner, when, direction):
            return Touchpoint.create({
                "partner_id": partner.id, "date": fields.Datetime.to_string(when),
                "direction": direction, "kind": "contact", "user_id": self.salesman.id,
                "channel_id": self.channel["phone"].id})
        tp(self.gold, monday, "inbound")
        tp(self.gold, monday + datetime.timedelta(hours=1), "outbound")
        tp(self.silver, monday, "inbound")
        tp(self.silver, monday + datetime.timedelta(days=1, hours=16), "outbound")
        tp(self.plain, monday + datetime.timedelta(hours=2), "inbound")
        compat.flush(self.env)
        row = self.env["crm.staff.response.time"].search([
            ("user_id", "=", self.salesman.id), ("level", "=", "user"),
            ("month", "=", fields.Date.to_string(monday.date().replace(day=1)))])
        self.assertEqual(len(row), 1)
        self.assertEqual((row.inbound_count, row.answered_count), (3, 2))
        self.assertEqual(row.within_target_count, 1)
        self.assertAlmostEqual(row.within_target_rate, 100.0 / 3, places=1)
