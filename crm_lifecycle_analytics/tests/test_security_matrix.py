# Copyright 2026 crm_lifecycle contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Every entry point of the suite that writes in SQL or with elevated rights,
called by a plain salesperson, by a manager of another company and by a
portal user: each is refused (as the ORM would refuse the same change) and
the tables it writes are exactly as before. A refusal by exception is rolled
back to a savepoint, as an RPC call's transaction would be; ingest() refuses
row by row in its answer, and its tables must then be untouched as they are.
"""
import base64
import datetime

from odoo.exceptions import AccessError, UserError
from odoo.tools import mute_logger

from odoo.addons.crm_lifecycle import compat
from odoo.addons.crm_lifecycle.tests.common import CampaignCase, noon_before

# the tables the entry points write
TABLES = ("crm_touchpoint", "crm_partner_merge_log", "crm_partner_merge_log_line",
          "res_partner", "crm_partner_duplicate", "crm_segment_member", "crm_segment_size",
          "crm_campaign", "crm_campaign_member", "mail_activity", "crm_customer_metrics",
          "crm_customer_snapshot", "crm_staff_target", "ir_config_parameter",
          "crm_partner_import_line")


class TestSecurityMatrix(CampaignCase):
    @classmethod
    def setUpClass(cls):
        super(TestSecurityMatrix, cls).setUpClass()
        cls.make_other_company()
        cls.make_portal_user()
        cls.company_a = cls.env.user.company_id
        today = datetime.date.today()
        # company A's data: customers, history, a segment and a draft campaign,
        # a merge, metrics and a target
        cls.audience = cls.make_partners(4, "Matrix", company_id=cls.company_a.id,
                                         user_id=cls.sales_manager.id)
        cls.segment = cls.make_segment("Matrix", cls.audience)
        cls.campaign = cls.env["crm.campaign"].create({
            "name": "Matrix", "segment_ids": [(6, 0, cls.segment.ids)],
            "channel_id": cls.channel["phone"].id, "holdout_percent": 0.0, "seed": 1})
        cls.running = cls.env["crm.campaign"].create({
            "name": "Matrix running", "segment_ids": [(6, 0, cls.segment.ids)],
            "channel_id": cls.channel["phone"].id, "holdout_percent": 0.0, "seed": 2})
        cls.running.action_plan()
        cls.running.action_launch()
        res = cls.env["crm.touchpoint"].with_user(cls.sales_manager).ingest([{
            "source_system": "shop", "external_ref": "m-%d" % i, "channel": "web",
            "kind": "purchase", "amount": 50.0 + i, "date": noon_before(today, 30 * i + 1),
            "partner_id": cls.audience[i % 4].id} for i in range(8)])
        assert all(r["status"] == "created" for r in res), res
        cls.twin_a = cls.env["res.partner"].create({
            "name": "Matrix 0", "company_id": cls.company_a.id})
        cls.twin_b = cls.env["res.partner"].create({
            "name": "Matrix 1", "company_id": cls.company_a.id})
        merged = cls.env["res.partner"].create({"name": "Matrix 2",
                                                "company_id": cls.company_a.id})
        cls.log = cls.env["crm.partner.merge.log"].browse(
            cls.env["crm.partner.merge.log"].merge_partners(cls.audience[2].id, [merged.id]))
        cls.env["crm.customer.metrics"].compute_metrics(company_ids=[cls.company_a.id])
        cls.target = cls.env["crm.staff.target"].create({
            "user_id": cls.sales_manager.id, "measure": "revenue", "target": 1000.0,
            "month": today.replace(day=1)})
        cls.wizard = cls.env["crm.partner.import"].create({
            "source_system": "matrix", "filename": "list.csv",
            "file": base64.b64encode(b"ref,name\nk1,Matrix 0\n")})

    def fingerprint(self):
        result = {}
        for table in TABLES:
            self.env.cr.execute(
                "SELECT count(*), md5(string_agg(t::text, '|' ORDER BY t.id)) FROM %s t"
                % table)  # the names are the constants above
            result[table] = self.env.cr.fetchone()
        return result

    def entry_points(self):
        a_ids = [self.company_a.id]
        return {
            "ingest over a manager's row": lambda env: env["crm.touchpoint"].ingest([{
                "source_system": "shop", "external_ref": "m-1", "channel": "web",
                "kind": "purchase", "amount": 99999, "date": "2001-01-01",
                "partner_id": self.audience[1].id}]),
            "ingest as 'odoo'": lambda env: env["crm.touchpoint"].ingest([{
                "source_system": "odoo", "external_ref": "mail.message,1", "channel": "web",
                "date": "2026-01-01", "partner_id": self.audience[1].id}]),
            "rebuild touchpoints": lambda env: env["crm.touchpoint"].action_rebuild(),
            "merge": lambda env: env["crm.partner.merge.log"].merge_partners(
                self.twin_a.id, [self.twin_b.id]),
            "unmerge": lambda env: self.log.with_env(env).action_unmerge(),
            "find duplicates": lambda env: env["crm.partner.duplicate"].find_duplicates(
                partner_ids=[self.twin_a.id, self.twin_b.id]),
            "import preview": lambda env: self.wizard.with_env(env).action_preview(),
            "plan campaign": lambda env: self.campaign.with_env(env).action_plan(),
            "close campaign": lambda env: self.running.with_env(env).action_done(),
            "refresh segment": lambda env: self.segment.with_env(env).refresh_members(),
            "recompute metrics": lambda env: env["crm.customer.metrics"].compute_metrics(
                company_ids=a_ids),
            "snapshot": lambda env: env["crm.customer.snapshot"].take_snapshot(
                company_ids=a_ids),
            "win-back": lambda env: env["crm.customer.metrics"].schedule_win_back(
                company_ids=a_ids),
            "settings": lambda env: env["res.config.settings"].browse(
                self.env["res.config.settings"].create({}).id).with_env(env).set_values(),
        }

    def test_each_write_path_refuses_the_wrong_callers(self):
        users = {"salesperson": self.salesman, "manager of company B": self.manager_b,
                 "portal user": self.portal}
        before = self.fingerprint()
        entries = dict(self.entry_points())
        # a manager of company B may use the wizards (for company B's lists
        # and customers): only the others are refused them
        wizards = {
            "import wizard": lambda env: env["crm.partner.import"].create({
                "source_system": "x"}),
            "merge wizard": lambda env: env["crm.partner.merge.wizard"].action_open(
                [self.twin_a.id, self.twin_b.id]),
        }
        calls = [(label, call, users) for label, call in sorted(entries.items())]
        calls += [(label, call, {k: v for k, v in users.items() if v != self.manager_b})
                  for label, call in sorted(wizards.items())]
        for label, call, users in calls:
            for who, user in users.items():
                env = self.env(user=user.id)
                with self.subTest(entry=label, user=who):
                    refused = False
                    try:
                        with self.env.cr.savepoint(), mute_logger("odoo.models"):
                            result = call(env)
                    except (AccessError, UserError) as error:
                        refused = bool(compat.error_message(error))
                    if not refused:
                        # ingest() refuses row by row, in its answer
                        self.assertTrue(isinstance(result, list) and all(
                            r.get("status") == "error" for r in result),
                            "%s was not refused for the %s: %r" % (label, who, result))
                    self.assertEqual(self.fingerprint(), before,
                                     "%s by the %s changed data" % (label, who))
        # the right caller gets through: the manager of company A
        env = self.env(user=self.sales_manager.id)
        self.campaign.with_env(env).action_plan()
        self.assertEqual(self.campaign.state, "planned")
        self.assertTrue(env["crm.partner.merge.log"].merge_partners(
            self.twin_a.id, [self.twin_b.id]))
