"""Dates with month and day names ("7 March 2025", "Gwen 7") without loading Babel.

Babel's first ``format_date`` for en_GB loads and keeps the whole CLDR locale (root, en,
en_001, en_GB: ~4.4 MiB of Python objects, and cy_GB ~1.4 MiB more) for the life of the
display, which needs only twelve month names and seven day names in a few widths. These are
CLDR's names for the locales the display speaks (``formatting.LOCALES``, and "en" for the
Usage chart's three-letter months); ``tests/unit/test_i18n_formatting.py`` checks every
date of a year in every pattern below against Babel's own result, so a Babel upgrade that
changed a name fails there. Any other pattern or locale goes to Babel as before.
"""

from __future__ import annotations

import datetime as dt
import re

# CLDR (Babel 2.19): MMMM/MMM format-context months, LLLL/LLL stand-alone months,
# EEEE/EEE format-context days, Monday first (datetime.weekday()).
_EN_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
              "September", "October", "November", "December")
_EN_DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_EN_SHORT_DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_CY_MONTHS = ("Ionawr", "Chwefror", "Mawrth", "Ebrill", "Mai", "Mehefin", "Gorffennaf",
              "Awst", "Medi", "Hydref", "Tachwedd", "Rhagfyr")
_CY_DAYS = ("Dydd Llun", "Dydd Mawrth", "Dydd Mercher", "Dydd Iau", "Dydd Gwener",
            "Dydd Sadwrn", "Dydd Sul")

NAMES: dict[str, dict[str, tuple[str, ...]]] = {
    "en_GB": {
        "MMMM": _EN_MONTHS, "LLLL": _EN_MONTHS, "EEEE": _EN_DAYS, "EEE": _EN_SHORT_DAYS,
        # en_GB abbreviates September as "Sept"
        "MMM": ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sept", "Oct",
                "Nov", "Dec"),
        "LLL": ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sept", "Oct",
                "Nov", "Dec"),
    },
    "en": {
        "MMMM": _EN_MONTHS, "LLLL": _EN_MONTHS, "EEEE": _EN_DAYS, "EEE": _EN_SHORT_DAYS,
        "MMM": ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct",
                "Nov", "Dec"),
        "LLL": ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct",
                "Nov", "Dec"),
    },
    "cy_GB": {
        "MMMM": _CY_MONTHS, "LLLL": _CY_MONTHS, "EEEE": _CY_DAYS,
        "MMM": ("Ion", "Chwef", "Maw", "Ebr", "Mai", "Meh", "Gorff", "Awst", "Medi", "Hyd",
                "Tach", "Rhag"),
        "LLL": ("Ion", "Chw", "Maw", "Ebr", "Mai", "Meh", "Gor", "Awst", "Medi", "Hyd",
                "Tach", "Rhag"),
        "EEE": ("Llun", "Maw", "Mer", "Iau", "Gwen", "Sad", "Sul"),
    },
}

# a pattern is runs of one field letter, separated by spaces and commas (no quoted text)
_FIELD = re.compile(r"([A-Za-z])\1*|[ ,]+")
PATTERNS = ("d MMMM y", "EEEE, d MMMM y", "LLLL y", "EEE d", "d MMM", "LLL")  # the display's


def _field(date: dt.date, token: str, names: dict[str, tuple[str, ...]]) -> str | None:
    if token == "d":
        return str(date.day)
    if token == "y":
        return str(date.year)
    table = names.get(token)
    if table is None:
        return None
    return table[date.weekday() if token[0] == "E" else date.month - 1]


def format_date(date: dt.date, pattern: str, locale: str) -> str:
    """Babel's ``format_date(date, pattern, locale=locale)``, from the table above when it
    covers the pattern and locale, else from Babel itself."""
    names = NAMES.get(locale)
    if names is not None:
        parts: list[str] = []
        position = 0
        for match in _FIELD.finditer(pattern):
            if match.start() != position:
                break
            token = match.group(0)
            text = token if token[0] in " ," else _field(date, token, names)
            if text is None:
                break
            parts.append(text)
            position = match.end()
        else:
            if position == len(pattern):
                return "".join(parts)
    from babel import dates as babel_dates

    return str(babel_dates.format_date(date, pattern, locale=locale))
