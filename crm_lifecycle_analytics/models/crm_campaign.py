# Copyright 2026 crm_lifecycle contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""A campaign's forecast before launch and its judgement afterwards.

Forecast: how each segment answered the earlier campaigns of the company on
the same channel, smoothed towards the channel's overall rate (a segment
with little history gets the channel's rate, one with much history its
own), times the target members of each segment. A first campaign on a
channel learns from the best prior there is: the campaigns running on the
channel (their responses so far), else the campaigns on any channel; the
forecast basis says which.

Judgement: the target group against the holdout control group (uplift with
its interval and p-value, incremental responses and revenue, costs per
response, ROI on the incremental margin) next to what the attribution
rules credit the campaign with. The statistics are in stats/uplift.py.

Stop rule: while it runs, the campaign's relative uplift has an always-valid
95 % sequence (stats/sequential.py), true at every look however often the
figures are looked at: futile once it is surely below the campaign's
Worthwhile Uplift, proven once surely above zero, else keep going. With the
setting Stop Futile Campaigns, a cron closes the futile ones.
"""
from collections import defaultdict

from odoo import _, api, fields, models
from odoo.tools import plaintext2html

from odoo.addons.crm_lifecycle import compat

from ..stats import sequential, uplift

# weight, in members, of the channel's rate in a segment's smoothed rate
SMOOTHING_MEMBERS = 50.0
# the priors of a forecast, best first: the closed campaigns on the channel,
# then the running ones on it too, then the campaigns on any channel
FORECAST_SCOPES = ("closed", "channel", "any")
# the response rate the stop rule's sequence is tuned to (the narrowest at
# the groups' size at this rate) when the campaign has no forecast
DEFAULT_PLANNED_RATE = 0.05
STOP_VERDICTS = [
    (sequential.TOO_EARLY, "Too Early"),
    (sequential.CONTINUE, "Keep Going"),
    (sequential.PROVEN, "Effect Proven"),
    (sequential.FUTILE, "Futile"),
]


class CrmCampaign(models.Model):
    _inherit = "crm.campaign"

    margin_percent = fields.Float(
        string="Margin (%)", default=lambda self: self._default_margin_percent(),
        help="Share of the incremental revenue the company keeps (revenue less the cost of "
             "goods), for the return on investment. Defaults to the margin of the company's "
             "customers where the cost of goods is known.")

    # forecast: before launch, and planned against actual afterwards
    forecast_rate = fields.Float(
        string="Forecast Response Rate (%)", compute="_compute_forecast", digits=(16, 2),
        help="Expected share of the target group responding, from how the segments answered "
             "the earlier campaigns on this channel (or the best prior available: see "
             "Forecast Basis).")
    forecast_responses = fields.Float(
        string="Forecast Responses", compute="_compute_forecast", digits=(16, 1))
    forecast_revenue = fields.Monetary(string="Forecast Revenue", compute="_compute_forecast")
    forecast_basis = fields.Char(
        string="Forecast Basis", compute="_compute_forecast",
        help="The earlier campaigns the forecast learns from: the closed campaigns on this "
             "channel; without any, the campaigns running on it (their responses so far); "
             "without any, the campaigns on other channels.")

    # stop rule: the always-valid sequence of the relative uplift
    min_uplift_percent = fields.Float(
        string="Worthwhile Uplift (%)", default=0.0, digits=(16, 1),
        help="The smallest rise of the target group's response rate over the control "
             "group's, in per cent of the control's rate, that pays the campaign (e.g. 20: a "
             "fifth more responses). The stop rule calls the campaign futile once the rise "
             "is surely below it. 0: futile only once the campaign surely does not raise "
             "the response rate at all.")
    stop_verdict = fields.Selection(
        STOP_VERDICTS, string="Stop Rule", compute="_compute_judgement",
        help="Futile: the rise of the response rate is surely below the Worthwhile Uplift, "
             "stop contacting. Effect Proven: surely above zero. Keep Going: neither yet. "
             "Too Early: each group needs %d members. Each verdict is wrong at most 5 %% of "
             "the time however often the campaign is looked at (an always-valid sequence: "
             "an interval looked at daily would be wrong far more often)."
             % sequential.MIN_MEMBERS)
    sequence_low = fields.Float(
        string="Relative Uplift, Low (%)", compute="_compute_judgement", digits=(16, 1),
        help="Lowest rise of the response rate over the control's, in per cent, that the "
             "always-valid 95 % sequence allows at this look.")
    sequence_high = fields.Float(
        string="Relative Uplift, High (%)", compute="_compute_judgement", digits=(16, 1),
        help="Highest rise of the response rate over the control's, in per cent, that the "
             "always-valid 95 % sequence allows at this look.")
    stop_summary = fields.Char(string="Stop Rule Verdict", compute="_compute_judgement")
    control_contacted = fields.Integer(
        string="Control Members Contacted", compute="_compute_judgement",
        help="Members of the control group the staff or another campaign contacted while "
             "this campaign ran (before any response of theirs): the control group stands "
             "for the customers nobody contacted, so each of them blurs the measurement.")
    contamination_summary = fields.Char(
        string="Contacted Control Members", compute="_compute_judgement",
        help="Whether the judgement changes when the control members contacted are left "
             "out.")

    # judgement: target against control
    uplift = fields.Float(
        string="Uplift (points)", compute="_compute_judgement", digits=(16, 2),
        help="Response rate of the target group minus that of the control group, in "
             "percentage points: the responses the campaign caused per 100 customers.")
    uplift_low = fields.Float(string="Uplift Low", compute="_compute_judgement",
                              digits=(16, 2), help="Lower bound of the 95 % interval.")
    uplift_high = fields.Float(string="Uplift High", compute="_compute_judgement",
                               digits=(16, 2), help="Upper bound of the 95 % interval.")
    relative_uplift = fields.Float(
        string="Relative Uplift (%)", compute="_compute_judgement", digits=(16, 1),
        help="How much more often the target group responded than the control group. "
             "Undefined (0 here, n/a on the form) while no control member has responded: "
             "see Relative Uplift Defined.")
    relative_uplift_defined = fields.Boolean(
        compute="_compute_judgement",
        help="The control group has a response rate above zero, so the relative uplift "
             "(target rate over control rate) means something; otherwise only the uplift "
             "in points does.")
    p_value = fields.Float(
        string="p-value", compute="_compute_judgement", digits=(16, 6),
        help="Chance of an uplift at least this large if the campaign changed nothing "
             "(two-sided test of the two response rates).")
    significant = fields.Boolean(
        compute="_compute_judgement",
        help="The 95 % interval of the uplift excludes zero.")
    incremental_responses = fields.Float(
        compute="_compute_judgement", digits=(16, 1),
        help="Responses the campaign caused: the uplift times the target group.")
    incremental_revenue = fields.Monetary(
        compute="_compute_judgement",
        help="Revenue the campaign caused: the difference of the revenue per member of the "
             "target and control groups times the target group.")
    incremental_revenue_low = fields.Monetary(
        string="Incremental Revenue Low", compute="_compute_judgement")
    incremental_revenue_high = fields.Monetary(
        string="Incremental Revenue High", compute="_compute_judgement")
    cost_per_response = fields.Monetary(compute="_compute_judgement")
    cost_per_incremental_response = fields.Monetary(
        compute="_compute_judgement",
        help="The campaign's cost divided by the responses it caused (empty when it "
             "caused none).")
    roi = fields.Float(
        string="ROI (%)", compute="_compute_judgement", digits=(16, 1),
        help="Incremental revenue times the margin, less the cost, over the cost.")
    judgement_summary = fields.Char(
        string="Verdict", compute="_compute_judgement")
    attributed_responses = fields.Float(
        compute="_compute_judgement", digits=(16, 1),
        help="Responses credited to the campaign by the last-touch rule (a response "
             "answering several campaigns is credited to the last one that touched it).")
    attributed_revenue_last = fields.Monetary(
        string="Attributed Revenue (Last Touch)", compute="_compute_judgement")
    attributed_revenue_first = fields.Monetary(
        string="Attributed Revenue (First Touch)", compute="_compute_judgement")
    attributed_revenue_linear = fields.Monetary(
        string="Attributed Revenue (Linear)", compute="_compute_judgement")

    @api.model
    def _default_margin_percent(self):
        company = self.env.user.company_id
        self.env.cr.execute("""
            SELECT sum(margin) / NULLIF(sum(revenue), 0) FROM crm_customer_metrics
             WHERE company_id = %s AND cost_of_goods > 0
        """, (company.id,))
        share = self.env.cr.fetchone()[0]
        return round(100.0 * share, 1) if share and share > 0 else 100.0

    # ------------------------------------------------------------ judgement
    def _judgement_figures(self):
        """{campaign id: {group: (n, responded, revenue sum, sum of squares)},
        the same per offer ("arms": {arm id: (..., contacted)}), the
        attributed responses and revenue}, in two queries."""
        ids = [cid for cid in self.ids if isinstance(cid, int)]
        result = defaultdict(dict)
        if not ids:
            return result
        cr = self.env.cr
        # the ORM's pending writes reach the tables before these queries
        compat.flush(self.env)
        # a control member is touched when the staff or another campaign
        # contacted it (an outbound contact or send) while the campaign ran,
        # before any response of its own (a call back answers it)
        cr.execute("""
            SELECT m.campaign_id, m.split_group, m.arm_id,
                   count(*) FILTER (WHERE m.contact_date IS NOT NULL),
                   COALESCE(sum(m.contact_cost) FILTER (WHERE m.contact_date IS NOT NULL), 0),
                   m.split_group = 'control' AND c.date_start IS NOT NULL AND EXISTS (
                       SELECT 1 FROM crm_touchpoint t
                        WHERE t.commercial_partner_id = m.partner_id
                          AND t.direction = 'outbound' AND t.kind IN ('contact', 'campaign')
                          AND t.date >= c.date_start
                          AND (c.date_done IS NULL OR t.date <= c.date_done)
                          AND (m.response_date IS NULL OR t.date < m.response_date)),
                   count(*), count(*) FILTER (WHERE m.response_date IS NOT NULL),
                   COALESCE(sum(m.revenue), 0), COALESCE(sum(m.revenue * m.revenue), 0)
              FROM crm_campaign_member m JOIN crm_campaign c ON c.id = m.campaign_id
             WHERE m.campaign_id = ANY(%s) AND m.split_group IS NOT NULL
             GROUP BY 1, 2, 3, 6
        """, (ids,))
        for cid, group, arm, contacted, contact_cost, touched, n, responded, total, squares \
                in cr.fetchall():
            figures = (n, responded, float(total), float(squares))
            if arm:
                # an offer's target members (and how many were contacted)
                arms = result[cid].setdefault("arms", {})
                before = arms.get(arm, (0, 0, 0.0, 0.0, 0, 0.0))
                arms[arm] = tuple(a + b for a, b in zip(
                    before, figures + (contacted, float(contact_cost))))
            result[cid][group] = tuple(a + b for a, b in zip(
                result[cid].get(group, (0, 0, 0.0, 0.0)), figures))
            if touched:
                result[cid]["touched"] = n
            elif group == "control":
                result[cid]["untouched"] = figures
        cr.execute("""
            SELECT campaign_id, sum(weight_last), sum(revenue_last), sum(revenue_first),
                   sum(revenue_linear)
              FROM crm_campaign_response
             WHERE campaign_id = ANY(%s) AND split_group = 'target'
             GROUP BY 1
        """, (ids,))
        for cid, responses, last, first, linear in cr.fetchall():
            result[cid]["attributed"] = (responses or 0.0, last or 0.0, first or 0.0,
                                         linear or 0.0)
        return result

    def _compute_judgement(self):
        figures = self._judgement_figures()
        for campaign in self:
            fig = figures.get(campaign.id, {})
            target = fig.get("target", (0, 0, 0.0, 0.0))
            control = fig.get("control", (0, 0, 0.0, 0.0))
            cost = campaign.actual_cost if campaign.date_start else campaign.planned_cost
            verdict = uplift.judge(
                target[0], target[1], target[2], target[3],
                control[0], control[1], control[2], control[3],
                cost, margin_rate=(campaign.margin_percent or 0.0) / 100.0)
            rates = verdict.rates

            def pct(value):
                return 100.0 * value if value is not None else 0.0
            campaign.uplift = pct(rates.difference)
            campaign.uplift_low = pct(rates.low)
            campaign.uplift_high = pct(rates.high)
            # target rate over a control rate of 0: undefined, not 0
            campaign.relative_uplift_defined = rates.relative is not None
            campaign.relative_uplift = pct(rates.relative)
            campaign.p_value = rates.p_value if rates.p_value is not None else 1.0
            campaign.significant = bool(
                rates.low is not None and (rates.low > 0 or rates.high < 0))
            campaign.incremental_responses = verdict.incremental_responses or 0.0
            campaign.incremental_revenue = verdict.incremental_revenue or 0.0
            campaign.incremental_revenue_low = verdict.incremental_revenue_low or 0.0
            campaign.incremental_revenue_high = verdict.incremental_revenue_high or 0.0
            campaign.cost_per_response = verdict.cost_per_response or 0.0
            campaign.cost_per_incremental_response = \
                verdict.cost_per_incremental_response or 0.0
            campaign.roi = pct(verdict.roi)
            attributed = fig.get("attributed", (0.0, 0.0, 0.0, 0.0))
            campaign.attributed_responses = attributed[0]
            campaign.attributed_revenue_last = attributed[1]
            campaign.attributed_revenue_first = attributed[2]
            campaign.attributed_revenue_linear = attributed[3]
            campaign.judgement_summary = campaign._verdict(verdict)
            campaign._set_stop_rule(target, control)
            campaign._set_contamination(fig, target, cost, verdict)
            if campaign.date_start and not campaign.contacted_count:
                # launched, nothing sent yet: no judgement of what did not happen
                campaign.judgement_summary = _(
                    "No verdict yet: nothing has been sent, %(contacted)d of %(target)d target "
                    "customers contacted.") % {
                        "contacted": campaign.contacted_count, "target": campaign.target_count}

    def _set_contamination(self, fig, target, cost, verdict):
        """The control members contacted while the campaign ran, and whether
        the judgement changes without them."""
        self.ensure_one()
        touched = fig.get("touched", 0)
        self.control_contacted = touched
        if not touched:
            self.contamination_summary = False
            return
        clean = fig.get("untouched", (0, 0, 0.0, 0.0))
        without = uplift.judge(target[0], target[1], target[2], target[3],
                               clean[0], clean[1], clean[2], clean[3],
                               cost, margin_rate=(self.margin_percent or 0.0) / 100.0)

        def significant(judgement):
            rates = judgement.rates
            return rates.low is not None and (rates.low > 0 or rates.high < 0)
        stop_now = self.stop_verdict
        stop_without = sequential.verdict(
            self._stop_sequence(target, clean),
            min_effect=(self.min_uplift_percent or 0.0) / 100.0)
        values = {"n": touched}
        if significant(without) == significant(verdict) and stop_without == stop_now:
            self.contamination_summary = _(
                "%(n)d control members were contacted while the campaign ran: without them "
                "the verdict is the same.") % values
        else:
            values["verdict"] = self._verdict(without)
            values["stop"] = dict(self._fields["stop_verdict"]._description_selection(
                self.env))[stop_without]
            self.contamination_summary = _(
                "%(n)d control members were contacted while the campaign ran, and they "
                "change the verdict. Without them: %(verdict)s Stop rule: %(stop)s.") % values

    def _stop_sequence(self, target, control):
        """The always-valid sequence of the campaign's relative uplift from
        its groups' figures (n, responded, ...), tuned to its forecast
        response rate (known before its responses)."""
        self.ensure_one()
        planned = (self.forecast_rate or 0.0) / 100.0 or DEFAULT_PLANNED_RATE
        return sequential.ratio_sequence(target[1], target[0], control[1], control[0],
                                         planned_rate=planned)

    def _set_stop_rule(self, target, control):
        self.ensure_one()
        seq = self._stop_sequence(target, control)
        min_effect = (self.min_uplift_percent or 0.0) / 100.0
        verdict = sequential.verdict(seq, min_effect=min_effect)
        self.stop_verdict = verdict
        if verdict == sequential.TOO_EARLY:
            self.sequence_low = self.sequence_high = 0.0
            self.stop_summary = _("Too early for the stop rule: each group needs %d members.") \
                % sequential.MIN_MEMBERS
            return
        low, high = (100.0 * value for value in sequential.relative(seq)[1:])
        self.sequence_low, self.sequence_high = low, high
        lang = self.env["res.lang"]._lang_get(self.env.context.get("lang") or "en_US") or \
            self.env["res.lang"]._lang_get("en_US")
        values = {"low": lang.format("%+.1f", low, grouping=True),
                  "high": lang.format("%+.1f", high, grouping=True),
                  "min": lang.format("%.1f", self.min_uplift_percent or 0.0, grouping=True)}
        if verdict == sequential.FUTILE:
            self.stop_summary = _(
                "Futile, stop contacting: the rise of the response rate over the control's "
                "is between %(low)s %% and %(high)s %%, surely below the worthwhile %(min)s %% "
                "(valid at every look).") % values
        elif verdict == sequential.PROVEN:
            self.stop_summary = _(
                "Effect proven: the campaign raises the response rate by %(low)s %% to "
                "%(high)s %% over the control's (valid at every look).") % values
        else:
            self.stop_summary = _(
                "Keep going: the rise of the response rate over the control's is between "
                "%(low)s %% and %(high)s %%, not yet surely above zero nor surely below the "
                "worthwhile %(min)s %% (valid at every look).") % values

    @api.model
    def _cron_stop_futile(self):
        """Close the running campaigns the stop rule finds futile, when the
        setting Stop Futile Campaigns is on; each says why in its chatter."""
        # sudo: a setting of the suite, read-only (the cron's own)
        if not self.env["ir.config_parameter"].sudo().get_param(
                "crm_lifecycle_analytics.stop_futile"):
            return
        running = self.search([("state", "in", ("launched", "running"))])
        futile = running.filtered(lambda c: c.stop_verdict == sequential.FUTILE)
        for campaign in futile:
            summary = campaign.stop_summary
            campaign.action_done()
            campaign.message_post(body=plaintext2html(_(
                "Closed by the stop rule (setting Stop Futile Campaigns): %s") % summary))
        return futile

    def _verdict(self, verdict):
        """One line a marketer reads: what the campaign changed, and how sure
        we are of it."""
        rates = verdict.rates
        if rates.difference is None or rates.low is None:
            return _("No verdict yet: the target and control groups both need members.")
        # the numbers written the way the user's language writes them
        lang = self.env["res.lang"]._lang_get(self.env.context.get("lang") or "en_US") or \
            self.env["res.lang"]._lang_get("en_US")

        def number(value, digits=2):
            return lang.format("%%.%df" % digits, value, grouping=True)
        values = {"uplift": number(100.0 * rates.difference), "low": number(100.0 * rates.low),
                  "high": number(100.0 * rates.high),
                  "p": number(rates.p_value if rates.p_value is not None else 1.0, 3)}
        if rates.low > 0:
            return _("The campaign raised the response rate by %(uplift)s points "
                     "(95 %% interval %(low)s to %(high)s, p = %(p)s).") % values
        if rates.high < 0:
            return _("The campaign lowered the response rate by %(uplift)s points "
                     "(95 %% interval %(low)s to %(high)s, p = %(p)s).") % values
        return _("No clear effect yet: uplift %(uplift)s points, 95 %% interval "
                 "%(low)s to %(high)s (p = %(p)s).") % values

    # ------------------------------------------------------------ forecast
    def _target_by_segment(self):
        """{segment id: expected target members}: the drawn target group, or
        before the draw the segments' current members less the holdout."""
        self.ensure_one()
        cr = self.env.cr
        cr.execute("""
            SELECT segment_id, count(*) FROM crm_campaign_member
             WHERE campaign_id = %s AND split_group = 'target' GROUP BY 1
        """, (self.id,))
        counts = dict(cr.fetchall())
        if counts or not self.segment_ids:
            return counts
        cr.execute("""
            SELECT sm.segment_id, count(DISTINCT p.commercial_partner_id)
              FROM crm_segment_member sm JOIN res_partner p ON p.id = sm.partner_id
             WHERE sm.segment_id = ANY(%s) AND sm.date_to IS NULL GROUP BY 1
        """, (self.segment_ids.ids,))
        share = 1.0 - (self.holdout_percent or 0.0) / 100.0
        return {segment: n * share for segment, n in cr.fetchall()}

    def _history(self, scope="closed"):
        """How the target groups of the company's earlier campaigns answered:
        ({segment id: (members, responded, revenue)}, (the same for all
        segments together), number of campaigns). `scope`, from the best
        prior to the widest (FORECAST_SCOPES): the closed campaigns on this
        channel (their whole target groups); these and the running ones on
        this channel (by the target members contacted so far); the same on
        any channel."""
        self.ensure_one()
        cr = self.env.cr
        # the ORM's pending writes reach the tables before this query
        compat.flush(self.env)
        cr.execute("""
            SELECT GROUPING(m.segment_id) = 1, m.segment_id, count(*),
                   count(*) FILTER (WHERE m.response_date IS NOT NULL),
                   COALESCE(sum(m.revenue), 0), count(DISTINCT m.campaign_id)
              FROM crm_campaign k
              JOIN crm_campaign_member m ON m.campaign_id = k.id AND m.split_group = 'target'
             WHERE (k.state = 'done'
                    OR (%(running)s AND k.state = 'running' AND m.contact_date IS NOT NULL))
               AND (%(channel)s::int IS NULL OR k.channel_id = %(channel)s::int)
               AND k.id <> %(id)s AND k.company_id = %(company)s
               AND (%(start)s::timestamp IS NULL OR k.date_start < %(start)s::timestamp)
             GROUP BY ROLLUP (m.segment_id)
        """, {"channel": self.channel_id.id if scope != "any" else None,
              "running": scope != "closed", "id": self.id or 0,
              "company": self.company_id.id, "start": self.date_start or None})
        by_segment, total, campaigns = {}, (0, 0, 0.0), 0
        for is_total, segment, n, responded, revenue, n_campaigns in cr.fetchall():
            if is_total:
                total, campaigns = (n, responded, float(revenue)), n_campaigns
            elif segment:
                by_segment[segment] = (n, responded, float(revenue))
        return by_segment, total, campaigns

    def _forecast(self):
        """(rate, responses, revenue, campaigns learnt from, scope) of the
        campaign: from the best prior that has members (FORECAST_SCOPES),
        scope None when there is none."""
        self.ensure_one()
        if not self.channel_id:
            return 0.0, 0.0, 0.0, 0, None
        for scope in FORECAST_SCOPES:
            history, total, campaigns = self._history(scope)
            if total[0]:
                break
        else:
            return 0.0, 0.0, 0.0, 0, None
        expected = self._target_by_segment()
        prior_rate = total[1] / total[0]
        prior_revenue = total[2] / total[0]
        responses = revenue = 0.0
        for segment, members in expected.items():
            n, responded, amount = history.get(segment, (0, 0, 0.0))
            weight = n + SMOOTHING_MEMBERS
            responses += members * (responded + SMOOTHING_MEMBERS * prior_rate) / weight
            revenue += members * (amount + SMOOTHING_MEMBERS * prior_revenue) / weight
        size = sum(expected.values())
        return (responses / size if size else prior_rate), responses, revenue, campaigns, scope

    def _forecast_basis(self, campaigns, scope):
        """The line saying what the forecast learnt from."""
        if scope == "closed":
            return _("%d earlier campaigns on this channel") % campaigns
        if scope == "channel":
            return _("No closed campaign on this channel yet: learnt from %(count)d running "
                     "campaigns on this channel, by their responses so far") % {
                         "count": campaigns}
        if scope == "any":
            return _("No campaign on this channel yet: learnt from %(count)d campaigns on "
                     "other channels") % {"count": campaigns}
        return _("No earlier campaign to learn from")

    def _compute_forecast(self):
        for campaign in self:
            rate = responses = revenue = 0.0
            campaigns, scope = 0, None
            if isinstance(campaign.id, int):
                rate, responses, revenue, campaigns, scope = campaign._forecast()
            campaign.forecast_rate = 100.0 * rate
            campaign.forecast_responses = responses
            campaign.forecast_revenue = revenue
            campaign.forecast_basis = campaign._forecast_basis(campaigns, scope)
