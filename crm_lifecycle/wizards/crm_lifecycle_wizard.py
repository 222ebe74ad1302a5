# Copyright 2026 crm_lifecycle contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from psycopg2 import sql

from odoo import _, api, models
from odoo.exceptions import AccessError

from .. import compat
from ..guard import MANAGER_GROUP, check_group


class CrmLifecycleWizard(models.AbstractModel):
    """Rights of the suite's wizards, checked by the wizard itself.

    Odoo 11 checks no access rights on transient models: anyone logged in,
    a portal user included, could create one and call its actions over
    RPC. Every wizard of the suite inherits this: creating, changing or
    reading it, and each of its actions, need `_lifecycle_group`; and a
    wizard is its creator's alone (11 checks that for every transient model,
    13+ lets anyone with the model's rights reach another user's wizard,
    its file and its lines).
    """

    _name = "crm.lifecycle.wizard"
    _description = "Customer Lifecycle Wizard"
    _lifecycle_group = MANAGER_GROUP

    @api.model
    def _check_lifecycle_rights(self):
        check_group(self.env, self._lifecycle_group, self._description)
        stored = [i for i in self.ids if isinstance(i, int)]
        if stored and not compat.is_superuser(self.env):
            # SQL: the creators of the rows, not read through read() (which
            # checks this) nor through sudo()
            self.env.cr.execute(sql.SQL(
                "SELECT 1 FROM {} WHERE id = ANY(%s) AND create_uid IS DISTINCT FROM %s "
                "LIMIT 1").format(sql.Identifier(self._table)), (stored, self.env.uid))
            if self.env.cr.fetchone():
                raise AccessError(_("%(wizard)s: this window was opened by another user.")
                                  % {"wizard": self._description})

    @compat.model_create_multi
    def create(self, vals_list):
        self._check_lifecycle_rights()
        return compat.create_records(super(CrmLifecycleWizard, self).create, vals_list)

    def write(self, vals):
        self._check_lifecycle_rights()
        return super(CrmLifecycleWizard, self).write(vals)

    def read(self, fields=None, load="_classic_read"):
        self._check_lifecycle_rights()
        return super(CrmLifecycleWizard, self).read(fields=fields, load=load)

    @api.model
    def default_get(self, fields_list):
        self._check_lifecycle_rights()
        return super(CrmLifecycleWizard, self).default_get(fields_list)
