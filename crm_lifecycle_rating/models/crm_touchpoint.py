# Copyright 2026 crm_lifecycle contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Ratings as feedback touchpoints, set-based like the other sources.

Odoo's rating has three faces: satisfied, okay (11: not satisfied), bad
(11: highly dissatisfied); 0 is not rated yet (the values differ by
version: see `compat.RATING_TOP`). They become the CSAT scores 5, 3 and 1
of an inbound feedback touchpoint on the web channel, credited to the user
whose work was rated, dated when the customer rated."""
from odoo import api, models

from odoo.addons.crm_lifecycle import compat
from odoo.addons.crm_lifecycle.models.crm_touchpoint_sync import HTML_TO_TEXT, NOT_INTERNAL

# a rating that is customer feedback (`r`: the rating)
QUALIFIES = "r.consumed AND r.rating > 0 AND r.partner_id IS NOT NULL"
# the rating's value as a CSAT score (1-5)
CSAT_OF_RATING = "CASE WHEN r.rating >= %d THEN '5' WHEN r.rating >= %d THEN '3' ELSE '1' END" % (
    compat.RATING_TOP_MIN, compat.RATING_OKAY_MIN)


class CrmTouchpoint(models.Model):
    _inherit = "crm.touchpoint"

    @api.model
    def _sync_ratings(self, ids=None):
        """Touchpoints of the customers' filled ratings."""
        p = self._sync_params()
        ids_filter = self._sync_ids_filter("r.id", ids, p)
        select = """
            SELECT r.partner_id AS partner_id, COALESCE(r.write_date, r.create_date) AS date,
                   %(ch_web)s AS channel_id, 'inbound' AS direction, 'feedback' AS kind,
                   u.id AS user_id, u.sale_team_id AS team_id,
                   COALESCE(u.company_id, %(company)s) AS company_id,
                   left(COALESCE(r.res_name, r.res_model), 256) AS subject,
                   {summary} AS summary,
                   NULL::numeric AS amount, NULL::int AS currency_id,
                   r.res_model AS res_model, r.res_id AS res_id, NULL::int AS campaign_id,
                   'odoo' AS source_system, 'rating.rating,' || r.id AS external_ref,
                   NULL::numeric AS cost_amount, {csat} AS csat_score
              FROM rating_rating r
              LEFT JOIN LATERAL (
                    SELECT ru.id, ru.sale_team_id, ru.company_id FROM res_users ru
                     WHERE ru.partner_id = r.rated_partner_id AND NOT ru.share
                     ORDER BY ru.id LIMIT 1) u ON TRUE
             WHERE {qualifies} AND {ids}
               AND {not_internal}
        """.format(summary=HTML_TO_TEXT.format(html="COALESCE(r.feedback, '')"),
                   csat=CSAT_OF_RATING, ids=ids_filter, qualifies=QUALIFIES,
                   not_internal=NOT_INTERNAL.format(partner="r.partner_id"))
        count = self._sync_insert(select, p, extra=["csat_score"])
        self._sync_delete_gone("rating.rating", QUALIFIES, ids, p)
        return count

    @api.model
    def _sync_sources(self):
        sources = super(CrmTouchpoint, self)._sync_sources()
        sources["ratings"] = self._sync_ratings
        return sources
