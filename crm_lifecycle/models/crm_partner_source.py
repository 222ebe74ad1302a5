# Copyright 2026 crm_lifecycle contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models


class CrmPartnerSource(models.Model):
    """Where a customer record came from: one row per departmental list
    (source system) and row key. Re-importing a list finds its customers by
    these keys: unchanged rows change nothing, changed rows update."""

    _name = "crm.partner.source"
    _description = "Customer Source Record"
    _order = "source_system, external_ref"
    _rec_name = "external_ref"

    partner_id = fields.Many2one("res.partner", string="Customer", required=True, index=True,
                                 ondelete="cascade")
    source_system = fields.Char(
        string="Source", required=True,
        help="The list or system the row comes from, e.g. 'sales_be' or 'shop'.")
    external_ref = fields.Char(string="Row Key", required=True,
                               help="The key of the row in its source.")
    row_hash = fields.Char(string="Row Fingerprint", readonly=True,
                           help="Fingerprint of the imported values, to tell a changed row.")
    company_id = fields.Many2one("res.company", string="Company",
                                 related="partner_id.company_id", store=True, readonly=True)
    last_import_date = fields.Datetime(string="Last Imported", readonly=True)

    _sql_constraints = [
        ("source_ref_uniq", "UNIQUE (source_system, external_ref)",
         "A row key is imported once per source."),
    ]
