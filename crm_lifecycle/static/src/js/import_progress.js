/* Copyright 2026 crm_lifecycle contributors
 * License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl). */
odoo.define('crm_lifecycle.import_progress', function (require) {
"use strict";

var basicFields = require('web.basic_fields');
var fieldRegistry = require('web.field_registry');
var session = require('web.session');

/**
 * The progress of a customer list's import (Odoo 11 web client).
 *
 * While the import is applying, it asks the server for the next step of rows
 * (`action_apply_step`, each step saved in its own transaction), shows the
 * rows imported of all, and reloads the window once the last step is in.
 * Closed or interrupted, the import continues from the first row not
 * imported when the window shows it again.
 */
var ImportProgress = basicFields.FieldProgressBar.extend({
    start: function () {
        var self = this;
        return this._super.apply(this, arguments).then(function () {
            if (self.recordData.state === 'applying') {
                self._step();
            }
        });
    },
    _step: function () {
        var self = this;
        return this._rpc({
            model: this.model,
            method: 'action_apply_step',
            args: [[this.res_id]],
            context: session.user_context,
        }).then(function (progress) {
            if (self.isDestroyed()) {
                return;
            }
            self.value = progress.applied;
            self.max_value = progress.total;
            self._render_value();
            if (progress.done) {
                self.trigger_up('reload');
            } else {
                self._step();
            }
        });
    },
});

fieldRegistry.add('lifecycle_import_progress', ImportProgress);

return ImportProgress;
});
