# Copyright 2026 crm_lifecycle contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import models


class SaleOrder(models.Model):
    _inherit = "sale.order"

    def _action_confirm(self):
        res = super(SaleOrder, self)._action_confirm()
        self.env["crm.touchpoint"]._capture_sync("_sync_orders", self.ids)
        return res

    def action_cancel(self):
        res = super(SaleOrder, self).action_cancel()
        self.env["crm.touchpoint"]._capture_sync("_sync_orders", self.ids)
        return res

    def action_draft(self):
        res = super(SaleOrder, self).action_draft()
        self.env["crm.touchpoint"]._capture_sync("_sync_orders", self.ids)
        return res
