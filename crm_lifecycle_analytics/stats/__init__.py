# Copyright 2026 crm_lifecycle contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Customer models as pure functions (numpy and scipy only, no Odoo)."""
