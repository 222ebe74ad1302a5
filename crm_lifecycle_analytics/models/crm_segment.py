# Copyright 2026 crm_lifecycle contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Lifecycle shortcuts of a segment rule: the RFM segment, lapse risk,
value tier and whether the customer bought, picked from four lists instead
of found among a hundred partner fields. They are conditions on the
customer's metrics in the segment's company, added to the rule."""
from odoo import fields, models

from .crm_customer_metrics import LAPSE_BANDS, SEGMENT_SELECTION, VALUE_TIERS

# the customers with metrics in the company that match the conditions
IN_METRICS = '"res_partner".id IN (SELECT partner_id FROM crm_customer_metrics ' \
    'WHERE company_id = %%s%s)'
NOT_IN_METRICS = '"res_partner".id NOT IN (SELECT partner_id FROM crm_customer_metrics ' \
    'WHERE company_id = %%s%s)'
SHORTCUTS = [("lifecycle_rfm_segment", " AND rfm_segment = %s"),
             ("lifecycle_lapse_band", " AND lapse_band = %s"),
             ("lifecycle_value_tier", " AND value_tier = %s")]
BOUGHT = " AND purchase_count > 0"
# unprofitable or low-margin (the three least profitable tenths) customers a
# cheaper channel would make more profitable (the channel-shift what-if)
WORTH_SHIFTING = " AND shift_gain > 0 AND (profit < 0 OR profit_decile >= 8)"
WORTH_SHIFTING_DOMAIN = ["&", ("shift_gain", ">", 0), "|", ("profit", "<", 0),
                         ("profit_decile", ">=", 8)]


class CrmSegment(models.Model):
    _inherit = "crm.segment"

    lifecycle_rfm_segment = fields.Selection(
        SEGMENT_SELECTION, string="RFM Segment",
        help="Only the customers of this RFM segment (from their latest metrics).")
    lifecycle_lapse_band = fields.Selection(
        LAPSE_BANDS, string="Lapse Risk",
        help="Only the customers of this lapse risk (from their latest metrics).")
    lifecycle_value_tier = fields.Selection(
        VALUE_TIERS, string="Value Tier",
        help="Only the customers of this value tier (from their latest metrics).")
    lifecycle_bought = fields.Selection(
        [("bought", "Bought"), ("not_bought", "Never Bought")], string="Purchases",
        help="Only the customers who bought (at least one purchase), or only those who "
             "never did.")

    lifecycle_worth_shifting = fields.Boolean(
        string="Worth a Cheaper Channel",
        help="Only the unprofitable or low-margin customers (the three least profitable "
             "tenths) whose outbound contacts would cost less through a channel their "
             "consent allows (from their latest metrics).")

    def _rule_filters(self):
        filters = super(CrmSegment, self)._rule_filters()
        conditions, params = [], [self.company_id.id]
        for field, condition in SHORTCUTS:
            if self[field]:
                conditions.append(condition)
                params.append(self[field])
        if self.lifecycle_bought == "bought":
            conditions.append(BOUGHT)
        if self.lifecycle_worth_shifting:
            conditions.append(WORTH_SHIFTING)
        if conditions:
            filters.append((IN_METRICS % "".join(conditions), params))
        if self.lifecycle_bought == "not_bought":
            filters.append((NOT_IN_METRICS % BOUGHT, [self.company_id.id]))
        return filters
