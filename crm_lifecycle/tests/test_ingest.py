# Copyright 2026 crm_lifecycle contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import datetime

from hypothesis import HealthCheck, example, given, settings, strategies as st

from .. import compat
from ..models.crm_touchpoint_ingest import DATE_FORMATS, parse_date
from .common import CrmLifecycleCase


def row(ref, **kw):
    vals = {"source_system": "callcentre", "external_ref": ref, "date": "2026-05-04 10:30:00",
            "channel": "phone", "direction": "inbound", "kind": "contact",
            "subject": "Call %s" % ref, "email": "hello@ada-customer.example"}
    vals.update(kw)
    return vals


class TestIngest(CrmLifecycleCase):
    def count(self):
        return self.Touchpoint.search_count([("source_system", "=", "callcentre")])

    def test_created_then_unchanged_then_updated(self):
        rows = [row("c1"), row("c2", email=None, phone="+32 470 123456"),
                row("c3", email=None, vat="be 0477.472.701".replace(".", "")),
                row("c4", email=None, partner_ref="ADA-1", amount="12.50", currency="EUR"),
                row("c5", email=None, partner_id=self.person.id, direction="outbound")]
        res = self.Touchpoint.ingest(rows)
        self.assertEqual([r["status"] for r in res], ["created"] * 5, res)
        tps = self.Touchpoint.browse([r["id"] for r in res])
        self.assertEqual(tps[1].partner_id, self.contact, "matched by mobile in E.164")
        self.assertEqual(tps[2].partner_id, self.customer, "matched by VAT")
        self.assertEqual(tps[3].amount, 12.5)
        self.assertEqual(tps[4].partner_id, self.person)
        self.assertEqual(tps[4].direction, "outbound")
        self.assertEqual(tps[1].commercial_partner_id, self.customer)
        again = self.Touchpoint.ingest(rows)
        self.assertEqual([r["status"] for r in again], ["unchanged"] * 5)
        self.assertEqual([r["id"] for r in again], [r["id"] for r in res])
        rows[0]["subject"] = "Call c1 (edited)"
        third = self.Touchpoint.ingest(rows)
        self.assertEqual([r["status"] for r in third], ["updated"] + ["unchanged"] * 4)
        self.assertEqual(tps[0].subject, "Call c1 (edited)")
        self.assertEqual(self.count(), 5)

    def test_one_bad_row_writes_nothing(self):
        rows = [row("ok1"), row("bad-date", date="2026-13-45"), row("ok2"),
                row("bad-channel", channel="pigeon"), row("bad-amount", amount="ten"),
                row("nobody", email="nobody@nowhere.example"), row("long", subject="x" * 300),
                row("ok1")]
        res = self.Touchpoint.ingest(rows)
        self.assertTrue(all(r["status"] == "error" for r in res))
        self.assertEqual(self.count(), 0)
        self.assertIn("row 2, field 'date'", res[1]["error"])
        self.assertIn("row 4, field 'channel'", res[3]["error"])
        self.assertIn("pigeon", res[3]["error"])
        self.assertIn("row 5, field 'amount'", res[4]["error"])
        self.assertIn("row 6, field 'email'", res[5]["error"])
        self.assertIn("unknown customer", res[5]["error"])
        self.assertIn("row 7, field 'subject'", res[6]["error"])
        self.assertIn("too long", res[6]["error"])
        self.assertIn("row 8, field 'external_ref'", res[7]["error"])
        self.assertIn("not written", res[0]["error"])
        self.assertIn("2, 4, 5, 6, 7, 8", res[0]["error"])

    def test_cost_of_goods_of_a_purchase(self):
        res = self.Touchpoint.ingest([
            row("p1", kind="purchase", channel="order", amount=120.0, cost="70.5")])
        self.assertEqual(res[0]["status"], "created", res)
        self.assertEqual(self.Touchpoint.browse(res[0]["id"]).cost_amount, 70.5)
        # a cost on a contact, or not a number: the batch is refused
        bad = self.Touchpoint.ingest([row("c1", cost=3.0),
                                      row("p2", kind="purchase", channel="order", cost="n/a")])
        self.assertIn("row 1, field 'cost'", bad[0]["error"])
        self.assertIn("row 2, field 'cost'", bad[1]["error"])
        self.assertEqual(self.count(), 1)

    def test_ambiguous_customer(self):
        self.env["res.partner"].create({"name": "Other", "email": "shared@example.org"})
        self.env["res.partner"].create({"name": "Another", "email": "shared@example.org"})
        res = self.Touchpoint.ingest([row("a", email="Shared@Example.org ")])
        self.assertEqual(res[0]["status"], "error")
        self.assertIn("2 customers", res[0]["error"])

    @settings(max_examples=25, deadline=None,
              suppress_health_check=[HealthCheck.function_scoped_fixture,
                                     HealthCheck.too_slow])
    @given(st.lists(st.tuples(
        st.sampled_from(["ok", "bad_date", "bad_channel", "bad_amount", "bad_direction"]),
        st.integers(min_value=0, max_value=5)), min_size=1, max_size=12))
    def test_all_or_nothing_property(self, spec):
        """Whatever the mix of rows: either every row is written, or none is
        and exactly the invalid rows name their field."""
        bad = {"bad_date": {"date": "yesterday"}, "bad_channel": {"channel": "nope"},
               "bad_amount": {"amount": -3}, "bad_direction": {"direction": "sideways"}}
        rows = [row("p%d-%d" % (i, n), **bad.get(kind, {})) for i, (kind, n) in enumerate(spec)]
        self.env.cr.execute("SAVEPOINT hypothesis_example")
        try:
            before = self.count()
            res = self.Touchpoint.ingest(rows)
            invalid = [i for i, (kind, _n) in enumerate(spec) if kind != "ok"]
            self.assertEqual(len(res), len(rows))
            if invalid:
                self.assertEqual(self.count(), before)
                for i, r in enumerate(res):
                    self.assertEqual(r["status"], "error")
                    if i in invalid:
                        self.assertIn("row %d, field" % (i + 1), r["error"])
                    else:
                        self.assertIn("not written", r["error"])
            else:
                self.assertEqual(self.count(), before + len(rows))
                self.assertEqual({r["status"] for r in res}, {"created"})
        finally:
            self.env.cr.execute("ROLLBACK TO SAVEPOINT hypothesis_example")
            compat.invalidate_all(self.Touchpoint.env)


class TestImport(CrmLifecycleCase):
    FIELDS = ["external_ref", "partner_email", "channel_code", "date", "direction", "subject"]

    def rows(self):
        return [["t1", "hello@ada-customer.example", "email", "2026-04-01 09:00:00",
                 "inbound", "Catalogue request"],
                ["t2", "linus@example.org", "web", "2026-04-02 10:00:00", "inbound",
                 "Signed up"]]

    def test_import_twice_changes_nothing(self):
        res = self.Touchpoint.load(self.FIELDS, self.rows())
        self.assertFalse(res["messages"], res["messages"])
        self.assertEqual(len(res["ids"]), 2)
        first = self.Touchpoint.browse(res["ids"])
        self.assertEqual(first[0].partner_id, self.customer)
        self.assertEqual(first[1].channel_id.code, "web")
        self.assertEqual(set(first.mapped("source_system")), {"import"})
        again = self.Touchpoint.load(self.FIELDS, self.rows())
        self.assertEqual(again["ids"], res["ids"])
        self.assertEqual(self.Touchpoint.search_count([("source_system", "=", "import")]), 2)

    def test_bad_row_imports_nothing(self):
        rows = self.rows() + [["t3", "unknown@example.org", "email", "2026-04-03 10:00:00",
                               "inbound", "?"]]
        res = self.Touchpoint.load(self.FIELDS, rows)
        self.assertFalse(res["ids"])
        self.assertTrue(res["messages"])
        self.assertIn("unknown@example.org", res["messages"][0]["message"])
        self.assertEqual(self.Touchpoint.search_count([("source_system", "=", "import")]), 0)


class TestParseDate(CrmLifecycleCase):
    """(An Odoo test case, not a plain one: Odoo 18's runner skips those.)"""

    @staticmethod
    def strptime(text):
        for fmt in DATE_FORMATS:
            try:
                return datetime.datetime.strptime(text, fmt)
            except ValueError:
                continue
        raise ValueError

    @settings(max_examples=300, deadline=None,
              suppress_health_check=[HealthCheck.function_scoped_fixture])
    @given(st.lists(st.sampled_from("0123456789"), min_size=14, max_size=14),
           st.sampled_from([" ", "T", "  ", "x"]), st.sampled_from(["", "0", "7"]))
    @example(list("20261231235959"), " ", "")
    @example(list("20260229120000"), "T", "")
    def test_same_date_as_strptime(self, digits, separator, extra):
        """A full date (YYYY-MM-DD HH:MM:SS) is read without strptime: the
        same datetime as strptime for any digits, and the same refusal of a
        day or an hour that does not exist (Feb 30, 24:00) or of a shape
        it does not read."""
        d = "".join(digits)
        text = "%s-%s-%s%s%s:%s:%s%s" % (d[:4], d[4:6], d[6:8], separator, d[8:10],
                                         d[10:12], d[12:14], extra)
        try:
            expected = self.strptime(text)
        except ValueError:
            expected = ValueError
        try:
            got = parse_date(text)
        except ValueError:
            got = ValueError
        self.assertEqual(got, expected, text)


class TestMatchPhone(CrmLifecycleCase):
    @settings(max_examples=40, deadline=None,
              suppress_health_check=[HealthCheck.function_scoped_fixture])
    @given(st.lists(st.sampled_from(["", " ", "-", ".", "  "]), min_size=11, max_size=11),
           st.booleans())
    def test_any_written_form_of_the_number_finds_the_contact(self, seps, brackets):
        """The contact's mobile, stored as '0470 12 34 56' (Belgium), is found
        from any international spelling of it."""
        digits = "32470123456"
        text = "+" + "".join(d + s for d, s in zip(digits, seps)).strip()
        if brackets:
            text = text.replace("470", "(470)", 1)
        match = self.env["res.partner"]._lifecycle_match_customers([{"phone": text}])
        self.assertEqual(match, [(self.contact.id, None)], text)

    def test_other_number_is_not_found(self):
        match = self.env["res.partner"]._lifecycle_match_customers([{"phone": "+32 470 99 99 99"}])
        self.assertFalse(match[0][0])
        self.assertIn("no customer with phone", match[0][1])
