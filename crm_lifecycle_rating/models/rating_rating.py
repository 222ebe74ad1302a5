# Copyright 2026 crm_lifecycle contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import models

from odoo.addons.crm_lifecycle import compat

SYNC_FIELDS = {"rating", "consumed", "partner_id", "rated_partner_id", "feedback"}


class RatingRating(models.Model):
    _inherit = "rating.rating"

    @compat.model_create_multi
    def create(self, vals_list):
        ratings = compat.create_records(super(RatingRating, self).create, vals_list)
        self.env["crm.touchpoint"]._capture_sync("_sync_ratings", ratings.ids)
        return ratings

    def write(self, values):
        result = super(RatingRating, self).write(values)
        if SYNC_FIELDS & set(values):
            self.env["crm.touchpoint"]._capture_sync("_sync_ratings", self.ids)
        return result

    def unlink(self):
        ids = self.ids
        result = super(RatingRating, self).unlink()
        self.env["crm.touchpoint"]._capture_sync("_sync_ratings", ids)
        return result
