# Copyright 2026 crm_lifecycle contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Per-customer channel routing: a campaign may allow other channels beside
its own, and each member is then contacted on the allowed channel they are
most likely to answer, among those their consent and their details allow.

The rule, in order (the first that tells the channels apart decides, and is
the reason the member shows):

1. **responses**: the channel on which the customer answered most earlier
   campaigns (as a contacted target member);
2. **preferred**: the channel on which the customer contacted the company
   most (inbound touchpoints);
3. **segment**: the channel with the best response rate of the contacted
   target members of the customer's segment in earlier campaigns;
4. **campaign**: the campaign's own channel; **fallback**: when the
   campaign's channel is not allowed for the customer, the first other
   allowed channel (in the routes' order).

A channel is allowed for a customer when it passes the channel's own checks
of the audience (not refused, consent on an opt-in channel, an email not
opted out, what the channel needs on file). A customer no allowed channel
reaches is excluded for the reason the campaign's own channel gives. The
whole choice is made in the audience's one INSERT ... SELECT
(crm_campaign.py `_audience_query`); each member keeps the chosen channel, the
reason and the cost of one contact on it, which the costs of the campaign,
its offers, the segments' ROI and the customers' cost to serve add up.
"""
from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError

from .. import compat

# at most this many other channels per campaign
MAX_ROUTES = 6


class CrmCampaignRoute(models.Model):
    """A channel a campaign may contact its members on, beside its own."""

    _name = "crm.campaign.route"
    _description = "Campaign Channel Route"
    _order = "campaign_id, sequence, id"

    campaign_id = fields.Many2one("crm.campaign", string="Campaign", required=True,
                                  ondelete="cascade", index=True)
    company_id = fields.Many2one(related="campaign_id.company_id", store=True, readonly=True)
    currency_id = fields.Many2one(related="campaign_id.currency_id", readonly=True)
    sequence = fields.Integer(
        default=10, help="Order of the fallback: a customer the campaign's channel cannot "
                         "reach and nothing else tells apart goes to the first route.")
    channel_id = fields.Many2one(
        "crm.touchpoint.channel", string="Channel", required=True, ondelete="restrict",
        help="Another channel the campaign may contact a customer on.")
    cost_per_contact = fields.Monetary(
        help="Cost of one contact on this channel in this campaign. Defaults to the "
             "channel's cost per contact.")
    member_count = fields.Integer(
        string="Target Members", compute="_compute_member_count",
        help="Target members routed to this channel.")

    _sql_constraints = [
        ("channel_uniq", "UNIQUE (campaign_id, channel_id)",
         "A channel is allowed once per campaign."),
    ]

    def _compute_member_count(self):
        counts = {}
        campaigns = [cid for cid in self.mapped("campaign_id").ids if isinstance(cid, int)]
        if campaigns:
            self.env.cr.execute("""
                SELECT campaign_id, channel_id, count(*) FROM crm_campaign_member
                 WHERE campaign_id = ANY(%s) AND split_group = 'target' GROUP BY 1, 2
            """, (campaigns,))
            counts = {(cid, chid): n for cid, chid, n in self.env.cr.fetchall()}
        for route in self:
            route.member_count = counts.get((route.campaign_id.id, route.channel_id.id), 0)

    @api.onchange("channel_id")
    def _onchange_channel_id(self):
        if self.channel_id:
            self.cost_per_contact = self.channel_id.unit_cost

    def _check_open(self, what):
        launched = self.mapped("campaign_id").filtered(
            lambda c: c.state not in ("draft", "planned", "cancel"))
        if launched:
            raise UserError(_("The channels of campaign %(campaign)s cannot %(what)s: it has "
                              "been launched and its members were routed to them.") % {
                                  "campaign": launched[0].name, "what": what})

    @api.model
    def create(self, vals):
        vals = dict(vals)
        if "cost_per_contact" not in vals and vals.get("channel_id"):
            vals["cost_per_contact"] = self.env["crm.touchpoint.channel"].browse(
                vals["channel_id"]).unit_cost
        route = super(CrmCampaignRoute, self).create(vals)
        route._check_open(_("be added"))
        return route

    def write(self, vals):
        if {"channel_id", "campaign_id", "sequence"} & set(vals):
            self._check_open(_("change"))
        result = super(CrmCampaignRoute, self).write(vals)
        if "cost_per_contact" in vals:
            self.mapped("campaign_id")._update_contact_costs()
        return result

    def unlink(self):
        self._check_open(_("be removed"))
        return super(CrmCampaignRoute, self).unlink()

    @api.constrains("campaign_id", "channel_id")
    def _check_routes(self):
        for route in self:
            campaign = route.campaign_id
            if route.channel_id == campaign.channel_id:
                raise ValidationError(_(
                    "Campaign %(campaign)s: %(channel)s is already its own channel; list only "
                    "the other channels it may use.") % {
                        "campaign": campaign.name, "channel": route.channel_id.name})
            if len(campaign.route_ids) > MAX_ROUTES:
                raise ValidationError(_("Campaign %(campaign)s allows more than %(max)d other "
                                        "channels.") % {"campaign": campaign.name,
                                                        "max": MAX_ROUTES})


class CrmCampaign(models.Model):
    _inherit = "crm.campaign"

    routing = fields.Boolean(
        string="Route Each Customer", copy=True,
        help="Contact each member on the allowed channel they are most likely to answer "
             "(the channel they answered campaigns on, else the one they contact you on, else "
             "the best of their segment), among those their consent allows, instead of the "
             "campaign's channel for all.")
    route_ids = fields.One2many(
        "crm.campaign.route", "campaign_id", string="Other Channels", copy=True,
        help="The channels a member may be routed to beside the campaign's own, with the "
             "cost of one contact on each.")
    channel_summary = fields.Char(
        string="Per Channel", compute="_compute_channel_summary",
        help="Target members, contacts, responses and the cost of the contacts on each "
             "channel of a routed campaign.")

    def _locked_after_launch(self):
        return super(CrmCampaign, self)._locked_after_launch() | {"routing"}

    def _route_channels(self):
        """[(channel, cost of one contact)]: the campaign's channel first,
        then, when routing, its other channels in order."""
        self.ensure_one()
        routes = [(self.channel_id, self.cost_per_contact)]
        if self.routing:
            routes += [(route.channel_id, route.cost_per_contact)
                       for route in self.route_ids.sorted(lambda r: (r.sequence, r.id))
                       if route.channel_id != self.channel_id]
        return routes

    # sql-write: the cost of one contact of the members on a channel follows the campaign's
    # (or the route's) cost per contact, as the user who changed it may: the ORM write that
    # calls this held them to the campaign's write rule
    def _update_contact_costs(self):
        """The members' cost of a contact after a cost per contact changed."""
        for campaign in self:
            if not isinstance(campaign.id, int):
                continue
            routes = campaign._route_channels()
            self.env.cr.execute("""
                UPDATE crm_campaign_member m SET contact_cost = r.cost
                  FROM unnest(%s::int[], %s::numeric[]) AS r(channel_id, cost)
                 WHERE m.campaign_id = %s AND m.channel_id = r.channel_id
                   AND m.contact_cost IS DISTINCT FROM r.cost
            """, ([c.id for c, _cost in routes], [cost or 0.0 for _c, cost in routes],
                  campaign.id))
        compat.invalidate_all(self.env)

    def write(self, vals):
        result = super(CrmCampaign, self).write(vals)
        if "cost_per_contact" in vals:
            self._update_contact_costs()
        return result

    def _compute_channel_summary(self):
        ids = [cid for cid in self.filtered("routing").ids if isinstance(cid, int)]
        rows = {}
        if ids:
            self.env.cr.execute("""
                SELECT m.campaign_id, m.channel_id, count(*),
                       count(*) FILTER (WHERE m.contact_date IS NOT NULL),
                       count(*) FILTER (WHERE m.response_date IS NOT NULL),
                       COALESCE(sum(m.contact_cost) FILTER (WHERE m.contact_date IS NOT NULL),
                                0)
                  FROM crm_campaign_member m
                 WHERE m.campaign_id = ANY(%s) AND m.split_group = 'target'
                 GROUP BY 1, 2 ORDER BY 3 DESC
            """, (ids,))
            for row in self.env.cr.fetchall():
                rows.setdefault(row[0], []).append(row[1:])
        channels = self.env["crm.touchpoint.channel"]
        for campaign in self:
            campaign.channel_summary = "; ".join(
                _("%(channel)s: %(n)d, %(contacted)d contacted, %(responded)d responses, "
                  "cost %(cost).2f") % {
                      "channel": channels.browse(chid).name or "-", "n": n,
                      "contacted": contacted, "responded": responded, "cost": cost}
                for chid, n, contacted, responded, cost in rows.get(campaign.id, [])) or False
