# Copyright 2026 crm_lifecycle contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The answer of an inbound contact (the next outbound one) and its response
time in weekday hours, kept on the touchpoint by the database on every path
that writes touchpoints."""
import datetime
import json

from hypothesis import HealthCheck, given, settings, strategies as st

from odoo import fields

from .. import compat
from ..models import crm_touchpoint_answer as answer
from .common import CUSTOMER, CrmLifecycleCase

MONDAY = datetime.datetime(2026, 11, 2)  # a Monday


def at(day, hour=0):
    """Odoo datetime string `day` days and `hour` hours after MONDAY."""
    return fields.Datetime.to_string(MONDAY + datetime.timedelta(days=day, hours=hour))


def weekday_hours(start, end):
    """Hours from start to end that fall on Monday to Friday, day by day (the
    reference the closed form in SQL must agree with)."""
    total = 0.0
    cursor = start
    while cursor < end:
        midnight = datetime.datetime.combine(cursor.date(), datetime.time()) \
            + datetime.timedelta(days=1)
        step_end = min(midnight, end)
        if cursor.weekday() < 5:
            total += (step_end - cursor).total_seconds() / 3600.0
        cursor = step_end
    return total


class TestTouchpointAnswer(CrmLifecycleCase):

    def tp(self, partner, when, direction="inbound", kind="contact", **vals):
        return self.Touchpoint.create(dict({
            "partner_id": partner.id, "date": when, "direction": direction, "kind": kind,
            "channel_id": self.channel["phone"].id}, **vals))

    def test_weekend_is_not_counted(self):
        call = self.tp(self.customer, at(4, 16))            # Friday 16:00
        self.assertTrue(call.awaiting_answer)
        answer = self.tp(self.contact, at(7, 10), "outbound")  # Monday 10:00, a contact of it
        self.assertEqual(call.answered_date, answer.date)
        self.assertAlmostEqual(call.response_hours, 8 + 10)
        self.assertFalse(call.awaiting_answer)
        self.assertFalse(answer.answered_date, "an outbound contact is not answered")
        # a Saturday contact waits for Monday morning: only Monday's hours count
        saturday = self.tp(self.customer, at(5, 11))
        self.assertAlmostEqual(saturday.response_hours, 10)

    def test_first_answer_counts(self):
        call = self.tp(self.person, at(1, 9))
        self.tp(self.person, at(3, 9), "outbound")
        self.tp(self.person, at(2, 9), "outbound")
        self.assertAlmostEqual(call.response_hours, 24)
        earlier = self.tp(self.person, at(0, 9), "outbound")
        self.assertAlmostEqual(call.response_hours, 24, msg="an earlier contact answers nothing")
        earlier.date = at(1, 12)
        self.assertAlmostEqual(call.response_hours, 3, msg="moved after the call, it answers")
        # a purchase at the instant of the call: the rows read around it
        # reach the call's answer
        self.tp(self.person, at(1, 9), kind="purchase", amount=5)
        self.assertAlmostEqual(call.response_hours, 3)

    def test_unanswered_and_answers_undone(self):
        call = self.tp(self.person, at(1, 9))
        purchase = self.tp(self.person, at(1, 8), kind="purchase", amount=10)
        self.assertFalse(purchase.awaiting_answer, "a purchase needs no answer")
        awaiting = self.Touchpoint.search([("awaiting_answer", "=", True),
                                           ("commercial_partner_id", "=", self.person.id)])
        self.assertEqual(awaiting, call)
        answer = self.tp(self.person, at(1, 11), "outbound")
        self.assertFalse(self.Touchpoint.search([("awaiting_answer", "=", True),
                                                 ("commercial_partner_id", "=", self.person.id)]))
        self.assertFalse(purchase.answered_date)
        answer.unlink()
        self.assertFalse(call.answered_date)
        self.assertTrue(call.awaiting_answer)
        # another company's contact does not answer this company's customer
        other = self.env["res.company"].create({"name": "Other Company Ltd"})
        self.tp(self.person, at(1, 12), "outbound", company_id=other.id)
        self.assertTrue(call.awaiting_answer)
        # turned into an outbound contact, it is no longer waiting
        call.direction = "outbound"
        self.assertFalse(call.response_hours)

    def test_set_based_paths(self):
        """Ingestion (one statement for many rows) answers like the ORM."""
        res = self.Touchpoint.ingest([
            {"source_system": "answers", "external_ref": "in-1", "email": self.person.email,
             "channel": "email", "date": at(2, 8), "direction": "inbound"},
            {"source_system": "answers", "external_ref": "out-1", "email": self.person.email,
             "channel": "email", "date": at(2, 9), "direction": "outbound"},
        ])
        self.assertEqual({r["status"] for r in res}, {"created"})
        call = self.Touchpoint.search([("external_ref", "=", "in-1")])
        self.assertAlmostEqual(call.response_hours, 1)

    def test_bulk_rows_come_with_their_answer(self):
        """A new inbound contact written in bulk is answered by the insert
        itself (the triggers, off here, need not write it again); with the
        triggers on, rows of the same batch answer each other."""
        self.tp(self.person, at(3, 9), "outbound")

        def ingest(ref, when, direction):
            res = self.Touchpoint.ingest([{
                "source_system": "answers", "external_ref": ref, "email": self.person.email,
                "channel": "email", "date": when, "direction": direction}])
            self.assertEqual(res[0]["status"], "created", res)
            return self.Touchpoint.search([("external_ref", "=", ref)])
        self.env.cr.execute("ALTER TABLE crm_touchpoint DISABLE TRIGGER USER")
        try:
            call = ingest("in-0", at(3, 7), "inbound")
            reply = ingest("out-0", at(3, 8), "outbound")
        finally:
            self.env.cr.execute("ALTER TABLE crm_touchpoint ENABLE TRIGGER USER")
        self.assertAlmostEqual(call.response_hours, 2)
        self.assertFalse(reply.answered_date)
        res = self.Touchpoint.ingest([
            {"source_system": "answers", "external_ref": "in-%d" % n,
             "email": self.person.email, "channel": "email", "date": at(1, 8 + 2 * n),
             "direction": "inbound"} for n in (1, 2)] + [
            {"source_system": "answers", "external_ref": "out-1", "email": self.person.email,
             "channel": "email", "date": at(1, 11), "direction": "outbound"}])
        self.assertEqual({r["status"] for r in res}, {"created"})
        calls = self.Touchpoint.search([("external_ref", "in", ["in-1", "in-2"])],
                                       order="date")
        self.assertEqual(calls.mapped("response_hours"), [1.0, 44.0])

    def test_one_statement_updating_many_rows(self):
        """One UPDATE of many rows, some changing what answers, some not (a
        salesperson reassigned), answers like row-by-row writes."""
        calls = self.tp(self.person, at(1, 9)) | self.tp(self.customer, at(1, 10))
        answers = self.tp(self.person, at(1, 11), "outbound") \
            | self.tp(self.customer, at(1, 12), "outbound")
        self.assertEqual(calls.mapped("response_hours"), [2.0, 2.0])
        self.env.cr.execute("""
            UPDATE crm_touchpoint
               SET date = CASE WHEN direction = 'outbound' THEN date + interval '3 hours'
                               ELSE date END,
                   user_id = %s
             WHERE id IN %s
        """, (self.salesman.id, tuple((calls | answers).ids)))
        compat.invalidate_all(calls.env)
        self.assertEqual(calls.mapped("response_hours"), [5.0, 5.0])
        self.env.cr.execute("UPDATE crm_touchpoint SET user_id = NULL WHERE id IN %s",
                            (tuple((calls | answers).ids),))
        compat.invalidate_all(calls.env)
        self.assertEqual(calls.mapped("response_hours"), [5.0, 5.0], "nothing moved")
        # the customer of the second answer changes: the second call waits again
        self.env.cr.execute("UPDATE crm_touchpoint SET commercial_partner_id = %s "
                            "WHERE id = %s", (self.person.id, answers[1].id))
        compat.invalidate_all(calls.env)
        self.assertEqual(calls.mapped("response_hours"), [5.0, 0.0])
        self.assertTrue(calls[1].awaiting_answer)

    def test_a_contact_moved_past_others_answers_the_calls_in_between(self):
        """The rows read around a moved row span its old and new dates: the
        calls between them, beyond the next answer after the old date, are
        answered anew."""
        moved = self.tp(self.person, at(1, 9), "outbound")
        self.tp(self.person, at(2, 9), "outbound")
        call = self.tp(self.person, at(3, 9))
        self.tp(self.person, at(4, 9), "outbound")
        self.assertAlmostEqual(call.response_hours, 24)
        moved.date = at(3, 11)
        self.assertEqual(call.answered_date, moved.date)
        self.assertAlmostEqual(call.response_hours, 2)
        moved.date = at(0, 9)
        self.assertAlmostEqual(call.response_hours, 24, msg="moved back, it answers nothing")
        # its answer gone, a call waits for the next one
        self.Touchpoint.search([("commercial_partner_id", "=", self.person.id),
                                ("date", "=", at(4, 9))]).date = at(3, 10)
        self.assertAlmostEqual(call.response_hours, 1)
        self.Touchpoint.search([("commercial_partner_id", "=", self.person.id),
                                ("date", "=", at(3, 10))]).unlink()
        self.assertFalse(call.answered_date)
        later = self.tp(self.person, at(5, 9), "outbound")
        self.tp(self.person, at(3, 12), "outbound").unlink()
        self.assertEqual(call.answered_date, later.date)
        # a call that turns out to be a purchase waits for nothing
        call.write({"kind": "purchase", "amount": 5})
        self.assertFalse(call.answered_date)
        self.assertFalse(call.response_hours)

    def test_one_statement_of_contacts_far_apart(self):
        """Contacts of one customer weeks apart, written by one statement:
        each is answered from the rows around it (the stretches between them
        are not read, and their answers stay)."""
        quiet = self.tp(self.person, at(14, 9))
        self.tp(self.person, at(15, 9), "outbound")
        self.assertAlmostEqual(quiet.response_hours, 24)
        # a mark on the row between: it stays if that stretch is not read
        self.env.cr.execute("UPDATE crm_touchpoint SET response_hours = 99 WHERE id = %s",
                            (quiet.id,))
        self.env.cr.execute("""
            INSERT INTO crm_touchpoint (partner_id, commercial_partner_id, company_id, date,
                                        channel_id, direction, kind)
            SELECT %(p)s, %(p)s, %(co)s, d.date::timestamp, %(ch)s, d.direction, 'contact'
              FROM (VALUES (%(a)s, 'inbound'), (%(b)s, 'outbound'),
                           (%(c)s, 'inbound'), (%(d)s, 'outbound'), (%(e)s, 'inbound'))
                   AS d(date, direction)""", {
            "p": self.person.id, "co": self.env.user.company_id.id,
            "ch": self.channel["phone"].id, "a": at(0, 9), "b": at(0, 13),
            "c": at(28, 9), "d": at(29, 9), "e": at(35, 9)})
        compat.invalidate_all(self.Touchpoint.env)
        rows = self.Touchpoint.search([("commercial_partner_id", "=", self.person.id),
                                       ("direction", "=", "inbound")], order="date")
        self.assertEqual(rows.mapped("response_hours"), [4.0, 99.0, 24.0, 0.0])
        self.assertEqual(rows[3].awaiting_answer, True)
        # the call of the third week, which lies between the rows written:
        # one in front of its answer now answers it
        self.env.cr.execute("""
            INSERT INTO crm_touchpoint (partner_id, commercial_partner_id, company_id, date,
                                        channel_id, direction, kind)
            VALUES (%(p)s, %(p)s, %(co)s, %(a)s, %(ch)s, 'outbound', 'contact'),
                   (%(p)s, %(p)s, %(co)s, %(b)s, %(ch)s, 'outbound', 'contact')""", {
            "p": self.person.id, "co": self.env.user.company_id.id,
            "ch": self.channel["phone"].id, "a": at(0, 10), "b": at(14, 12)})
        compat.invalidate_all(self.Touchpoint.env)
        self.assertEqual(rows.mapped("response_hours"), [1.0, 3.0, 24.0, 0.0])

    def test_one_statement_answers_its_own_rows(self):
        """Rows inserted by one statement: answered by the rows already there
        (at the same instant too) and by each other, in whatever order the
        statement writes them; a bulk insert earlier in the transaction (which
        gave the answers of its own rows) does not pass that on to it."""
        self.tp(self.person, at(1, 9), "outbound")
        self.tp(self.person, at(8, 9), "outbound")
        self.bulk([(self.customer, at(0, 9), "inbound", "contact")], "before")
        self.env.cr.execute("""
            INSERT INTO crm_touchpoint (partner_id, commercial_partner_id, company_id, date,
                                        channel_id, direction, kind)
            SELECT %(p)s, %(p)s, %(co)s, d.date::timestamp, %(ch)s, d.direction, 'contact'
              FROM (VALUES (%(a)s, 'inbound'), (%(b)s, 'inbound'), (%(c)s, 'outbound'),
                           (%(d)s, 'outbound'), (%(e)s, 'inbound'), (%(f)s, 'inbound'),
                           (%(g)s, 'inbound'), (%(h)s, 'inbound'))
                   AS d(date, direction)""", {
            "p": self.person.id, "co": self.env.user.company_id.id,
            "ch": self.channel["phone"].id, "a": at(1, 9), "b": at(2, 9), "c": at(2, 11),
            "d": at(3, 10), "e": at(3, 9), "f": at(3, 10), "g": at(7, 9), "h": at(8, 9)})
        compat.invalidate_all(self.Touchpoint.env)
        rows = self.Touchpoint.search([("commercial_partner_id", "=", self.person.id),
                                       ("direction", "=", "inbound")], order="date, id")
        # the last two: answered by a contact already there, after every
        # contact of the statement (at the same instant for the last)
        self.assertEqual(rows.mapped("response_hours"), [0.0, 2.0, 1.0, 0.0, 24.0, 0.0])
        self.assertEqual(rows.mapped("awaiting_answer"), [False] * 6)

    def test_merge_brings_the_answer(self):
        twin = self.env["res.partner"].create({"name": "Linus P.", **CUSTOMER})
        call = self.tp(self.person, at(1, 9))
        self.tp(twin, at(1, 10), "outbound")
        self.assertTrue(call.awaiting_answer)
        self.env["crm.partner.merge.log"].merge_partners(self.person.id, [twin.id])
        self.assertAlmostEqual(call.response_hours, 1)

    def test_install_backfill_gives_the_same_answers(self):
        """The one-pass backfill of an existing history (module install)
        answers like the triggers did, ties of the same instant included."""
        self.tp(self.person, at(1, 9))
        self.tp(self.person, at(1, 9), "outbound")        # same instant: answers
        self.tp(self.customer, at(4, 16))
        self.tp(self.contact, at(7, 10), "outbound")
        self.tp(self.customer, at(8, 9))                  # unanswered
        other = self.env["res.company"].create({"name": "Other Company Ltd"})
        self.tp(self.customer, at(8, 10), "outbound", company_id=other.id)
        cr = self.env.cr
        query = """SELECT id, answered_date, response_hours FROM crm_touchpoint
                    WHERE commercial_partner_id IN %s ORDER BY id"""
        ids = (self.person.id, self.customer.id)
        cr.execute(query, (ids,))
        expected = cr.fetchall()
        self.assertEqual(sum(1 for row in expected if row[1]), 2)
        cr.execute("UPDATE crm_touchpoint SET answered_date = NULL, response_hours = NULL")
        cr.execute(answer.ANSWER_BACKFILL)
        cr.execute(query, (ids,))
        self.assertEqual(cr.fetchall(), expected)

    ROW = st.tuples(st.integers(min_value=0, max_value=1),          # customer
                    st.integers(min_value=0, max_value=6 * 24 - 1),  # hour of the week
                    st.sampled_from(["inbound", "outbound"]),
                    st.sampled_from(["contact", "contact", "contact", "purchase",
                                     "campaign"]))

    def bulk(self, rows, tag):
        """Touchpoints (customer, date, direction, kind) written by the bulk
        upsert of ingestion and capture (the insert gives the answers of its
        new inbound contacts, GIVEN_SETTING), one statement."""
        self.Touchpoint._upsert([{
            "partner_id": partner.id, "date": when, "channel_id": self.channel["phone"].id,
            "direction": direction, "kind": kind, "company_id": self.env.user.company_id.id,
            "user_id": self.env.uid, "amount": 5 if kind == "purchase" else None,
            "currency_id": self.env.user.company_id.currency_id.id,
            "source_system": "answer-property", "external_ref": "%s-%d" % (tag, n)}
            for n, (partner, when, direction, kind) in enumerate(rows)])
        return self.Touchpoint.search([("source_system", "=", "answer-property"),
                                       ("external_ref", "=like", tag + "-%")])

    @settings(max_examples=150, deadline=None,
              suppress_health_check=[HealthCheck.function_scoped_fixture,
                                     HealthCheck.too_slow])
    @given(st.lists(ROW, min_size=2, max_size=14), st.sampled_from(["orm", "insert", "bulk"]),
           st.lists(st.tuples(
               st.sampled_from(["create", "move", "turn", "delete", "shift", "company", "kind",
                                "bulk"]),
               ROW, st.integers(min_value=0, max_value=1000)), max_size=8))
    def test_answers_property(self, history, one_statement, ops):
        """Whatever history (written row by row, by one statement, or by the
        bulk upsert that answers its own inbound rows), then whatever
        sequence of creates, bulk writes of two rows on top of the history,
        moves, direction and kind changes, deletes, statements moving
        several rows at once and rows moved to another company: the stored
        answers are those of a day-by-day reference (per customer and
        company)."""
        customers = [self.person, self.customer]
        self.env.cr.execute("SAVEPOINT hypothesis_example")
        try:
            other = self.env["res.company"].create({"name": "Answer Property Ltd"})
            made = self.Touchpoint.browse()
            if one_statement == "bulk":
                made = self.bulk([(customers[who], at(0, hour), direction, kind)
                                  for who, hour, direction, kind in history], "history")
            elif one_statement == "insert":
                self.env.cr.execute("""
                    INSERT INTO crm_touchpoint (partner_id, commercial_partner_id, company_id,
                                                date, channel_id, direction, kind)
                    SELECT h.p, h.p, %s, h.date::timestamp, %s, h.direction, h.kind
                      FROM json_to_recordset(%s) AS h(p int, date text, direction text,
                                                      kind text)
                    RETURNING id""", (
                    self.env.user.company_id.id, self.channel["phone"].id, json.dumps([
                        {"p": customers[who].id, "date": at(0, hour), "direction": direction,
                         "kind": kind} for who, hour, direction, kind in history])))
                made = self.Touchpoint.browse([row[0] for row in self.env.cr.fetchall()])
            else:
                for who, hour, direction, kind in history:
                    made |= self.tp(customers[who], at(0, hour), direction, kind,
                                    amount=kind == "purchase" and 5 or 0)
            for op, (who, hour, direction, kind), pick in ops:
                existing = made.exists()
                if op == "create" or not existing:
                    made |= self.tp(customers[who], at(0, hour), direction, kind,
                                    amount=kind == "purchase" and 5 or 0)
                elif op == "bulk":
                    # a contact and, for the same customer, one the other
                    # way up to two days later, in one statement
                    made |= self.bulk([
                        (customers[who], at(0, hour), direction, kind),
                        (customers[who], at(0, hour + pick % 48),
                         "inbound" if direction == "outbound" else "outbound", "contact")],
                        "op%d" % len(made))
                elif op == "move":
                    existing[pick % len(existing)].date = at(0, hour)
                elif op == "turn":
                    existing[pick % len(existing)].direction = direction
                elif op == "kind":
                    existing[pick % len(existing)].kind = kind
                elif op == "shift":
                    # one statement moving every other row, by up to 4 days
                    # either way: the range of dates written spans them all
                    self.env.cr.execute(
                        "UPDATE crm_touchpoint SET date = date + %s * interval '1 hour' "
                        "WHERE id = ANY(%s)", (hour % 193 - 96, existing.ids[pick % 2::2]))
                    compat.invalidate_all(self.Touchpoint.env)
                elif op == "company":
                    existing[pick % len(existing)].company_id = other
                else:
                    existing[pick % len(existing)].unlink()
            rows = self.Touchpoint.search(
                [("commercial_partner_id", "in", [c.id for c in customers])])
            compat.invalidate_all(rows.env)
            for row in rows:
                expected = None
                if row.direction == "inbound" and row.kind not in ("purchase", "campaign"):
                    # purchases and campaign sends (a mailing to everyone) are
                    # no contacts: they answer nobody
                    later = [o.date for o in rows
                             if o.commercial_partner_id == row.commercial_partner_id
                             and o.company_id == row.company_id
                             and o.direction == "outbound"
                             and o.kind not in ("purchase", "campaign") and o.date >= row.date]
                    expected = min(later) if later else None
                self.assertEqual(row.answered_date or None, expected)
                if expected:
                    self.assertAlmostEqual(row.response_hours, weekday_hours(
                        fields.Datetime.from_string(row.date),
                        fields.Datetime.from_string(expected)), places=6)
                else:
                    self.assertFalse(row.response_hours)
        finally:
            self.env.cr.execute("ROLLBACK TO SAVEPOINT hypothesis_example")
            compat.invalidate_all(self.Touchpoint.env)
