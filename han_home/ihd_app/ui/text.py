"""Honest, translated text for figures: value, whose figure it is, how old, stale or missing.

Every function translates when called (never at import), so a language switch re-renders.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from decimal import Decimal

from han_home.ihd_app.model import Shown
from han_home.ihd_app.settings import Settings
from han_home.shared.energy.calendar import local_date
from han_home.shared.energy.readings import Source
from han_home.shared.i18n import _
from han_home.shared.i18n import ihd_strings as s
from han_home.shared.i18n.formatting import (
    format_duration,
    format_kw,
    format_kwh,
    format_m3,
    format_money_gbp,
    format_pence_rate,
    format_time,
    format_weekday_date,
)

Formatter = Callable[[Decimal], str]


def value_text(shown: Shown, fmt: Formatter) -> str:
    return _(s.NO_DATA_YET) if shown.missing or shown.value is None else fmt(shown.value)


def source_text(shown: Shown) -> str:
    """One whole sentence: the meter's figure and its age, an estimate, or stale."""
    age = shown.age_s or 0.0
    if shown.missing:
        return _("Waiting for the meter")
    if shown.stale:
        if shown.source == Source.METER:
            return s.stale_reading(age)
        return _("Estimate from readings that are out of date (%(age)s old)") % {
            "age": format_duration(age)}
    if shown.source == Source.METER:
        return s.meter_reading_age(age)
    return _(s.ESTIMATED_BY_DISPLAY)


def spoken(value: str, source: str) -> str:
    """Value and source for a screen reader: two whole sentences, read one after the other."""
    return f"{value}. {source}"


def kw(value: Decimal) -> str:
    return format_kw(value, 2)


def kwh(value: Decimal) -> str:
    return format_kwh(value, 2)


def m3(value: Decimal) -> str:
    return format_m3(value, 3)


def money(value: Decimal) -> str:
    return format_money_gbp(value)


def per_hour(value: Decimal) -> str:
    return _("%(amount)s an hour") % {"amount": format_money_gbp(value)}


def pence_per_hour(gbp_per_hour: Decimal) -> str:
    """A cost per hour as a household says it: "5.4p an hour" below a pound, else "£1.20 an
    hour" (pounds for a few pence read as "£0.05" and hide the figure)."""
    from han_home.shared.i18n.formatting import format_decimal

    if abs(gbp_per_hour) >= 1:
        return per_hour(gbp_per_hour)
    return _("%(pence)sp an hour") % {"pence": format_decimal(gbp_per_hour * 100, 1)}


def per_day(value: Decimal) -> str:
    return _("%(amount)s a day") % {"amount": format_money_gbp(value)}


def rate(gbp_per_kwh: Decimal) -> str:
    return format_pence_rate(gbp_per_kwh * 100)


def carbon(kg: Decimal) -> str:
    return _("%(value)s kg CO₂e") % {"value": format_kwh_number(kg)}


def format_kwh_number(value: Decimal) -> str:
    from han_home.shared.i18n.formatting import format_decimal

    return format_decimal(value, 2)


def clock_time(moment: datetime, settings: Settings) -> str:
    """UK local time, or UTC marked as UTC when the occupier asked for it."""
    return format_time(moment, utc=settings.show_utc)


def when(moment: datetime, now: datetime, settings: Settings) -> str:
    """A time today, tomorrow, or on a named day (whole sentences per case)."""
    time = clock_time(moment, settings)
    day, today = local_date(moment), local_date(now)
    if day == today:
        return time
    if (day - today).days == 1:
        return _("%(time)s tomorrow") % {"time": time}
    if (today - day).days == 1:
        return _("%(time)s yesterday") % {"time": time}
    return _("%(time)s on %(date)s") % {"time": time, "date": format_weekday_date(day)}


WORD_JOINER = "\u2060"


def unbroken(text: str, marks: str = "-/") -> str:
    """Text for a wrapping label: Qt's line breaking may end a line after a hyphen-minus or a
    slash, so at 200 % "-£0.60" became "-" and "£0.60", and "13.50c/kWh" "13.50c/" and "kWh",
    on two lines. A word joiner after each keeps the figure whole (invisible; a screen reader
    ignores it; 100 % looks the same)."""
    for mark in marks:
        text = text.replace(mark, mark + WORD_JOINER)
    return text
