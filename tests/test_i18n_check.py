"""The translation check of `make lint` finds what it promises to find: an
entry left untranslated, a placeholder or a tag changed, a translation that
lags its template; and passes the shipped translations."""
import importlib.util
import os
import shutil

import polib
import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ADDON = "crm_lifecycle_analytics"


def load_check():
    spec = importlib.util.spec_from_file_location(
        "i18n_check", os.path.join(ROOT, "tools", "i18n_check.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def tree(tmp_path):
    """A copy of one addon's i18n folder, to spoil."""
    shutil.copytree(os.path.join(ROOT, ADDON, "i18n"), str(tmp_path / ADDON / "i18n"))
    return tmp_path


def spoil(tree, lang, change):
    path = str(tree / ADDON / "i18n" / ("%s.po" % lang))
    po = polib.pofile(path)
    change(po)
    po.save(path)


def problems(check, tree, lang):
    pot = polib.pofile(str(tree / ADDON / "i18n" / ("%s.pot" % ADDON)))
    return check.check_po(ADDON, lang, pot, root=str(tree))


def test_the_shipped_translations_pass(tree):
    check = load_check()
    for lang in check.LANGS:
        assert problems(check, tree, lang) == [], lang


def test_a_changed_placeholder_is_found(tree):
    check = load_check()

    def change(po):
        entry = next(e for e in po if "%(" in e.msgid and "%(" in e.msgstr)
        entry.msgstr = entry.msgstr.replace("%(", "%(x", 1)
    spoil(tree, "ro", change)
    found = problems(check, tree, "ro")
    assert any("placeholders" in p for p in found), found


def test_an_untranslated_entry_a_lost_tag_and_a_lagging_file_are_found(tree):
    check = load_check()

    def untranslate(po):
        po[0].msgstr = ""
    spoil(tree, "bg", untranslate)
    assert any("is not translated" in p for p in problems(check, tree, "bg"))

    def drop_tag(po):
        entry = next(e for e in po if "<" in e.msgid)
        entry.msgstr = "plain text"
    spoil(tree, "id", drop_tag)
    assert any("tags of" in p for p in problems(check, tree, "id"))

    def lag(po):
        po.remove(po[-1])
    spoil(tree, "zh_CN", lag)
    assert any("lags the template" in p for p in problems(check, tree, "zh_CN"))
