# Copyright 2026 crm_lifecycle contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""A customer's completed survey becomes a feedback touchpoint carrying the
NPS and CSAT of the questions marked as such, and follows the answer."""
from odoo.addons.crm_lifecycle import compat
from odoo.addons.crm_lifecycle.tests.common import CrmLifecycleCase


class TestSurveyFeedback(CrmLifecycleCase):
    @classmethod
    def setUpClass(cls):
        super(TestSurveyFeedback, cls).setUpClass()
        cls.customer.user_id = cls.salesman
        cls.survey = cls.env["survey.survey"].create({"title": "How did we do?"})
        page = compat.survey_page(cls.survey, "Feedback")
        cls.nps = compat.survey_question(
            page, "How likely are you to recommend us (0-10)?", "numerical_box",
            lifecycle_score="nps")
        cls.csat = compat.survey_question(
            page, "How satisfied are you?", "simple_choice", lifecycle_score="csat",
            choices=[(label, mark) for mark, label in enumerate(
                ["Very unhappy", "Unhappy", "So-so", "Happy", "Very happy"], 1)])
        cls.comment = compat.survey_question(page, "Anything else?", "numerical_box")

    def answer(self, partner, nps=None, csat=None, other=None):
        answer = self.env["survey.user_input"].create({
            "survey_id": self.survey.id, "partner_id": partner.id})
        if nps is not None:
            compat.survey_answer_line(answer, self.nps, number=nps)
        if csat is not None:
            compat.survey_answer_line(answer, self.csat, score=csat)
        if other is not None:
            compat.survey_answer_line(answer, self.comment, number=other)
        return answer

    def feedback_of(self, answer):
        return self.Touchpoint.search(
            [("external_ref", "=", "survey.user_input,%d" % answer.id)])

    def test_completed_survey_becomes_scored_feedback(self):
        answer = self.answer(self.contact, nps=3, csat=4, other=42)
        self.assertFalse(self.feedback_of(answer), "not completed yet")
        answer.state = "done"
        touchpoint = self.feedback_of(answer)
        self.assertEqual(
            (touchpoint.kind, touchpoint.direction, touchpoint.nps_score, touchpoint.csat_score,
             touchpoint.commercial_partner_id, touchpoint.user_id, touchpoint.subject),
            ("feedback", "inbound", "3", "4", self.customer, self.salesman, "How did we do?"))
        # a score of 0 is a score; out of range answers are none
        zero = self.answer(self.person, nps=0)
        zero.state = "done"
        self.assertEqual(self.feedback_of(zero).nps_score, "0")
        odd = self.answer(self.person, nps=12)
        odd.state = "done"
        self.assertFalse(self.feedback_of(odd).nps_score)
        self.assertEqual(self.feedback_of(odd).kind, "feedback")

    def test_reopened_or_deleted_answer_takes_its_touchpoint_away(self):
        answer = self.answer(self.person, csat=2)
        answer.state = "done"
        self.assertEqual(self.feedback_of(answer).csat_score, "2")
        answer.state = compat.SURVEY_INPUT_OPEN
        self.assertFalse(self.feedback_of(answer))
        answer.state = "done"
        self.assertTrue(self.feedback_of(answer))
        answer.unlink()
        self.assertFalse(self.Touchpoint.search(
            [("external_ref", "like", "survey.user_input,%"),
             ("partner_id", "=", self.person.id)]))

    def test_anonymous_and_staff_answers_are_not_customer_feedback(self):
        staff = self.answer(self.employee.partner_id, nps=10)
        staff.state = "done"
        self.assertFalse(self.feedback_of(staff))
        anonymous = self.env["survey.user_input"].create({"survey_id": self.survey.id})
        anonymous.state = "done"
        self.assertFalse(self.feedback_of(anonymous))

    def test_install_captures_the_surveys_completed_before(self):
        from .. import post_init_hook
        answer = self.answer(self.person, nps=9)
        answer.state = "done"
        self.feedback_of(answer).unlink()
        post_init_hook(self.env.cr, self.env.registry)
        self.assertEqual(self.feedback_of(answer).nps_score, "9")
