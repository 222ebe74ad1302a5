# Copyright 2026 crm_lifecycle contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Per-customer channel routing: each member on the allowed channel the rule
says (earlier responses, then inbound contacts, then the segment's rate,
then the campaign's channel), never on one their consent or details do not
allow, with the reason and the cost of a contact on it; the launch reaches
each member on its own channel."""
import base64
import csv
import io
import random

from odoo.exceptions import UserError, ValidationError

from .. import compat
from .common import CampaignCase

ORDER = ("phone", "email", "letter", "sms")


class TestCampaignRouting(CampaignCase):
    @classmethod
    def setUpClass(cls):
        super(TestCampaignRouting, cls).setUpClass()
        cls.Consent = cls.env["crm.partner.consent"]
        (cls.answered, cls.caller, cls.quiet, cls.refuser, cls.sms_fan, cls.unreachable,
         cls.email_only) = cls.make_partners(7, "Route")
        cls.segment = cls.make_segment("Route", cls.answered | cls.caller | cls.quiet
                                       | cls.refuser | cls.sms_fan | cls.unreachable
                                       | cls.email_only)
        cls.unreachable.write({"email": False, "phone": False, "street": False})
        cls.email_only.write({"phone": False, "street": False})
        cls.consent(cls.refuser, "email", "refused")
        # earlier campaigns: one per channel, their members on that channel
        cls.past = {code: cls.Campaign.create({
            "name": "Past %s" % code, "channel_id": cls.channel[code].id, "seed": 42})
            for code in ORDER}
        cls.remember(cls.answered, "email", responded=True)
        cls.remember(cls.answered, "phone", responded=False)
        # the segment's rates: letter answers best (5 of 10), phone 2 of 10
        crowd = cls.make_partners(20, "Route crowd")
        for i, partner in enumerate(crowd[:10]):
            cls.remember(partner, "phone", responded=i < 2, segment=cls.segment)
        for i, partner in enumerate(crowd[10:]):
            cls.remember(partner, "letter", responded=i < 5, segment=cls.segment)
        # inbound contacts
        rows = [("caller", "phone"), ("caller", "phone"), ("caller", "email"),
                ("refuser", "email"), ("refuser", "email"), ("refuser", "email"),
                ("sms_fan", "sms"), ("sms_fan", "sms")]
        cls.env["crm.touchpoint"].ingest([
            {"source_system": "test", "external_ref": "route-%d" % i, "channel": code,
             "direction": "inbound", "kind": "contact", "date": "2026-10-0%d 10:00:00" % (i + 1),
             "partner_id": getattr(cls, who).id} for i, (who, code) in enumerate(rows)])

    @classmethod
    def consent(cls, partner, code, status, date="2026-06-01 10:00:00"):
        return cls.Consent.create({"partner_id": partner.id, "channel_id": cls.channel[code].id,
                                   "status": status, "date": date, "source": "test"})

    @classmethod
    def remember(cls, partner, code, responded, segment=None):
        """A contacted target member of the earlier campaign on `code`."""
        return cls.env["crm.campaign.member"].create({
            "campaign_id": cls.past[code].id, "partner_id": partner.id,
            "segment_id": segment.id if segment else False, "split_group": "target",
            "channel_id": cls.channel[code].id, "state": "responded" if responded
            else "contacted", "contact_date": "2026-09-01 10:00:00",
            "response_date": "2026-09-03 10:00:00" if responded else False})

    def routed(self, segment=None, **values):
        values.setdefault("holdout_percent", 0.0)
        values.setdefault("cost_per_contact", 3.0)
        values.setdefault("routing", True)
        campaign = self.make_campaign(segment or self.segment, channel="phone", name="Routed",
                                      **values)
        for sequence, code, cost in ((1, "email", 0.1), (2, "letter", 1.5), (3, "sms", 0.2)):
            campaign.write({"route_ids": [(0, 0, {"channel_id": self.channel[code].id,
                                                  "cost_per_contact": cost,
                                                  "sequence": sequence})]})
        return campaign

    def member_of(self, campaign, partner):
        return self.members(campaign, partner_id=partner.id)

    def test_each_member_on_the_channel_the_rule_says_with_the_reason(self):
        campaign = self.routed()
        campaign._build_audience()
        got = {m.partner_id: (m.channel_id.code if m.state != "excluded" else None,
                              m.channel_reason or m.exclusion_reason)
               for m in self.members(campaign)}
        self.assertEqual(got, {
            # answered an email campaign (and not the phone one)
            self.answered: ("email", "responses"),
            # called in twice, wrote once
            self.caller: ("phone", "preferred"),
            # nothing of their own: the segment answers letters best
            self.quiet: ("letter", "segment"),
            # writes by email but refused it: the segment's best
            self.refuser: ("letter", "segment"),
            # texts in, but SMS is opt-in and they never agreed: the segment's best
            self.sms_fan: ("letter", "segment"),
            # nothing to reach them by on any channel: the campaign channel's reason
            self.unreachable: (None, "no_address"),
            # only an email: the campaign's phone cannot reach them, email can
            self.email_only: ("email", "fallback"),
        })
        # costs: each target member at its channel's cost
        costs = {m.channel_id.code: m.contact_cost
                 for m in self.members(campaign, split_group="target")}
        self.assertEqual(costs, {"email": 0.1, "phone": 3.0, "letter": 1.5})
        campaign.fixed_cost = 10.0
        self.assertAlmostEqual(campaign.planned_cost, 10.0 + 2 * 0.1 + 3.0 + 3 * 1.5)
        self.assertIn("Letter", campaign.channel_summary)

    def test_consent_granted_opens_an_opt_in_channel(self):
        self.consent(self.sms_fan, "sms", "granted")
        campaign = self.routed()
        campaign._build_audience()
        member = self.member_of(campaign, self.sms_fan)
        self.assertEqual((member.channel_id.code, member.channel_reason), ("sms", "preferred"))
        self.assertEqual(member.contact_cost, 0.2)

    def test_without_routing_everyone_is_on_the_campaign_channel(self):
        campaign = self.routed(routing=False)
        campaign._build_audience()
        drawn = self.members(campaign).filtered(lambda m: m.state != "excluded")
        self.assertEqual(set(drawn.mapped("channel_id.code")), {"phone"})
        self.assertFalse(any(drawn.mapped("channel_reason")))
        # the email-only customer is excluded as before routing existed
        self.assertEqual(self.member_of(campaign, self.email_only).exclusion_reason,
                         "no_address")

    def test_the_budget_counts_each_contact_at_its_channel(self):
        # six target members: 2 emails at 0.1, 1 call at 3.0, 3 letters at 1.5 = 7.7 (all on
        # the phone they would cost 18.0)
        campaign = self.routed(budget=7.5)
        with self.assertRaisesRegex(UserError, "7.70"):
            campaign.action_plan()
        self.assertEqual(campaign.state, "draft")
        campaign.budget = 8.0
        campaign.action_plan()
        self.assertEqual(campaign.state, "planned")
        self.assertAlmostEqual(campaign.planned_cost, 7.7)

    def test_cost_changes_reach_the_members(self):
        campaign = self.routed()
        campaign._build_audience()
        campaign.route_ids.filtered(lambda r: r.channel_id.code == "letter").cost_per_contact = 2.0
        campaign.cost_per_contact = 4.0
        costs = {m.channel_id.code: m.contact_cost
                 for m in self.members(campaign, split_group="target")}
        self.assertEqual(costs, {"email": 0.1, "phone": 4.0, "letter": 2.0})
        self.assertAlmostEqual(campaign.planned_cost, 2 * 0.1 + 4.0 + 3 * 2.0)

    def test_launch_reaches_each_member_on_its_own_channel(self):
        campaign = self.routed()
        campaign.action_plan()
        campaign.action_launch()
        targets = self.members(campaign, split_group="target")
        by_channel = {}
        for member in targets:
            by_channel.setdefault(member.channel_id.code, self.Member)
            by_channel[member.channel_id.code] |= member
        # calls only for the members on the phone
        activities = self.env["mail.activity"].search(
            [("campaign_member_id", "in", targets.ids)])
        self.assertEqual(activities.mapped("campaign_member_id"), by_channel["phone"])
        # the exports list the letter members (and, without the mailing bridge, the email
        # ones), each with its channel, and no one on the phone
        rows = []
        for attachment in self.env["ir.attachment"].search(
                [("res_model", "=", "crm.campaign"), ("res_id", "=", campaign.id)]):
            rows += list(csv.DictReader(io.StringIO(base64.b64decode(
                attachment.datas).decode("utf-8"))))
        letter = self.channel["letter"].name
        self.assertEqual(sorted(r["name"] for r in rows if r["channel"] == letter),
                         sorted(by_channel["letter"].mapped("partner_id.name")))
        self.assertLessEqual({r["channel"] for r in rows},
                             {letter, self.channel["email"].name})
        self.assertFalse({r["name"] for r in rows}
                         & set(by_channel["phone"].mapped("partner_id.name")))
        # the letters are contacts made now, as touchpoints on the letter channel
        for member in by_channel["letter"]:
            self.assertTrue(member.contact_date)
            self.assertTrue(self.touchpoints(member.partner_id, direction="outbound",
                                             channel_id=self.channel["letter"].id))
        self.assertFalse(by_channel["phone"].filtered("contact_date"))
        # the cost so far: the letters at 1.5 (and the emails at 0.1 when exported, without
        # the mailing bridge: a mailing's are contacted when it is sent)
        contacted = targets.filtered("contact_date")
        self.assertLessEqual(set(contacted.mapped("channel_id.code")), {"letter", "email"})
        self.assertAlmostEqual(campaign.actual_cost, 3 * 1.5 + 0.1 * len(
            contacted.filtered(lambda m: m.channel_id.code == "email")))

    def test_agents_share_the_members_on_the_phone_only(self):
        Users = self.env["res.users"].with_context(no_reset_password=True)
        agents = Users.browse()
        for i in range(2):
            agents |= Users.create({
                "name": "Route agent %d" % i, "login": "test_route_agent_%d" % i,
                "groups_id": [(6, 0, [self.env.ref("crm_lifecycle.crm_lifecycle_group_user").id])]})
        crowd = self.make_partners(9, "Route callers")
        self.env["crm.touchpoint"].ingest([
            {"source_system": "test", "external_ref": "route-callers-%d" % p.id,
             "channel": "phone", "direction": "inbound", "kind": "contact",
             "date": "2026-10-10 10:00:00", "partner_id": p.id} for p in crowd])
        segment = self.make_segment("Route agents", crowd | self.quiet | self.email_only)
        campaign = self.routed(segment, agent_ids=[(6, 0, agents.ids)])
        campaign._build_audience()
        targets = self.members(campaign, split_group="target")
        on_phone = targets.filtered(lambda m: m.channel_id.code == "phone")
        # the callers, and the quiet customer (no history in this segment: the campaign's
        # channel); the email-only customer by email
        self.assertEqual(sorted(on_phone.mapped("partner_id.name")),
                         sorted((crowd | self.quiet).mapped("name")))
        counts = sorted(len(on_phone.filtered(lambda m: m.user_id == agent)) for agent in agents)
        self.assertEqual(counts, [5, 5])
        # the letter and the email go out from the campaign: not the agents' to work
        self.assertFalse((targets - on_phone).filtered(lambda m: m.user_id in agents))

    def test_routes_are_checked_and_locked_after_launch(self):
        campaign = self.routed()
        with self.assertRaises(ValidationError):
            campaign.write({"route_ids": [(0, 0, {"channel_id": self.channel["phone"].id})]})
        campaign.action_plan()
        campaign.action_launch()
        with self.assertRaises(UserError):
            campaign.write({"route_ids": [(0, 0, {"channel_id": self.channel["visit"].id})]})
        with self.assertRaises(UserError):
            campaign.route_ids[0].unlink()
        with self.assertRaises(UserError):
            campaign.routing = False


class TestCampaignRoutingRule(CampaignCase):
    """Sixty customers with drawn details, consents, inbound contacts and
    earlier responses: every member is on the channel the rule computed here
    says, and never on one their consent or details do not allow."""

    def test_the_rule_on_drawn_customers(self):
        rng = random.Random(20261205)
        partners = self.make_partners(60, "Drawn")
        segment = self.make_segment("Drawn", partners)
        past = {code: self.make_campaign(segment, channel=code, name="Drawn past %s" % code)
                for code in ORDER}
        channels = self.channel
        consents, inbound, responses = {}, {}, {}
        rows, opted_out = [], self.env["res.partner"]
        for partner in partners:
            values = {}
            if rng.random() < 0.2:
                values["email"] = False
            if rng.random() < 0.25:
                values["phone"] = False
            if rng.random() < 0.2:
                values["street"] = False
            if values:
                partner.write(values)
            if partner.email and rng.random() < 0.1:
                opted_out |= partner
            for code in ORDER:
                draw = rng.random()
                status = "granted" if draw < 0.25 else "refused" if draw < 0.4 else None
                if status:
                    self.env["crm.partner.consent"].create({
                        "partner_id": partner.id, "channel_id": channels[code].id,
                        "status": status, "date": "2026-05-01 10:00:00", "source": "test"})
                consents[partner.id, code] = status
                n = rng.choice((0, 0, 0, 1, 2))
                inbound[partner.id, code] = n
                rows += [{"source_system": "test", "external_ref": "drawn-%d-%s-%d" % (
                    partner.id, code, i), "channel": code, "direction": "inbound",
                    "kind": "contact", "date": "2026-10-01 10:00:00",
                    "partner_id": partner.id} for i in range(n)]
                answered = rng.random() < 0.15
                responses[partner.id, code] = int(answered)
                if answered:
                    self.Member.create({
                        "campaign_id": past[code].id, "partner_id": partner.id,
                        "split_group": "target", "channel_id": channels[code].id,
                        "state": "responded", "contact_date": "2026-09-01 10:00:00",
                        "response_date": "2026-09-02 10:00:00"})
        compat.refuse_mailings(opted_out)
        self.assertTrue(all(r["status"] == "created"
                            for r in self.env["crm.touchpoint"].ingest(rows)))
        # the segment's rate: of the contacted target members of the segment
        rates = {"phone": (3, 12), "letter": (2, 4)}
        crowd = self.make_partners(16, "Drawn crowd")
        crowd_iter = iter(crowd)
        for code, (responded, contacted) in rates.items():
            for i in range(contacted):
                self.Member.create({
                    "campaign_id": past[code].id, "partner_id": next(crowd_iter).id,
                    "segment_id": segment.id, "split_group": "target",
                    "channel_id": channels[code].id, "state": "contacted",
                    "contact_date": "2026-09-01 10:00:00",
                    "response_date": "2026-09-02 10:00:00" if i < responded else False})

        def allowed(partner, code):
            status = consents[partner.id, code]
            if status == "refused":
                return False
            if code == "sms" and status != "granted":
                return False
            if code == "email":
                return bool(partner.email) and partner not in opted_out
            if code in ("phone", "sms"):
                return bool(partner.phone or partner.mobile)
            return bool(partner.street and partner.city)

        def expected(partner):
            options = [code for code in ORDER if allowed(partner, code)]
            if not options:
                return None, ("refused" if consents[partner.id, "phone"] == "refused"
                              else "no_address")

            def key(code):
                rate = rates.get(code)
                return (-responses[partner.id, code], -inbound[partner.id, code],
                        rate is None, -(rate[0] / float(rate[1])) if rate else 0,
                        ORDER.index(code))
            best = min(options, key=key)
            if responses[partner.id, best]:
                return best, "responses"
            if inbound[partner.id, best]:
                return best, "preferred"
            if best in rates:
                return best, "segment"
            return best, "campaign" if best == "phone" else "fallback"

        campaign = self.make_campaign(segment, channel="phone", routing=True,
                                      holdout_percent=30.0, name="Drawn routed")
        for sequence, code in enumerate(ORDER[1:]):
            campaign.write({"route_ids": [(0, 0, {"channel_id": channels[code].id,
                                                  "sequence": sequence})]})
        campaign._build_audience()
        members = self.members(campaign)
        self.assertEqual(len(members), 60)
        kinds = set()
        for member in members:
            partner = member.partner_id
            want = expected(partner)
            if member.state == "excluded":
                got = (None, member.exclusion_reason)
            else:
                got = (member.channel_id.code, member.channel_reason)
                # never a channel the customer's consent or details do not allow
                self.assertTrue(allowed(partner, got[0]), (partner.name, got))
            self.assertEqual(got, want, partner.name)
            kinds.add(want[1])
        # the draw exercised every branch of the rule
        self.assertLessEqual({"responses", "preferred", "segment", "fallback"}, kinds)
