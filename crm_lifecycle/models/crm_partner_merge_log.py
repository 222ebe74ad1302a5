# Copyright 2026 crm_lifecycle contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Safe, reversible merge of customers.

Every row of any table that points to a merged partner (a foreign key to
res_partner, a many2many relation, a (model, res_id) document reference or a
reference field) is moved to the surviving partner by set-based UPDATEs
whose moved row ids are logged. Nothing is deleted: the merged partners are
archived and marked as merged. Rows that would break a unique index on the
survivor stay where they are and are logged as such. Unmerging moves back
exactly the logged rows. A merge or an unmerge runs under one savepoint:
complete or nothing.
"""
import json
import logging

import psycopg2
from psycopg2 import sql

from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError

from .. import compat
from ..guard import check_companies

_logger = logging.getLogger(__name__)

# Fields whose value the user picks among the merged records. The survivor's
# previous values are logged and restored by unmerge.
MERGE_FIELDS = (
    "name", "ref", "email", "phone", "mobile", "vat", "website", "function", "title",
    "street", "street2", "zip", "city", "state_id", "country_id", "lang", "user_id",
    "team_id", "comment",
)

# Columns that describe merges and are never moved by one.
SKIP_COLUMNS = {
    ("res_partner", "merged_into_id"),
    ("crm_partner_merge_log", "survivor_id"),
    ("crm_partner_merge_log_merged_rel", "res_partner_id"),
    ("crm_partner_duplicate", "partner_a_id"),
    ("crm_partner_duplicate", "partner_b_id"),
}
# (model, res_id) tables not moved: external identifiers stay on their record
SKIP_REFERENCE_TABLES = {"ir_model_data", "crm_partner_merge_log_line"}


class CrmPartnerMergeLog(models.Model):
    _name = "crm.partner.merge.log"
    _description = "Customer Merge"
    _order = "id desc"
    _rec_name = "survivor_id"

    survivor_id = fields.Many2one(
        "res.partner", string="Surviving Customer", required=True, readonly=True,
        ondelete="restrict", index=True, help="The record the others were merged into.")
    merged_partner_ids = fields.Many2many(
        "res.partner", "crm_partner_merge_log_merged_rel", "log_id", "res_partner_id",
        string="Merged Records", readonly=True,
        help="The records merged into the survivor; archived, and restored by Unmerge.")
    state = fields.Selection([
        ("merged", "Merged"),
        ("reverted", "Unmerged"),
    ], string="Status", default="merged", required=True, readonly=True)
    user_id = fields.Many2one("res.users", string="Merged By", readonly=True,
                              default=lambda self: self.env.user)
    date = fields.Datetime(string="Merged On", readonly=True, default=fields.Datetime.now)
    reverted_uid = fields.Many2one("res.users", string="Unmerged By", readonly=True)
    reverted_date = fields.Datetime(string="Unmerged On", readonly=True)
    company_id = fields.Many2one("res.company", string="Company", readonly=True,
                                 default=lambda self: self.env.user.company_id)
    line_ids = fields.One2many("crm.partner.merge.log.line", "log_id", string="Moved Rows",
                               readonly=True)
    moved_count = fields.Integer(string="Rows Moved", readonly=True,
                                 help="Rows of other tables moved to the survivor.")
    kept_count = fields.Integer(
        string="Rows Kept in Place", readonly=True,
        help="Rows left on a merged record because the survivor already has the same "
             "row (a unique index forbids a second one).")
    old_values = fields.Text(
        string="Previous Values", readonly=True,
        help="The survivor's field values before the merge (JSON), restored by Unmerge.")
    note = fields.Text(string="Notes", readonly=True)
    summary = fields.Char(
        compute="_compute_summary",
        help="What the merge moved, in the records' own names: e.g. Touchpoint (3), "
             "Lead/Opportunity (1), Message (2).")

    @api.depends("line_ids")
    def _compute_summary(self):
        for log in self:
            # a row that pointed at the customer through two columns (a
            # touchpoint's contact and customer) counts once
            rows = {"moved": {}, "kept": {}}
            for line in log.line_ids:
                target = rows["kept" if line.kind == "kept" else "moved"]
                target.setdefault(line.record_type, set()).update(
                    (line.table_name, line.other_column if line.kind == "relation" else "",
                     row) for row in json.loads(line.row_ids or "[]"))
            moved = {name: len(ids) for name, ids in rows["moved"].items()}
            kept = {name: len(ids) for name, ids in rows["kept"].items()}
            parts = []
            if moved:
                parts.append(_("Moved: %(rows)s.") % {"rows": ", ".join(
                    "%s (%d)" % (name, count) for name, count in sorted(moved.items()))})
            if kept:
                parts.append(_("Kept on the merged record: %(rows)s.") % {"rows": ", ".join(
                    "%s (%d)" % (name, count) for name, count in sorted(kept.items()))})
            log.summary = " ".join(parts) or _("Nothing else pointed at the merged records.")

    # ------------------------------------------------------------ schema
    @api.model
    def _partner_columns(self):
        """[(table, column, has_id, other_column)] of every single-column
        foreign key to res_partner. other_column is the second column of a
        two-column relation table without id (many2many)."""
        cr = self.env.cr
        cr.execute("""
            SELECT cl.relname, a.attname,
                   EXISTS (SELECT 1 FROM pg_attribute i
                            WHERE i.attrelid = cl.oid AND i.attname = 'id'
                              AND NOT i.attisdropped) AS has_id,
                   (SELECT array_agg(o.attname::text) FROM pg_attribute o
                     WHERE o.attrelid = cl.oid AND o.attnum > 0 AND NOT o.attisdropped
                       AND o.attname <> a.attname) AS others
              FROM pg_constraint c
              JOIN pg_class cl ON cl.oid = c.conrelid
              JOIN pg_namespace ns ON ns.oid = cl.relnamespace
                                  AND ns.nspname = current_schema()
              JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = c.conkey[1]
             WHERE c.contype = 'f' AND c.confrelid = 'res_partner'::regclass
               AND array_length(c.conkey, 1) = 1
             ORDER BY cl.relname, a.attname
        """)
        result = []
        transient = self._transient_tables()
        for table, column, has_id, others in cr.fetchall():
            if (table, column) in SKIP_COLUMNS or table in transient:
                continue
            other = None
            if not has_id:
                if len(others or []) != 1:
                    raise UserError(_(
                        "Table %(table)s points to customers by %(column)s but has neither "
                        "an id nor exactly one other column: the merge cannot log its rows.")
                        % {"table": table, "column": column})
                other = others[0]
            result.append((table, column, has_id, other))
        return result

    @api.model
    def _transient_tables(self):
        """Tables of wizards (and their many2many tables): short-lived, not
        moved."""
        tables = set()
        for Model in self.env.registry.values():
            if Model._transient:
                tables.add(Model._table)
                for field in Model._fields.values():
                    if field.type == "many2many" and field.store:
                        tables.add(field.relation)
        return tables

    @api.model
    def _reference_columns(self):
        """[(table, model column, id column)] of the stored (model, res_id)
        document references of installed models (the id an Integer field in
        11, a Many2oneReference from 13)."""
        cr = self.env.cr
        cr.execute("""
            SELECT m.model, mf.name
              FROM ir_model_fields f
              JOIN ir_model m ON m.id = f.model_id
              JOIN ir_model_fields mf ON mf.model_id = f.model_id
                                     AND mf.name IN ('res_model', 'model')
                                     AND mf.ttype = 'char'
             WHERE f.name = 'res_id' AND f.ttype IN ('integer', 'many2one_reference')
             ORDER BY m.model, mf.name
        """)
        result = []
        for model, model_column in cr.fetchall():
            if model not in self.env:
                continue
            Model = self.env[model]
            if not Model._auto or Model._abstract or Model._transient:
                continue
            table = Model._table
            if table in SKIP_REFERENCE_TABLES:
                continue
            cr.execute("""SELECT count(*) FROM information_schema.columns
                           WHERE table_schema = current_schema() AND table_name = %s
                             AND column_name IN (%s, 'res_id', 'id')""",
                       (table, model_column))
            if cr.fetchone()[0] == 3 and (table, model_column) not in [r[:2] for r in result]:
                result.append((table, model_column, "res_id"))
        return result

    @api.model
    def _has_column(self, table, column):
        self.env.cr.execute("""SELECT 1 FROM information_schema.columns
                                WHERE table_schema = current_schema() AND table_name = %s
                                  AND column_name = %s""", (table, column))
        return bool(self.env.cr.fetchone())

    @api.model
    def _reference_fields(self):
        """[(table, column)] of the stored reference fields ('model,id')."""
        result = []
        # sudo: reads the schema (which stored fields are references), no data
        fields_ = self.env["ir.model.fields"].sudo().search([("ttype", "=", "reference"),
                                                             ("store", "=", True)])
        for field in fields_:
            if field.model not in self.env:
                continue
            Model = self.env[field.model]
            mfield = Model._fields.get(field.name)
            if (not mfield or not mfield.store or mfield.compute or not Model._auto
                    or Model._transient):
                continue
            result.append((Model._table, field.name))
        return sorted(set(result))

    @api.model
    def _unique_conflict_sql(self, table, column, new_param):
        """SQL condition (on alias t) true when moving row t's `column` to the
        partner `new_param` keeps every unique index of `table` satisfied,
        primary keys included (13+: a many2many table's key is the pair of
        columns; 11: a unique index)."""
        cr = self.env.cr
        cr.execute("""
            SELECT ARRAY(SELECT a.attname::text FROM unnest(i.indkey) k
                           JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k)
              FROM pg_index i
             WHERE i.indrelid = %s::regclass AND i.indisunique
               AND i.indexprs IS NULL
        """, (table,))
        conds = []
        for cols in cr.fetchall():
            cols = cols[0]
            if column not in cols:
                continue
            same = [sql.SQL("t2.{c} = t.{c}").format(c=sql.Identifier(c))
                    for c in cols if c != column]
            conds.append(sql.SQL(
                "NOT EXISTS (SELECT 1 FROM {table} t2 WHERE t2.{col} = {new}{same})").format(
                table=sql.Identifier(table), col=sql.Identifier(column), new=new_param,
                same=sql.SQL("").join(sql.SQL(" AND ") + s for s in same)))
        return sql.SQL(" AND ").join(conds) if conds else sql.SQL("TRUE")

    # ------------------------------------------------------------ merge
    @api.model
    def _check_mergeable(self, survivor, others):
        if not others:
            raise UserError(_("Select at least two customers to merge."))
        if survivor in others:
            raise UserError(_("The surviving customer cannot also be merged into itself."))
        everyone = survivor | others
        merged = everyone.filtered("merged_into_id")
        if merged:
            raise UserError(_("%(names)s was already merged into another customer: "
                              "unmerge it first or merge into that customer.")
                            % {"names": ", ".join(merged.mapped("display_name"))})
        companies = everyone.mapped("company_id")
        if len(companies) > 1:
            raise UserError(_("Customers of different companies cannot be merged (%s).")
                            % ", ".join(companies.mapped("name")))
        users = self.env["res.users"].with_context(active_test=False).search(
            [("partner_id", "in", others.ids)])
        if users:
            raise UserError(_("%(names)s is the contact of the user %(users)s: merge "
                              "into it instead, or pick it as the surviving record.")
                            % {"names": ", ".join(users.mapped("partner_id.display_name")),
                               "users": ", ".join(users.mapped("login"))})
        # sudo: only reads which companies' addresses are among the records
        # (a manager may not read every company); the answer is a refusal
        company_partners = self.env["res.company"].sudo().search(
            [("partner_id", "in", others.ids)])
        if company_partners:
            raise UserError(_("%s is the address of one of your companies: it cannot be merged "
                              "into another record.") % ", ".join(company_partners.mapped("name")))
        for partner in everyone:
            family = self.env["res.partner"].with_context(active_test=False).search(
                [("id", "child_of", partner.id), ("id", "!=", partner.id),
                 ("id", "in", everyone.ids)])
            if family:
                raise UserError(_("%(parent)s is the company of %(child)s: a contact cannot "
                                  "be merged with its own company.")
                                % {"parent": partner.display_name,
                                   "child": ", ".join(family.mapped("display_name"))})

    @api.model
    def merge_partners(self, survivor_id, partner_ids, values=None):
        """Merge the partners `partner_ids` into `survivor_id`.

        values: {field: value} written on the survivor (fields of
        MERGE_FIELDS), e.g. the email of a merged record. Returns the id of
        the merge log. One savepoint: on any error nothing has changed.

        The caller must be a Customer Lifecycle manager allowed by the ORM
        to change every record of the group (record rules, companies). The
        records are locked first (in id order, so that two merges of
        overlapping groups wait for each other instead of crossing) and
        checked again once locked.
        """
        if not self.env.user.has_group("crm_lifecycle.crm_lifecycle_group_manager"):
            raise AccessError(_("Only Customer Lifecycle managers can merge customers."))
        Partner = self.env["res.partner"].with_context(active_test=False)
        survivor = Partner.browse(int(survivor_id)).exists()
        others = Partner.browse([int(i) for i in partner_ids if int(i) != survivor.id]).exists()
        if not survivor:
            raise UserError(_("The surviving customer %s does not exist.") % survivor_id)
        values = dict(values or {})
        unknown = set(values) - set(MERGE_FIELDS)
        if unknown:
            raise UserError(_("These fields cannot be chosen in a merge: %s")
                            % ", ".join(sorted(unknown)))
        everyone = survivor | others
        # the ORM's answer for this user: may they change every record?
        everyone.check_access_rights("write")
        everyone.check_access_rule("write")
        check_companies(self.env, everyone.mapped("company_id"))
        with self.env.cr.savepoint():
            self._lock_partners(everyone.ids)
            self._check_mergeable(survivor, others)
            # sudo: the engine moves rows of every table pointing to the
            # records, which the caller may not read one by one; what runs is
            # derived from the schema and the checked ids only, never from
            # anything the caller wrote
            log = self.sudo()._do_merge(survivor.sudo(), others.sudo(), values, self.env.uid)
            if values:
                # the values the caller picked are written as the caller
                survivor.write(values)
        return log.id

    @api.model
    def _lock_partners(self, partner_ids):
        """Lock the records (FOR UPDATE, in id order) and forget what the
        cache knows of them: what is checked next is what is committed."""
        # the ORM's pending writes reach the tables before this query
        compat.flush(self.env)
        self.env.cr.execute("SELECT id FROM res_partner WHERE id = ANY(%(ids)s) "
                            "ORDER BY id FOR UPDATE", {"ids": sorted(partner_ids)})
        compat.invalidate_all(self.env)

    # sql-write: moves every row pointing to the merged records, in tables of any module;
    # merge_partners holds the caller to the write rules and companies of every record and
    # locks them; tables and columns come from the live schema only
    def _do_merge(self, survivor, others, values, uid):
        cr = self.env.cr
        old = {}
        for name in values:
            value = survivor[name]
            old[name] = value.id if isinstance(value, models.BaseModel) else value
        log = self.create({
            "survivor_id": survivor.id,
            "merged_partner_ids": [(6, 0, others.ids)],
            "old_values": json.dumps(old, sort_keys=True),
            "user_id": uid,
            "company_id": survivor.company_id.id or self.env.user.company_id.id,
        })
        # the ORM's pending writes reach the tables before these queries
        compat.flush(self.env)
        everyone = (survivor | others).ids
        new = sql.Placeholder("new")
        lines = []
        for table, column, has_id, other in self._partner_columns():
            parts = {
                "unique_ok": self._unique_conflict_sql(table, column, new),
                "not_merge_set": (sql.SQL("t.id <> ALL(%(everyone)s)")
                                  if table == "res_partner" else sql.SQL("TRUE")),
                # a relation table's rows are named by their other column
                "row": sql.Identifier("id" if has_id else other),
            }
            for partner in others:
                params = {"new": survivor.id, "old": partner.id, "everyone": everyone}
                moved = self._update_rows("""
                    UPDATE {table} t SET {col} = %(new)s
                     WHERE t.{col} = %(old)s AND {not_merge_set} AND {unique_ok}
                    RETURNING t.{row}""", params, table, column, **parts)
                kept = self._select_rows(
                    """SELECT t.{row} FROM {table} t
                        WHERE t.{col} = %(old)s AND {not_merge_set}""",
                    params, table, column, **parts)
                kind = "column" if has_id else "relation"
                lines += self._lines(table, column, other, kind, partner, moved, kept)
        for table, model_column, id_column in self._reference_columns():
            parts = {"unique_ok": self._unique_conflict_sql(table, id_column, new),
                     "model_col": sql.Identifier(model_column),
                     # attachments holding a binary field of the partner
                     # (its image) stay with their record
                     "own_field": sql.SQL("t.res_field IS NULL" if self._has_column(
                         table, "res_field") else "TRUE")}
            for partner in others:
                params = {"new": survivor.id, "old": partner.id}
                moved = self._update_rows("""
                    UPDATE {table} t SET {col} = %(new)s
                     WHERE t.{model_col} = 'res.partner' AND t.{col} = %(old)s
                       AND {own_field} AND {unique_ok}
                    RETURNING t.id""", params, table, id_column, **parts)
                kept = self._select_rows(
                    """SELECT t.id FROM {table} t
                        WHERE t.{model_col} = 'res.partner' AND t.{col} = %(old)s
                          AND {own_field}""",
                    params, table, id_column, **parts)
                lines += self._lines(table, id_column, model_column, "reference", partner,
                                     moved, kept)
        for table, column in self._reference_fields():
            for partner in others:
                params = {"new": "res.partner,%d" % survivor.id,
                          "old": "res.partner,%d" % partner.id}
                moved = self._update_rows("""
                    UPDATE {table} t SET {col} = %(new)s WHERE t.{col} = %(old)s
                    RETURNING t.id""", params, table, column)
                lines += self._lines(table, column, None, "reference_field", partner,
                                     moved, [])
        Line = self.env["crm.partner.merge.log.line"]
        for line in lines:  # port>=12: one create of the list
            Line.create(dict(line, log_id=log.id))
        moved_count = sum(len(json.loads(line["row_ids"])) for line in lines
                          if line["kind"] != "kept")
        kept_count = sum(len(json.loads(line["row_ids"])) for line in lines
                         if line["kind"] == "kept")
        # the merged records: archived, marked, otherwise untouched
        cr.execute("""
            UPDATE res_partner SET active = FALSE, merged_into_id = %s, merge_log_id = %s
             WHERE id = ANY(%s)
        """, (survivor.id, log.id, others.ids))
        compat.invalidate_all(self.env)
        log.write({"moved_count": moved_count, "kept_count": kept_count})
        # pairs inside the merged group are decided; open pairs of the
        # archived records are no longer relevant
        cr.execute("""
            UPDATE crm_partner_duplicate
               SET state = 'merged', merge_log_id = %(log)s, decided_uid = %(uid)s,
                   decided_date = now() at time zone 'UTC'
             WHERE partner_a_id = ANY(%(all)s) AND partner_b_id = ANY(%(all)s);
            DELETE FROM crm_partner_duplicate
             WHERE state = 'review'
               AND (partner_a_id = ANY(%(others)s) OR partner_b_id = ANY(%(others)s))
        """, {"log": log.id, "uid": uid, "all": everyone, "others": others.ids})
        compat.invalidate_all(self.env)
        _logger.info("crm_lifecycle: merged partners %s into %s (%d rows moved, %d kept)",
                     others.ids, survivor.id, moved_count, kept_count)
        return log

    @api.model
    def _compose(self, query, table, column, parts):
        """The SQL of `query` (a constant of this module) with its table and
        column identifiers and the composed `parts` filled in."""
        return sql.SQL(query).format(table=sql.Identifier(table), col=sql.Identifier(column),
                                     **parts)

    def _update_rows(self, query, params, table, column, **parts):
        query = self._compose(query, table, column, parts)
        try:
            with self.env.cr.savepoint():
                self.env.cr.execute(query, params)
                return [r[0] for r in self.env.cr.fetchall()]
        except psycopg2.Error as err:
            raise UserError(_("Moving the rows of %(table)s.%(column)s failed, nothing was "
                              "merged: %(error)s")
                            % {"table": table, "column": column, "error": err.pgerror or err})

    def _select_rows(self, query, params, table, column, **parts):
        self.env.cr.execute(self._compose(query, table, column, parts), params)
        return [r[0] for r in self.env.cr.fetchall()]

    @api.model
    def _lines(self, table, column, other, kind, partner, moved, kept):
        lines = []
        if moved:
            lines.append({"table_name": table, "column_name": column, "other_column": other,
                          "kind": kind, "old_partner_id": partner.id,
                          "row_ids": json.dumps(sorted(moved))})
        if kept:
            lines.append({"table_name": table, "column_name": column, "other_column": other,
                          "kind": "kept", "old_partner_id": partner.id,
                          "row_ids": json.dumps(sorted(kept)),
                          "note": _("the surviving customer already has the same row")})
        return lines

    # ------------------------------------------------------------ unmerge
    def action_unmerge(self):
        """Undo the merge: the merged records are restored and exactly the
        rows that moved go back. One savepoint: complete or nothing.

        Only the merge engine writes logs (users have no create or write
        right on them), and the unmerge still trusts nothing it reads from
        one: every line must name a table and column the merge engine would
        move today (derived from the live schema), its rows must be ids, and
        only the survivor's fields a merge offers are restored, written as
        the caller.
        """
        if not self.env.user.has_group("crm_lifecycle.crm_lifecycle_group_manager"):
            raise AccessError(_("Only Customer Lifecycle managers can unmerge customers."))
        for log in self:
            if log.state != "merged":
                raise UserError(_("This merge was already undone."))
            partners = log.survivor_id | log.with_context(active_test=False).merged_partner_ids
            partners.check_access_rights("write")
            partners.check_access_rule("write")
            check_companies(self.env, partners.mapped("company_id") | log.company_id)
            with self.env.cr.savepoint():
                self._lock_partners(partners.ids)
                if log.survivor_id.merged_into_id:
                    raise UserError(_(
                        "%(name)s was merged again since, into %(into)s: unmerge that merge "
                        "first.") % {"name": log.survivor_id.display_name,
                                     "into": log.survivor_id.merged_into_id.display_name})
                old = log._checked_old_values()
                lines = log._checked_lines()
                # sudo: moves back rows of tables the caller may not read;
                # every table, column and row id was checked just above
                log.sudo()._do_unmerge(lines, self.env.uid)
                if old:
                    # the survivor's previous values, written as the caller
                    log.survivor_id.with_context(active_test=False).write(old)
        return True

    def _checked_old_values(self):
        """The survivor's previous values, limited to the fields a merge
        offers and to values of their type; UserError otherwise."""
        self.ensure_one()
        try:
            old = json.loads(self.old_values or "{}")
        except ValueError:
            old = None
        if not isinstance(old, dict):
            raise UserError(_("The previous values of this merge are unreadable: nothing was "
                              "unmerged."))
        Partner = self.env["res.partner"]
        for name, value in old.items():
            field = Partner._fields.get(name)
            if name not in MERGE_FIELDS or field is None:
                raise UserError(_("The previous values of this merge name the field %r, which "
                                  "a merge does not change: nothing was unmerged.") % name)
            if field.type == "many2one":
                ok = value is False or value is None or (
                    isinstance(value, int) and not isinstance(value, bool))
            else:
                ok = value is False or value is None or isinstance(value, str)
            if not ok:
                raise UserError(_("The previous value of %(field)s in this merge is not a "
                                  "value of that field: nothing was unmerged.") % {"field": name})
        return old

    @api.model
    def _movable(self):
        """{(kind, table, column, other column)} the merge engine moves in
        this database now: the only lines an unmerge may replay."""
        allowed = set()
        for table, column, has_id, other in self._partner_columns():
            allowed.add(("column" if has_id else "relation", table, column,
                         None if has_id else other))
        for table, model_column, id_column in self._reference_columns():
            allowed.add(("reference", table, id_column, model_column))
        for table, column in self._reference_fields():
            allowed.add(("reference_field", table, column, None))
        return allowed

    def _checked_lines(self):
        """[(line, [row ids])] of the lines to move back, each checked
        against the live schema; UserError on any line outside it."""
        self.ensure_one()
        allowed = self._movable()
        merged = set(self.with_context(active_test=False).merged_partner_ids.ids)
        result = []
        for line in self.line_ids.sorted("id", reverse=True):
            if line.kind == "kept":
                continue
            key = (line.kind, line.table_name, line.column_name, line.other_column or None)
            try:
                ids = json.loads(line.row_ids or "[]")
            except ValueError:
                ids = None
            if (key not in allowed or line.old_partner_id not in merged
                    or not isinstance(ids, list)
                    or not all(isinstance(i, int) and not isinstance(i, bool) for i in ids)):
                raise UserError(_(
                    "The merge log line %(line)d (%(table)s.%(column)s) is not one the merge "
                    "engine writes: nothing was unmerged.") % {
                    "line": line.id, "table": line.table_name, "column": line.column_name})
            result.append((line, ids))
        return result

    # sql-write: replays a merge backwards; action_unmerge holds the caller as the merge does,
    # and checks every line against the live schema
    def _do_unmerge(self, lines, uid):
        self.ensure_one()
        cr = self.env.cr
        survivor = self.survivor_id
        not_back = 0
        # the ORM's pending writes reach the tables before these queries
        compat.flush(self.env)
        for line, ids in lines:
            table, col = sql.Identifier(line.table_name), sql.Identifier(line.column_name)
            params = {"old": line.old_partner_id, "new": survivor.id, "ids": ids}
            if line.kind == "column":
                query = sql.SQL("UPDATE {t} SET {c} = %(old)s "
                                "WHERE id = ANY(%(ids)s) AND {c} = %(new)s").format(t=table, c=col)
            elif line.kind == "relation":
                query = sql.SQL("UPDATE {t} SET {c} = %(old)s "
                                "WHERE {c} = %(new)s AND {o} = ANY(%(ids)s)").format(
                    t=table, c=col, o=sql.Identifier(line.other_column))
            elif line.kind == "reference":
                query = sql.SQL("UPDATE {t} SET {c} = %(old)s WHERE id = ANY(%(ids)s) "
                                "AND {c} = %(new)s AND {m} = 'res.partner'").format(
                    t=table, c=col, m=sql.Identifier(line.other_column))
            else:  # reference_field
                params.update(old="res.partner,%d" % line.old_partner_id,
                              new="res.partner,%d" % survivor.id)
                query = sql.SQL("UPDATE {t} SET {c} = %(old)s "
                                "WHERE id = ANY(%(ids)s) AND {c} = %(new)s").format(t=table, c=col)
            try:
                with cr.savepoint():
                    cr.execute(query, params)
                    moved_back = cr.rowcount
            except psycopg2.Error as err:
                raise UserError(_("Moving the rows of %(table)s.%(column)s back failed, "
                                  "nothing was unmerged: %(error)s")
                                % {"table": line.table_name, "column": line.column_name,
                                   "error": err.pgerror or err})
            not_back += len(ids) - moved_back
        cr.execute("""
            UPDATE res_partner SET active = TRUE, merged_into_id = NULL, merge_log_id = NULL
             WHERE id = ANY(%s)
        """, (self.with_context(active_test=False).merged_partner_ids.ids,))
        cr.execute("""
            UPDATE crm_partner_duplicate SET state = 'review', merge_log_id = NULL,
                   decided_uid = NULL, decided_date = NULL
             WHERE merge_log_id = %s
        """, (self.id,))
        compat.invalidate_all(self.env)
        note = self.note or ""
        if not_back:
            note += _("%d rows were changed after the merge and stay where they are.\n") % (
                not_back)
        self.write({"state": "reverted", "reverted_uid": uid,
                    "reverted_date": fields.Datetime.now(), "note": note or False})
        _logger.info("crm_lifecycle: unmerged %s from %s", self.merged_partner_ids.ids,
                     survivor.id)


class CrmPartnerMergeLogLine(models.Model):
    _name = "crm.partner.merge.log.line"
    _description = "Rows Moved by a Customer Merge"
    _order = "log_id, id"

    log_id = fields.Many2one("crm.partner.merge.log", string="Merge", required=True,
                             ondelete="cascade", index=True)
    table_name = fields.Char(string="Table", required=True)
    column_name = fields.Char(string="Column", required=True)
    other_column = fields.Char(
        string="Other Column",
        help="For a relation table: the column identifying the moved rows. For a document "
             "reference: the column holding the model name.")
    kind = fields.Selection([
        ("column", "Foreign Key"),
        ("relation", "Many2many Relation"),
        ("reference", "Document Reference"),
        ("reference_field", "Reference Field"),
        ("kept", "Kept in Place"),
    ], string="Kind", required=True)
    # an integer, not a Many2one: a later merge must not move this log
    old_partner_id = fields.Integer(string="From Record", required=True,
                                    help="Id of the merged record the rows belonged to.")
    old_partner_name = fields.Char(string="From", compute="_compute_old_partner_name")
    row_ids = fields.Text(string="Rows", required=True,
                          help="JSON list of the ids of the moved rows (for a relation "
                               "table, of the values of the other column).")
    row_count = fields.Integer(string="Count", compute="_compute_old_partner_name")
    note = fields.Char(string="Note")

    record_type = fields.Char(
        string="Records", compute="_compute_record_type",
        help="What the moved rows are, e.g. Touchpoint or Message.")
    field_label = fields.Char(
        string="Through", compute="_compute_record_type",
        help="The field of those records that pointed at the merged customer.")

    @api.model
    def _table_models(self):
        """{table: model name} of the stored models (the model named after
        its table first, when several share one)."""
        tables = {}
        for name, model in self.env.registry.models.items():
            if model._abstract or not model._auto or model._transient:
                continue
            if tables.get(model._table, "").replace(".", "_") != model._table:
                tables[model._table] = name
        return tables

    def _compute_record_type(self):
        tables = self._table_models()
        IrModel = self.env["ir.model"]
        relations = {}
        for name, model in self.env.registry.models.items():
            for field in model._fields.values():
                if field.type == "many2many" and field.store and field.relation:
                    relations.setdefault(field.relation, (name, field.name))
        for line in self:
            model, field_name = tables.get(line.table_name), line.column_name
            if line.table_name in relations and (line.kind == "relation" or not model):
                model, field_name = relations[line.table_name]
            if model and model in self.env:
                line.record_type = IrModel._get(model).name or model
                described = self.env[model].fields_get([field_name], ["string"])
                line.field_label = described.get(field_name, {}).get("string") or field_name
            else:  # a table outside the ORM: its own name
                line.record_type = line.table_name
                line.field_label = line.column_name

    def _compute_old_partner_name(self):
        partners = self.env["res.partner"].with_context(active_test=False).browse(
            self.mapped("old_partner_id")).exists()
        names = dict(partners.mapped(lambda p: (p.id, p.display_name)))
        for line in self:
            line.old_partner_name = names.get(line.old_partner_id, str(line.old_partner_id))
            line.row_count = len(json.loads(line.row_ids or "[]"))
