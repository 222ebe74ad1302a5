"""Odoo 11 command line (`odoo-bin`), for the venv's PyPI install of Odoo."""
import odoo

if __name__ == "__main__":
    odoo.cli.main()
