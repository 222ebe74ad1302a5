# Copyright 2026 crm_lifecycle contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import models

from .. import compat

SYNC_FIELDS = {"partner_ids", "start", "stop", "name", "description", "user_id", "active"}


class CalendarEvent(models.Model):
    _inherit = "calendar.event"

    def _real_ids(self):
        # recurring events have virtual ids such as '12-20261125100000'
        return [i for i in self.ids if isinstance(i, int)]

    @compat.model_create_multi
    def create(self, vals_list):
        events = compat.create_records(super(CalendarEvent, self).create, vals_list)
        self.env["crm.touchpoint"]._capture_sync("_sync_meetings", events._real_ids())
        return events

    def write(self, values):
        res = super(CalendarEvent, self).write(values)
        if SYNC_FIELDS & set(values):
            self.env["crm.touchpoint"]._capture_sync("_sync_meetings", self._real_ids())
        return res

    def unlink(self, *args, **kwargs):
        # 11 passes can_be_deleted; 13+ has no argument: handed on as given
        ids = self._real_ids()
        res = super(CalendarEvent, self).unlink(*args, **kwargs)
        self.env["crm.touchpoint"]._capture_sync("_sync_meetings", ids)
        return res
