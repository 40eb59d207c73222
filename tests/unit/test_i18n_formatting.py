"""Babel formatting in en_GB and cy_GB."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from decimal import Decimal

import pytest

from han_home.shared.i18n import catalog as cat
from han_home.shared.i18n import formatting as f
from han_home.shared.i18n import ihd_strings as s

FRIDAY = dt.date(2025, 3, 7)


@pytest.fixture
def tr() -> Iterator[cat.Translator]:
    translator = cat.Translator("en")
    previous = cat.set_translator(translator)
    yield translator
    cat.set_translator(previous)


def test_welsh_dates(tr: cat.Translator) -> None:
    tr.set_language("cy")
    assert f.format_date_long(FRIDAY) == "7 Mawrth 2025"
    assert f.format_weekday_date(FRIDAY) == "Dydd Gwener, 7 Mawrth 2025"
    assert f.format_weekday_date(dt.date(2025, 3, 4)) == "Dydd Mawrth, 4 Mawrth 2025"
    assert f.format_month_year(FRIDAY) == "Mawrth 2025"


def test_english_dates(tr: cat.Translator) -> None:
    assert f.format_date_long(FRIDAY) == "7 March 2025"
    assert f.format_weekday_date(FRIDAY) == "Friday, 7 March 2025"
    assert f.format_month_year(FRIDAY) == "March 2025"
    assert f.format_date_long(FRIDAY, language="cy") == "7 Mawrth 2025"


@pytest.mark.parametrize("lang", ["en", "cy"])
def test_money(tr: cat.Translator, lang: str) -> None:
    tr.set_language(lang)
    assert f.format_money_gbp(Decimal("1234.5")) == "£1,234.50"
    assert f.format_money_gbp(Decimal("0.005")) == "£0.01"  # half-up, not banker's
    assert f.format_money_gbp(Decimal("-3.2")) == "-£3.20"


def test_numbers_and_units(tr: cat.Translator) -> None:
    assert f.format_decimal(Decimal("1234.565"), 2) == "1,234.57"
    assert f.format_decimal(7, 0) == "7"
    assert f.format_decimal(0.1, 3) == "0.100"
    assert f.format_kwh(Decimal("12.345")) == "12.35 kWh"
    assert f.format_kw(Decimal("0.4")) == "0.40 kW"
    assert f.format_m3(Decimal("1.2")) == "1.200 m³"
    assert f.format_pence_rate(Decimal("24.5")) == "24.50p/kWh"
    assert f.format_pence_rate_spoken(Decimal("24.5")) == "24.50 pence per kilowatt-hour"
    tr.set_language("cy")
    assert f.format_pence_rate(Decimal("24.5")) == "24.50c/kWh"
    assert f.format_pence_rate_spoken(Decimal("24.5")) == "24.50 ceiniog fesul awr cilowat"
    assert f.format_kwh(Decimal("1234.5"), 1) == "1,234.5 kWh"


def test_times_in_london_or_marked_utc(tr: cat.Translator) -> None:
    summer = dt.datetime(2025, 7, 1, 12, 5, tzinfo=dt.UTC)
    winter = dt.datetime(2025, 1, 1, 12, 5)  # naive means UTC
    assert f.format_time(summer) == "13:05"
    assert f.format_time(winter) == "12:05"
    assert f.format_time(summer, utc=True) == "12:05 UTC"
    tr.set_language("cy")
    assert f.format_time(summer, utc=True) == "12:05 UTC"


def test_whole_sentences_in_welsh(tr: cat.Translator) -> None:
    tr.set_language("cy")
    assert s.meter_reading_age(120) == "Darlleniad mesurydd a gymerwyd 2 funud yn ôl"
    assert s.stale_reading(3 * 3600) == "Hen ddata: daeth y darlleniad diwethaf 3 awr yn ôl"
    assert s.days_of_credit_left(2) == "2 ddiwrnod o gredyd ar ôl"
    assert s.days_of_credit_left(0) == "Llai na diwrnod o gredyd ar ôl"
    assert s.screen_title("settings") == "Gosodiadau"
    assert cat._(s.IN_HOME_DISPLAY) == "Sgrîn ynni cartref"


def test_whole_sentences_in_english(tr: cat.Translator) -> None:
    assert s.meter_reading_age(7200) == "Meter reading, 2 hours old"
    assert s.days_of_credit_left(1) == "1 day of credit left"
    assert s.next_rate_from("15.00p/kWh", "16:00") == "Next rate: 15.00p/kWh from 16:00"
    assert all(s.screen_title(key) for key in s.SCREENS)


PARITY_VALUES = [Decimal(v) for v in (
    "0", "-0", "0.004", "-0.004", "0.005", "-0.005", "0.015", "0.125", "0.5", "1.5", "2.5",
    "9.995", "12.3456", "-3.2", "999.995", "1000", "1234.5", "-1234.567", "65432.1",
    "1234567.891", "-9876543.21", "0.0001", "100", "0.66",
)] + [Decimal(n) / Decimal(7) * 10 ** (n % 8) for n in range(-40, 41)]


@pytest.mark.parametrize("locale", ["en_GB", "cy_GB"])
def test_figures_match_babel(locale: str) -> None:
    """The figures formatted without Babel are exactly Babel's, in both locales."""
    from decimal import ROUND_HALF_UP

    from babel import dates as babel_dates
    from babel import numbers as babel_numbers

    language = {v: k for k, v in cat.LOCALES.items()}[locale]
    for value in PARITY_VALUES:
        for digits in (0, 1, 2, 3):
            quantum = Decimal(1).scaleb(-digits)
            pattern = "#,##0" + ("." + "0" * digits if digits else "")
            expected = babel_numbers.format_decimal(
                value.quantize(quantum, rounding=ROUND_HALF_UP), format=pattern, locale=locale)
            assert f.format_decimal(value, digits, language) == expected, (value, digits)
        money = value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
        assert f.format_money_gbp(value, language) == babel_numbers.format_currency(
            money, "GBP", locale=locale), value
        share = value / 1000
        assert f.format_percent(share, language) == babel_numbers.format_percent(
            share, locale=locale), share
    for minutes in range(0, 60 * 24 * 400, 997):  # across both clock changes
        moment = dt.datetime(2025, 1, 1, tzinfo=dt.UTC) + dt.timedelta(minutes=minutes)
        assert f.format_time(moment, language=language) == babel_dates.format_time(
            moment, "HH:mm", tzinfo=f.LONDON, locale=locale)
        assert f.format_time(moment, utc=True, language=language).startswith(
            babel_dates.format_time(moment, "HH:mm", tzinfo=dt.UTC, locale=locale))


@pytest.mark.parametrize("locale", ["en_GB", "en", "cy_GB"])
def test_dates_with_names_match_babel(locale: str) -> None:
    """Every day of a leap year, in every pattern the display uses: Babel's own text."""
    from babel import dates as babel_dates

    from han_home.shared.i18n import date_names

    for offset in range(366):
        day = dt.date(2028, 1, 1) + dt.timedelta(days=offset)
        for pattern in date_names.PATTERNS:
            assert date_names.format_date(day, pattern, locale) == babel_dates.format_date(
                day, pattern, locale=locale), (day, pattern)


def test_other_date_patterns_still_go_to_babel() -> None:
    from han_home.shared.i18n import date_names

    day = dt.date(2025, 3, 7)
    assert date_names.format_date(day, "dd/MM/yyyy", "en_GB") == "07/03/2025"
    assert date_names.format_date(day, "EEEE 'the' d", "en_GB") == "Friday the 7"
    assert date_names.format_date(day, "d MMMM y", "fr_FR") == "7 mars 2025"


def test_the_display_formats_dates_without_loading_babel() -> None:
    """Babel keeps a whole CLDR locale (~4.4 MiB for en_GB) once it formats a date: the
    display's dates are formatted without it (fresh interpreter: other tests load it)."""
    import subprocess
    import sys

    probe = (
        "import sys, datetime as dt\n"
        "from han_home.shared.i18n import formatting as f\n"
        "day = dt.date(2025, 9, 5)\n"
        "print(f.format_date_long(day), f.format_weekday_date(day, 'cy'),"
        " f.format_month_year(day), 'babel' in sys.modules, sep='|')\n"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                          timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "5 September 2025|Dydd Gwener, 5 Medi 2025|September 2025|False"
