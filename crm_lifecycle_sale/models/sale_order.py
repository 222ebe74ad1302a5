# Copyright 2026 crm_lifecycle contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import models


class SaleOrder(models.Model):
    _inherit = "sale.order"

    def write(self, values):
        """The purchase touchpoint follows the order's state, whichever path
        writes it: confirming, cancelling, back to quotation, locking, and
        the paths that skip the actions' methods (18: the mass cancel
        wizard calls `_action_cancel`)."""
        result = super(SaleOrder, self).write(values)
        if "state" in values:
            self.env["crm.touchpoint"]._capture_sync("_sync_orders", self.ids)
        return result
