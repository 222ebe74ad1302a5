# Copyright 2026 crm_lifecycle contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Campaigns: audience with consent and a seeded holdout, execution,
responses in the window, attribution."""
import base64
import csv
import hashlib
import io
import math

from odoo.exceptions import UserError

from .. import compat
from .common import CampaignCase, in_days


class TestCampaignAudience(CampaignCase):
    @classmethod
    def setUpClass(cls):
        super(TestCampaignAudience, cls).setUpClass()
        cls.crowd = cls.make_partners(1000, "Crowd")
        cls.crowd_segment = cls.make_segment("Crowd", cls.crowd)

    def control_ids(self, campaign):
        return set(self.members(campaign, split_group="control").mapped("partner_id").ids)

    def test_split_is_reproducible_and_the_control_share_is_within_sampling_error(self):
        campaign = self.make_campaign(self.crowd_segment, holdout_percent=10.0, seed=1234)
        self.assertEqual(campaign._build_audience(), 1000)
        first = self.control_ids(campaign)
        campaign._build_audience()
        self.assertEqual(self.control_ids(campaign), first, "same seed, same split")
        twin = self.make_campaign(self.crowd_segment, name="Twin", seed=1234)
        twin._build_audience()
        self.assertEqual(self.control_ids(twin), first, "the split is the seed's, not the run's")
        other = self.make_campaign(self.crowd_segment, name="Other seed", seed=4321)
        other._build_audience()
        self.assertNotEqual(self.control_ids(other), first)
        # binomial(1000, 0.1): within 4 standard deviations (about 1 in 15,000 to fail)
        sigma = math.sqrt(1000 * 0.1 * 0.9)
        for control in (first, self.control_ids(other)):
            self.assertLess(abs(len(control) - 100), 4 * sigma)
        self.assertEqual(campaign.target_count + campaign.control_count, 1000)

    def test_holdout_share_follows_the_setting(self):
        campaign = self.make_campaign(self.crowd_segment, holdout_percent=50.0)
        campaign._build_audience()
        sigma = math.sqrt(1000 * 0.5 * 0.5)
        self.assertLess(abs(campaign.control_count - 500), 4 * sigma)
        campaign.holdout_percent = 0.0
        campaign._build_audience()
        self.assertEqual(campaign.control_count, 0)

    def test_fair_split_of_the_call_list_between_agents(self):
        Users = self.env["res.users"].with_context(no_reset_password=True)
        agents = Users.browse()
        for i in range(3):
            agents |= Users.create({
                "name": "Agent %d" % i, "login": "test_campaign_agent_%d" % i,
                "groups_id": [(6, 0, [self.env.ref("crm_lifecycle.crm_lifecycle_group_user").id])]})
        campaign = self.make_campaign(self.crowd_segment, channel="phone",
                                      agent_ids=[(6, 0, agents.ids)])
        campaign._build_audience()
        counts = [len(self.members(campaign, split_group="target", user_id=agent.id))
                  for agent in agents]
        self.assertEqual(sum(counts), campaign.target_count)
        self.assertLessEqual(max(counts) - min(counts), 1)


class TestCampaignConsent(CampaignCase):
    @classmethod
    def setUpClass(cls):
        super(TestCampaignConsent, cls).setUpClass()
        cls.ok, cls.opted_out, cls.refused, cls.no_email, cls.regranted, cls.archived = \
            cls.make_partners(6, "Consent")
        compat.refuse_mailings(cls.opted_out)
        cls.no_email.email = False
        Consent = cls.env["crm.partner.consent"]
        email = cls.channel["email"]
        Consent.create({"partner_id": cls.refused.id, "channel_id": email.id,
                        "status": "granted", "date": "2026-01-01 10:00:00", "source": "web form"})
        Consent.create({"partner_id": cls.refused.id, "channel_id": email.id,
                        "status": "refused", "date": "2026-03-01 10:00:00",
                        "source": "unsubscribe link"})
        Consent.create({"partner_id": cls.regranted.id, "channel_id": email.id,
                        "status": "refused", "date": "2026-01-01 10:00:00", "source": "phone"})
        Consent.create({"partner_id": cls.regranted.id, "channel_id": email.id,
                        "status": "granted", "date": "2026-03-01 10:00:00", "source": "shop"})
        Consent.create({"partner_id": cls.ok.id, "channel_id": cls.channel["sms"].id,
                        "status": "granted", "date": "2026-03-01 10:00:00", "source": "shop"})
        cls.segment = cls.make_segment("Consent", cls.ok
                                       | cls.opted_out | cls.refused | cls.no_email
                                       | cls.regranted | cls.archived)
        # archived (merged) after the segment's refresh: still a stale member
        cls.archived.active = False

    def reasons(self, campaign):
        return {m.partner_id: m.exclusion_reason for m in self.members(campaign)}

    def test_email_audience_excludes_by_reason(self):
        campaign = self.make_campaign(self.segment, channel="email", holdout_percent=0.0)
        campaign._build_audience()
        reasons = self.reasons(campaign)
        self.assertEqual(reasons, {
            self.ok: False, self.regranted: False, self.opted_out: "opt_out",
            self.refused: "refused", self.no_email: "no_address", self.archived: "inactive"})
        self.assertEqual(campaign.excluded_count, 4)
        self.assertIn("Refused the Channel: 1", campaign.exclusion_summary)

    def test_the_draw_says_what_it_wrote(self):
        campaign = self.make_campaign(self.segment, channel="email", holdout_percent=50.0)
        counts = campaign._draw_audience()
        members = self.members(campaign)
        expected = {}
        for member in members:
            key = (member.split_group or None, member.exclusion_reason or None)
            expected[key] = expected.get(key, 0) + 1
        self.assertEqual(counts, expected)
        self.assertEqual(len(members), 6)
        self.assertEqual(sum(counts.values()), len(members))
        self.assertEqual(sum(n for (g, _r), n in counts.items() if g == "target"),
                         campaign.target_count)

    def test_opt_in_channel_needs_consent(self):
        campaign = self.make_campaign(self.segment, channel="sms", holdout_percent=0.0)
        campaign._build_audience()
        targets = self.members(campaign, split_group="target").mapped("partner_id")
        self.assertEqual(targets, self.ok, "only the customer who agreed to SMS")
        self.assertEqual(self.reasons(campaign)[self.regranted], "no_consent")

    def test_excluded_customers_never_reach_the_call_list_or_export(self):
        phone = self.make_campaign(self.segment, channel="phone", holdout_percent=0.0,
                                   name="Call consent")
        self.env["crm.partner.consent"].create({
            "partner_id": self.ok.id, "channel_id": self.channel["phone"].id,
            "status": "refused", "source": "call"})
        phone.action_plan()
        phone.action_launch()
        called = self.env["mail.activity"].search(
            [("campaign_member_id.campaign_id", "=", phone.id)]).mapped("res_id")
        allowed = set(self.members(phone, split_group="target").mapped("partner_id").ids)
        self.assertTrue(called)
        self.assertEqual(set(called), allowed)
        self.assertNotIn(self.ok.id, called)
        self.assertNotIn(self.archived.id, called)

        # an email list exported (a bridge may send email campaigns otherwise)
        self.channel["email"].campaign_execution = "export"
        letter = self.make_campaign(self.segment, channel="email", holdout_percent=0.0,
                                    name="Mail consent")
        letter.action_plan()
        letter.action_launch()
        rows = list(csv.DictReader(io.StringIO(
            base64.b64decode(letter.export_attachment_id.datas).decode("utf-8"))))
        self.assertEqual({r["email"] for r in rows}, {self.ok.email, self.regranted.email})


class TestCampaignRun(CampaignCase):
    @classmethod
    def setUpClass(cls):
        super(TestCampaignRun, cls).setUpClass()
        cls.audience = cls.make_partners(40, "Run")
        cls.segment = cls.make_segment("Run", cls.audience)

    def feed(self, partner, date, ref, direction="inbound", kind="contact", amount=None,
             channel="phone"):
        row = {"source_system": "test", "external_ref": ref, "date": date,
               "channel": channel, "direction": direction, "kind": kind,
               "partner_id": partner.id}
        if amount is not None:
            row["amount"] = amount
        result = self.Touchpoint.ingest([row])
        self.assertEqual(result[0]["status"], "created", result)
        return self.Touchpoint.browse(result[0]["id"])

    def test_control_members_are_never_contacted(self):
        campaign = self.launch()
        control = self.members(campaign, split_group="control")
        target = self.members(campaign, split_group="target")
        self.assertTrue(control and target)
        self.assertFalse(any(control.mapped("contact_date")))
        self.assertTrue(all(target.mapped("contact_date")))
        contacted = self.Touchpoint.search([
            ("campaign_id", "=", campaign.utm_campaign_id.id), ("direction", "=", "outbound")])
        self.assertEqual(contacted.mapped("partner_id"), target.mapped("partner_id"))
        self.assertEqual(campaign.contacted_count, len(target))
        self.assertEqual(campaign.actual_cost,
                         campaign.fixed_cost + campaign.cost_per_contact * len(target))

    def test_responses_count_only_inside_the_window(self):
        campaign = self.launch(response_days=10)
        start = campaign.date_start
        target = self.members(campaign, split_group="target")
        control = self.members(campaign, split_group="control")
        inside = self.feed(target[0].partner_id, in_days(start, 3), "in-window")
        self.feed(target[1].partner_id, in_days(start, 11), "after-window")
        self.feed(target[2].partner_id, in_days(start, -1), "before-launch")
        self.feed(target[3].partner_id, in_days(start, 2), "outbound", direction="outbound")
        self.feed(control[0].partner_id, in_days(start, 5), "control-order", kind="purchase",
                  amount=120.0)
        self.assertEqual(target[0].state, "responded")
        self.assertEqual(target[0].response_touchpoint_id, inside)
        self.assertEqual(target[0].response_date, inside.date)
        for member in target[1:4]:
            self.assertEqual(member.state, "contacted", "no response outside the window")
        self.assertEqual(control[0].state, "converted")
        self.assertEqual(control[0].revenue, 120.0)
        self.assertEqual((campaign.target_responded, campaign.control_responded), (1, 1))
        self.assertEqual(campaign.control_revenue, 120.0)
        # a response moved out of the window by a correction no longer counts
        inside.date = in_days(start, 12)
        self.assertEqual(target[0].state, "contacted")
        self.assertFalse(target[0].response_date)
        # and a deleted response is gone too
        self.assertEqual(control[0].state, "converted")
        self.Touchpoint.search([("external_ref", "=", "control-order")]).unlink()
        self.assertEqual(control[0].state, "planned")
        self.assertEqual(control[0].revenue, 0.0)

    def test_utm_carriers_outside_the_audience_are_responses(self):
        campaign = self.launch()
        stranger = self.make_partners(1, "Stranger")
        lead = self.Touchpoint.create({
            "partner_id": stranger.id, "channel_id": self.channel["web"].id,
            "direction": "inbound", "kind": "lead", "date": in_days(campaign.date_start, 1),
            "campaign_id": campaign.utm_campaign_id.id})
        response = self.Response.search([("touchpoint_id", "=", lead.id)])
        self.assertEqual(len(response), 1)
        self.assertEqual((response.split_group, response.touched, response.weight_last),
                         ("none", True, 1.0))

    def test_attribution_shares_sum_to_one(self):
        first = self.launch(name="First")
        second = self.launch(name="Second")
        # a customer in both target groups, contacted by the first earlier
        both = (self.members(first, split_group="target").mapped("partner_id")
                & self.members(second, split_group="target").mapped("partner_id"))[0]
        self.members(first, partner_id=both.id).write(
            {"contact_date": in_days(first.date_start, -1)})
        tp = self.feed(both, in_days(second.date_start, 1), "shared")
        self.Response._update_attribution(touchpoint_ids=tp.ids)
        responses = self.Response.search([("touchpoint_id", "=", tp.id)])
        self.assertEqual(responses.mapped("campaign_id"), first | second)
        for weight in ("weight_last", "weight_first", "weight_linear"):
            self.assertAlmostEqual(sum(responses.mapped(weight)), 1.0, msg=weight)
        by_campaign = {r.campaign_id: r for r in responses}
        self.assertEqual(by_campaign[first].weight_first, 1.0)
        self.assertEqual(by_campaign[second].weight_last, 1.0)
        self.assertEqual(by_campaign[first].weight_linear, 0.5)
        # every touchpoint with an attributed response: shares sum to 1
        self.env.cr.execute("""
            SELECT touchpoint_id, sum(weight_last), sum(weight_first), sum(weight_linear)
              FROM crm_campaign_response GROUP BY 1 HAVING bool_or(touched)
        """)
        for _tp, last, first_, linear in self.env.cr.fetchall():
            self.assertAlmostEqual(last, 1.0)
            self.assertAlmostEqual(first_, 1.0)
            self.assertAlmostEqual(linear, 1.0)

    def test_control_responses_are_not_attributed(self):
        campaign = self.launch()
        control = self.members(campaign, split_group="control")[0]
        tp = self.feed(control.partner_id, in_days(campaign.date_start, 1), "baseline")
        response = self.Response.search([("touchpoint_id", "=", tp.id)])
        self.assertEqual((response.split_group, response.touched), ("control", False))
        self.assertEqual(response.weight_linear, 0.0)

    def test_done_call_activity_contacts_the_member_with_the_campaign(self):
        campaign = self.make_campaign(self.segment, channel="phone", holdout_percent=25.0,
                                      name="Calls")
        campaign.action_plan()
        campaign.action_launch()
        activities = self.env["mail.activity"].search(
            [("campaign_member_id.campaign_id", "=", campaign.id)])
        self.assertEqual(len(activities), campaign.target_count)
        self.assertEqual(campaign.activity_count, campaign.target_count)
        member = activities[0].campaign_member_id
        self.assertEqual(member.state, "planned")
        activities[0].action_feedback("Interested, call back in May")
        self.assertEqual(member.state, "contacted")
        self.assertTrue(member.contact_date)
        touchpoint = self.touchpoints(member.partner_id, direction="outbound")
        self.assertEqual(len(touchpoint), 1)
        self.assertEqual(touchpoint.campaign_id, campaign.utm_campaign_id)
        self.assertEqual(touchpoint.channel_id, self.channel["phone"])
        # closing the campaign removes the calls not made
        campaign.action_done()
        self.assertFalse(self.env["mail.activity"].search(
            [("campaign_member_id.campaign_id", "=", campaign.id)]))

    def test_budget_and_rights(self):
        campaign = self.make_campaign(self.segment, budget=10.0, fixed_cost=5.0,
                                      cost_per_contact=1.0)
        with self.assertRaisesRegex(UserError, "above its budget"):
            campaign.action_plan()
        campaign.budget = 100.0
        with self.assertRaisesRegex(UserError, "managers"):
            campaign.with_user(self.salesman).action_plan()
        campaign.action_plan()
        self.assertEqual(campaign.state, "planned")
        # the salesperson reads the campaign and its figures
        self.assertEqual(campaign.with_user(self.salesman).target_count, campaign.target_count)
        campaign.action_launch()
        with self.assertRaisesRegex(UserError, "cannot change"):
            campaign.holdout_percent = 20.0

    def test_plan_says_why_no_one_is_contacted(self):
        # a one-customer segment and a seed that draws that customer into the
        # control group (the draw of the audience query, in Python)
        customer = self.make_partners(1, "Alone")
        seed = next(seed for seed in range(1, 100) if int(hashlib.md5(
            ("%d:%d" % (seed, customer.id)).encode()).hexdigest()[:8], 16) >= 2 ** 31)
        campaign = self.make_campaign(self.make_segment("Alone", customer),
                                      holdout_percent=50.0, seed=seed)
        with self.assertRaisesRegex(UserError, "all drawn into the control group"):
            campaign.action_plan()
        self.assertEqual(campaign.state, "draft")
        empty = self.make_campaign(self.make_segment("Nobody", self.env["res.partner"]),
                                   name="Nobody")
        with self.assertRaisesRegex(UserError, "segments are empty or every customer"):
            empty.action_plan()

    def test_cost_per_contact_defaults_to_the_channel(self):
        campaign = self.make_campaign(self.segment, channel="phone")
        self.assertEqual(campaign.cost_per_contact, self.channel["phone"].unit_cost)
        self.assertEqual(campaign.utm_campaign_id.name, campaign.name)


class TestCampaignHoldoutWarning(CampaignCase):
    """A running campaign's control members: marked on their form, and
    contacting them (a touchpoint, an activity) warns that it spoils the
    campaign's measurement."""

    @classmethod
    def setUpClass(cls):
        super(TestCampaignHoldoutWarning, cls).setUpClass()
        cls.audience = cls.make_partners(40, "Held")
        cls.segment = cls.make_segment("Held", cls.audience)

    def test_control_members_are_marked_and_their_contacts_warned(self):
        campaign = self.launch()
        control = self.members(campaign, split_group="control").mapped("partner_id")
        target = self.members(campaign, split_group="target").mapped("partner_id")
        held, other = control[0], target[0]
        compat.invalidate_all(self.env)
        self.assertEqual(held.lifecycle_holdout_campaign_ids, campaign)
        self.assertFalse(other.lifecycle_holdout_campaign_ids)
        # a contact person of the customer is held out with it
        person = self.env["res.partner"].create({"name": "Held Person", "parent_id": held.id})
        compat.invalidate_all(self.env)  # as the form reads it
        self.assertEqual(person.lifecycle_holdout_campaign_ids, campaign)
        # logging a contact made: warned; a contact received: not
        Touchpoint = compat.as_user(self.Touchpoint, self.salesman)
        form = Touchpoint.new({"partner_id": held.id, "direction": "outbound",
                               "kind": "contact"})
        warning = form._onchange_lifecycle_holdout()["warning"]
        self.assertIn(campaign.name, warning["message"])
        self.assertIn(held.name, warning["message"])
        form.direction = "inbound"
        self.assertFalse(form._onchange_lifecycle_holdout())
        self.assertFalse(Touchpoint.new({"partner_id": other.id, "direction": "outbound",
                                         "kind": "contact"})._onchange_lifecycle_holdout())
        # scheduling an activity on the customer: warned
        activity = self.env["mail.activity"].new({
            "res_model": "res.partner", "res_id": held.id,
            "res_model_id": self.env.ref("base.model_res_partner").id,
            "activity_type_id": self.env.ref("mail.mail_activity_data_call").id})
        result = activity._onchange_activity_type_id() or {}
        self.assertIn(campaign.name, result["warning"]["message"])
        # writing to them (the composer on their form, or as a recipient): warned
        Composer = self.env["mail.compose.message"]
        record = compat.COMPOSER_RECORD_FIELD
        as_value = (lambda ids: str(ids)) if record == "res_ids" else (lambda ids: ids[0])
        for values in ({"model": "res.partner", record: as_value(held.ids)},
                       {"model": "res.partner", record: as_value(other.ids),
                        "partner_ids": [(6, 0, held.ids)]}):
            composer = Composer.new(dict(values, composition_mode="comment"))
            self.assertIn(campaign.name,
                          composer._onchange_lifecycle_holdout()["warning"]["message"])
        self.assertFalse(Composer.new({"model": "res.partner", record: as_value(other.ids),
                                       "composition_mode": "comment"})
                         ._onchange_lifecycle_holdout())
        # the campaign closed: nobody is held out any more
        campaign.action_done()
        compat.invalidate_all(self.env)
        self.assertFalse(held.lifecycle_holdout_campaign_ids)
        self.assertFalse(Touchpoint.new({"partner_id": held.id, "direction": "outbound",
                                         "kind": "contact"})._onchange_lifecycle_holdout())


class TestUniversalHoldout(CampaignCase):
    """The customers of the universal holdout: never drawn into a campaign,
    the same at every draw, new customers entering at the same rate, the
    same in the audience's SQL and in Python."""

    @classmethod
    def setUpClass(cls):
        super(TestUniversalHoldout, cls).setUpClass()
        cls.crowd = cls.make_partners(1000, "Universal")
        cls.segment = cls.make_segment("Universal", cls.crowd)

    def set_share(self, percent):
        self.env["ir.config_parameter"].sudo().set_param(
            "crm_lifecycle.universal_holdout_percent", str(percent))
        compat.invalidate_all(self.env)

    def assertShare(self, count, n, share):
        """A binomial count within four standard deviations of n * share."""
        sd = math.sqrt(n * share * (1 - share))
        self.assertLessEqual(abs(count - n * share), 4 * sd, (count, n, share))

    def test_never_drawn_stable_and_the_same_in_sql_and_python(self):
        self.set_share(4)
        held = self.crowd.filtered("lifecycle_universal_holdout")
        self.assertShare(len(held), len(self.crowd), 0.04)
        first = self.launch(name="First", seed=1)
        second = self.launch(name="Second", seed=2)
        for campaign in (first, second):
            members = self.members(campaign)
            excluded = members.filtered(lambda m: m.exclusion_reason == "universal")
            # the audience's SQL draw is the Python one
            self.assertEqual(excluded.mapped("partner_id"), held)
            self.assertFalse(any(excluded.mapped("split_group")))
            drawn = members.filtered("split_group").mapped("partner_id")
            self.assertFalse(drawn & held)
        # the two campaigns' own draws differ, the holdout does not
        self.assertNotEqual(self.members(first, split_group="control").mapped("partner_id"),
                            self.members(second, split_group="control").mapped("partner_id"))
        # new customers enter at the same rate; the others keep their place
        newcomers = self.make_partners(1000, "Newcomer")
        compat.invalidate_all(self.env)
        self.assertShare(len(newcomers.filtered("lifecycle_universal_holdout")), 1000, 0.04)
        self.assertEqual(self.crowd.filtered("lifecycle_universal_holdout"), held)
        # a contact person goes with its customer
        person = self.env["res.partner"].create({"name": "Held Person", "parent_id": held[0].id})
        self.assertTrue(person.lifecycle_universal_holdout)
        # off: nobody held out, nobody excluded for it
        self.set_share(0)
        self.assertFalse(self.crowd.filtered("lifecycle_universal_holdout"))
        third = self.launch(name="Third", seed=3)
        self.assertFalse(self.members(third).filtered(
            lambda m: m.exclusion_reason == "universal"))

    def test_the_share_is_bounded(self):
        from odoo.exceptions import ValidationError
        with self.assertRaises(ValidationError):
            self.env["res.config.settings"].create({"lifecycle_universal_holdout_percent": 12})

    def test_the_seed_is_drawn_when_the_setting_is_saved(self):
        params = self.env["ir.config_parameter"].sudo()
        params.set_param("crm_lifecycle.universal_holdout_seed", "")
        params.set_param("crm_lifecycle.universal_holdout_percent", "0")
        self.env["res.config.settings"].create(
            {"lifecycle_universal_holdout_percent": 0}).execute()
        self.assertFalse(params.get_param("crm_lifecycle.universal_holdout_seed"))
        self.env["res.config.settings"].create(
            {"lifecycle_universal_holdout_percent": 3}).execute()
        seed = params.get_param("crm_lifecycle.universal_holdout_seed")
        self.assertTrue(seed)
        # saved again: the same seed, the same holdout
        self.env["res.config.settings"].create(
            {"lifecycle_universal_holdout_percent": 4}).execute()
        self.assertEqual(params.get_param("crm_lifecycle.universal_holdout_seed"), seed)
