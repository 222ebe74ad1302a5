# Copyright 2026 crm_lifecycle contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Touchpoints made from Odoo's own history, set-based.

Each source (chatter messages and done activities, meetings, leads; sale
orders in the crm_lifecycle_sale bridge) has one `_sync_<source>(ids)`
method: a single INSERT ... SELECT ... ON CONFLICT DO UPDATE that creates or
repairs the touchpoints of the given source records (all of them when `ids`
is None), plus a DELETE of the touchpoints whose source no longer qualifies.
Live capture (hooks on create/write) and the backfill ("Rebuild
touchpoints", post-init hook) run the same statements, so both give the
same rows and running either twice changes nothing.
"""
import logging

from psycopg2 import sql

from odoo import _, api, models, tools
from odoo.exceptions import AccessError

from .. import compat
from ..guard import check_companies
from .crm_touchpoint import UPSERT_COLUMNS

_logger = logging.getLogger(__name__)

NOT_INTERNAL = """NOT EXISTS (SELECT 1 FROM res_users iu
                               WHERE iu.partner_id = {partner} AND NOT iu.share)"""
# the campaign of a message: the document's, or for a done campaign call or
# visit, the campaign of the member it contacted
CAMPAIGN_OF_MESSAGE = """COALESCE({campaign}, (
    SELECT c.utm_campaign_id FROM crm_campaign_member cm
      JOIN crm_campaign c ON c.id = cm.campaign_id
     WHERE cm.contact_message_id = m.id LIMIT 1))"""
# the text of an Html value: tags dropped, the entities a sanitised body
# holds decoded (&amp; last, so that "&amp;lt;" stays "&lt;"), no-break and
# other spaces folded
HTML_TO_TEXT = (
    "left(btrim(regexp_replace("
    "replace(replace(replace(replace(replace(replace(replace("
    "regexp_replace({html}, '<[^>]*>', ' ', 'g'), "
    "'&nbsp;', ' '), '&lt;', '<'), '&gt;', '>'), '&quot;', '\"'), '&#39;', ''''), "
    "'&amp;', '&'), chr(160), ' '), "
    "'\\s+', ' ', 'g')), 4000)")


class CrmTouchpoint(models.Model):
    _inherit = "crm.touchpoint"

    # ------------------------------------------------------------ engine
    # sql-write: touchpoints made from Odoo's documents (capture, rebuild) as the system under
    # the reserved source 'odoo'; every value comes from the document, none from a user;
    # action_rebuild checks the manager group
    @api.model
    def _sync_insert(self, select, params, extra=()):
        """Upsert the rows of `select` (columns in UPSERT_COLUMNS order, then
        the `extra` ones of FEEDBACK_COLUMNS a source fills, e.g. a score)."""
        cols = [c for c, _t in UPSERT_COLUMNS] + list(extra)
        source = sql.SQL("({select}) AS s").format(select=sql.SQL(select))
        query = self._upsert_sql(cols, source, sql.SQL("%(uid)s"))
        params = dict(params, uid=self.env.uid)
        # the ORM's pending writes reach the tables before this query
        compat.flush(self.env)
        if "ids" in params:
            # live capture of a few records
            self.env.cr.execute(query, params)
            written = [row[0] for row in self.env.cr.fetchall()]
            self._touchpoints_written(written)
            return len(written)
        # a rebuild of the whole history: counted, not returned (millions)
        self.env.cr.execute(sql.SQL("WITH w AS ({}) SELECT count(*) FROM w").format(query),
                            params)
        count = self.env.cr.fetchone()[0]
        if count:
            self._touchpoints_written(None)
        return count

    # sql-write: only captured rows (source 'odoo') whose document is gone; no caller input
    @api.model
    def _sync_delete(self, where, params):
        """Delete the captured touchpoints matching `where` (a trusted SQL
        string or a composed psycopg2.sql object on `t`)."""
        if isinstance(where, str):
            where = sql.SQL(where)
        # the ORM's pending writes reach the tables before this query
        compat.flush(self.env)
        self.env.cr.execute(sql.SQL(
            "DELETE FROM crm_touchpoint t WHERE t.source_system = 'odoo' AND ({})"
        ).format(where), params)
        return self.env.cr.rowcount

    @api.model
    def _sync_delete_gone(self, model_name, qualifies, ids, params):
        """Delete the touchpoints made from records of `model_name` (external
        reference '<model_name>,<id>') among `ids` (all when None) whose
        record no longer exists or no longer `qualifies` (an SQL condition
        on the record, aliased `r`)."""
        # the id part of a well-formed reference, NULL for any other text (a
        # row of an older version): never a failing cast, whatever the order
        # PostgreSQL evaluates the conditions in
        ref_id = "substring(t.external_ref from '^[^,]+,([0-9]{1,9})$')::int"
        params = dict(params, ref_like=model_name + ",%")
        ids_filter = self._sync_ids_filter(ref_id, ids, params)
        return self._sync_delete(sql.SQL("""
            t.external_ref LIKE %(ref_like)s AND {ref_id} IS NOT NULL AND {ids}
               AND NOT EXISTS (SELECT 1 FROM {table} r
                                WHERE r.id = {ref_id} AND ({qualifies}))
        """).format(ids=sql.SQL(ids_filter), table=sql.Identifier(self.env[model_name]._table),
                    qualifies=sql.SQL(qualifies), ref_id=sql.SQL(ref_id)), params)

    @api.model
    def _sync_params(self):
        Settings = self.env["res.config.settings"]
        Channel = self.env["crm.touchpoint.channel"]
        return {
            "company": self.env.user.company_id.id,
            "ch_email": Channel._get_by_code("email").id,
            "ch_web": Channel._get_by_code("web").id,
            "ch_meeting": Channel._get_by_code("meeting").id,
            "mail_on": Settings._lifecycle_read_param("lifecycle_capture_mail"),
            "activities_on": Settings._lifecycle_read_param("lifecycle_capture_activities"),
            "meetings_on": Settings._lifecycle_read_param("lifecycle_capture_meetings"),
            "st_comment": self.env.ref("mail.mt_comment").id,
            "st_activity": self.env.ref("mail.mt_activities").id,
        }

    @api.model
    def _sync_ids_filter(self, column, ids, params):
        if ids is None:
            return "TRUE"
        params["ids"] = list(ids)
        return "%s = ANY(%%(ids)s)" % column

    # ------------------------------------------------------------ messages
    @api.model
    @tools.ormcache()
    def _message_models(self):
        """Models whose records name a customer: res.partner itself and every
        model with a stored many2one partner_id to res.partner."""
        result = {}
        for name, model in self.env.items():
            if model._abstract or not model._auto or model._transient:
                continue
            if name == "res.partner":
                result[name] = "r.id"
                continue
            field = model._fields.get("partner_id")
            if field and field.type == "many2one" and field.comodel_name == "res.partner" \
                    and field.store:
                result[name] = "r.partner_id"
        return result

    @api.model
    def _message_select(self, model_name, partner_expr):
        Model = self.env[model_name]
        fields_ = Model._fields

        def col(name, comodel):
            f = fields_.get(name)
            if f and f.store and f.type == "many2one" and f.comodel_name == comodel:
                return "r.%s" % name
            return "NULL::int"
        rec_name = Model._rec_name
        name_expr = compat.text_sql("r.%s" % rec_name, fields_[rec_name]) \
            if rec_name in fields_ and fields_[rec_name].store \
            and fields_[rec_name].type == "char" else "NULL"
        user_expr = col("user_id", "res.users")
        team_expr = col("team_id", "crm.team")
        company_expr = col("company_id", "res.company")
        return """
            SELECT {partner} AS partner_id, m.date AS date,
                   CASE WHEN m.subtype_id = %(st_activity)s THEN at.touchpoint_channel_id
                        WHEN m.message_type = 'email' THEN %(ch_email)s
                        WHEN ia.user_id IS NOT NULL THEN %(ch_email)s
                        ELSE %(ch_web)s END AS channel_id,
                   CASE WHEN m.subtype_id = %(st_activity)s OR ia.user_id IS NOT NULL
                        THEN 'outbound' ELSE 'inbound' END AS direction,
                   'contact' AS kind,
                   COALESCE(ia.user_id, {user}) AS user_id,
                   COALESCE({team}, iu.sale_team_id) AS team_id,
                   COALESCE({company}, %(company)s) AS company_id,
                   left(COALESCE(NULLIF(m.subject, ''), {name}), 256) AS subject,
                   {summary} AS summary,
                   NULL::numeric AS amount, NULL::int AS currency_id,
                   m.model AS res_model, m.res_id AS res_id,
                   {campaign} AS campaign_id,
                   'odoo' AS source_system, 'mail.message,' || m.id AS external_ref,
                   NULL::numeric AS cost_amount
              FROM mail_message m
              JOIN {table} r ON r.id = m.res_id
              LEFT JOIN mail_activity_type at ON at.id = m.mail_activity_type_id
              LEFT JOIN LATERAL (
                    SELECT u.id AS user_id FROM res_users u
                     WHERE u.partner_id = m.author_id AND NOT u.share
                     ORDER BY u.id LIMIT 1) ia ON TRUE
              LEFT JOIN res_users iu ON iu.id = COALESCE(ia.user_id, {user})
             WHERE m.model = %(model)s AND {ids}
               AND ((%(mail_on)s AND m.message_type IN ('email', 'comment')
                     AND m.subtype_id = %(st_comment)s)
                 OR (%(activities_on)s AND m.subtype_id = %(st_activity)s))
               AND {partner} IS NOT NULL
               AND {not_internal}
        """.format(
            partner=partner_expr, user=user_expr, team=team_expr, company=company_expr,
            name=name_expr, campaign=CAMPAIGN_OF_MESSAGE.format(
                campaign=col("campaign_id", "utm.campaign")),
            summary=HTML_TO_TEXT.format(html="COALESCE(m.body, '')"),
            table='"%s"' % Model._table, ids="{ids}",
            not_internal=NOT_INTERNAL.format(partner=partner_expr))

    @api.model
    def _sync_messages(self, ids=None, models_=None):
        """Touchpoints of chatter emails/comments and done activities."""
        params = self._sync_params()
        count = 0
        message_models = self._message_models()
        for model_name in sorted(models_ or message_models):
            if model_name not in message_models:
                continue
            p = dict(params, model=model_name)
            ids_filter = self._sync_ids_filter("m.id", ids, p)
            select = self._message_select(model_name, message_models[model_name]).replace(
                "{ids}", ids_filter)
            count += self._sync_insert(select, p)
        # messages deleted, or no longer qualifying (settings, moved records)
        self._sync_delete_gone("mail.message", """
            (%(mail_on)s AND r.message_type IN ('email', 'comment')
             AND r.subtype_id = %(st_comment)s)
            OR (%(activities_on)s AND r.subtype_id = %(st_activity)s)""", ids, params)
        return count

    # ------------------------------------------------------------ meetings
    @api.model
    def _sync_meetings(self, ids=None):
        """Touchpoints of calendar meetings, one per customer attendee."""
        p = self._sync_params()
        ids_filter = self._sync_ids_filter("e.id", ids, p)
        select = """
            SELECT rel.res_partner_id AS partner_id, e.start AS date,
                   %(ch_meeting)s AS channel_id, 'outbound' AS direction, 'contact' AS kind,
                   e.user_id AS user_id, u.sale_team_id AS team_id,
                   COALESCE(u.company_id, %(company)s) AS company_id,
                   left(e.name, 256) AS subject, {summary} AS summary,
                   NULL::numeric AS amount, NULL::int AS currency_id,
                   'calendar.event' AS res_model, e.id AS res_id, NULL::int AS campaign_id,
                   'odoo' AS source_system,
                   'calendar.event,' || e.id || ',' || rel.res_partner_id AS external_ref,
                   NULL::numeric AS cost_amount
              FROM calendar_event e
              JOIN calendar_event_res_partner_rel rel ON rel.calendar_event_id = e.id
              LEFT JOIN res_users u ON u.id = e.user_id
             WHERE %(meetings_on)s AND e.active AND {ids}
               AND {not_internal}
        """.format(summary=HTML_TO_TEXT.format(html="COALESCE(e.description, '')"),
                   ids=ids_filter,
                   not_internal=NOT_INTERNAL.format(partner="rel.res_partner_id"))
        count = self._sync_insert(select, p)
        ids_filter = self._sync_ids_filter("t.res_id", ids, p)
        self._sync_delete("""
            t.res_model = 'calendar.event' AND {ids} AND NOT EXISTS (
                SELECT 1 FROM calendar_event e
                  JOIN calendar_event_res_partner_rel rel ON rel.calendar_event_id = e.id
                 WHERE %(meetings_on)s AND e.id = t.res_id AND e.active
                   AND t.external_ref = 'calendar.event,' || e.id || ',' || rel.res_partner_id)
        """.format(ids=ids_filter), p)
        return count

    # ------------------------------------------------------------ leads
    @api.model
    def _sync_leads(self, ids=None):
        """Touchpoints of leads and opportunities that name a customer."""
        p = self._sync_params()
        ids_filter = self._sync_ids_filter("l.id", ids, p)
        select = """
            SELECT l.partner_id AS partner_id, l.create_date AS date,
                   COALESCE(md.touchpoint_channel_id, src.touchpoint_channel_id, %(ch_web)s)
                       AS channel_id,
                   'inbound' AS direction, 'lead' AS kind,
                   l.user_id AS user_id, l.team_id AS team_id,
                   COALESCE(l.company_id, %(company)s) AS company_id,
                   left(l.name, 256) AS subject, left(l.description, 4000) AS summary,
                   NULL::numeric AS amount, NULL::int AS currency_id,
                   'crm.lead' AS res_model, l.id AS res_id, l.campaign_id AS campaign_id,
                   'odoo' AS source_system, 'crm.lead,' || l.id AS external_ref,
                   NULL::numeric AS cost_amount
              FROM crm_lead l
              LEFT JOIN utm_medium md ON md.id = l.medium_id
              LEFT JOIN utm_source src ON src.id = l.source_id
             WHERE l.partner_id IS NOT NULL AND {ids} AND {not_internal}
        """.format(ids=ids_filter, not_internal=NOT_INTERNAL.format(partner="l.partner_id"))
        count = self._sync_insert(select, p)
        ids_filter = self._sync_ids_filter("t.res_id", ids, p)
        self._sync_delete("""
            t.res_model = 'crm.lead' AND t.external_ref LIKE 'crm.lead,%%' AND {ids}
            AND NOT EXISTS (SELECT 1 FROM crm_lead l
                             WHERE l.id = t.res_id AND l.partner_id IS NOT NULL)
        """.format(ids=ids_filter), p)
        return count

    # ------------------------------------------------------------ all
    @api.model
    def _sync_sources(self):
        """{name: method} of the sources; bridges add theirs."""
        return {
            "messages": self._sync_messages,
            "meetings": self._sync_meetings,
            "leads": self._sync_leads,
        }

    @api.model
    def _rebuild_from_sources(self):
        """Create or repair every touchpoint made from Odoo's history."""
        counts = {}
        for name, method in sorted(self._sync_sources().items()):
            counts[name] = method()
        compat.invalidate_all(self.env)
        _logger.info("crm_lifecycle: touchpoints rebuilt from sources: %s", counts)
        return counts

    @api.model
    def action_rebuild(self):
        self.check_access_rights("create")
        if not self.env.user.has_group("crm_lifecycle.crm_lifecycle_group_manager"):
            raise AccessError(_("Only lifecycle managers can rebuild the touchpoints."))
        # the rebuild rewrites the captured history of every company: the
        # caller must be in all of them (sudo: lists the companies, no data)
        check_companies(self.env, self.env["res.company"].sudo().search([]))
        # sudo: the rebuild reads every source document, whatever the user sees
        counts = self.sudo()._rebuild_from_sources()
        return {
            "type": "ir.actions.client",
            "tag": "reload",
            "params": {"counts": counts},
        }

    @api.model
    def _capture_sync(self, method_name, ids, **kwargs):
        """Run a sync for a few source ids from a live hook: in a savepoint,
        as superuser, logging instead of failing the user's action."""
        if not ids:
            return
        try:
            with self.env.cr.savepoint():
                # sudo: capture is a system action done for any user
                getattr(self.sudo(), method_name)(ids=list(ids), **kwargs)
                compat.invalidate_all(self.env)
        except Exception:  # pylint: disable=broad-except
            _logger.exception("crm_lifecycle: touchpoint capture (%s) failed for ids %s",
                              method_name, list(ids)[:20])
