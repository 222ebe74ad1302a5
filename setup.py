"""Install both addons as `odoo.addons.crm_lifecycle` and
`odoo.addons.crm_lifecycle_analytics` (metadata in setup.cfg).

Only the addon folders are shipped: `odoo/__init__.py` and
`odoo/addons/__init__.py` belong to the Odoo installation, whose
namespace-package declarations pick these addons up.
"""
import os

from setuptools import setup

HERE = os.path.dirname(os.path.abspath(__file__))
ADDONS = ["crm_lifecycle", "crm_lifecycle_analytics", "crm_lifecycle_sale",
          "crm_lifecycle_analytics_sale", "crm_lifecycle_mass_mailing",
          "crm_lifecycle_rating", "crm_lifecycle_survey"]


def addon_packages():
    packages, package_dir, package_data = [], {}, {}
    for addon in ADDONS:
        for dirpath, dirnames, filenames in os.walk(os.path.join(HERE, addon)):
            dirnames[:] = sorted(d for d in dirnames if d != "__pycache__")
            rel = os.path.relpath(dirpath, HERE)
            if "__init__.py" not in filenames:
                continue
            name = "odoo.addons." + rel.replace(os.sep, ".")
            packages.append(name)
            package_dir[name] = rel
        # every non-Python file (XML, CSV, PNG, .pot/.po, rst...) goes along
        data = []
        root = os.path.join(HERE, addon)
        for dirpath, dirnames, filenames in os.walk(root):
            dirnames[:] = [d for d in dirnames if d != "__pycache__"]
            for fn in filenames:
                if not fn.endswith((".py", ".pyc")):
                    data.append(os.path.relpath(os.path.join(dirpath, fn), root))
        package_data["odoo.addons." + addon] = sorted(data)
    return packages, package_dir, package_data


PACKAGES, PACKAGE_DIR, PACKAGE_DATA = addon_packages()

setup(packages=PACKAGES, package_dir=PACKAGE_DIR, package_data=PACKAGE_DATA)
