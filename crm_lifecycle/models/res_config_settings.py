# Copyright 2026 crm_lifecycle contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import _, api, fields, models
from odoo.exceptions import AccessError, ValidationError

from .crm_campaign import universal_holdout

# default score from which two customers are listed as possible duplicates,
# chosen from the precision/recall sweep that `make bench` prints
DUPLICATE_THRESHOLD = 0.75


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    lifecycle_capture_mail = fields.Boolean(
        string="Capture Emails",
        help="Emails and comments exchanged with a customer in the chatter of "
        "the customer or of a document linked to it become touchpoints.",
    )
    lifecycle_capture_activities = fields.Boolean(
        string="Capture Activities",
        help="Activities marked as done (calls, meetings, emails) become "
        "touchpoints of the customer they concern.",
    )
    lifecycle_capture_meetings = fields.Boolean(
        string="Capture Meetings",
        help="Calendar meetings with customer attendees become touchpoints.",
    )
    lifecycle_duplicate_threshold = fields.Float(
        string="Duplicate Threshold", digits=(3, 2),
        help="Pairs of customers scoring at least this (0 to 1) are listed as possible "
        "duplicates. Lower finds more pairs and more false ones.",
    )
    lifecycle_duplicate_precision = fields.Float(
        string="Expected Precision (%)", compute="_compute_duplicate_quality", digits=(5, 1),
        help="The share of the proposed pairs the duplicate finder's learnt weights expect to "
        "be one customer, at the threshold above.")
    lifecycle_duplicate_recall = fields.Float(
        string="Expected Recall (%)", compute="_compute_duplicate_quality", digits=(5, 1),
        help="The share of the customers written twice the learnt weights expect to be "
        "proposed, at the threshold above.")
    lifecycle_duplicate_suggested = fields.Float(
        string="Suggested Threshold", compute="_compute_duplicate_quality", digits=(3, 2),
        help="The lowest threshold at which the learnt weights expect 99 % of the proposed "
        "pairs to be right.")
    lifecycle_duplicate_learnt = fields.Boolean(compute="_compute_duplicate_quality")
    lifecycle_universal_holdout_percent = fields.Float(
        string="Universal Holdout (%)", digits=(4, 1),
        help="Share of the customers kept out of every campaign (at most 10 %; 2 to 5 % is "
             "usual; 0: none), drawn at random once per customer and stable: new customers "
             "enter it at the same rate. Comparing them with the others measures what all "
             "the campaigns together earn.")
    module_crm_lifecycle_analytics = fields.Boolean(
        string="Customer Analytics",
        help="Install Customer Lifecycle Analytics: RFM segments, lifetime "
        "value, lapse risk, profitability and staff performance.",
    )

    @api.depends("lifecycle_duplicate_threshold")
    def _compute_duplicate_quality(self):
        """From the duplicate finder's weights learnt for the user's company
        (else for all customers), at the threshold being set."""
        Model = self.env["crm.duplicate.model"]
        learnt = (Model.search([("company_id", "=", self.env.user.company_id.id)], limit=1)
                  or Model.search([("company_id", "=", False)], limit=1))
        for settings in self:
            settings.lifecycle_duplicate_learnt = bool(learnt)
            if not learnt:
                continue
            threshold = settings.lifecycle_duplicate_threshold or DUPLICATE_THRESHOLD
            settings.lifecycle_duplicate_precision, settings.lifecycle_duplicate_recall = \
                learnt.quality(threshold)
            settings.lifecycle_duplicate_suggested = learnt.suggested_threshold

    @api.model
    def _lifecycle_param_fields(self):
        """Settings stored as system parameters.

        Return {field name: (ir.config_parameter key, default)}; other
        modules of the suite extend it. Odoo 11 has no `config_parameter=`
        field attribute (it arrives in 12), so get/set go through here.
        port>=12: use fields.X(config_parameter="...") and drop the helpers.
        """
        return {
            "lifecycle_capture_mail": ("crm_lifecycle.capture_mail", True),
            "lifecycle_capture_activities": ("crm_lifecycle.capture_activities", True),
            "lifecycle_capture_meetings": ("crm_lifecycle.capture_meetings", True),
            "lifecycle_duplicate_threshold": ("crm_lifecycle.duplicate_threshold",
                                              DUPLICATE_THRESHOLD),
            "lifecycle_universal_holdout_percent": ("crm_lifecycle.universal_holdout_percent",
                                                    0.0),
        }

    @api.model
    def _lifecycle_read_param(self, name):
        """Typed value of lifecycle setting `name`, read from its parameter."""
        key, default = self._lifecycle_param_fields()[name]
        # sudo: settings are stored as system parameters
        raw = self.env["ir.config_parameter"].sudo().get_param(key)
        if not raw:  # get_param answers False for a missing key
            return default
        ftype = self._fields[name].type
        if ftype == "boolean":
            return raw not in ("False", "0", "false")
        if ftype == "integer":
            return int(raw)
        if ftype == "float":
            return float(raw)
        return raw

    @api.constrains("lifecycle_duplicate_threshold", "lifecycle_universal_holdout_percent")
    def _check_duplicate_threshold(self):
        for settings in self:
            if not 0 <= settings.lifecycle_universal_holdout_percent <= 10:
                raise ValidationError(_(
                    "The universal holdout is a share of the customers between 0 and 10 %%, "
                    "not %s %%.") % settings.lifecycle_universal_holdout_percent)
            if not 0 < settings.lifecycle_duplicate_threshold <= 1:
                raise ValidationError(_(
                    "The duplicate threshold is a score between 0 and 1, not %s.")
                    % settings.lifecycle_duplicate_threshold)

    @api.model
    def get_values(self):
        res = super(ResConfigSettings, self).get_values()
        for name in self._lifecycle_param_fields():
            res[name] = self._lifecycle_read_param(name)
        return res

    def set_values(self):
        # Odoo 11 checks this in execute() only, while set_values() can be
        # called over RPC on a settings record anyone may create
        if not self.env.user._is_admin():
            raise AccessError(_("Only administrators can change the settings."))
        super(ResConfigSettings, self).set_values()
        # sudo: settings are stored as system parameters
        params = self.env["ir.config_parameter"].sudo()
        for name, (key, _default) in self._lifecycle_param_fields().items():
            value = self[name]
            if value is False and self._fields[name].type != "boolean":
                value = ""
            params.set_param(key, str(value))
        # the universal holdout's seed drawn now, when it is turned on, not by the first
        # two campaigns that might use it at the same moment
        universal_holdout(self.env)
