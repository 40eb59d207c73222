"""Numbers, money, units, dates and ages for the current language (en_GB or cy_GB).

Babel gives the locale rules; anything with words in it goes through a whole translatable
template with named placeholders, so a translator can reorder and mutate freely.
Every function takes an optional ``language``; by default the translator's current one.

Numbers, money, percentages and clock times, the figures on every screen, are formatted
here from the two locales' CLDR symbols (``_NUMBER_SYMBOLS``) without loading Babel: its
import and the first locale data load cost a kiosk ~15 ms before the first frame and
~4 MiB. tests/unit/test_i18n_formatting.py checks the results against Babel's own for both
locales. Dates with month and day names come from the same CLDR names
(``date_names.py``): Babel is imported only for a pattern or locale those do not cover.
"""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_EVEN, ROUND_HALF_UP, Decimal
from typing import Any
from zoneinfo import ZoneInfo

from han_home.shared.i18n.catalog import LOCALES, N_, Nn_, get_translator

LONDON = ZoneInfo("Europe/London")
Number = Decimal | int | float | str


# Templates are marked here (N_, Nn_) so extraction finds them, and translated per call in the
# requested language.
# TRANSLATORS: unit rate in pence per kilowatt-hour; %(rate)s is a number like 24.50.
PENCE_RATE = N_("%(rate)sp/kWh")
# TRANSLATORS: read aloud by screen readers; %(rate)s is a number like 24.50.
PENCE_RATE_SPOKEN = N_("%(rate)s pence per kilowatt-hour")
# TRANSLATORS: energy in kilowatt-hours; keep the symbol kWh.
KWH = N_("%(value)s kWh")
# TRANSLATORS: power in kilowatts; keep the symbol kW.
KW = N_("%(value)s kW")
# TRANSLATORS: gas volume in cubic metres; keep the symbol m³.
M3 = N_("%(value)s m³")
# TRANSLATORS: a time of day shown in UTC rather than UK local time.
TIME_UTC = N_("%(time)s UTC")
# TRANSLATORS: an age or duration shorter than one minute, used inside other sentences.
UNDER_A_MINUTE = N_("less than a minute")
# TRANSLATORS: when something happened, less than a minute before now.
UNDER_A_MINUTE_AGO = N_("less than a minute ago")
# TRANSLATORS: a duration; used inside other sentences as %(age)s.
DURATIONS = {
    "minutes": Nn_("%(n)d minute", "%(n)d minutes"),
    "hours": Nn_("%(n)d hour", "%(n)d hours"),
    "days": Nn_("%(n)d day", "%(n)d days"),
}
# TRANSLATORS: how long ago something happened.
AGES = {
    "minutes": Nn_("%(n)d minute ago", "%(n)d minutes ago"),
    "hours": Nn_("%(n)d hour ago", "%(n)d hours ago"),
    "days": Nn_("%(n)d day ago", "%(n)d days ago"),
}


# CLDR number symbols (latn) and patterns of the locales in LOCALES: decimal, group, minus,
# percent sign, and the pound sign; both use "#,##0.00", "¤#,##0.00" and "#,##0%".
_NUMBER_SYMBOLS: dict[str, tuple[str, str, str, str, str]] = {
    "en_GB": (".", ",", "-", "%", "£"),
    "cy_GB": (".", ",", "-", "%", "£"),
}


def _named_date(date: dt.date, pattern: str, locale: str) -> str:
    # date_names on first use: it is not needed for the first frame's figures
    from han_home.shared.i18n import date_names

    return date_names.format_date(date, pattern, locale)


def _babel_numbers() -> Any:
    from babel import numbers

    return numbers


def _locale(language: str | None) -> str:
    return LOCALES[language or get_translator().language]


def _grouped(value: Decimal, digits: int, symbols: tuple[str, str, str, str, str]) -> str:
    """A finite Decimal already rounded to ``digits`` places, as "-1,234.50"."""
    decimal_sep, group_sep, minus = symbols[0], symbols[1], symbols[2]
    text = f"{abs(value):.{digits}f}"
    whole, _, fraction = text.partition(".")
    head = len(whole) % 3 or 3
    groups = [whole[:head]] + [whole[i:i + 3] for i in range(head, len(whole), 3)]
    number = group_sep.join(groups) + (decimal_sep + fraction if digits > 0 else "")
    return (minus if value.is_signed() else "") + number


def _gettext(msgid: str, language: str | None) -> str:
    return get_translator().catalog(language).gettext(msgid)


def _ngettext(singular: str, plural: str, n: int, language: str | None) -> str:
    return get_translator().catalog(language).ngettext(singular, plural, n)


def _decimal(value: Number) -> Decimal:
    # str() first: Decimal(0.1) would carry the float's binary error into the display.
    return value if isinstance(value, Decimal) else Decimal(str(value))


def format_decimal(value: Number, digits: int = 2, language: str | None = None) -> str:
    """Grouped, exactly ``digits`` decimals, rounded half-up (as people and bills round)."""
    quantum = Decimal(1).scaleb(-digits)
    number = _decimal(value)
    locale = _locale(language)
    symbols = _NUMBER_SYMBOLS.get(locale)
    if symbols is not None and number.is_finite() and digits >= 0:
        return _grouped(number.quantize(quantum, rounding=ROUND_HALF_UP), digits, symbols)
    rounded = number.quantize(quantum, rounding=ROUND_HALF_UP)
    pattern = "#,##0" + ("." + "0" * digits if digits > 0 else "")
    return str(_babel_numbers().format_decimal(rounded, format=pattern, locale=locale))


def format_percent(value: Number, language: str | None = None) -> str:
    """``1.5`` -> "150%" (whole percent, half to even, as Babel rounds)."""
    number = _decimal(value)
    locale = _locale(language)
    symbols = _NUMBER_SYMBOLS.get(locale)
    if symbols is not None and number.is_finite():
        rounded = (number * 100).quantize(Decimal(1), rounding=ROUND_HALF_EVEN)
        return _grouped(rounded, 0, symbols) + symbols[3]
    return str(_babel_numbers().format_percent(number, locale=locale))


def format_money_gbp(amount: Number, language: str | None = None) -> str:
    """ "£1,234.50" in both languages; negative as "-£3.20"."""
    rounded = _decimal(amount).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    locale = _locale(language)
    symbols = _NUMBER_SYMBOLS.get(locale)
    if symbols is not None and rounded.is_finite():
        number = _grouped(rounded, 2, symbols)
        if rounded.is_signed():
            return symbols[2] + symbols[4] + number[len(symbols[2]):]
        return symbols[4] + number
    return str(_babel_numbers().format_currency(rounded, "GBP", locale=locale))


def format_pence_rate(pence: Number, digits: int = 2, language: str | None = None) -> str:
    """A unit rate in pence per kWh: "24.50p/kWh"."""
    template = _gettext(PENCE_RATE, language)
    return template % {"rate": format_decimal(pence, digits, language)}


def format_pence_rate_spoken(pence: Number, digits: int = 2, language: str | None = None) -> str:
    """The same rate written out for screen readers: "24.50 pence per kilowatt-hour"."""
    template = _gettext(PENCE_RATE_SPOKEN, language)
    return template % {"rate": format_decimal(pence, digits, language)}


def format_kwh(value: Number, digits: int = 2, language: str | None = None) -> str:
    return _gettext(KWH, language) % {"value": format_decimal(value, digits, language)}


def format_kw(value: Number, digits: int = 2, language: str | None = None) -> str:
    return _gettext(KW, language) % {"value": format_decimal(value, digits, language)}


def format_m3(value: Number, digits: int = 3, language: str | None = None) -> str:
    return _gettext(M3, language) % {"value": format_decimal(value, digits, language)}


def format_date_long(date: dt.date, language: str | None = None) -> str:
    """ "7 March 2025" / "7 Mawrth 2025"."""
    return _named_date(date, "d MMMM y", _locale(language))


def format_weekday_date(date: dt.date, language: str | None = None) -> str:
    """ "Friday, 7 March 2025" / "Dydd Gwener, 7 Mawrth 2025".

    The explicit 'EEEE' pattern gives the full weekday (the skeleton falls back to the short
    one in Welsh). Never abbreviate here: Welsh "Maw" is both Tuesday and March.
    """
    return _named_date(date, "EEEE, d MMMM y", _locale(language))


def format_month_year(date: dt.date, language: str | None = None) -> str:
    """ "March 2025" / "Mawrth 2025" (stand-alone month name)."""
    return _named_date(date, "LLLL y", _locale(language))


def _aware_utc(moment: dt.datetime) -> dt.datetime:
    # Inside the app naive datetimes are UTC (see ARCHITECTURE: time is UTC inside).
    return moment.replace(tzinfo=dt.UTC) if moment.tzinfo is None else moment.astimezone(dt.UTC)


def format_time(moment: dt.datetime, utc: bool = False, language: str | None = None) -> str:
    """Wall-clock "HH:mm" in Europe/London, or UTC marked as such ("14:05 UTC")."""
    aware = _aware_utc(moment)
    # "HH:mm" has no names in it: the same digits Babel gives, without loading it
    text = aware.astimezone(dt.UTC if utc else LONDON).strftime("%H:%M")
    if utc:
        return _gettext(TIME_UTC, language) % {"time": text}
    return text


def _age_parts(seconds: float) -> tuple[str, int]:
    s = max(0, int(seconds))
    if s < 60:
        return "now", 0
    if s < 3600:
        return "minutes", s // 60
    if s < 86400:
        return "hours", s // 3600
    return "days", s // 86400


def format_duration(seconds: float, language: str | None = None) -> str:
    """ "2 minutes" / "2 funud", for embedding in a whole sentence as ``%(age)s``.

    Always starts with a digit (or a fixed phrase), so a Welsh mutation triggered by the word
    before the placeholder never needs to change it. Stops at days: Welsh years after
    numerals ("2 flynedd", "5 mlynedd") need more than CLDR plural classes can tell.
    """
    unit, n = _age_parts(seconds)
    if unit == "now":
        return _gettext(UNDER_A_MINUTE, language)
    return _ngettext(*DURATIONS[unit], n, language) % {"n": n}


def format_age(seconds: float, language: str | None = None) -> str:
    """ "2 minutes ago" / "2 funud yn ôl"; under a minute, "less than a minute ago"."""
    unit, n = _age_parts(seconds)
    if unit == "now":
        # Own sentence instead of "0 minutes ago" (Welsh n=0 would share form 0 with "other").
        return _gettext(UNDER_A_MINUTE_AGO, language)
    return _ngettext(*AGES[unit], n, language) % {"n": n}
