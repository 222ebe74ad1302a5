# Copyright 2026 crm_lifecycle contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Who sees whose customer figures: the user's sales group decides, as for
Staff Performance (own customers / the teams they lead / all)."""
import datetime

from odoo.addons.crm_lifecycle import compat
from odoo.addons.crm_lifecycle.tests.common import CUSTOMER, CrmLifecycleCase, noon_before


class TestMetricsAccess(CrmLifecycleCase):
    @classmethod
    def setUpClass(cls):
        super(TestMetricsAccess, cls).setUpClass()
        Users = cls.env["res.users"].with_context(no_reset_password=True)
        group = cls.env.ref
        cls.colleague = Users.create({
            "name": "Metrics Colleague", "login": "metrics_colleague",
            "groups_id": [(6, 0, [group("sales_team.group_sale_salesman").id])]})
        cls.leader = Users.create({
            "name": "Metrics Leader", "login": "metrics_leader",
            "groups_id": [(6, 0, [group("sales_team.group_sale_salesman").id])]})
        cls.all_docs = Users.create({
            "name": "Metrics All", "login": "metrics_all",
            "groups_id": [(6, 0, [group("sales_team.group_sale_salesman_all_leads").id])]})
        team = cls.env["crm.team"].create({"name": "Metrics Team", "user_id": cls.leader.id,
                                           "member_ids": [(6, 0, cls.colleague.ids)]})
        Partner = cls.env["res.partner"]
        cls.mine = Partner.create({"name": "Own Customer", **CUSTOMER,
                                   "user_id": cls.salesman.id})
        cls.theirs = Partner.create({"name": "Colleague's Customer", **CUSTOMER,
                                     "user_id": cls.colleague.id,
                                     **compat.partner_team_vals(team)})
        cls.nobodys = Partner.create({"name": "Unowned Customer", **CUSTOMER})
        today = datetime.date.today()
        rows = [{"source_system": "shop", "external_ref": "acc-%d-%d" % (p.id, i),
                 "channel": "web", "kind": "purchase", "amount": 10.0 * (i + 1),
                 "date": noon_before(today, 20 * i + 1), "partner_id": p.id}
                for p in (cls.mine, cls.theirs, cls.nobodys) for i in range(2)]
        assert all(r["status"] == "created" for r in cls.env["crm.touchpoint"].ingest(rows))
        cls.env["crm.customer.metrics"].compute_metrics()
        cls.env["crm.customer.snapshot"].take_snapshot()

    def visible(self, user, model="crm.customer.metrics"):
        ours = (self.mine | self.theirs | self.nobodys).ids
        return set(self.env[model].with_user(user).search(
            [("partner_id", "in", ours)]).mapped("partner_id").ids)

    def test_own_team_all(self):
        own = {self.mine.id, self.nobodys.id}
        for model in ("crm.customer.metrics", "crm.customer.snapshot"):
            everyone = {self.mine.id, self.theirs.id, self.nobodys.id}
            self.assertEqual(self.visible(self.salesman, model), own, model)
            self.assertEqual(self.visible(self.leader, model), {self.theirs.id, self.nobodys.id},
                             model)
            self.assertEqual(self.visible(self.all_docs, model), everyone, model)
            self.assertEqual(self.visible(self.sales_manager, model), everyone, model)
        # the customer filters of the partner list follow the same rule
        champions = self.env["res.partner"].with_user(self.salesman).search(
            [("lifecycle_metrics_ids.revenue", ">", 0)])
        self.assertIn(self.mine, champions)
        self.assertNotIn(self.theirs, champions)

    def test_archived_customers_keep_their_owners_rule(self):
        # the rule reads the customer's owner whether the customer is
        # archived or not (as Odoo's path search does, active_test=False)
        (self.mine | self.theirs).write({"active": False})
        for model in ("crm.customer.metrics", "crm.customer.snapshot"):
            self.assertEqual(self.visible(self.salesman, model),
                             {self.mine.id, self.nobodys.id}, model)

    def test_the_rule_is_a_join_whatever_the_number_of_partners(self):
        # "nobody owns it" used to be the list of every unowned partner's id
        # in the query (a million at a million customers); joined, the
        # rule's SQL does not grow with the partners
        for number in range(40):
            self.env["res.partner"].create({"name": "Unowned %d" % number})
        for model in ("crm.customer.metrics", "crm.customer.snapshot"):
            records = self.env[model].with_user(self.salesman)
            query = records._where_calc([])
            records._apply_ir_rules(query, "read")
            from_clause, where_clause, params = compat.query_parts(query)
            self.assertLess(len(params), 10, "%s: %s" % (model, where_clause))
