"""The outside security tester's findings (issue 17), replayed over JSON-RPC.

Each test logs in as the user the tester used (a Sales Manager, two
salespeople, the Sales Manager of a second company, a portal user; all
created here by the administrator), sends what the tester sent, and
asserts two things: the server refuses with an error that says why (a
JSON-RPC error answer of an Odoo exception with its message, or an
ingestion row with status 'error' and a message, never a server error),
and nothing changed (checked afterwards as the administrator, over
XML-RPC). The Odoo-level tests crm_lifecycle*/tests/test_security_*.py
test the same fixes through the ORM; finding 7 (merges take no lock) needs
two database connections and is covered only there
(crm_lifecycle/tests/test_security_locks.py).
"""
import base64
import csv
import io
import json
import time
import types
import urllib.request
import zipfile

import pytest

TIMEOUT = 600  # seconds for one call: the machine is shared
# no follower, no tracking: nothing here may send a notification email
# (there is no mail server, and a failed send is logged at ERROR)
QUIET = {"mail_create_nosubscribe": True, "tracking_disable": True, "mail_notrack": True,
         "no_reset_password": True}
XSS = "<img src=x onerror=alert(1)><script>alert(2)</script>"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


# ------------------------------------------------------------------ client
class RpcError(Exception):
    """A JSON-RPC error answer: `name` is the exception's class path
    ('odoo.exceptions.AccessError'), `message` what it says."""

    def __init__(self, error):
        data = error.get("data") or {}
        self.error = error
        self.name = data.get("name") or ""
        self.message = data.get("message") or error.get("message") or ""
        super().__init__("%s: %s" % (self.name, self.message))

    @property
    def kind(self):
        return self.name.rsplit(".", 1)[-1]


def _no_constant(constant):
    raise ValueError("the answer is not valid JSON: bare %s" % constant)


class Client(object):
    """A JSON-RPC client logged in as one user (POST {url}/jsonrpc)."""

    def __init__(self, url, db, login, password):
        self.url, self.db, self.login, self.password = url, db, login, password
        self.uid = self.service("common", "login", db, login, password)
        assert self.uid, "%s could not log in over JSON-RPC" % login

    def post(self, service, method, args, timeout=TIMEOUT):
        """The parsed answer. The request is sent as ASCII JSON (a lone
        surrogate travels as \\ud800, a float infinity as a bare Infinity);
        the answer must be strict JSON."""
        body = json.dumps({"jsonrpc": "2.0", "method": "call", "id": 1,
                           "params": {"service": service, "method": method, "args": args}})
        request = urllib.request.Request(
            self.url + "/jsonrpc", data=body.encode("ascii"),
            headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=timeout) as answer:
            return json.loads(answer.read().decode("utf-8"), parse_constant=_no_constant)

    def service(self, service, method, *args, **kw):
        answer = self.post(service, method, list(args), **kw)
        if "error" in answer:
            raise RpcError(answer["error"])
        return answer["result"]

    def __call__(self, model, method, *args, **kwargs):
        timeout = kwargs.pop("timeout", TIMEOUT)
        return self.service("object", "execute_kw", self.db, self.uid, self.password,
                            model, method, list(args), kwargs, timeout=timeout)


def refused(call, *args, kinds=("AccessError",), match=None, **kwargs):
    """Run the call, expect an Odoo exception of one of `kinds` whose
    message says why (and contains `match`); return the message."""
    with pytest.raises(RpcError) as info:
        call(*args, **kwargs)
    error = info.value
    assert error.name.startswith("odoo.exceptions."), "a server error, not a refusal: %s" % error
    assert error.kind in kinds, error
    assert len(error.message.strip()) > 15, error
    if match:
        assert match in error.message, error
    return error.message


def row_error(result, match=None):
    """The error of the only row of an ingest answer, which must be one."""
    assert isinstance(result, list) and len(result) == 1, result
    assert result[0]["status"] == "error", result
    message = result[0]["error"]
    assert isinstance(message, str) and message.strip(), result
    if match:
        assert match in message, result
    return message


# ------------------------------------------------------------------ files
def xlsx(sheet_xml):
    """A minimal workbook whose only sheet is `sheet_xml`."""
    main = "http://schemas.openxmlformats.org"
    office = main + "/officeDocument/2006/relationships"
    parts = {
        "[Content_Types].xml": (
            '<Types xmlns="%s/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
            'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.'
            'openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
            '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.'
            'openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>' % main),
        "_rels/.rels": (
            '<Relationships xmlns="%s/package/2006/relationships"><Relationship Id="rId1" '
            'Type="%s/officeDocument" Target="xl/workbook.xml"/></Relationships>'
            % (main, office)),
        "xl/workbook.xml": (
            '<workbook xmlns="%s/spreadsheetml/2006/main" xmlns:r="%s"><sheets>'
            '<sheet name="Customers" sheetId="1" r:id="rId1"/></sheets></workbook>'
            % (main, office)),
        "xl/_rels/workbook.xml.rels": (
            '<Relationships xmlns="%s/package/2006/relationships"><Relationship Id="rId1" '
            'Type="%s/worksheet" Target="worksheets/sheet1.xml"/></Relationships>'
            % (main, office)),
        "xl/worksheets/sheet1.xml": sheet_xml,
    }
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as book:
        for name, text in parts.items():
            book.writestr(name, '<?xml version="1.0" encoding="UTF-8"?>' + text)
    return buf.getvalue()


def sheet(dimension, cells):
    """Sheet XML declaring `dimension`, with {reference: text} cells."""
    rows = {}
    for ref, text in cells.items():
        number = int("".join(c for c in ref if c.isdigit()))
        rows.setdefault(number, []).append(
            '<c r="%s" t="inlineStr"><is><t>%s</t></is></c>' % (ref, text))
    return ('<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
            '<dimension ref="%s"/><sheetData>%s</sheetData></worksheet>') % (
                dimension, "".join('<row r="%d">%s</row>' % (n, "".join(c))
                                   for n, c in sorted(rows.items())))


# ------------------------------------------------------------------ the cast
def _xmlid(admin, xmlid):
    res_id = admin("ir.model.data", "xmlid_to_res_id", xmlid)
    assert res_id, xmlid
    return res_id


@pytest.fixture(scope="module")
def errors_before(odoo_server):
    """The server log's ERROR lines before this module's probes."""
    return len(odoo_server.log_errors())


@pytest.fixture(scope="module")
def world(odoo_server, errors_before):
    """The tester's users and a few customers, created by the administrator."""
    admin = odoo_server.rpc
    w = types.SimpleNamespace(admin=admin, server=odoo_server)
    w.group = {name: _xmlid(admin, xmlid) for name, xmlid in (
        ("manager", "sales_team.group_sale_manager"),
        ("salesman", "sales_team.group_sale_salesman"),
        ("portal", "base.group_portal"),
        ("system", "base.group_system"))}
    w.company_a = admin("res.users", "search_read", [("login", "=", "admin")],
                        ["company_id"])[0]["company_id"][0]
    w.company_b = admin("res.company", "create", {"name": "RPC Probe Company B"})

    def user(login, group, company=None):
        values = {"name": "RPC Probe %s" % login, "login": login, "password": login + "-pw",
                  "email": "%s@probe.example" % login,
                  "groups_id": [(6, 0, [w.group[group]])]}
        if company:
            values.update(company_id=company, company_ids=[(6, 0, [company])])
        admin("res.users", "create", values, context=QUIET)
        return Client(odoo_server.url, odoo_server.db, login, login + "-pw")

    w.manager = user("rpc_probe_manager", "manager")
    w.sp1 = user("rpc_probe_sp1", "salesman")
    w.sp2 = user("rpc_probe_sp2", "salesman")
    w.manager_b = user("rpc_probe_manager_b", "manager", w.company_b)
    w.portal = user("rpc_probe_portal", "portal")
    w.channel = {c["code"]: c for c in admin(
        "crm.touchpoint.channel", "search_read", [],
        ["code", "campaign_execution", "reach_by"], context={"active_test": False})}
    w.customers = [customer(w, "RPC Probe Customer %d" % i, phone="+32 2 555 71 %02d" % i,
                            user_id=w.sp1.uid, street="Probe Street %d" % i, city="Ghent")
                   for i in range(4)]
    w.customer_b = customer(w, "RPC Probe Customer B", company_id=w.company_b)
    return w


def customer(w, name, **values):
    """A customer of company A (unless told), made by the administrator."""
    values = dict({"name": name, "customer": True, "is_company": True,
                   "company_id": w.company_a, "email": "%s@probe.example" % (
                       name.lower().replace(" ", "."))}, **values)
    return w.admin("res.partner", "create", values, context=QUIET)


def touchpoint(**values):
    """An ingestion row: a web purchase of 100 unless told."""
    row = {"source_system": "webshop", "date": "2026-03-02 10:00:00", "channel": "web",
           "direction": "inbound", "kind": "purchase", "amount": 100.0,
           "subject": "Probe order"}
    row.update(values)
    return row


def read_touchpoints(w, domain, fields=("subject", "amount", "date", "user_id",
                                        "company_id", "partner_id")):
    return w.admin("crm.touchpoint", "search_read", domain, list(fields), order="id")


# ------------------------------------------------------------------ findings
def test_finding_1_sales_manager_cannot_become_administrator(world):
    w = world
    me = w.admin("res.users", "read", [w.manager.uid], ["partner_id"])[0]["partner_id"][0]
    grant = json.dumps({"user_ids": [[1, w.manager.uid, {"groups_id": [[4, w.group["system"]]]}]]})
    logs_before = w.admin("crm.partner.merge.log", "search", [("survivor_id", "=", me)])
    # the forged log, as the tester made it: refused by the access rights
    refused(w.manager, "crm.partner.merge.log", "create",
            {"survivor_id": me, "old_values": grant}, match="create")
    assert w.admin("crm.partner.merge.log", "search", [("survivor_id", "=", me)]) == logs_before

    # a real merge into the manager's own partner (made by the administrator)
    twin = customer(w, "RPC Probe Manager Twin", is_company=False)
    log = w.admin("crm.partner.merge.log", "merge_partners", me, [twin])
    lines_before = w.admin("crm.partner.merge.log.line", "search", [("log_id", "=", log)])
    refused(w.manager, "crm.partner.merge.log.line", "create", {
        "log_id": log, "table_name": "res_groups_users_rel", "column_name": "gid",
        "other_column": "uid", "kind": "relation", "old_partner_id": twin,
        "row_ids": json.dumps([w.manager.uid])}, match="create")
    refused(w.manager, "crm.partner.merge.log", "write", [log], {"old_values": grant})
    assert w.admin("crm.partner.merge.log.line", "search", [("log_id", "=", log)]) \
        == lines_before

    # a log changed behind the ORM's back: the unmerge trusts none of it
    honest = w.admin("crm.partner.merge.log", "read", [log], ["old_values"])[0]["old_values"]
    w.admin("crm.partner.merge.log", "write", [log], {"old_values": grant})
    refused(w.manager, "crm.partner.merge.log", "action_unmerge", [log],
            kinds=("UserError",), match="user_ids")
    w.admin("crm.partner.merge.log", "write", [log], {"old_values": honest})
    forged = w.admin("crm.partner.merge.log.line", "create", {
        "log_id": log, "table_name": "res_groups_users_rel", "column_name": "gid",
        "other_column": "uid", "kind": "relation", "old_partner_id": twin,
        "row_ids": json.dumps([w.manager.uid])})
    refused(w.manager, "crm.partner.merge.log", "action_unmerge", [log],
            kinds=("UserError",), match="not one the merge engine writes")
    w.admin("crm.partner.merge.log.line", "unlink", [forged])

    state = w.admin("crm.partner.merge.log", "read", [log], ["state"])[0]["state"]
    assert state == "merged"
    groups = w.admin("res.users", "read", [w.manager.uid], ["groups_id"])[0]["groups_id"]
    assert w.group["system"] not in groups
    assert not w.admin("res.users", "search", [("id", "=", w.manager.uid),
                                               ("groups_id", "in", [w.group["system"]])])
    # the honest log unmerges, as the manager
    assert w.manager("crm.partner.merge.log", "action_unmerge", [log]) is True
    assert w.group["system"] not in w.admin(
        "res.users", "read", [w.manager.uid], ["groups_id"])[0]["groups_id"]


def test_finding_2_ingest_follows_the_record_rules(world):
    w = world
    first = w.sp1("crm.touchpoint", "ingest", [touchpoint(
        external_ref="probe-1", partner_id=w.customers[0])])
    assert first[0]["status"] == "created", first
    row_id = first[0]["id"]
    before = read_touchpoints(w, [("id", "=", row_id)])
    assert before[0]["user_id"][0] == w.sp1.uid

    # salesperson 2 rewrites the colleague's purchase: refused both ways
    change = {"amount": 99999.0, "date": "2001-01-01 00:00:00"}
    via_ingest = w.sp2("crm.touchpoint", "ingest", [touchpoint(
        external_ref="probe-1", partner_id=w.customers[0], **change)])
    row_error(via_ingest, match="may not change")
    via_write = refused(w.sp2, "crm.touchpoint", "write", [row_id], change)
    assert via_write and via_ingest[0]["status"] == "error", "the same verdict both ways"
    assert read_touchpoints(w, [("id", "=", row_id)]) == before

    # the manager of company B takes the row for a company-B customer
    taken = w.manager_b("crm.touchpoint", "ingest", [touchpoint(
        external_ref="probe-1", partner_id=w.customer_b, amount=1.0)])
    row_error(taken, match="may not change")
    refused(w.manager_b, "crm.touchpoint", "write", [row_id], {"subject": "now ours"})
    after = read_touchpoints(w, [("id", "=", row_id)])
    assert after == before
    assert after[0]["company_id"][0] == w.company_a

    # crediting a colleague, and the source reserved to capture
    credit = w.sp1("crm.touchpoint", "ingest", [touchpoint(
        external_ref="probe-credit", partner_id=w.customers[0], user_login=w.sp2.login)])
    row_error(credit, match="user_login")
    odoo = w.sp1("crm.touchpoint", "ingest", [touchpoint(
        source_system="odoo", external_ref="probe-odoo", partner_id=w.customers[0])])
    row_error(odoo, match="reserved")
    assert not read_touchpoints(w, [("external_ref", "in", ["probe-credit", "probe-odoo"])])
    assert len(read_touchpoints(w, [("source_system", "=", "webshop"),
                                    ("external_ref", "=", "probe-1")])) == 1

    # the owner may (the refusals above are not refusals of everything)
    again = w.sp1("crm.touchpoint", "ingest", [touchpoint(
        external_ref="probe-1", partner_id=w.customers[0], amount=130.0)])
    assert again[0]["status"] == "updated", again
    assert read_touchpoints(w, [("id", "=", row_id)])[0]["amount"] == 130.0


def test_finding_3_wizards_and_the_tiny_file_bomb(world):
    w = world
    small = base64.b64encode(b"ref,name\nk1,Probe Portal Customer\n").decode()
    refused(w.portal, "crm.partner.import", "create",
            {"source_system": "probe", "filename": "a.csv", "file": small})
    refused(w.portal, "crm.partner.import", "default_get", ["source_system"])
    wizard = w.manager("crm.partner.import", "create",
                       {"source_system": "probe", "filename": "a.csv", "file": small})
    refused(w.portal, "crm.partner.import", "action_preview", [wizard])
    assert not w.admin("crm.partner.import.line", "search", [("import_id", "=", wizard)])

    bomb = xlsx(sheet("A1:XFD1048576", {"A1": "ref", "B1": "name", "XFD1048576": "x"}))
    assert 1000 <= len(bomb) <= 3000, len(bomb)
    wizard = w.manager("crm.partner.import", "create", {
        "source_system": "probe", "filename": "bomb.xlsx",
        "file": base64.b64encode(bomb).decode()})
    start = time.time()
    message = refused(w.manager, "crm.partner.import", "action_preview", [wizard],
                      kinds=("UserError",), match="beyond column 50", timeout=120)
    elapsed = time.time() - start
    assert elapsed < 60, "the bomb was refused after %.0f s: %s" % (elapsed, message)
    assert not w.admin("crm.partner.import.line", "search", [("import_id", "=", wizard)])
    with urllib.request.urlopen(w.server.url + "/web/login", timeout=60) as answer:
        assert answer.status == 200


def _segment(w, name, partners):
    return w.manager("crm.segment", "create", {
        "name": name, "kind": "static", "partner_ids": [(6, 0, partners)]})


def test_finding_4_campaign_description_is_not_stored_xss(world):
    w = world
    segment = _segment(w, "RPC Probe XSS", w.customers)
    campaign = w.manager("crm.campaign", "create", {
        "name": "RPC Probe XSS", "segment_ids": [(6, 0, [segment])],
        "channel_id": w.channel["phone"]["id"], "holdout_percent": 0.0,
        "description": XSS + " Call about the offer"})
    assert w.manager("crm.campaign", "action_plan", [campaign]) is True
    assert w.manager("crm.campaign", "action_launch", [campaign]) is True
    notes = [a["note"] for a in w.admin(
        "mail.activity", "search_read", [("campaign_member_id.campaign_id", "=", campaign)],
        ["note"])]
    assert len(notes) == len(w.customers), notes
    for note in notes:
        assert "<script" not in note and "<img" not in note, note
        assert "Call about the offer" in note, note


def test_finding_5_manager_of_company_b_cannot_work_in_company_a(world):
    w = world
    a = w.company_a
    # metrics of company A exist, so that a snapshot would write rows
    w.admin("crm.customer.metrics", "compute_metrics", company_ids=[a])
    metrics = w.admin("crm.customer.metrics", "search_read", [("company_id", "=", a)],
                      ["computed_on", "clv", "rfm_segment"], order="id")
    snapshots = w.admin("crm.customer.snapshot", "search", [("company_id", "=", a)])
    clv_models = w.admin("crm.clv.model", "search_count", [])
    activities = w.admin("mail.activity", "search_count", [])
    twins = [customer(w, "RPC Probe Twin", email="rpc.twin@probe.example") for _i in range(2)]

    refused(w.manager_b, "crm.customer.snapshot", "take_snapshot", company_ids=[a])
    refused(w.manager_b, "crm.customer.metrics", "schedule_win_back", company_ids=[a])
    refused(w.manager_b, "crm.customer.metrics", "compute_metrics", company_ids=[a])
    refused(w.manager_b, "crm.partner.merge.log", "merge_partners", twins[0], [twins[1]])

    assert w.admin("crm.customer.snapshot", "search", [("company_id", "=", a)]) == snapshots
    assert w.admin("crm.customer.metrics", "search_read", [("company_id", "=", a)],
                   ["computed_on", "clv", "rfm_segment"], order="id") == metrics
    assert w.admin("crm.clv.model", "search_count", []) == clv_models
    assert w.admin("mail.activity", "search_count", []) == activities
    state = w.admin("res.partner", "read", twins, ["active", "merged_into_id"])
    assert all(p["active"] and not p["merged_into_id"] for p in state), state
    assert not w.admin("crm.partner.merge.log", "search", [("survivor_id", "in", twins)])


def test_finding_6_one_row_does_not_stop_capture(world):
    w = world
    probe = touchpoint(source_system="odoo", external_ref="mail.message,probe",
                       partner_id=w.customers[1], kind="contact", amount=None)
    row_error(w.sp1("crm.touchpoint", "ingest", [probe]), match="reserved")
    refused(w.sp1, "crm.touchpoint", "create", {
        "partner_id": w.customers[1], "channel_id": w.channel["web"]["id"],
        "source_system": "odoo", "external_ref": "mail.message,probe"}, match="reserved")
    assert not read_touchpoints(w, [("external_ref", "=", "mail.message,probe")])

    message = w.admin("res.partner", "message_post", [w.customers[1]],
                      body="Hello from the probe", message_type="email",
                      subtype="mail.mt_comment", author_id=w.customers[1], context=QUIET)
    captured = read_touchpoints(w, [("source_system", "=", "odoo"),
                                    ("external_ref", "=", "mail.message,%d" % message)])
    assert len(captured) == 1, "capture stopped"
    # the rebuild rewrites the captured history of every company: a manager
    # of company A alone is refused, a manager of both companies rebuilds
    refused(w.manager, "crm.touchpoint", "action_rebuild", match="company")
    w.admin("res.users", "write", [w.manager.uid], {"company_ids": [(4, w.company_b)]})
    try:
        action = w.manager("crm.touchpoint", "action_rebuild")
    finally:
        w.admin("res.users", "write", [w.manager.uid], {"company_ids": [(3, w.company_b)]})
    assert action["type"] == "ir.actions.client", action
    assert read_touchpoints(w, [("source_system", "=", "odoo"),
                                ("external_ref", "=", "mail.message,%d" % message)]) == captured


def test_finding_8_non_finite_numbers_are_row_errors(world):
    w = world
    for value in ("Infinity", "1e400", "NaN", float("inf"), float("nan"), float("-inf")):
        result = w.sp1("crm.touchpoint", "ingest", [touchpoint(
            external_ref="probe-nonfinite", partner_id=w.customers[2], amount=value)])
        row_error(result, match="amount")
    assert not read_touchpoints(w, [("external_ref", "=", "probe-nonfinite")])
    # every amount the server holds is a finite number: the answer is strict JSON
    rows = w.sp1("crm.touchpoint", "search_read", [], ["amount", "cost_amount"])
    assert rows


def test_finding_9_bounded_rules_and_formula_free_exports(world):
    w = world
    start = time.time()
    refused(w.manager, "crm.segment", "create", {
        "name": "RPC Probe Huge", "domain": "[('id', 'in', list(range(10**8)))]"},
        kinds=("ValidationError",), match="expressions are not evaluated", timeout=60)
    assert time.time() - start < 10
    assert not w.admin("crm.segment", "search", [("name", "=", "RPC Probe Huge")],
                       context={"active_test": False})

    nasty = [customer(w, "=cmd|' /C calc'!A0", email="@SUM(1+1)@probe.example",
                      phone="+32 2 555 00 01", street="-2+3", city="Ghent"),
             customer(w, "RPC Probe Letter", email="@probe.example", street="Probe Lane 1",
                      city="=HYPERLINK(\"http://probe.example\")")]
    letter = w.channel["letter"]
    if letter["campaign_execution"] != "export":
        w.admin("crm.touchpoint.channel", "write", [letter["id"]],
                {"campaign_execution": "export"})
    segment = _segment(w, "RPC Probe Letters", nasty)
    campaign = w.manager("crm.campaign", "create", {
        "name": "RPC Probe Letters", "segment_ids": [(6, 0, [segment])],
        "channel_id": letter["id"], "holdout_percent": 0.0})
    w.manager("crm.campaign", "action_plan", [campaign])
    w.manager("crm.campaign", "action_launch", [campaign])
    attachment = w.manager("crm.campaign", "read", [campaign],
                           ["export_attachment_id"])[0]["export_attachment_id"]
    assert attachment, "the launch exported no target list"
    datas = w.manager("ir.attachment", "read", [attachment[0]], ["datas"])[0]["datas"]
    rows = list(csv.reader(io.StringIO(base64.b64decode(datas).decode("utf-8"))))
    assert len(rows) == 1 + len(nasty), rows
    cells = [cell for row in rows for cell in row]
    assert any(cell.endswith("calc'!A0") for cell in cells), rows
    bad = [cell for cell in cells if cell.startswith(FORMULA_STARTS)]
    assert not bad, bad


def test_finding_10_dates_with_offsets_and_bad_text(world):
    w = world
    for ref, date, stored in (("probe-tz-plus", "2026-01-01T10:00:00+05:00",
                               "2026-01-01 05:00:00"),
                              ("probe-tz-minus", "2026-01-01T10:00:00-05:00",
                               "2026-01-01 15:00:00")):
        result = w.sp1("crm.touchpoint", "ingest", [touchpoint(
            external_ref=ref, partner_id=w.customers[3], date=date)])
        assert result[0]["status"] == "created", result
        assert read_touchpoints(w, [("id", "=", result[0]["id"])])[0]["date"] == stored
    for ref, subject, why in (("probe-nul", "before\x00after", "NUL"),
                              ("probe-surrogate", "lone \ud800 surrogate", "surrogate")):
        result = w.sp1("crm.touchpoint", "ingest", [touchpoint(
            external_ref=ref, partner_id=w.customers[3], subject=subject)])
        message = row_error(result, match="'subject'")
        assert why in message, message
    assert not read_touchpoints(w, [("external_ref", "in", ["probe-nul", "probe-surrogate"])])


def test_server_log_has_no_errors_from_the_probes(world, errors_before):
    """Refusals are AccessError/UserError/ValidationError, which Odoo 11
    logs below ERROR: any ERROR line since the first probe is a fault."""
    errors = world.server.log_errors()[errors_before:]
    assert not errors, "server log has errors:\n%s" % "\n".join(errors[:20])
