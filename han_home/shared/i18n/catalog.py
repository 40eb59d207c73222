"""Run-time translations: gettext catalogues for English and Welsh, switchable live.

Code calls ``_("Power now")`` when it renders, never at import time, and re-renders when the
translator notifies a language change. Nothing here imports Qt so the core can use it.
"""

from __future__ import annotations

import gettext
import io
import logging
import threading
from collections.abc import Callable
from pathlib import Path

from han_home.shared.package_data import translations_dir

log = logging.getLogger(__name__)

DOMAIN = "messages"
# Welsh first, each name in its own language, no flags (Welsh Language Standards).
LANGUAGES: dict[str, str] = {"cy": "Cymraeg", "en": "English"}
LOCALES: dict[str, str] = {"cy": "cy_GB", "en": "en_GB"}
DEFAULT_LANGUAGE = "en"
TRANSLATIONS_DIR = translations_dir()

Listener = Callable[[str], None]


def _load(directory: Path, language: str) -> gettext.NullTranslations:
    """The catalogue for one language: the .mo if it is current, else the .po compiled in memory.

    Falling back to the .po means a fresh clone or a read-only install still shows Welsh
    instead of silently showing English.
    """
    base = directory / language / "LC_MESSAGES"
    mo, po = base / f"{DOMAIN}.mo", base / f"{DOMAIN}.po"
    if mo.exists() and (not po.exists() or mo.stat().st_mtime >= po.stat().st_mtime):
        with mo.open("rb") as fh:
            return gettext.GNUTranslations(fh)
    if po.exists():
        from han_home.shared.i18n.compile import compile_to_bytes  # late: babel only when needed

        return gettext.GNUTranslations(io.BytesIO(compile_to_bytes(po)))
    log.warning("no catalogue for %r in %s; showing msgids", language, directory)
    return gettext.NullTranslations()


class Translator:
    """The current language and its catalogue; listeners hear about switches."""

    def __init__(self, language: str = DEFAULT_LANGUAGE, directory: Path | None = None) -> None:
        self._directory = directory or TRANSLATIONS_DIR
        self._catalogs: dict[str, gettext.NullTranslations] = {}
        self._listeners: list[Listener] = []
        self._lock = threading.Lock()
        self._check(language)
        self._language = language

    @staticmethod
    def _check(language: str) -> None:
        if language not in LANGUAGES:
            expected = ", ".join(LANGUAGES)
            raise ValueError(f"unsupported language {language!r}; expected one of {expected}")

    @property
    def language(self) -> str:
        return self._language

    @property
    def locale(self) -> str:
        """Babel/CLDR locale name of the current language (en_GB or cy_GB)."""
        return LOCALES[self._language]

    def catalog(self, language: str | None = None) -> gettext.NullTranslations:
        lang = language or self._language
        self._check(lang)
        with self._lock:
            if lang not in self._catalogs:
                self._catalogs[lang] = _load(self._directory, lang)
            return self._catalogs[lang]

    def reload(self) -> None:
        """Forget loaded catalogues (after recompiling) so the next lookup reads them again."""
        with self._lock:
            self._catalogs.clear()

    def set_language(self, language: str) -> None:
        self._check(language)
        if language == self._language:
            return
        self.catalog(language)  # load before switching so a broken catalogue fails here
        self._language = language
        for listener in list(self._listeners):
            try:
                listener(language)
            except Exception:  # one bad screen must not stop the others re-rendering
                log.exception("language listener %r failed", listener)

    def add_listener(self, callback: Listener) -> Callable[[], None]:
        """Call ``callback(language)`` after each switch; returns a function that removes it."""
        self._listeners.append(callback)

        def remove() -> None:
            if callback in self._listeners:
                self._listeners.remove(callback)

        return remove

    def gettext(self, msgid: str) -> str:
        return self.catalog().gettext(msgid)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        # Welsh: the catalogue's Plural-Forms picks among CLDR's 6 forms (zero has its own).
        return self.catalog().ngettext(singular, plural, n)

    def pgettext(self, context: str, msgid: str) -> str:
        return self.catalog().pgettext(context, msgid)

    def npgettext(self, context: str, singular: str, plural: str, n: int) -> str:
        return self.catalog().npgettext(context, singular, plural, n)


_current = Translator()


def get_translator() -> Translator:
    return _current


def set_translator(translator: Translator) -> Translator:
    """Replace the process-wide translator (tests, or an app using another directory).

    Returns the previous one so a caller can put it back.
    """
    global _current
    previous, _current = _current, translator
    return previous


def set_language(language: str) -> None:
    _current.set_language(language)


def current_language() -> str:
    return _current.language


def _(msgid: str) -> str:
    return _current.gettext(msgid)


def ngettext(singular: str, plural: str, n: int) -> str:
    return _current.ngettext(singular, plural, n)


def pgettext(context: str, msgid: str) -> str:
    return _current.pgettext(context, msgid)


def npgettext(context: str, singular: str, plural: str, n: int) -> str:
    return _current.npgettext(context, singular, plural, n)


def N_(msgid: str) -> str:  # gettext convention
    """Mark a string for extraction without translating it (translate later with ``_``)."""
    return msgid


def Nn_(singular: str, plural: str) -> tuple[str, str]:  # gettext convention
    """Mark a plural pair for extraction; translate later with ``ngettext(*pair, n)``."""
    return singular, plural
