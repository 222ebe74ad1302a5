# Copyright 2026 crm_lifecycle contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models

from odoo.addons.crm_lifecycle import compat

SCORES = [("nps", "Net Promoter Score (0-10)"), ("csat", "Satisfaction (CSAT, 1-5)")]
SYNC_FIELDS = {"state", "partner_id", "survey_id"}


class SurveyQuestion(models.Model):
    _inherit = "survey.question"

    lifecycle_score = fields.Selection(
        SCORES, string="Customer Score",
        help="The answer to this question is the customer's score on the feedback touchpoint "
             "of a completed survey: the number given (numerical value question) or the score "
             "of the choice picked (multiple choice with one answer: its 'Score for this "
             "choice'). Answers outside 0-10 (NPS) or 1-5 (CSAT) are ignored.")


class SurveyUserInput(models.Model):
    _inherit = "survey.user_input"

    @compat.model_create_multi
    def create(self, vals_list):
        answers = compat.create_records(super(SurveyUserInput, self).create, vals_list)
        self.env["crm.touchpoint"]._capture_sync("_sync_surveys", answers.ids)
        return answers

    def write(self, values):
        result = super(SurveyUserInput, self).write(values)
        if SYNC_FIELDS & set(values):
            self.env["crm.touchpoint"]._capture_sync("_sync_surveys", self.ids)
        return result

    def unlink(self):
        ids = self.ids
        result = super(SurveyUserInput, self).unlink()
        self.env["crm.touchpoint"]._capture_sync("_sync_surveys", ids)
        return result
