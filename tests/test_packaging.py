"""`pip install .` ships both addons as odoo.addons.<name>, and nothing of
Odoo's own namespace packages."""
import os
import subprocess
import zipfile

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ADDONS = ("crm_lifecycle", "crm_lifecycle_analytics", "crm_lifecycle_sale",
          "crm_lifecycle_analytics_sale", "crm_lifecycle_mass_mailing",
          "crm_lifecycle_rating", "crm_lifecycle_survey")


def addon_files():
    for addon in ADDONS:
        for dirpath, dirnames, filenames in os.walk(os.path.join(ROOT, addon)):
            dirnames[:] = [d for d in dirnames if d != "__pycache__"]
            for fn in filenames:
                if not fn.endswith((".pyc", ".pyo")):
                    yield os.path.relpath(os.path.join(dirpath, fn), ROOT)


@pytest.fixture(scope="module")
def wheel(odoo_python, tmp_path_factory):
    out = tmp_path_factory.mktemp("wheel")
    build = tmp_path_factory.mktemp("build")
    subprocess.run(
        [odoo_python, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q",
         "-w", str(out), ROOT],
        check=True, cwd=str(build), env=dict(os.environ, PIP_NO_INDEX="1"))
    wheels = list(out.glob("*.whl"))
    assert len(wheels) == 1, wheels
    return wheels[0]


def test_wheel_ships_every_addon_file(wheel):
    names = set(zipfile.ZipFile(str(wheel)).namelist())
    missing = ["odoo/addons/" + f for f in addon_files() if "odoo/addons/" + f not in names]
    assert not missing, "not in the wheel: %s" % missing[:10]
    # Odoo's own namespace packages must not be overwritten
    assert "odoo/__init__.py" not in names
    assert "odoo/addons/__init__.py" not in names


def test_installed_wheel_imports_as_odoo_addon(wheel, odoo_python, tmp_path):
    target = tmp_path / "site"
    subprocess.run([odoo_python, "-m", "pip", "install", "--no-deps", "-q", "--target",
                    str(target), str(wheel)], check=True)
    code = ("import odoo.addons.crm_lifecycle as a, odoo.addons.crm_lifecycle_analytics as b;"
            "print(a.__file__); print(b.__file__)")
    out = subprocess.run([odoo_python, "-c", code], check=True, stdout=subprocess.PIPE,
                         universal_newlines=True, cwd=str(tmp_path),
                         env=dict(os.environ, PYTHONPATH=str(target))).stdout.split()
    assert out[0].startswith(str(target)) and out[0].endswith("crm_lifecycle/__init__.py")
    assert out[1].startswith(str(target))
    manifest = target / "odoo" / "addons" / "crm_lifecycle" / "__manifest__.py"
    assert manifest.exists()


@pytest.mark.parametrize("addon", ADDONS)
def test_every_test_module_is_imported_by_its_package(addon):
    """Odoo's own test runner (18) runs only the modules `tests/__init__.py`
    imports; pytest-odoo (11) finds them by name. A module left out would
    run on 11 only."""
    folder = os.path.join(ROOT, addon, "tests")
    with open(os.path.join(folder, "__init__.py")) as handle:
        imported = {line.split()[-1] for line in handle if line.startswith("from . import")}
    modules = {name[:-3] for name in os.listdir(folder)
               if name.startswith("test_") and name.endswith(".py")}
    assert modules - imported == set()
