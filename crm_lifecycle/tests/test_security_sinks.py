# Copyright 2026 crm_lifecycle contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""What the suite writes where a browser or a spreadsheet reads it, the
companies its manager actions work in, and the bounds of a segment rule."""
import base64
import csv
import io
import time
from unittest.mock import patch

import psycopg2

from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import mute_logger

from .. import compat
from ..guard import csv_cell
from ..sql import planner_settings
from .common import CampaignCase

XSS = "<img src=x onerror=alert(1)><script>alert(2)</script> Call about the offer"


class TestSinks(CampaignCase):
    @classmethod
    def setUpClass(cls):
        super(TestSinks, cls).setUpClass()
        cls.audience = cls.make_partners(6, "Sink")
        cls.segment = cls.make_segment("Sink", cls.audience)
        cls.make_other_company()

    def test_campaign_description_reaches_activities_escaped(self):
        """The finding: a description written by SQL into activity notes."""
        campaign = self.launch(channel="phone", holdout_percent=0.0, description=XSS)
        notes = self.env["mail.activity"].search(
            [("campaign_member_id.campaign_id", "=", campaign.id)]).mapped("note")
        self.assertTrue(notes)
        for note in notes:
            self.assertNotIn("<script", note)
            self.assertNotIn("<img", note)
            self.assertIn("Call about the offer", note)

    def test_exported_cells_never_start_a_formula(self):
        nasty = {"name": "=cmd|' /C calc'!A0", "email": "@SUM(1+1)@x.example",
                 "phone": "+32 2 555 00 01", "street": "-2+3", "city": "\tTab"}
        self.audience[0].write(nasty)
        self.channel["letter"].campaign_execution = "export"
        campaign = self.launch(channel="letter", holdout_percent=0.0)
        text = base64.b64decode(campaign.export_attachment_id.datas).decode("utf-8")
        rows = list(csv.DictReader(io.StringIO(text)))
        row = next(r for r in rows if r["name"].endswith("calc'!A0"))
        for column in ("name", "email", "phone", "street", "city"):
            self.assertTrue(row[column].startswith("'"), (column, row[column]))
        for r in rows:
            for value in r.values():
                self.assertFalse(value.startswith(("=", "+", "-", "@", "\t", "\r")), value)
        self.assertEqual(csv_cell("Ghent"), "Ghent")
        self.assertEqual(csv_cell(None), "")

    def test_manager_of_another_company_cannot_run_its_campaigns(self):
        campaign = self.make_campaign(self.segment, holdout_percent=0.0)
        for method in ("action_plan", "action_launch", "action_cancel"):
            with self.assertRaises(AccessError), mute_logger("odoo.models"):
                getattr(campaign.with_user(self.manager_b), method)()
        self.assertEqual(campaign.state, "draft")
        self.assertFalse(self.members(campaign))
        with self.assertRaises(AccessError), mute_logger("odoo.models"):
            self.segment.with_user(self.manager_b).refresh_members()
        campaign.action_plan()
        self.assertTrue(self.members(campaign))

    def test_segment_rule_is_a_bounded_literal(self):
        """The finding: [('id', 'in', list(range(10**8)))] ran 59 s and took
        4.6 GB before it was refused."""
        Segment = self.env["crm.segment"]
        for rule in ("[('id', 'in', list(range(10**8)))]", "[('id', 'in', [0] * 10**9)]",
                     "[('id', 'in', [%s])]" % ", ".join(["1"] * 8000),
                     "__import__('os').system('true')"):
            start = time.time()
            with self.assertRaises(ValidationError, msg=rule[:40]):
                Segment.create({"name": "Huge", "domain": rule})
            self.assertLess(time.time() - start, 5, rule[:40])
        ok = Segment.create({"name": "Plain", "domain": "[('city', '=', 'Ghent')]"})
        self.assertTrue(ok)

    def test_a_failure_inside_planner_settings_is_not_masked(self):
        """The finding: the settings were put back in the aborted
        transaction, and InFailedSqlTransaction hid the real error."""
        cr = self.env.cr
        with self.assertRaises(psycopg2.errors.DivisionByZero), mute_logger("odoo.sql_db"):
            with cr.savepoint(), planner_settings(cr, work_mem="7MB"):
                cr.execute("SELECT 1 / 0")
        cr.execute("SHOW work_mem")
        self.assertNotEqual(cr.fetchone()[0], "7MB", "the rollback undid the setting")
        with planner_settings(cr, work_mem="7MB"):
            cr.execute("SHOW work_mem")
            self.assertEqual(cr.fetchone()[0], "7MB")
        cr.execute("SHOW work_mem")
        self.assertNotEqual(cr.fetchone()[0], "7MB")

    def test_refresh_of_a_slow_rule_is_stopped(self):
        """A refresh that runs past the limit is stopped with a clear error
        (a rule cannot call pg_sleep: the slow query is put in its place)."""
        from ..models import crm_segment
        segment = self.env["crm.segment"].create({
            "name": "Everyone", "domain": repr(compat.customer_domain())})
        slow = ("SELECT p.id FROM res_partner p, pg_sleep(2) WHERE p.active", [])
        old = crm_segment.REFRESH_TIMEOUT
        try:
            crm_segment.REFRESH_TIMEOUT = "200ms"
            with patch.object(type(segment), "_members_query",
                              lambda self, partner_ids=None: slow), \
                    self.assertRaisesRegex(UserError, "was stopped"), \
                    mute_logger("odoo.sql_db"):
                segment.refresh_members()
        finally:
            crm_segment.REFRESH_TIMEOUT = old
        self.assertTrue(segment.refresh_members()[segment.id][0] > 0)
