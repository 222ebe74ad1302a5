# Copyright 2026 crm_lifecycle contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import _, fields, models, tools

from odoo.addons.crm_lifecycle import compat


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
    sample_size = fields.Integer(
        string="Fitted On", readonly=True,
        help="Customers the models were fitted on: all the customers with a purchase, or "
             "a random sample of them (the same one every night) above a few hundred "
             "thousand, where more customers no longer change the estimates.")
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
    # the holdout check: the purchase model fitted again on the history up
    # to a cut-off, its predictions for the days after set against the
    # purchases made
    holdout_days = fields.Integer(
        string="Holdout Period (days)", readonly=True,
        help="Days after the cut-off over which predicted and actual purchases are compared.")
    holdout_cutoff = fields.Date(
        string="Cut-Off", readonly=True,
        help="The model of the check was fitted on the purchases up to this day only.")
    holdout_customers = fields.Integer(
        string="Customers Checked", readonly=True,
        help="Customers who had bought before the cut-off (or a random sample of them).")
    holdout_predicted = fields.Float(
        string="Predicted Purchases", digits=(16, 1), readonly=True,
        help="Purchases the model fitted up to the cut-off expected in the holdout period.")
    holdout_actual = fields.Float(
        string="Actual Purchases", digits=(16, 1), readonly=True,
        help="Purchases the same customers made in the holdout period.")
    holdout_error = fields.Float(
        string="Error (%)", digits=(6, 1), readonly=True, **compat.aggregator("avg"),
        help="Predicted less actual purchases, in percent of the actual ones: near 0 when "
             "the predictions can be trusted.")
    check_ids = fields.One2many(
        "crm.clv.model.check", "model_id", string="Holdout Check", readonly=True)

    def bg_params(self):
        self.ensure_one()
        return {"r": self.bg_r, "alpha": self.bg_alpha, "a": self.bg_a, "b": self.bg_b}

    def gg_params(self):
        self.ensure_one()
        return {"p": self.gg_p, "q": self.gg_q, "gamma": self.gg_gamma}

    def action_holdout_graph(self):
        self.ensure_one()
        action = self.env.ref("crm_lifecycle_analytics.crm_clv_model_check_series_action")
        result = compat.action_values(action)
        result.update({
            "domain": [("model_id", "=", self.id)],
            "name": _("Holdout Check of %s") % self.display_name,
        })
        return result


class CrmClvModelCheck(models.Model):
    """One line of a model's holdout check: the customers with a number of
    repeat purchases before the cut-off, and their purchases after it,
    predicted and actual (per customer)."""

    _name = "crm.clv.model.check"
    _description = "Lifetime Value Model Holdout Check"
    _order = "model_id, repeat_purchases"
    _log_access = False

    model_id = fields.Many2one(
        "crm.clv.model", string="Model", required=True, readonly=True, index=True,
        ondelete="cascade")
    company_id = fields.Many2one(
        "res.company", related="model_id.company_id", store=True, readonly=True)
    repeat_purchases = fields.Integer(
        string="Repeat Purchases", readonly=True,
        help="Repeat purchases before the cut-off (the last line: this many or more).")
    name = fields.Char(string="Repeat Purchases Before the Cut-Off", readonly=True)
    customers = fields.Integer(string="Customers", readonly=True)
    predicted = fields.Float(
        string="Predicted per Customer", digits=(10, 3), readonly=True, **compat.aggregator("avg"),
        help="Mean purchases per customer the model expected after the cut-off.")
    actual = fields.Float(
        string="Actual per Customer", digits=(10, 3), readonly=True, **compat.aggregator("avg"),
        help="Mean purchases per customer made after the cut-off.")


class CrmClvModelCheckSeries(models.Model):
    """The holdout check as two series (predicted, actual) per line, for a
    graph that shows them side by side."""

    _name = "crm.clv.model.check.series"
    _description = "Lifetime Value Model Holdout Check (graph)"
    _auto = False
    _order = "model_id, repeat_purchases, series desc"

    model_id = fields.Many2one("crm.clv.model", string="Model", readonly=True)
    company_id = fields.Many2one("res.company", string="Company", readonly=True)
    repeat_purchases = fields.Integer(string="Repeat Purchases", readonly=True)
    name = fields.Char(string="Repeat Purchases Before the Cut-Off", readonly=True)
    series = fields.Selection(
        [("predicted", "Predicted"), ("actual", "Actual")], string="Series", readonly=True)
    purchases = fields.Float(
        string="Purchases per Customer", digits=(10, 3), readonly=True)

    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute("""
            CREATE VIEW crm_clv_model_check_series AS
            SELECT c.id * 2 AS id, c.model_id, c.company_id, c.repeat_purchases, c.name,
                   'predicted'::varchar AS series, c.predicted AS purchases
              FROM crm_clv_model_check c
            UNION ALL
            SELECT c.id * 2 + 1, c.model_id, c.company_id, c.repeat_purchases, c.name,
                   'actual'::varchar, c.actual
              FROM crm_clv_model_check c
        """)
