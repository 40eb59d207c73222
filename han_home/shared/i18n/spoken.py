"""Text for the ear: the screen-reader summary with its figures said in words, in English or
Welsh ("1.12 kW" -> "one point one two kilowatts" / "un pwynt un dau cilowat"; "£4.12" ->
"four pounds and twelve pence" / "pedair punt a deuddeg ceiniog").

Number words come from num2words (its Welsh module knows the gender of the number and the
soft and aspirate mutations after it; it counts the traditional way, "pedwar ar hugain"
for 24, as Welsh money is said). Three things it gets wrong before a noun are put right
here: a feminine noun mutates after "un" ("un bunt", "un geiniog"), and "pump" and "chwech"
shorten before a noun ("pum punt", "chwe phunt"). A decimal is read digit by digit after
"point"/"pwynt" and its unit is not mutated (the digit before it does not count it).
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from num2words import num2words  # type: ignore[import-untyped]
from num2words.lang_CY import aspiratedmutation, softmutation  # type: ignore[import-untyped]

# unit: (English singular, English plural, Welsh) - Welsh nouns stay singular after a number
UNITS = {
    "kWh": ("kilowatt hour", "kilowatt hours", "awr cilowat"),  # Ofgem: "awr cilowat"
    "kW": ("kilowatt", "kilowatts", "cilowat"),
    "m³": ("cubic metre", "cubic metres", "metr ciwbig"),
    "kg CO₂e": ("kilogram of carbon dioxide", "kilograms of carbon dioxide",
                "cilogram o garbon deuocsid"),
    "%": ("per cent", "per cent", "y cant"),
}
WELSH_FEMININE = {"punt", "ceiniog"}
POINT = {"en": "point", "cy": "pwynt"}
MINUS = {"en": "minus", "cy": "minws"}

_NUMBER = r"-?\d[\d,]*(?:\.\d+)?"
_MONEY = re.compile(r"(-?)£(\d[\d,]*)(?:\.(\d\d))?")
_PENCE_RATE = re.compile(rf"({_NUMBER}) ?(?:p|c)/kWh")
_BARE_UNIT = re.compile(r"\((kWh|kW|m³|kg CO₂e|£)\)")
_UNIT = re.compile(rf"({_NUMBER}) ?(kWh|kW|m³|kg CO₂e|%)(?![\w/])")


def _cardinal(n: int, language: str) -> str:
    return str(num2words(n, lang=language))


def number_words(value: Decimal | str, language: str) -> str:
    """A number as it is said: "one point one two" / "un pwynt un dau"."""
    text = str(value).replace(",", "")
    negative = text.startswith("-")
    whole, _, fraction = text.lstrip("-").partition(".")
    fraction = fraction.rstrip("0")  # "24.50p" is said "twenty-four point five pence"
    n = int(whole or "0")
    words = _cardinal(n, language)
    if fraction:
        digits = " ".join(_cardinal(int(d), language) for d in fraction)
        if language == "cy" and 0 < n <= 10:
            # "pwynt" follows the number and mutates: "dau bwynt", "tri phwynt"
            words = f"{counted(n, 'pwynt', 'cy')} {digits}"
        else:
            words = f"{words} {POINT[language]} {digits}"
    return f"{MINUS[language]} {words}" if negative else words


def counted(n: int, noun: str, language: str, plural: str = "") -> str:
    """A whole number and the noun it counts, mutated as Welsh grammar needs."""
    if language != "cy":
        return f"{_cardinal(n, 'en')} {noun if n == 1 else plural or noun + 's'}"
    feminine = noun in WELSH_FEMININE
    words = str(num2words(n, lang="cy", counted=noun, gender="fem" if feminine else "masc"))
    if feminine:
        words = re.sub(rf"\bun ({noun})\b", lambda m: "un " + softmutation(m.group(1)), words)
    # "pump" and "chwech" before the noun they count: "pum punt", "chwe phunt"
    words = re.sub(r"\bpump (?=\w)", "pum ", re.sub(r"\bchwech (?=\w)", "chwe ", words))
    return words.replace("o bunt", "o bunnoedd")  # large sums: "mil ... o bunnoedd"


def money_words(pounds: int, pence: int, language: str) -> str:
    if language != "cy":
        parts = []
        if pounds or not pence:
            parts.append(counted(pounds, "pound", "en"))
        if pence:
            parts.append(counted(pence, "penny", "en", "pence"))
        return " and ".join(parts)
    if not pence:
        return counted(pounds, "punt", "cy")
    pence_words = counted(pence, "ceiniog", "cy")
    if not pounds:
        return pence_words
    # "a" takes the aspirate mutation ("a thair ceiniog"), and becomes "ac" before a vowel
    if pence_words[0] in "aeiouwy":
        return f"{counted(pounds, 'punt', 'cy')} ac {pence_words}"
    return f"{counted(pounds, 'punt', 'cy')} a {aspiratedmutation(pence_words)}"


def _unit_words(number: str, unit: str, language: str) -> str:
    singular, plural, welsh = UNITS[unit]
    words = number_words(number, language)
    if language == "cy":
        return f"{words} {welsh}"
    try:
        one = Decimal(number.replace(",", "")) == 1 and "." not in number
    except InvalidOperation:
        one = False
    return f"{words} {singular if one else plural}"


def for_ear(text: str, language: str) -> str:
    """``text`` (a screen-reader summary) with money, rates and units in words."""

    def money(m: re.Match[str]) -> str:
        pounds = int(m.group(2).replace(",", ""))
        words = money_words(pounds, int(m.group(3) or 0), language)
        return f"{MINUS[language]} {words}" if m.group(1) else words

    def rate(m: re.Match[str]) -> str:
        words = number_words(m.group(1), language)
        if language == "cy":
            return f"{words} ceiniog fesul awr cilowat"  # Ofgem: "ceiniog fesul kWh"
        return f"{words} pence per kilowatt hour"

    def bare(m: re.Match[str]) -> str:  # a unit named alone: "Energy (kWh)", "Cost (£)"
        unit = m.group(1)
        if unit == "£":
            return "(punnoedd)" if language == "cy" else "(pounds)"
        _one, plural, welsh = UNITS[unit]
        return f"({welsh if language == 'cy' else plural})"

    # the word joiners that keep "-£0.60" and "13.50c/kWh" on one line are for the eye
    text = text.replace("\u2060", "")
    text = _BARE_UNIT.sub(bare, text)
    text = _MONEY.sub(money, text)
    text = _PENCE_RATE.sub(rate, text)
    return _UNIT.sub(lambda m: _unit_words(m.group(1), m.group(2), language), text)
