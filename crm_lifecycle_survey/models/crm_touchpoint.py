# Copyright 2026 crm_lifecycle contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Completed surveys as feedback touchpoints, set-based like the other
sources: one per customer's completed answer, dated when it was completed,
credited to the customer's salesperson, with the NPS and CSAT of the
questions marked as such."""
from odoo import api, models

from odoo.addons.crm_lifecycle import compat
from odoo.addons.crm_lifecycle.models.crm_touchpoint_sync import NOT_INTERNAL


class CrmTouchpoint(models.Model):
    _inherit = "crm.touchpoint"

    @api.model
    def _sync_surveys(self, ids=None):
        """Touchpoints of the customers' completed surveys."""
        p = self._sync_params()
        ids_filter = self._sync_ids_filter("ui.id", ids, p)
        select = """
            SELECT ui.partner_id AS partner_id, {date} AS date,
                   %(ch_web)s AS channel_id, 'inbound' AS direction, 'feedback' AS kind,
                   cp.user_id AS user_id, u.sale_team_id AS team_id,
                   COALESCE(u.company_id, %(company)s) AS company_id,
                   left({title}, 256) AS subject, NULL AS summary,
                   NULL::numeric AS amount, NULL::int AS currency_id,
                   'survey.survey' AS res_model, s.id AS res_id, NULL::int AS campaign_id,
                   'odoo' AS source_system, 'survey.user_input,' || ui.id AS external_ref,
                   NULL::numeric AS cost_amount, sc.nps AS nps_score, sc.csat AS csat_score
              FROM survey_user_input ui
              JOIN survey_survey s ON s.id = ui.survey_id
              JOIN res_partner pa ON pa.id = ui.partner_id
              JOIN res_partner cp ON cp.id = COALESCE(pa.commercial_partner_id, pa.id)
              LEFT JOIN res_users u ON u.id = cp.user_id
              LEFT JOIN LATERAL (
                    -- the number given, or the score of the choice picked
                    SELECT (array_agg(x.v::text ORDER BY l.id) FILTER (
                                WHERE q.lifecycle_score = 'nps' AND x.v BETWEEN 0 AND 10))[1]
                               AS nps,
                           (array_agg(x.v::text ORDER BY l.id) FILTER (
                                WHERE q.lifecycle_score = 'csat' AND x.v BETWEEN 1 AND 5))[1]
                               AS csat
                      FROM survey_user_input_line l
                      JOIN survey_question q ON q.id = l.question_id
                     CROSS JOIN LATERAL (
                           SELECT round({value})::int AS v) x
                     WHERE l.user_input_id = ui.id AND NOT COALESCE(l.skipped, false)
                       AND q.lifecycle_score IS NOT NULL) sc ON TRUE
             WHERE ui.state = 'done' AND ui.partner_id IS NOT NULL AND {ids}
               AND {not_internal}
        """.format(ids=ids_filter, not_internal=NOT_INTERNAL.format(partner="ui.partner_id"),
                   date=compat.SURVEY_INPUT_DATE_SQL, value=compat.SURVEY_LINE_VALUE_SQL,
                   title=compat.text_sql("s.title", self.env["survey.survey"]._fields["title"]))
        count = self._sync_insert(select, p, extra=["nps_score", "csat_score"])
        self._sync_delete_gone(
            "survey.user_input", "r.state = 'done' AND r.partner_id IS NOT NULL", ids, p)
        return count

    @api.model
    def _sync_sources(self):
        sources = super(CrmTouchpoint, self)._sync_sources()
        sources["surveys"] = self._sync_surveys
        return sources
