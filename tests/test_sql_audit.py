"""The audit of `make lint` finds what it promises: a sudo() or an SQL
write without its reason; and passes the shipped addons."""
import importlib.util
import os

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def load_audit():
    spec = importlib.util.spec_from_file_location(
        "sql_audit", os.path.join(ROOT, "tools", "sql_audit.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


WRITER = '''
class Model(object):
    {comment}
    @api.model
    def _write(self):
        self.env.cr.execute("UPDATE res_partner SET active = FALSE WHERE id = %s", (1,))
'''
SUDOER = '''
def act(self):
    {comment}
    return self.env["res.partner"].sudo().search([])
'''
CONSTANT = '''
{comment}
DELETE_SQL = """
    DELETE FROM crm_touchpoint t WHERE t.id = %s
"""
'''


def test_sql_write_needs_its_reason():
    audit = load_audit().audit
    for template in (WRITER, CONSTANT):
        bad = audit("x.py", template.format(comment="# writes"))
        assert len(bad) == 1 and "sql-write" in bad[0]
        assert audit("x.py", template.format(comment="# sql-write: derived data")) == []
    assert audit("x.py", "def f(cr):\n    cr.execute('SELECT 1 FROM res_partner')\n") == []


def test_sudo_needs_its_reason():
    audit = load_audit().audit
    bad = audit("x.py", SUDOER.format(comment="# look everywhere"))
    assert len(bad) == 1 and "sudo()" in bad[0]
    assert audit("x.py", SUDOER.format(comment="# sudo: the cron's companies")) == []


def test_shipped_addons_pass():
    assert load_audit().main() == 0
