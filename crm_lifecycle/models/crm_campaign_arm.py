# Copyright 2026 crm_lifecycle contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Offer arms: a campaign can test several offers (offer A, offer B, ...)
against each other and against its control group. The target group is
split among the arms by the same seeded draw that splits it from the
control group (a member drawn u in [holdout, 1) goes to the arm whose share
of [holdout, 1) holds u), so each arm is a random share of the audience and
the same seed gives the same arms. The calls or visits of a member say its
offer; the export has an Offer column. The analytics addon judges each arm
against the control group and names the winner."""
from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError

ARM_KINDS = [
    ("discount", "Discount"),
    ("gift", "Gift"),
    ("bundle", "Bundle"),
    ("free_shipping", "Free Shipping"),
    ("loyalty", "Loyalty Points"),
    ("content", "Information Only"),
    ("other", "Other"),
]
# at most this many arms per campaign (each needs members enough to judge)
MAX_ARMS = 10
# what the draw rests on: locked once the campaign is launched
DRAW_FIELDS = {"share", "sequence", "campaign_id"}


class CrmCampaignArm(models.Model):
    _name = "crm.campaign.arm"
    _description = "Campaign Offer"
    _order = "campaign_id, sequence, id"

    campaign_id = fields.Many2one("crm.campaign", string="Campaign", required=True,
                                  ondelete="cascade", index=True)
    company_id = fields.Many2one(related="campaign_id.company_id", store=True, readonly=True)
    sequence = fields.Integer(default=10)
    name = fields.Char(string="Offer", required=True, help="e.g. 10 % off, a free gift.")
    kind = fields.Selection(ARM_KINDS, required=True, default="other",
                            help="What kind of offer: the forecasts of later campaigns learn "
                                 "per kind.")
    share = fields.Float(
        string="Share (%)", default=50.0, digits=(5, 2),
        help="Share of the target group that gets this offer (the shares of a campaign's "
             "offers are taken relative to their sum).")
    description = fields.Text(help="The offer as the agents or the letter present it.")
    member_count = fields.Integer(string="Members", compute="_compute_member_count",
                                  help="Target members drawn for this offer.")

    _sql_constraints = [
        ("share_positive", "CHECK (share > 0)", "An offer's share must be above 0."),
    ]

    def _compute_member_count(self):
        counts = {}
        ids = [arm_id for arm_id in self.ids if isinstance(arm_id, int)]
        if ids:
            self.env.cr.execute("""
                SELECT arm_id, count(*) FROM crm_campaign_member
                 WHERE arm_id = ANY(%s) GROUP BY 1
            """, (ids,))
            counts = dict(self.env.cr.fetchall())
        for arm in self:
            arm.member_count = counts.get(arm.id, 0)

    def _check_open(self, what):
        launched = self.mapped("campaign_id").filtered(
            lambda c: c.state not in ("draft", "planned", "cancel"))
        if launched:
            raise UserError(_("The offers of campaign %(campaign)s cannot %(what)s: it has "
                              "been launched and its members were drawn for them.") % {
                                  "campaign": launched[0].name, "what": what})

    @api.model
    def create(self, vals):
        arm = super(CrmCampaignArm, self).create(vals)
        arm._check_open(_("be added"))
        return arm

    def write(self, vals):
        if DRAW_FIELDS & set(vals):
            self._check_open(_("change share or order"))
        return super(CrmCampaignArm, self).write(vals)

    def unlink(self):
        self._check_open(_("be removed"))
        return super(CrmCampaignArm, self).unlink()

    @api.constrains("campaign_id")
    def _check_count(self):
        for campaign in self.mapped("campaign_id"):
            if len(campaign.arm_ids) > MAX_ARMS:
                raise ValidationError(_("Campaign %(campaign)s has more than %(max)d offers: "
                                        "each needs enough members to be judged.") % {
                                            "campaign": campaign.name, "max": MAX_ARMS})


class CrmCampaign(models.Model):
    _inherit = "crm.campaign"

    arm_ids = fields.One2many(
        "crm.campaign.arm", "campaign_id", string="Offers", copy=True,
        help="Offers tested against each other: the target group is split among them at "
             "random (by the campaign's seed), each judged against the control group. None: "
             "one offer, the campaign's description.")

    def _arm_draw(self):
        """(arm ids, the draw's thresholds between them): the arms in order
        and the upper bounds of all but the last within [0, 1), their
        shares made relative to their sum."""
        self.ensure_one()
        arms = self.arm_ids.sorted(lambda a: (a.sequence, a.id))
        total = sum(arms.mapped("share"))
        bounds, running = [], 0.0
        for arm in arms[:-1]:
            running += arm.share
            bounds.append(running / total)
        return arms.ids, bounds

    def action_plan(self):
        for campaign in self.filtered("arm_ids"):
            if campaign.execution == "mailing":
                raise UserError(_(
                    "Campaign %s tests several offers by email: a mailing per offer is not "
                    "supported yet. Use a call, visit, letter or SMS channel, or one "
                    "offer.") % campaign.name)
        return super(CrmCampaign, self).action_plan()


class CrmCampaignMember(models.Model):
    _inherit = "crm.campaign.member"

    arm_id = fields.Many2one("crm.campaign.arm", string="Offer", readonly=True,
                             ondelete="set null", index=True,
                             help="The offer the member was drawn for (target group).")
