"""Build the Odoo 18 addons of the suite from its one source tree.

The addons at the repository's root are the Odoo 11 addons and the only
source: every Python file, data file and translation exists once. Odoo 18
needs its own manifest and views (11's `attrs` and `<tree>` are gone, a few
models were renamed), so this script writes, for each addon, a directory
`<out>/<addon>` that Odoo 18 installs:

- `__manifest__.py`: the 11 manifest with the 18 version prefix and the
  18 names of the modules it depends on;
- the Python packages and modules, `i18n/` and `static/`: symbolic links to
  the source (the code is shared; the version differences live in
  `crm_lifecycle/compat.py`);
- every XML file of the manifest: converted (see `convert`), or the
  hand-written file `odoo18/<addon>/<same path>` where one exists (views
  that cannot be converted mechanically, e.g. the settings page);
- every other data file (CSV): a link to the source.

Usage: python tools/port18.py [--out DIR]   (default .local/odoo18/addons)
"""
import argparse
import ast
import os
import re
import shutil
import sys

from lxml import etree

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
# the addons ported so far (issue 19 lands addon by addon: the others are
# not written out, so that Odoo 18 does not auto-install them)
ADDONS = ["crm_lifecycle", "crm_lifecycle_analytics"]
# the bridges to Odoo's apps (sale, email marketing, ratings, surveys)
ADDONS += ["crm_lifecycle_sale", "crm_lifecycle_analytics_sale", "crm_lifecycle_mass_mailing",
           "crm_lifecycle_rating", "crm_lifecycle_survey"]
OVERRIDES = os.path.join(ROOT, "odoo18")
# fields of data records that Odoo 18 no longer has, by model
DROPPED_FIELDS = {"ir.cron": {"numbercall", "doall"}, "res.users": {"customer"}}
# modules an 18 addon needs beyond its 11 dependencies: the partner's
# customer rank (11: the `customer` flag of base) is the accounting module's
EXTRA_DEPENDS = {"crm_lifecycle": ["account"]}
# the web client's files of an addon: 11 adds them to its assets by a view
# (views/assets.xml, an empty file in odoo18/), 18 by its manifest
ASSETS = {"crm_lifecycle": {"web.assets_backend": ["crm_lifecycle/static/src/odoo18/*.js"]}}
# fields renamed since 11, by model: {old: new}
RENAMED_FIELDS = {"mail.activity.type": {"days": "delay_count"}}
# fields of Odoo's views renamed since 11, by model: an inherited view's
# anchor on them follows
ANCHOR_RENAMES = {"mail.activity.type": {"res_model_id": "res_model"}}
# the partner's customer flag (11) is a rank in Odoo 13+ (module account)
TEXT_REPLACEMENTS = [
    ("('customer', '=', True)", "('customer_rank', '>', 0)"),
    ("'default_customer': 1", "'default_customer_rank': 1"),
    ("'default_customer': True", "'default_customer_rank': 1"),
    # 13+: a partner has no sales team; its salesperson's team stands for it
    ("('partner_id.team_id.user_id', '=', user.id)",
     "('partner_id.user_id.sale_team_id.user_id', '=', user.id)"),
]


# ------------------------------------------------------------ domains
def domain_to_expression(domain):
    """An 11 `attrs` domain as the Python expression an 18 view takes:
    [('state', '!=', 'done'), ('ids', '=', [])] -> "state != 'done' and not ids"."""
    items = list(domain)

    def leaf(term):
        name, operator, value = term
        if operator in ("=", "==") and value in (False, [], None):
            return "not %s" % name
        if operator in ("!=", "<>") and value in (False, [], None):
            return name
        if operator in ("=", "==") and value is True:
            return name
        if operator in ("!=", "<>") and value is True:
            return "not %s" % name
        operator = {"=": "==", "<>": "!="}.get(operator, operator)
        if operator in ("in", "not in"):
            value = tuple(value)
        return "%s %s %r" % (name, operator, value)

    def parse(i):
        token = items[i]
        if token in ("|", "&"):
            left, i = parse(i + 1)
            right, i = parse(i)
            return "(%s %s %s)" % (left, "or" if token == "|" else "and", right), i
        if token == "!":
            inner, i = parse(i + 1)
            return "not (%s)" % inner, i
        return leaf(token), i + 1

    terms, i = [], 0
    while i < len(items):
        term, i = parse(i)
        terms.append(term)
    if not terms:
        return "False"
    return " and ".join(terms)


def merge_condition(element, attribute, expression):
    """Set `attribute` to `expression`, or-ed with a condition already there."""
    current = element.get(attribute)
    if current in (None, "", "0", "False"):
        element.set(attribute, expression)
    elif current in ("1", "True"):
        return
    else:
        element.set(attribute, "(%s) or (%s)" % (current, expression))


# ------------------------------------------------------------ views
# 11's kanban helpers, gone from 18's card templates (`kanban_getcolor`,
# `kanban_image`: an Owl error, "ctx.kanban_image is not a function")
KANBAN_COLOR = re.compile(r"\s*oe_kanban_color_#\{kanban_getcolor\(record\.(\w+)\.raw_value\)\}")
KANBAN_IMAGE = re.compile(
    r"^kanban_image\('([\w.]+)',\s*'\w+',\s*record\.(\w+)\.raw_value\)$")
# the 18 widget showing the avatar of a many2one, by the model it points to
AVATAR_WIDGETS = {"res.users": "many2one_avatar_user", "res.partner": "many2one_avatar"}


def convert_card(kanban, template):
    """An 11 kanban box made an 18 card: the colour of the card is the
    kanban's `highlight_color` field, and a user's or partner's picture
    (`kanban_image(model, field, record.<many2one>.raw_value)`) is the
    many2one shown by its avatar widget."""
    for element in template.iter():
        classes = element.get("t-attf-class")
        match = classes and KANBAN_COLOR.search(classes)
        if match:
            kanban.set("highlight_color", match.group(1))
            element.set("t-attf-class", KANBAN_COLOR.sub("", classes).strip())
    for image in list(template.iter("img")):
        source = image.get("t-att-src", "")
        if "kanban_image" not in source:
            continue
        match = KANBAN_IMAGE.match(source.strip())
        if not match or match.group(1) not in AVATAR_WIDGETS:
            raise ValueError("kanban_image(%s) has no 18 equivalent: write the view by "
                             "hand in odoo18/" % source)
        field = etree.Element("field", name=match.group(2),
                              widget=AVATAR_WIDGETS[match.group(1)])
        field.tail = image.tail
        image.getparent().replace(image, field)


def convert_arch(arch):
    """An 11 view architecture made an 18 one, in place."""
    for element in arch.iter():
        if not isinstance(element.tag, str):
            continue
        if element.tag == "tree":
            element.tag = "list"
        if element.tag == "list":
            for column in element.iterchildren("field"):
                # 17+: `invisible` on a list's field hides its cells, the
                # column stays (an empty "Currency" column); 11's
                # invisible="1" hid the column
                if column.get("invisible") in ("1", "True"):
                    column.set("column_invisible", column.attrib.pop("invisible"))
        attrs = element.get("attrs")
        if attrs:
            del element.attrib["attrs"]
            for key, domain in ast.literal_eval(attrs.strip()).items():
                merge_condition(element, key, domain_to_expression(domain))
        states = element.get("states")
        if states and element.tag in ("button", "field", "div", "group", "page"):
            del element.attrib["states"]
            wanted = tuple(s.strip() for s in states.split(","))
            merge_condition(element, "invisible", "state not in %r" % (wanted,))
        context = element.get("context")
        if context and "active_id" in context and element.tag == "field":
            # 18: a form's own record is `id` in its fields' contexts
            element.set("context", re.sub(r"\bactive_id\b", "id", context))
        if element.tag == "calendar" and element.get("quick_add") is not None:
            element.set("quick_create", element.attrib.pop("quick_add"))
        if element.tag == "kanban":
            for template in element.iter("t"):
                if template.get("t-name") == "kanban-box":
                    template.set("t-name", "card")
                    convert_card(element, template)
        for name in ("t-esc",):
            if element.get(name) is not None:
                element.set("t-out", element.attrib.pop(name))
        if element.tag == "xpath" and element.get("expr"):
            # an inherited view's path through a <tree> follows it to <list>
            element.set("expr", re.sub(r"(?<=/)tree\b", "list", element.get("expr")))


def convert_attribute_attrs(arch):
    """An inherited view's `<attribute name="attrs">` (11) as one
    `<attribute>` per condition it sets (18: invisible, readonly...)."""
    for element in list(arch.iter("attribute")):
        if element.get("name") != "attrs" or not (element.text or "").strip():
            continue
        parent, index = element.getparent(), element.getparent().index(element)
        tail = element.tail
        parent.remove(element)
        for offset, (key, domain) in enumerate(
                sorted(ast.literal_eval(element.text.strip()).items())):
            attribute = etree.Element("attribute", name=key)
            attribute.text = domain_to_expression(domain)
            attribute.tail = tail
            parent.insert(index + offset, attribute)


def convert_record(record):
    """Data records whose model or fields changed since 11."""
    model = record.get("model")
    for field in list(record.findall("field")):
        name = field.get("name")
        if name in DROPPED_FIELDS.get(model, ()):
            record.remove(field)
        elif model == "res.partner" and name == "customer":
            # 13+: a rank (account), 1 for a customer
            field.set("name", "customer_rank")
            field.set("eval", "1" if field.get("eval") in ("True", "1") else "0")
        elif name in RENAMED_FIELDS.get(model, {}):
            field.set("name", RENAMED_FIELDS[model][name])
        elif model == "mail.activity.type" and name == "res_model_id":
            # 18: the model's name (a char), not its ir.model record
            ref = field.attrib.pop("ref")
            field.set("name", "res_model")
            field.text = ref.split(".model_", 1)[-1].replace("_", ".")
        elif name == "view_mode" and field.text:
            field.text = re.sub(r"\btree\b", "list", field.text)
        elif name == "arch":
            view_model = record.findtext("field[@name='model']")
            renames = dict(RENAMED_FIELDS.get(view_model, {}),
                           **ANCHOR_RENAMES.get(view_model, {}))
            for child in field:
                convert_arch(child)
                convert_attribute_attrs(child)
                for element in child.iter("field"):
                    if element.get("name") in renames:
                        element.set("name", renames[element.get("name")])


def act_window_record(element):
    """11's <act_window> shortcut as the record it stands for."""
    record = etree.Element("record", id=element.get("id"), model="ir.actions.act_window")
    for attribute, field in (("name", "name"), ("res_model", "res_model"),
                             ("view_mode", "view_mode"), ("target", "target"),
                             ("context", "context"), ("domain", "domain")):
        if element.get(attribute):
            etree.SubElement(record, "field", name=field).text = element.get(attribute)
    if element.get("src_model"):
        etree.SubElement(record, "field", name="binding_model_id",
                         ref="model_" + element.get("src_model").replace(".", "_"))
    if element.get("groups"):
        etree.SubElement(record, "field", name="groups_id",
                         eval="[(4, ref('%s'))]" % element.get("groups"))
    record.tail = element.tail
    return record


def convert(text):
    """An 11 XML data file as the 18 one."""
    for old, new in TEXT_REPLACEMENTS:
        text = text.replace(old, new)
    root = etree.fromstring(text.encode("utf-8"))
    for element in list(root.iter("act_window")):
        element.getparent().replace(element, act_window_record(element))
    for record in root.iter("record"):
        convert_record(record)
    for template in root.iter("template"):
        convert_arch(template)
    return etree.tostring(root, encoding="unicode", xml_declaration=False)


# ------------------------------------------------------------ addons
def manifest(addon):
    with open(os.path.join(ROOT, addon, "__manifest__.py")) as handle:
        values = ast.literal_eval(handle.read())
    values["version"] = "18.0." + values["version"].split(".", 2)[2]
    values["depends"] = values["depends"] + EXTRA_DEPENDS.get(addon, [])
    if addon in ASSETS:
        values["assets"] = ASSETS[addon]
    return values


def link(source, target):
    os.symlink(os.path.relpath(source, os.path.dirname(target)), target)


def build(out):
    if os.path.isdir(out):
        shutil.rmtree(out)
    for addon in ADDONS:
        source, target = os.path.join(ROOT, addon), os.path.join(out, addon)
        if os.path.lexists(target):
            shutil.rmtree(target) if not os.path.islink(target) else os.unlink(target)
        os.makedirs(target)
        values = manifest(addon)
        files = values.get("data", []) + values.get("demo", [])
        for entry in sorted(os.listdir(source)):
            path = os.path.join(source, entry)
            if entry.endswith(".py") and entry != "__manifest__.py" or entry in (
                    "i18n", "static") or (os.path.isdir(path) and os.path.exists(
                        os.path.join(path, "__init__.py"))):
                link(path, os.path.join(target, entry))
        for name in files:
            dest = os.path.join(target, name)
            os.makedirs(os.path.dirname(dest), exist_ok=True)
            override = os.path.join(OVERRIDES, addon, name)
            if os.path.exists(override):
                link(override, dest)
            elif name.endswith(".xml"):
                with open(os.path.join(source, name), encoding="utf-8") as handle:
                    converted = convert(handle.read())
                with open(dest, "w", encoding="utf-8") as handle:
                    handle.write('<?xml version="1.0" encoding="UTF-8" ?>\n' + converted + "\n")
            else:
                link(os.path.join(source, name), dest)
        with open(os.path.join(target, "__manifest__.py"), "w") as handle:
            handle.write("# Generated by tools/port18.py from ../../%s/__manifest__.py\n%r\n"
                         % (addon, values))
    return out


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", default=os.path.join(ROOT, ".local", "odoo18", "addons"))
    args = parser.parse_args(argv)
    print("odoo 18 addons in %s" % build(args.out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
