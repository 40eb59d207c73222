"""Translations (gettext, en + cy) and locale formatting (Babel). Plain Python, no Qt.

Call ``_()`` / ``ngettext()`` / ``pgettext()`` at render time and re-render on
``get_translator().add_listener(...)``; see translations/README.md.
"""

from han_home.shared.i18n.catalog import (
    LANGUAGES,
    LOCALES,
    N_,
    Nn_,
    Translator,
    _,
    current_language,
    get_translator,
    ngettext,
    npgettext,
    pgettext,
    set_language,
    set_translator,
)

__all__ = [
    "LANGUAGES",
    "LOCALES",
    "N_",
    "Nn_",
    "Translator",
    "_",
    "current_language",
    "get_translator",
    "ngettext",
    "npgettext",
    "pgettext",
    "set_language",
    "set_translator",
]
