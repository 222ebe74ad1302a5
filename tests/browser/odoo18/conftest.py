"""The Odoo 18 browser tests, run by `make test-18` (tools/odoo18.py) once
the 18 Odoo tests are done: the suite's fixtures as they are, pointed at
the 18 core through the environment (the server's Python, odoo-bin,
configuration and the o18_test database with the ported addons and their
demo data). `make test` and CI (Odoo 11) never collect this folder (see
tests/conftest.py)."""
import xmlrpc.client

import pytest


@pytest.fixture(scope="session", autouse=True)
def odoo18(odoo_server):
    """The server answering is an Odoo 18 with the ported addons."""
    version = xmlrpc.client.ServerProxy(odoo_server.url + "/xmlrpc/2/common").version()
    assert version["server_version_info"][0] == 18, version
    installed = odoo_server.rpc("ir.module.module", "search_read",
                                [("name", "like", "crm_lifecycle%"),
                                 ("state", "=", "installed")], ["name"])
    assert {"crm_lifecycle", "crm_lifecycle_analytics"} <= {m["name"] for m in installed}
    return version


@pytest.fixture(autouse=True)
def server_log_clean(odoo_server):
    """No ERROR line in the server's log while the test ran (a failed RPC
    the page handled, a traceback of a compute)."""
    before = len(odoo_server.log_errors())
    yield
    errors = odoo_server.log_errors()[before:]
    assert not errors, "server log has errors:\n%s" % "\n".join(errors[:10])
