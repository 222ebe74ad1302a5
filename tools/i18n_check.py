"""Check the translations of the suite (part of `make lint`).

For every addon and every language the suite ships (LANGS), the file
<addon>/i18n/<lang>.po must:
  - exist and pass `msgfmt --check` (syntax, header, python-format/c-format
    placeholders of the flagged entries);
  - follow the addon's .pot: the same entries (no entry missing, none left
    over from an older template) with the same references, which Odoo uses
    to know where a translation goes;
  - translate every entry: no empty msgstr, no fuzzy one;
  - keep every placeholder (%s, %d, %(name)s, %%, {name}) and every
    HTML/XML tag of the msgid, flagged or not;
and each language has its glossary, i18n/glossary/<lang>.csv.

Runs with the tools venv (polib). Exit status 1 and one line per problem
when anything fails.
"""
import collections
import csv
import os
import re
import subprocess
import sys

import polib

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ADDONS = ["crm_lifecycle", "crm_lifecycle_analytics", "crm_lifecycle_sale",
          "crm_lifecycle_analytics_sale", "crm_lifecycle_mass_mailing",
          "crm_lifecycle_rating", "crm_lifecycle_survey"]
LANGS = ["bg", "id", "ro", "zh_CN"]
PLACEHOLDER = re.compile(r"%\([a-zA-Z_]+\)[sdfr]|%[sdfr]|%%|\{[a-zA-Z_]*\}")
TAG = re.compile(r"</?([a-zA-Z][a-zA-Z0-9]*)\b")


def placeholders(text):
    return collections.Counter(PLACEHOLDER.findall(text))


def tags(text):
    return collections.Counter(TAG.findall(text))


def check_po(addon, lang, pot, root=ROOT):
    """The problems of <root>/<addon>/i18n/<lang>.po against the template."""
    path = os.path.join(root, addon, "i18n", "%s.po" % lang)
    rel = os.path.relpath(path, root)
    if not os.path.exists(path):
        return ["%s: missing (translate the template %s.pot)" % (rel, addon)]
    problems = []
    msgfmt = subprocess.run(["msgfmt", "--check", "-o", os.devnull, path],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            universal_newlines=True)
    if msgfmt.returncode:
        problems += ["%s: msgfmt --check: %s" % (rel, line)
                     for line in msgfmt.stdout.splitlines() if line.strip()]
    po = polib.pofile(path)
    if po.metadata.get("Language") != lang:
        problems.append("%s: the header says Language: %r, not %r"
                        % (rel, po.metadata.get("Language"), lang))
    expected = {e.msgid: e for e in pot if not e.obsolete}
    found = {e.msgid: e for e in po if not e.obsolete}
    for msgid in expected:
        if msgid not in found:
            problems.append("%s: lags the template, no entry for %r" % (rel, msgid[:60]))
    for msgid, entry in found.items():
        where = "%s:%d" % (rel, entry.linenum)
        if msgid not in expected:
            problems.append("%s: %r is no longer in the template" % (where, msgid[:60]))
            continue
        if sorted(entry.occurrences) != sorted(expected[msgid].occurrences):
            problems.append("%s: references of %r differ from the template (run make pot)"
                            % (where, msgid[:60]))
        if not entry.msgstr.strip():
            problems.append("%s: %r is not translated" % (where, msgid[:60]))
            continue
        if "fuzzy" in entry.flags:
            problems.append("%s: %r is fuzzy" % (where, msgid[:60]))
        if placeholders(entry.msgstr) != placeholders(msgid):
            problems.append("%s: placeholders of %r changed: %s -> %s" % (
                where, msgid[:60], sorted(placeholders(msgid).elements()),
                sorted(placeholders(entry.msgstr).elements())))
        if tags(entry.msgstr) != tags(msgid):
            problems.append("%s: tags of %r changed: %s -> %s" % (
                where, msgid[:60], sorted(tags(msgid).elements()),
                sorted(tags(entry.msgstr).elements())))
    if po.obsolete_entries():
        problems.append("%s: %d obsolete (#~) entries; drop them"
                        % (rel, len(po.obsolete_entries())))
    return problems


def check_glossary(lang):
    path = os.path.join(ROOT, "i18n", "glossary", "%s.csv" % lang)
    rel = os.path.relpath(path, ROOT)
    if not os.path.exists(path):
        return ["%s: missing" % rel]
    with open(path, newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    if not rows or not {"term", "translation"} <= set(rows[0]):
        return ["%s: needs the columns term,translation[,note]" % rel]
    return ["%s:%d: no translation for %r" % (rel, i + 2, row["term"])
            for i, row in enumerate(rows) if not (row.get("translation") or "").strip()]


def main():
    problems = []
    for addon in ADDONS:
        pot_path = os.path.join(ROOT, addon, "i18n", "%s.pot" % addon)
        if not os.path.exists(pot_path):
            problems.append("%s: missing (make pot)" % os.path.relpath(pot_path, ROOT))
            continue
        pot = polib.pofile(pot_path)
        for lang in LANGS:
            problems += check_po(addon, lang, pot)
    for lang in LANGS:
        problems += check_glossary(lang)
    for problem in problems:
        print(problem)
    count = len(ADDONS) * len(LANGS)
    if problems:
        print("i18n: %d problem(s) in the %d translation files" % (len(problems), count))
        return 1
    print("i18n: %d translation files (%s) complete, placeholders and tags intact"
          % (count, ", ".join(LANGS)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
