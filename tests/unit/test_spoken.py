"""Figures for the ear, English and Welsh: numbers in words, Welsh mutations after numbers."""

from __future__ import annotations

import pytest

from han_home.shared.i18n.spoken import counted, for_ear, money_words, number_words


def test_power_and_energy_are_said_in_words() -> None:
    assert for_ear("Power now: 1.12 kW.", "en") == "Power now: one point one two kilowatts."
    assert for_ear("Pŵer nawr: 1.12 kW.", "cy") == "Pŵer nawr: un pwynt un dau cilowat."
    assert for_ear("3.43 kWh", "en") == "three point four three kilowatt hours"
    # "pwynt" right after the number takes its mutation: aspirate after tri, soft after dau
    assert for_ear("3.43 kWh", "cy") == "tri phwynt pedwar tri awr cilowat"
    assert for_ear("2.679 m³", "cy") == "dau bwynt chwech saith naw metr ciwbig"
    assert for_ear("1 kW", "en") == "one kilowatt"


@pytest.mark.parametrize(("pounds", "pence", "welsh"), [
    (4, 0, "pedair punt"),  # punt is feminine: pedair, not pedwar
    (1, 0, "un bunt"),  # soft mutation of a feminine noun after un
    (2, 0, "dwy bunt"),
    (3, 0, "tair punt"),
    (5, 0, "pum punt"),  # pump shortens before its noun
    (6, 0, "chwe phunt"),  # chwech shortens, and the aspirate mutation
    (0, 1, "un geiniog"),
    (0, 2, "dwy geiniog"),
    (1, 1, "un bunt ac un geiniog"),  # "ac" before a vowel
    (3, 3, "tair punt a thair ceiniog"),  # "a" takes the aspirate mutation
    (6, 50, "chwe phunt a hanner cant ceiniog"),
])
def test_welsh_money_mutates_properly(pounds: int, pence: int, welsh: str) -> None:
    assert money_words(pounds, pence, "cy") == welsh


def test_english_money_and_rates() -> None:
    assert for_ear("£4.00", "en") == "four pounds"
    assert for_ear("£1.01", "en") == "one pound and one penny"
    assert for_ear("£0.08 today", "en") == "eight pence today"
    assert for_ear("Rate 24.50p/kWh", "en") == "Rate twenty-four point five pence per kilowatt hour"
    assert for_ear("Cyfradd 24.50c/kWh", "cy") == (
        "Cyfradd pedwar ar hugain pwynt pump ceiniog fesul awr cilowat")
    assert for_ear("Debt -£2.00", "en") == "Debt minus two pounds"


def test_numbers_and_counted_nouns() -> None:
    assert number_words("0.66", "en") == "zero point six six"
    assert number_words("0.66", "cy") == "dim pwynt chwech chwech"
    assert counted(2, "diwrnod", "cy") == "dau ddiwrnod"
    assert counted(3, "cilowat", "cy") == "tri chilowat"
    assert counted(2, "day", "en") == "two days"


def test_text_without_figures_is_unchanged() -> None:
    text = "No data yet. Waiting for the meter."
    assert for_ear(text, "en") == text


def test_units_named_alone_are_said_too() -> None:
    assert for_ear("Energy (kWh)", "en") == "Energy (kilowatt hours)"
    assert for_ear("Cost (£)", "cy") == "Cost (punnoedd)"


def test_word_joiners_kept_for_the_eye_are_not_spoken() -> None:
    from han_home.shared.i18n.spoken import for_ear

    said = for_ear("Cheapest: 13.50c/\u2060kWh. Credit -\u2060£0.60.", "en")
    assert "\u2060" not in said and "kWh" not in said and "£" not in said, said
