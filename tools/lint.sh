#!/usr/bin/env bash
# flake8, isort and pylint-odoo (Odoo 11.0 checks) over the addons, the
# suite tests and the tools. Exits non-zero on the first linter that fails.
set -uo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
BIN=.local/venv-tools/bin
ADDONS=(crm_lifecycle crm_lifecycle_analytics crm_lifecycle_sale crm_lifecycle_analytics_sale
        crm_lifecycle_mass_mailing crm_lifecycle_rating crm_lifecycle_survey)
PY_PATHS=("${ADDONS[@]}" tests tools setup.py)
rc=0
echo "== flake8"
"$BIN/flake8" "${PY_PATHS[@]}" || rc=1
echo "== isort"
"$BIN/isort" --check-only --diff "${PY_PATHS[@]}" || rc=1
echo "== README.rst up to date with readme/ fragments"
"$BIN/python" tools/gen_readme.py --check || rc=1
echo "== pylint-odoo (11.0)"
"$BIN/pylint" --rcfile=.pylintrc "${ADDONS[@]}" || rc=1
echo "== sudo and SQL writes say why"
"$BIN/python" tools/sql_audit.py || rc=1
echo "== translations (complete, following the templates, placeholders intact)"
"$BIN/python" tools/i18n_check.py || rc=1
if [ "$rc" -eq 0 ]; then echo "lint: clean"; else echo "lint: FAILED"; fi
exit "$rc"
