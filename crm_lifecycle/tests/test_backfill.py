# Copyright 2026 crm_lifecycle contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from .. import compat
from .common import CrmLifecycleCase

COLUMNS = ("partner_id, commercial_partner_id, date, channel_id, direction, kind, user_id, "
           "team_id, company_id, subject, summary, amount, currency_id, res_model, res_id, "
           "campaign_id, source_system, external_ref")


# the rebuild makes the rows of every installed bridge (sales, ratings, surveys)
@compat.after_install
class TestBackfill(CrmLifecycleCase):
    def snapshot(self):
        self.env.cr.execute("SELECT %s FROM crm_touchpoint WHERE source_system = 'odoo' "
                            "ORDER BY external_ref" % COLUMNS)
        return self.env.cr.fetchall()

    def test_rebuild_recreates_the_same_rows(self):
        self.customer.message_post(body="hi", message_type="email",
                                   **compat.subtype("mail.mt_comment"), author_id=self.contact.id)
        self.env["crm.lead"].create({"name": "Lead", "partner_id": self.person.id})
        self.env["calendar.event"].create({
            "name": "Review", "start": "2026-01-05 10:00:00", "stop": "2026-01-05 11:00:00",
            "partner_ids": [(6, 0, [self.contact.id])]})
        live = self.snapshot()
        self.assertGreaterEqual(len(live), 3)
        # lose them all, then rebuild from the documents: same rows
        self.env.cr.execute("DELETE FROM crm_touchpoint WHERE source_system = 'odoo'")
        self.Touchpoint._rebuild_from_sources()
        self.assertEqual(self.snapshot(), live)
        # and again: nothing changes
        self.Touchpoint._rebuild_from_sources()
        self.assertEqual(self.snapshot(), live)

    def test_rebuild_repairs(self):
        self.customer.message_post(body="hi", message_type="email",
                                   **compat.subtype("mail.mt_comment"), author_id=self.contact.id)
        self.env.cr.execute("UPDATE crm_touchpoint SET subject = 'tampered', direction = "
                            "'outbound' WHERE source_system = 'odoo'")
        self.Touchpoint._rebuild_from_sources()
        tp = self.touchpoints(self.customer)
        self.assertEqual(tp.direction, "inbound")
        self.assertNotEqual(tp.subject, "tampered")

    def test_rebuild_action_is_for_managers(self):
        from odoo.exceptions import AccessError
        with self.assertRaises(AccessError):
            self.Touchpoint.with_user(self.salesman).action_rebuild()
        self.assertEqual(self.Touchpoint.with_user(self.sales_manager).action_rebuild()["tag"],
                         "reload")
