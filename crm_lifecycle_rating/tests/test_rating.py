# Copyright 2026 crm_lifecycle contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""A customer's rating becomes a scored feedback touchpoint, and follows it."""
from odoo.addons.crm_lifecycle import compat
from odoo.addons.crm_lifecycle.tests.common import CrmLifecycleCase


class TestRatingFeedback(CrmLifecycleCase):
    def rate(self, partner, value, **vals):
        return self.env["rating.rating"].create(dict({
            "res_model_id": self.env["ir.model"]._get("res.partner").id,
            "res_id": self.customer.id, "partner_id": partner.id,
            "rated_partner_id": self.salesman.partner_id.id, "rating": value,
            "consumed": True, "feedback": "<p>The delivery was late</p>"}, **vals))

    def feedback_of(self, rating):
        return self.Touchpoint.search([("external_ref", "=", "rating.rating,%d" % rating.id)])

    def test_rating_becomes_a_scored_touchpoint_and_follows_it(self):
        rating = self.rate(self.contact, compat.RATING_BAD)
        touchpoint = self.feedback_of(rating)
        self.assertEqual(
            (touchpoint.kind, touchpoint.direction, touchpoint.csat_score,
             touchpoint.commercial_partner_id, touchpoint.user_id, touchpoint.channel_id.code),
            ("feedback", "inbound", "1", self.customer, self.salesman, "web"))
        self.assertEqual(touchpoint.summary, "The delivery was late")
        rating.write({"rating": compat.RATING_TOP})
        self.assertEqual(self.feedback_of(rating).csat_score, "5")
        rating.write({"rating": compat.RATING_OKAY})
        self.assertEqual(self.feedback_of(rating).csat_score, "3")
        rating.write({"consumed": False})
        self.assertFalse(self.feedback_of(rating), "a withdrawn rating is no feedback")

    def test_unfilled_and_staff_ratings_are_not_feedback(self):
        self.assertFalse(self.feedback_of(self.rate(self.person, 0)), "not rated yet")
        self.assertFalse(self.feedback_of(self.rate(self.employee.partner_id, compat.RATING_TOP)),
                         "an employee's rating is not a customer's")
        rating = self.rate(self.person, compat.RATING_OKAY)
        rating.unlink()
        self.assertFalse(self.Touchpoint.search([("external_ref", "like", "rating.rating,%"),
                                                 ("partner_id", "=", self.person.id)]))

    def test_rebuild_finds_the_ratings(self):
        rating = self.rate(self.person, compat.RATING_TOP)
        self.feedback_of(rating).unlink()
        self.Touchpoint._rebuild_from_sources()
        self.assertEqual(self.feedback_of(rating).csat_score, "5")

    def test_install_captures_the_ratings_given_before(self):
        from .. import post_init_hook
        rating = self.rate(self.person, compat.RATING_TOP)
        self.feedback_of(rating).unlink()
        post_init_hook(self.env.cr, self.env.registry)
        self.assertEqual(self.feedback_of(rating).csat_score, "5")
