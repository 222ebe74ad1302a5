# Copyright 2026 crm_lifecycle contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from unittest.mock import patch

from markupsafe import Markup

from odoo import fields

from .. import compat
from .common import CrmLifecycleCase


class TestCapture(CrmLifecycleCase):
    """Each automatic capture path makes the touchpoint it should."""

    def test_inbound_email_on_customer(self):
        # an HTML body (from 13 a plain string is text, and escaped)
        self.customer.message_post(
            body=Markup("<p>Where is my order?</p>"), subject="Order 42", message_type="email",
            **compat.subtype("mail.mt_comment"), author_id=self.contact.id)
        tp = self.touchpoints(self.customer, res_model="res.partner")
        self.assertEqual(len(tp), 1)
        self.assertEqual(tp.channel_id.code, "email")
        self.assertEqual(tp.direction, "inbound")
        self.assertEqual(tp.subject, "Order 42")
        self.assertEqual(tp.summary, "Where is my order?")
        self.assertEqual(tp.partner_id, self.customer)
        self.assertEqual(tp.source_system, "odoo")

    def test_summary_is_the_text_of_the_body(self):
        self.customer.message_post(
            body=Markup("<p>Tom &amp; Jerry&nbsp;&lt;3 &quot;quoted&quot;</p>\n<p>two</p>"),
            message_type="email", **compat.subtype("mail.mt_comment"),
            author_id=self.contact.id)
        tp = self.touchpoints(self.customer, res_model="res.partner")
        self.assertEqual(tp.summary, 'Tom & Jerry <3 "quoted" two')

    def test_outbound_message_and_internal_note(self):
        self.customer.with_user(self.salesman).message_post(
            body="Your quote", message_type="comment", **compat.subtype("mail.mt_comment"))
        self.customer.with_user(self.salesman).message_post(
            body="internal: customer is price sensitive", message_type="comment",
            **compat.subtype("mail.mt_note"))
        tp = self.touchpoints(self.customer)
        self.assertEqual(len(tp), 1, "an internal note is not a contact with the customer")
        self.assertEqual(tp.direction, "outbound")
        self.assertEqual(tp.user_id, self.salesman)

    def test_email_on_a_document_of_the_customer(self):
        lead = self.env["crm.lead"].create({"name": "Renewal", "partner_id": self.contact.id,
                                            "type": "opportunity"})
        lead.message_post(body="Re: renewal", message_type="email",
                          **compat.subtype("mail.mt_comment"), author_id=self.contact.id)
        tp = self.touchpoints(self.customer, res_model="crm.lead", kind="contact")
        self.assertEqual(len(tp), 1)
        self.assertEqual(tp.res_id, lead.id)
        self.assertEqual(tp.partner_id, self.contact)
        # the company sees its contact's touchpoint on its own timeline
        self.assertIn(tp, self.Touchpoint.search(self.customer._touchpoint_domain()))

    def test_done_activity(self):
        activity = self.env["mail.activity"].create({
            "res_model_id": self.env.ref("base.model_res_partner").id,
            "res_id": self.person.id, "user_id": self.salesman.id,
            "activity_type_id": self.env.ref("mail.mail_activity_data_call").id,
            "summary": "Call back about the box set",
        })
        self.assertFalse(self.touchpoints(self.person))
        activity.with_user(self.salesman).action_feedback("Interested, wants a quote")
        tp = self.touchpoints(self.person)
        self.assertEqual(len(tp), 1)
        self.assertEqual(tp.channel_id.code, "phone")
        self.assertEqual(tp.direction, "outbound")
        self.assertIn("Interested, wants a quote", tp.summary)

    def test_todo_activity_is_not_a_contact(self):
        activity = self.env["mail.activity"].create({
            "res_model_id": self.env.ref("base.model_res_partner").id,
            "res_id": self.person.id, "user_id": self.salesman.id,
            "activity_type_id": self.env.ref("mail.mail_activity_data_todo").id,
        })
        activity.action_feedback("done")
        self.assertFalse(self.touchpoints(self.person))

    def test_meeting_follows_its_event(self):
        event = self.env["calendar.event"].create({
            "name": "Catalogue presentation",
            "start": "2026-03-02 10:00:00", "stop": "2026-03-02 11:00:00",
            "user_id": self.salesman.id,
            "partner_ids": [(6, 0, [self.contact.id, self.salesman.partner_id.id])],
        })
        tp = self.touchpoints(self.customer, res_model="calendar.event")
        self.assertEqual(len(tp), 1, "one touchpoint per customer attendee, none for staff")
        self.assertEqual(tp.channel_id.code, "meeting")
        self.assertEqual(str(tp.date), "2026-03-02 10:00:00")
        event.write({"start": "2026-03-05 14:00:00", "stop": "2026-03-05 15:00:00"})
        self.assertEqual(str(tp.date), "2026-03-05 14:00:00")
        event.write({"partner_ids": [(4, self.person.id)]})
        self.assertEqual(len(self.touchpoints(self.person, res_model="calendar.event")), 1)
        event.unlink()
        self.assertFalse(self.Touchpoint.search([("res_model", "=", "calendar.event"),
                                                 ("res_id", "=", event.id)]))

    def test_lead_with_medium(self):
        lead = self.env["crm.lead"].create({
            "name": "Wants 40 headphones", "partner_id": self.customer.id,
            "medium_id": self.env.ref("utm.utm_medium_phone").id,
        })
        tp = self.touchpoints(self.customer, kind="lead")
        self.assertEqual(len(tp), 1)
        self.assertEqual(tp.channel_id.code, "phone")
        self.assertEqual(tp.direction, "inbound")
        self.assertEqual((tp.res_model, tp.res_id), ("crm.lead", lead.id))
        # a lead without customer has no touchpoint until it gets one
        anonymous = self.env["crm.lead"].create({"name": "Web form"})
        self.assertFalse(self.Touchpoint.search([("res_model", "=", "crm.lead"),
                                                 ("res_id", "=", anonymous.id)]))
        anonymous.partner_id = self.person
        tp2 = self.touchpoints(self.person, kind="lead")
        self.assertEqual(tp2.channel_id.code, "web")

    def test_capture_setting_off(self):
        self.env["ir.config_parameter"].sudo().set_param("crm_lifecycle.capture_mail", "False")
        self.customer.message_post(body="hello", message_type="email",
                                   **compat.subtype("mail.mt_comment"), author_id=self.contact.id)
        self.assertFalse(self.touchpoints(self.customer))

    def test_capture_error_never_blocks_the_user(self):
        Touchpoint = type(self.Touchpoint)
        with patch.object(Touchpoint, "_sync_insert", side_effect=RuntimeError("boom")), \
                self.assertLogs("odoo.addons.crm_lifecycle.models.crm_touchpoint_sync",
                                level="ERROR") as logs:
            message = self.customer.message_post(
                body="still posted", message_type="email", **compat.subtype("mail.mt_comment"),
                author_id=self.contact.id)
        self.assertTrue(message.exists())
        self.assertIn("boom", "\n".join(logs.output))
        self.assertFalse(self.touchpoints(self.customer))

    def test_manual_log_from_partner(self):
        action = self.customer.action_log_touchpoint()
        self.assertEqual(action["res_model"], "crm.touchpoint")
        self.assertEqual(action["target"], "new")
        tp = self.Touchpoint.with_user(self.salesman).with_context(action["context"]).create({
            "channel_id": self.channel["visit"].id, "subject": "Visited the shop",
        })
        self.assertEqual(tp.partner_id, self.customer)
        self.assertEqual(tp.user_id, self.salesman)
        self.assertEqual(self.customer.touchpoint_count, 1)
        self.assertEqual(self.customer.touchpoint_recent_count, 1)
        self.assertEqual(self.customer.touchpoint_channel_ids, self.channel["visit"])
        self.assertTrue(self.customer.touchpoint_last_date <= fields.Datetime.now())
