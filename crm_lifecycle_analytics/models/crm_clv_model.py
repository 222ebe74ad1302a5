# Copyright 2026 crm_lifecycle contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models


class CrmClvModel(models.Model):
    """The customer models fitted by one recompute of the metrics: what the
    predicted values of that day rest on."""

    _name = "crm.clv.model"
    _description = "Customer Lifetime Value Model"
    _order = "date desc, id desc"
    _rec_name = "date"

    company_id = fields.Many2one(
        "res.company", string="Company", required=True, readonly=True, index=True)
    date = fields.Date(
        string="As Of", required=True, readonly=True,
        help="Purchases up to the end of this day were used.")
    calibration_start = fields.Date(
        string="Calibration From", readonly=True,
        help="The first purchase in the data the model was fitted on.")
    time_unit = fields.Char(
        string="Time Unit", readonly=True, default="day",
        help="The unit of the purchase model's alpha and of recency and tenure.")
    customers = fields.Integer(
        string="Customers", readonly=True, help="Customers with at least one purchase.")
    repeat_customers = fields.Integer(
        string="Repeat Customers", readonly=True,
        help="Customers with at least two purchases (on different days): they carry the "
             "information on purchase rates, dropout and spend.")
    state = fields.Selection([
        ("fitted", "Fitted"),
        ("not_enough_data", "Not Enough Data"),
    ], string="Status", readonly=True, required=True, default="fitted",
        help="Without repeat customers no model is fitted: the metrics then carry the "
             "history only, without predictions.")
    bg_r = fields.Float(
        string="r", digits=(12, 6), readonly=True,
        help="BG/NBD: shape of the gamma distribution of purchase rates.")
    bg_alpha = fields.Float(
        string="alpha", digits=(12, 6), readonly=True,
        help="BG/NBD: scale of the gamma distribution of purchase rates (in the time unit).")
    bg_a = fields.Float(
        string="a", digits=(12, 6), readonly=True,
        help="BG/NBD: beta distribution of the dropout probability after a purchase.")
    bg_b = fields.Float(
        string="b", digits=(12, 6), readonly=True,
        help="BG/NBD: beta distribution of the dropout probability after a purchase.")
    bg_log_likelihood = fields.Float(
        string="BG/NBD Log-Likelihood", digits=(16, 3), readonly=True)
    gg_p = fields.Float(
        string="p", digits=(12, 6), readonly=True,
        help="Gamma-Gamma: shape of the spend per purchase of a customer.")
    gg_q = fields.Float(
        string="q", digits=(12, 6), readonly=True,
        help="Gamma-Gamma: shape of the distribution of customers' mean spend.")
    gg_gamma = fields.Float(
        string="gamma", digits=(12, 6), readonly=True,
        help="Gamma-Gamma: scale of the distribution of customers' mean spend.")
    gg_log_likelihood = fields.Float(
        string="Gamma-Gamma Log-Likelihood", digits=(16, 3), readonly=True)
    mean_spend = fields.Float(
        string="Population Mean Spend", digits=(16, 2), readonly=True,
        help="Expected spend per purchase of a customer the model knows nothing about: "
             "p gamma / (q - 1).")
    duration = fields.Float(
        string="Recompute Time (s)", digits=(10, 2), readonly=True)

    def bg_params(self):
        self.ensure_one()
        return {"r": self.bg_r, "alpha": self.bg_alpha, "a": self.bg_a, "b": self.bg_b}

    def gg_params(self):
        self.ensure_one()
        return {"p": self.gg_p, "q": self.gg_q, "gamma": self.gg_gamma}
