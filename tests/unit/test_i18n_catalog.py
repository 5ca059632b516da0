"""The English catalog is compiled from the .po and read through Babel's Translations: plural
forms follow the catalog's Plural-Forms, fuzzy entries are left out, and "" stays ""."""

from pathlib import Path

import pytest

from incubator.core import i18n

PO = """\
msgid ""
msgstr ""
"Language: xx\\n"
"Plural-Forms: nplurals=3; plural=(n==1 ? 0 : n==2 ? 1 : 2);\\n"
"Content-Type: text/plain; charset=utf-8\\n"

msgid "{n} 个社区"
msgid_plural "{n} 个社区"
msgstr[0] "{n} community (one)"
msgstr[1] "{n} communities (two)"
msgstr[2] "{n} communities (many)"

msgid "保存"
msgstr "Save"

#, fuzzy
msgid "删除"
msgstr "Delete?"
"""


@pytest.fixture
def catalog_xx(tmp_path, monkeypatch):
    folder = tmp_path / "xx" / "LC_MESSAGES"
    folder.mkdir(parents=True)
    (folder / "messages.po").write_text(PO, encoding="utf-8")
    monkeypatch.setattr(i18n, "TRANSLATIONS_DIR", Path(tmp_path))
    monkeypatch.setattr(i18n, "LANGUAGES", (*i18n.LANGUAGES, "xx"))
    i18n.translations.cache_clear()
    i18n.set_language("xx")
    yield
    i18n.set_language("zh-CN")
    i18n.translations.cache_clear()


def test_ngettext_follows_the_catalogs_plural_forms(catalog_xx):
    assert i18n.ngettext("{n} 个社区", "{n} 个社区", 1) == "{n} community (one)"
    assert i18n.ngettext("{n} 个社区", "{n} 个社区", 2) == "{n} communities (two)"
    assert i18n.ngettext("{n} 个社区", "{n} 个社区", 5) == "{n} communities (many)"


def test_fuzzy_entries_and_the_empty_string_are_not_translated(catalog_xx):
    assert i18n._("保存") == "Save"
    assert i18n._("删除") == "删除"
    assert i18n.gettext("") == ""


def test_chinese_is_the_source_language():
    i18n.set_language("zh-CN")
    assert i18n.ngettext("一项", "多项", 1) == "一项"
    assert i18n.ngettext("一项", "多项", 3) == "多项"
    assert i18n._("保存") == "保存"


def test_the_english_catalog_translates():
    i18n.set_language("en")
    try:
        assert i18n._("保存") == "Save"
        assert i18n.text(i18n.N_("保存")) == "Save"
        assert i18n.text("保存") == "保存"  # data, not a message
    finally:
        i18n.set_language("zh-CN")
