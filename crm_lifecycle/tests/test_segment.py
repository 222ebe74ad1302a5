# Copyright 2026 crm_lifecycle contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Segments: members refreshed set-based, entries and exits, size history."""
from odoo.exceptions import AccessError, UserError, ValidationError

from .. import compat
from .common import CUSTOMER, CrmLifecycleCase


class TestSegment(CrmLifecycleCase):
    @classmethod
    def setUpClass(cls):
        super(TestSegment, cls).setUpClass()
        Partner = cls.env["res.partner"]
        cls.country = cls.env.ref("base.be")
        cls.partners = Partner.browse()
        for i in range(6):
            cls.partners |= Partner.create({
                "name": "Segment Member %d" % i, **CUSTOMER, "company_id": False,
                "city": "Ghent" if i % 2 else "Liege", "country_id": cls.country.id})
        cls.other_company = cls.env["res.company"].create({"name": "Segment Other Co"})
        cls.foreign = Partner.create({"name": "Segment Foreign", **CUSTOMER,
                                      "city": "Ghent", "company_id": cls.other_company.id})
        cls.Segment = cls.env["crm.segment"]
        cls.ghent = cls.Segment.create({
            "name": "Ghent customers",
            "domain": repr(compat.customer_domain() + [("city", "=", "Ghent")])})

    def members(self, segment):
        return self.env["crm.segment.member"].search(
            [("segment_id", "=", segment.id), ("date_to", "=", False)]).mapped("partner_id")

    def test_members_are_the_partners_the_rule_finds(self):
        size, entered, left = self.ghent.refresh_members()[self.ghent.id]
        expected = self.env["res.partner"].search([
            *compat.customer_domain(), ("city", "=", "Ghent"),
            "|", ("company_id", "=", False), ("company_id", "=", self.ghent.company_id.id)])
        self.assertEqual(self.members(self.ghent), expected)
        self.assertIn(self.partners[1], expected)
        # a partner of another company is not a member
        self.assertNotIn(self.foreign, self.members(self.ghent))
        self.assertEqual((size, entered, left), (len(expected), len(expected), 0))
        self.assertEqual(self.ghent.member_count, len(expected))

    def test_refresh_records_who_entered_and_left(self):
        self.ghent.refresh_members()
        mover, newcomer = self.partners[1], self.partners[0]
        mover.city = "Bruges"
        newcomer.city = "Ghent"
        before = self.members(self.ghent)
        size, entered, left = self.ghent.refresh_members()[self.ghent.id]
        self.assertEqual((entered, left), (1, 1))
        self.assertEqual(size, len(before))
        Member = self.env["crm.segment.member"]
        gone = Member.search([("segment_id", "=", self.ghent.id),
                              ("partner_id", "=", mover.id)])
        self.assertEqual(len(gone), 1)
        self.assertTrue(gone.date_to, "the stay of the partner who left is closed")
        came = Member.search([("segment_id", "=", self.ghent.id),
                              ("partner_id", "=", newcomer.id)])
        self.assertFalse(came.date_to)
        # back again: a second stay, the first one kept
        mover.city = "Ghent"
        self.ghent.refresh_members()
        self.assertEqual(Member.search_count([("segment_id", "=", self.ghent.id),
                                              ("partner_id", "=", mover.id)]), 2)
        # the size history: one row per refresh
        sizes = self.env["crm.segment.size"].search([("segment_id", "=", self.ghent.id)])
        self.assertEqual(len(sizes), 3)
        self.assertEqual(sizes.sorted("id").mapped("left_count"), [0, 1, 0])

    def test_refresh_twice_changes_nothing(self):
        self.ghent.refresh_members()
        rows = self.env["crm.segment.member"].search([("segment_id", "=", self.ghent.id)])
        self.assertEqual(self.ghent.refresh_members()[self.ghent.id][1:], (0, 0))
        self.assertEqual(
            self.env["crm.segment.member"].search([("segment_id", "=", self.ghent.id)]), rows)

    def test_static_list_and_archived_partners(self):
        listed = self.Segment.create({"name": "VIP list", "kind": "static",
                                      "partner_ids": [(6, 0, self.partners[:3].ids)]})
        listed.refresh_members()
        self.assertEqual(self.members(listed), self.partners[:3])
        # an archived (e.g. merged) partner leaves every segment
        self.partners[0].active = False
        listed.refresh_members()
        self.assertEqual(self.members(listed), self.partners[1:3])

    def test_bad_rule_is_refused_with_the_reason(self):
        with self.assertRaisesRegex(ValidationError, "not a valid domain.*no_such_field"):
            self.Segment.create({"name": "Broken", "domain": "[('no_such_field', '=', 1)]"})

    def test_rights(self):
        with self.assertRaises(UserError):
            self.ghent.with_user(self.salesman).refresh_members()
        with self.assertRaises(AccessError):
            self.Segment.with_user(self.salesman).create({"name": "Mine"})
        # a manager of the other company does not see the segment
        self.sales_manager.write({"company_ids": [(4, self.other_company.id)],
                                  "company_id": self.other_company.id})
        self.assertFalse(self.Segment.with_user(self.sales_manager).search(
            [("id", "=", self.ghent.id)]))
