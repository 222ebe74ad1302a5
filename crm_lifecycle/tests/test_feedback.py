# Copyright 2026 crm_lifecycle contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Customer feedback as scored touchpoints: NPS and CSAT scores, complaints
with a severity and a resolution, from ingestion, the import and by hand."""
from odoo.exceptions import UserError

from .common import CrmLifecycleCase


def row(ref, **kw):
    vals = {"source_system": "survey-tool", "external_ref": ref,
            "date": "2026-05-04 10:30:00", "channel": "web", "direction": "inbound",
            "kind": "feedback", "email": "linus@example.org"}
    vals.update(kw)
    return vals


class TestFeedback(CrmLifecycleCase):
    def written(self, ref):
        return self.Touchpoint.search([("external_ref", "=", ref)])

    def test_ingested_feedback_is_scored(self):
        res = self.Touchpoint.ingest([
            row("nps-1", nps=3),
            row("csat-1", csat="5"),
            row("both-1", nps=10.0, csat=4),
            row("complaint-1", kind="complaint", severity="high", channel="phone",
                resolved_date="2026-05-06 12:30:00"),
        ])
        self.assertEqual([r["status"] for r in res], ["created"] * 4, res)
        self.assertEqual(self.written("nps-1").nps_score, "3")
        self.assertFalse(self.written("nps-1").csat_score)
        self.assertEqual(self.written("csat-1").csat_score, "5")
        self.assertEqual((self.written("both-1").nps_score, self.written("both-1").csat_score),
                         ("10", "4"))
        complaint = self.written("complaint-1")
        self.assertEqual((complaint.severity, str(complaint.resolved_date)),
                         ("high", "2026-05-06 12:30:00"))
        # a score of 0 is a score (the most unhappy customer), not an empty one
        self.Touchpoint.ingest([row("nps-0", nps=0)])
        self.assertEqual(self.written("nps-0").nps_score, "0")

    def test_bad_scores_are_refused_row_by_row_and_nothing_is_written(self):
        before = self.Touchpoint.search_count([])
        res = self.Touchpoint.ingest([
            row("ok"),
            row("high", nps=11),
            row("half", nps=7.5),
            row("zero", csat=0),
            row("word", csat="good"),
            row("severe", severity="high"),
            row("early", kind="complaint", resolved_date="2026-05-01 10:00:00"),
            row("odd", kind="complaint", severity="apocalyptic"),
        ])
        self.assertEqual(self.Touchpoint.search_count([]), before)
        errors = [r["error"] for r in res]
        self.assertIn("not written", errors[0])
        self.assertIn("row 2, field 'nps': a whole number from 0 to 10, not 11", errors[1])
        self.assertIn("row 3, field 'nps'", errors[2])
        self.assertIn("row 4, field 'csat': a whole number from 1 to 5, not 0", errors[3])
        self.assertIn("row 5, field 'csat'", errors[4])
        self.assertIn("row 6, field 'severity': only a complaint has a severity", errors[5])
        self.assertIn("row 7, field 'resolved_date': before the complaint was made", errors[6])
        self.assertIn("row 8, field 'severity': unknown severity 'apocalyptic'", errors[7])

    def test_imported_feedback_is_scored(self):
        fields_ = ["external_ref", "partner_email", "channel_code", "date", "direction", "kind",
                   "nps_score", "csat_score"]
        res = self.Touchpoint.load(fields_, [
            ["imp-1", "linus@example.org", "web", "2026-04-01 09:00:00", "inbound",
             "feedback", "6", "2"]])
        self.assertFalse(res["messages"], res["messages"])
        imported = self.Touchpoint.browse(res["ids"])
        self.assertEqual((imported.nps_score, imported.csat_score), ("6", "2"))
        bad = self.Touchpoint.load(fields_, [
            ["imp-2", "linus@example.org", "web", "2026-04-01 09:00:00", "inbound",
             "feedback", "12", ""]])
        self.assertFalse(bad["ids"])
        self.assertIn("12", bad["messages"][0]["message"])

    def test_complaint_resolved_and_reopened(self):
        complaint = self.Touchpoint.create({
            "partner_id": self.person.id, "channel_id": self.channel["phone"].id,
            "direction": "inbound", "kind": "complaint", "severity": "critical",
            "subject": "Delivery broken"})
        complaint.action_resolve()
        self.assertTrue(complaint.resolved_date)
        complaint.action_reopen()
        self.assertFalse(complaint.resolved_date)
        call = self.Touchpoint.create({
            "partner_id": self.person.id, "channel_id": self.channel["phone"].id,
            "direction": "inbound", "kind": "contact"})
        with self.assertRaises(UserError):
            call.action_resolve()
