/* Copyright 2026 crm_lifecycle contributors
 * License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl). */
import { registry } from "@web/core/registry";
import { useService } from "@web/core/utils/hooks";
import {
    ProgressBarField,
    progressBarField,
} from "@web/views/fields/progress_bar/progress_bar_field";
import { onMounted, onWillUnmount } from "@odoo/owl";

/**
 * The progress of a customer list's import (Odoo 18 web client): the 11
 * widget of static/src/js/import_progress.js as an OWL field. While the
 * import is applying, it asks the server for the next step of rows
 * (`action_apply_step`, each saved in its own transaction), reloads the
 * record to show the rows imported, and stops once the last step is in.
 */
export class ImportProgressField extends ProgressBarField {
    setup() {
        super.setup();
        this.orm = useService("orm");
        this.stopped = false;
        onMounted(() => this.run());
        onWillUnmount(() => {
            this.stopped = true;
        });
    }

    async run() {
        const record = this.props.record;
        while (!this.stopped && record.data.state === "applying") {
            await this.orm.call(record.resModel, "action_apply_step", [[record.resId]]);
            if (this.stopped) {
                return;
            }
            await record.load();
        }
    }
}

registry.category("fields").add("lifecycle_import_progress", {
    ...progressBarField,
    component: ImportProgressField,
});
