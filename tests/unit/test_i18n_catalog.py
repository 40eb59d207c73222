"""Catalogues: Welsh plurals, run-time switching, completeness, compiling."""

from __future__ import annotations

import gettext
import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po

from han_home.shared.i18n import catalog as cat
from han_home.shared.i18n.compile import CatalogError, compile_all
from han_home.shared.i18n.formatting import format_age, format_duration

PO = {lang: cat.TRANSLATIONS_DIR / lang / "LC_MESSAGES" / "messages.po" for lang in cat.LANGUAGES}
PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]")


@pytest.fixture
def tr() -> Iterator[cat.Translator]:
    translator = cat.Translator("en")
    previous = cat.set_translator(translator)
    yield translator
    cat.set_translator(previous)


def forms(value: object) -> tuple[str, ...]:
    """A message id or string as a tuple of texts (plural entries have several)."""
    if isinstance(value, (tuple, list)):
        return tuple(str(v) for v in value)
    return (str(value),) if value else ("",)


def read(lang: str) -> Catalog:
    with PO[lang].open("rb") as fh:
        return read_po(fh)


WELSH_DAYS = {
    0: "0 diwrnod",
    1: "1 diwrnod",
    2: "2 ddiwrnod",
    3: "3 diwrnod",
    6: "6 diwrnod",
    8: "8 diwrnod",
    11: "11 diwrnod",
}
WELSH_MINUTES = {
    0: "0 munud",
    1: "1 munud",
    2: "2 funud",
    3: "3 munud",
    6: "6 munud",
    8: "8 munud",
    11: "11 munud",
}


@pytest.mark.parametrize("n", sorted(WELSH_DAYS))
def test_welsh_day_plurals(tr: cat.Translator, n: int) -> None:
    tr.set_language("cy")
    assert cat.ngettext("%(n)d day", "%(n)d days", n) % {"n": n} == WELSH_DAYS[n]
    if n:
        assert format_duration(n * 86400) == WELSH_DAYS[n]
        assert format_age(n * 86400) == WELSH_DAYS[n] + " yn ôl"


@pytest.mark.parametrize("n", sorted(WELSH_MINUTES))
def test_welsh_minute_plurals(tr: cat.Translator, n: int) -> None:
    tr.set_language("cy")
    assert cat.ngettext("%(n)d minute", "%(n)d minutes", n) % {"n": n} == WELSH_MINUTES[n]
    if n:
        assert format_age(n * 60) == WELSH_MINUTES[n] + " yn ôl"


@pytest.mark.parametrize("n", [1, 2, 3, 6, 8, 11])
def test_welsh_hours_do_not_mutate(tr: cat.Translator, n: int) -> None:
    tr.set_language("cy")
    assert format_age(n * 3600) == f"{n} awr yn ôl"


def test_zero_uses_its_own_sentence(tr: cat.Translator) -> None:
    tr.set_language("cy")
    assert format_age(0) == "llai na munud yn ôl"
    assert format_duration(59) == "llai na munud"
    tr.set_language("en")
    assert format_age(30) == "less than a minute ago"


def test_english_plurals(tr: cat.Translator) -> None:
    assert format_age(60) == "1 minute ago"
    assert format_age(120) == "2 minutes ago"
    assert format_age(3600) == "1 hour ago"
    assert format_duration(3 * 86400) == "3 days"


def test_the_welsh_catalogue_has_the_installed_babels_plural_rule() -> None:
    """The catalogue's Plural-Forms is the installed Babel's for cy (CLDR's six, zero on its
    own), every plural entry has that many forms, all translated, and both pick the same
    form for every n: an update with this Babel shifts nothing."""
    from babel.messages.plurals import get_plural

    catalog = read("cy")
    rule = get_plural("cy")
    assert (catalog.num_plurals, catalog.plural_expr) == (rule.num_plurals, rule.plural_expr)
    assert rule.num_plurals == 6
    header = gettext.c2py(catalog.plural_expr)
    babel_rule = gettext.c2py(rule.plural_expr)
    assert [header(n) for n in range(1000)] == [babel_rule(n) for n in range(1000)]
    assert header(0) == 0 and header(4) == 5  # zero apart from other
    for message in catalog:
        if message.pluralizable:
            assert len(message.string) == 6 and all(message.string), message.id


def test_switch_notifies_listeners_and_changes_output(tr: cat.Translator) -> None:
    heard: list[str] = []
    remove = tr.add_listener(heard.append)
    assert cat._("Power now") == "Power now"
    cat.set_language("cy")
    assert heard == ["cy"]
    assert cat.current_language() == "cy"
    assert cat._("Power now") == "Pŵer nawr"
    assert cat.pgettext("screen", "Now") == "Nawr"
    cat.set_language("cy")  # no change, no notification
    remove()
    cat.set_language("en")
    assert heard == ["cy"]
    assert cat._("Power now") == "Power now"


def test_failing_listener_does_not_stop_others(tr: cat.Translator) -> None:
    heard: list[str] = []

    def broken(_lang: str) -> None:
        raise RuntimeError("boom")

    tr.add_listener(broken)
    tr.add_listener(heard.append)
    tr.set_language("cy")
    assert heard == ["cy"]


def test_unknown_language_is_refused(tr: cat.Translator) -> None:
    with pytest.raises(ValueError):
        tr.set_language("fr")
    assert tr.language == "en"


def test_language_names_welsh_first_in_own_language() -> None:
    assert list(cat.LANGUAGES.items()) == [("cy", "Cymraeg"), ("en", "English")]


def test_every_welsh_message_translated_and_not_fuzzy() -> None:
    catalog, template_ids = read("cy"), {m.id for m in read("en") if m.id}
    problems = []
    for message in catalog:
        if not message.id:
            continue
        strings = forms(message.string)
        if message.fuzzy or not all(strings):
            problems.append(message.id)
    assert not problems, f"untranslated or fuzzy Welsh entries: {problems}"
    assert {m.id for m in catalog if m.id} == template_ids


def test_english_plural_entries_have_both_forms() -> None:
    for message in read("en"):
        if message.pluralizable:
            assert forms(message.string) == forms(message.id), message.id


@pytest.mark.parametrize("lang", sorted(PO))
def test_placeholders_match(lang: str) -> None:
    for message in read(lang):
        if not message.id:
            continue
        ids, strings = forms(message.id), forms(message.string)
        wanted = set(PLACEHOLDER.findall(ids[0]))
        for ident in ids:
            assert set(PLACEHOLDER.findall(ident)) == wanted, ident
        for text in strings:
            if text:  # empty English msgstr means "same as msgid"
                assert set(PLACEHOLDER.findall(text)) == wanted, (message.id, text)
        if wanted:
            assert message.python_format, message.id


def test_translator_falls_back_to_po_when_mo_missing(tmp_path: Path) -> None:
    shutil.copytree(cat.TRANSLATIONS_DIR, tmp_path / "t", ignore=shutil.ignore_patterns("*.mo"))
    translator = cat.Translator("cy", directory=tmp_path / "t")
    assert translator.gettext("Power now") == "Pŵer nawr"


def test_loading_catalogues_writes_nothing(tmp_path: Path) -> None:
    """An installed app reads its catalogues and never compiles into its own install."""
    root = tmp_path / "t"
    shutil.copytree(cat.TRANSLATIONS_DIR, root, ignore=shutil.ignore_patterns("*.mo"))
    before = sorted(p.relative_to(root) for p in root.rglob("*"))
    root.chmod(0o555)
    try:
        translator = cat.Translator("cy", directory=root)
        assert translator.gettext("Today") == "Heddiw"
    finally:
        root.chmod(0o755)
    assert sorted(p.relative_to(root) for p in root.rglob("*")) == before


def test_bad_catalogue_fails_clearly(tmp_path: Path) -> None:
    root = tmp_path / "t"
    shutil.copytree(cat.TRANSLATIONS_DIR, root, ignore=shutil.ignore_patterns("*.mo"))
    cy_po = root / "cy" / "LC_MESSAGES" / "messages.po"
    text = cy_po.read_text(encoding="utf-8")
    cy_po.write_text(
        text.replace('msgstr "Dyled: %(amount)s"', 'msgstr "Dyled: %(swm)s"'), encoding="utf-8"
    )
    with pytest.raises(CatalogError, match="messages.po"):
        compile_all(root)
    cy_po.write_text(text + '\nmsgid "broken\n', encoding="utf-8")
    with pytest.raises(CatalogError, match="cannot parse"):
        compile_all(root)
