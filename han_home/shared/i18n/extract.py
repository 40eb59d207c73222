"""Extract translatable strings and update the catalogues, in process.

``python -m han_home.shared.i18n.extract`` does, from the repository root's point of view::

    pybabel extract -F translations/babel.cfg -k _ -k ngettext:1,2 -k pgettext:1c,2 \
        -k npgettext:1c,2,3 -k N_ -k Nn_:1,2 \
        --add-comments=TRANSLATORS: --sort-output --add-location=file \
        -o translations/messages.pot .
    pybabel update -i translations/messages.pot -d translations --ignore-obsolete

then fills English plural entries with their own two forms (English needs no translator).
New or changed Welsh entries come out untranslated or fuzzy; ``tests/unit/test_i18n_catalog.py``
fails until a translator fills them in and removes the fuzzy flag.
"""

from __future__ import annotations

import contextlib
import re
import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.frontend import CommandLineInterface
from babel.messages.pofile import read_po, write_po

from han_home.shared.i18n.catalog import DOMAIN, LANGUAGES, TRANSLATIONS_DIR

ROOT = TRANSLATIONS_DIR.parent
POT = TRANSLATIONS_DIR / f"{DOMAIN}.pot"
KEYWORDS = ["_", "ngettext:1,2", "pgettext:1c,2", "npgettext:1c,2,3", "N_", "Nn_:1,2"]
WRITE_OPTIONS = {"width": 76, "sort_output": True, "include_lineno": False}


def extract(root: Path = ROOT, pot: Path = POT) -> Path:
    args = ["pybabel", "-q", "extract", "-F", str(root / "translations" / "babel.cfg")]
    for keyword in KEYWORDS:
        args += ["-k", keyword]
    args += [
        "--add-comments=TRANSLATORS:",
        "--sort-output",
        "--add-location=file",  # no line numbers: fewer merge conflicts between engineers
        "--project=han-home",
        "--copyright-holder=han-home contributors",
        "-o",
        str(pot),
        ".",
    ]
    old = pot.read_text(encoding="utf-8") if pot.exists() else None
    with contextlib.chdir(root):  # location comments relative to the repository root
        CommandLineInterface().run(args)
    if old is not None:
        _keep_if_same(pot, old)
    return pot


def _without_dates(text: str) -> str:
    return re.sub(r'^"(POT-Creation-Date|PO-Revision-Date): .*\n', "", text, flags=re.M)


def _keep_if_same(path: Path, old: str) -> None:
    """Put back the old file when only its dates changed: no churn, fewer merge conflicts."""
    if _without_dates(path.read_text(encoding="utf-8")) == _without_dates(old):
        path.write_text(old, encoding="utf-8")


def update(pot: Path = POT, directory: Path = TRANSLATIONS_DIR) -> list[Path]:
    with pot.open("rb") as fh:
        template = read_po(fh)
    written = []
    for language in LANGUAGES:
        po = directory / language / "LC_MESSAGES" / f"{DOMAIN}.po"
        if po.exists():
            with po.open("rb") as fh:
                catalog = read_po(fh, locale=language)
        else:
            po.parent.mkdir(parents=True, exist_ok=True)
            catalog = Catalog(
                locale=language,
                domain=DOMAIN,
                project="han-home",
                copyright_holder="han-home contributors",
                language_team=f"{LANGUAGES[language]} <han-home translators>",
                fuzzy=False,
            )
        # no fuzzy guesses: a guessed translation of a different sentence is worse than none
        catalog.update(template, no_fuzzy_matching=True)
        catalog.obsolete.clear()  # the strings are in git history if they come back
        if language == "en":
            _fill_english_plurals(catalog)
        old = po.read_text(encoding="utf-8") if po.exists() else None
        with po.open("wb") as fh:
            write_po(fh, catalog, **WRITE_OPTIONS)  # type: ignore[arg-type]
        if old is not None:
            _keep_if_same(po, old)
        written.append(po)
    return written


def _fill_english_plurals(catalog: Catalog) -> None:
    """English msgstr may stay empty (identity), but plural entries carry both forms."""
    for message in catalog:
        if message.pluralizable and not any(message.string or ()):
            singular, plural = message.id[0], message.id[1]
            message.string = (singular, plural)
            message.flags.discard("fuzzy")


def main(argv: list[str] | None = None) -> int:
    pot = extract()
    print(f"extracted {pot}")
    for po in update(pot):
        print(f"updated {po}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
