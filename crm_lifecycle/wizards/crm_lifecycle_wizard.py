# Copyright 2026 crm_lifecycle contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, models

from ..guard import MANAGER_GROUP, check_group


class CrmLifecycleWizard(models.AbstractModel):
    """Rights of the suite's wizards, checked by the wizard itself.

    Odoo 11 checks no access rights on transient models: anyone logged in,
    a portal user included, could create one and call its actions over
    RPC. Every wizard of the suite inherits this: creating, changing or
    reading it, and each of its actions, need `_lifecycle_group`.
    """

    _name = "crm.lifecycle.wizard"
    _description = "Customer Lifecycle Wizard"
    _lifecycle_group = MANAGER_GROUP

    @api.model
    def _check_lifecycle_rights(self):
        check_group(self.env, self._lifecycle_group, self._description)

    @api.model
    def create(self, vals):
        self._check_lifecycle_rights()
        return super(CrmLifecycleWizard, self).create(vals)

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
