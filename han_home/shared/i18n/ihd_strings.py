"""Starter set of IHD strings, marked for extraction so they reach the catalogues now.

Plain strings are ``N_`` constants: translate at render time with ``_(POWER_NOW)``.
Anything with a number, a context or a plural is a function building one whole sentence.
Screens may move these next to their widgets later; extraction will follow them.
"""

from __future__ import annotations

from han_home.shared.i18n.catalog import N_, _, ngettext, pgettext
from han_home.shared.i18n.formatting import format_duration

# Screen names. Context "screen" keeps "Now" the title apart from "now" in other strings.
SCREENS = ("now", "usage", "tariff", "credit", "messages", "settings")


def screen_title(key: str) -> str:
    titles = {
        "now": pgettext("screen", "Now"),
        "usage": pgettext("screen", "Usage"),
        "tariff": pgettext("screen", "Tariff"),
        "credit": pgettext("screen", "Credit"),
        "messages": pgettext("screen", "Messages"),
        "settings": pgettext("screen", "Settings"),
    }
    return titles[key]


# General
IN_HOME_DISPLAY = N_("In-home display")
ELECTRICITY = N_("Electricity")
GAS = N_("Gas")
FROM_YOUR_METER = N_("From your meter")
ESTIMATE = N_("Estimate")
ESTIMATED_BY_DISPLAY = N_("Estimated by this display")
NO_DATA_YET = N_("No data yet")
METER_IS_AUTHORITATIVE = N_(
    "This display's estimate differs from your meter. The meter's figure is the one to believe."
)
BACK = N_("Back")
CLOSE = N_("Close")
SAVE = N_("Save")
CANCEL = N_("Cancel")
OK = N_("OK")
ON = N_("On")
OFF = N_("Off")

# Now
POWER_NOW = N_("Power now")
COST_PER_HOUR = N_("Cost per hour")
GAS_LATEST_HALF_HOUR = N_("Gas, latest half-hour")
TODAY_SO_FAR = N_("Today so far")
AMBIENT_LOW = N_("Usage is low")
AMBIENT_MEDIUM = N_("Usage is medium")
AMBIENT_HIGH = N_("Usage is high")

# Usage
TODAY = N_("Today")
YESTERDAY = N_("Yesterday")
THIS_WEEK = N_("This week")
THIS_MONTH = N_("This month")
THIS_YEAR = N_("This year")
# Fixed ranges are whole strings: in Welsh the article before a number depends on how the
# number is said ("yr 8", "y 5"), which a placeholder cannot know.
LAST_8_DAYS = N_("Last 8 days")
LAST_5_WEEKS = N_("Last 5 weeks")
LAST_13_MONTHS = N_("Last 13 months")
SHOW_ENERGY = N_("Energy (kWh)")
SHOW_COST = N_("Cost (£)")
SHOW_CARBON = N_("Carbon (kg CO₂e)")

# Tariff
RATE_NOW = N_("Rate now")
UNIT_RATE = N_("Unit rate")
TIME_OF_USE_BANDS = N_("Time-of-use bands")
BLOCK_THRESHOLDS = N_("Block thresholds")
STANDING_CHARGE = N_("Standing charge")
GAS_CALORIFIC_VALUE = N_("Gas calorific value")

# Credit
CREDIT_BALANCE = N_("Credit balance")
EMERGENCY_CREDIT = N_("Emergency credit")
ACTIVATE_EMERGENCY_CREDIT = N_("Activate emergency credit")
EMERGENCY_CREDIT_IN_USE = N_("Emergency credit in use")
DEBT = N_("Debt")
RECOVERY_RATE = N_("Recovery rate")
LOW_CREDIT = N_("Low credit")
LOW_CREDIT_ALERT = N_("Your credit is low. Top up soon.")
TOP_UP = N_("Top up")

# Messages
# TRANSLATORS: state of a supplier message (not the verb).
UNREAD = N_("Unread")
# TRANSLATORS: state of a supplier message that has been read (not the verb).
READ = N_("Read")
NO_MESSAGES = N_("No messages")

# Settings
LANGUAGE = N_("Language")
THEME = N_("Theme")
THEME_NORMAL = N_("Normal")
THEME_HIGH_CONTRAST = N_("High contrast")
TEXT_SIZE = N_("Text size")
AMBIENT_THRESHOLDS = N_("Ambient light thresholds")
BUDGET = N_("Budget")
SHOW_CARBON_SETTING = N_("Show carbon")
SHOW_UTC_SETTING = N_("Show times in UTC")


# Whole sentences with values. Arguments are already formatted strings (see formatting.py).
def meter_reading_age(seconds: float) -> str:
    return _("Meter reading, %(age)s old") % {"age": format_duration(seconds)}


def stale_reading(seconds: float) -> str:
    return _("Stale: last reading %(age)s ago") % {"age": format_duration(seconds)}


def next_rate_from(rate: str, time: str) -> str:
    return _("Next rate: %(rate)s from %(time)s") % {"rate": rate, "time": time}


def time_band(start: str, end: str, rate: str) -> str:
    return _("%(start)s to %(end)s: %(rate)s") % {"start": start, "end": end, "rate": rate}


def block_up_to(kwh: str, rate: str) -> str:
    return _("Up to %(kwh)s: %(rate)s") % {"kwh": kwh, "rate": rate}


def block_above(kwh: str, rate: str) -> str:
    return _("Above %(kwh)s: %(rate)s") % {"kwh": kwh, "rate": rate}


def standing_charge_per_day(amount: str) -> str:
    return _("Standing charge: %(amount)s a day") % {"amount": amount}


def calorific_value(value: str) -> str:
    return _("Calorific value: %(value)s MJ/m³") % {"value": value}


def emergency_credit_available(amount: str) -> str:
    return _("Emergency credit available: %(amount)s") % {"amount": amount}


def debt_amount(amount: str) -> str:
    return _("Debt: %(amount)s") % {"amount": amount}


def debt_recovery_per_day(amount: str) -> str:
    return _("Debt recovery: %(amount)s a day") % {"amount": amount}


def debt_recovery_percent(percent: str) -> str:
    return _("Debt recovery: %(percent)s of each top-up") % {"percent": percent}


def days_of_credit_left(n: int) -> str:
    if n <= 0:
        # Own sentence: "0 days" reads badly and Welsh n=0 would share form 0 with "other".
        return _("Less than a day of credit left")
    return ngettext("%(n)d day of credit left", "%(n)d days of credit left", n) % {"n": n}


def low_credit_warning_at(amount: str) -> str:
    return _("Warn me when credit is below %(amount)s") % {"amount": amount}


def unread_messages(n: int) -> str:
    return _("Unread messages: %(count)d") % {"count": n}


def text_size(percent: str) -> str:
    return _("Text size: %(percent)s") % {"percent": percent}


def ambient_low_below(power: str) -> str:
    return _("Low below %(power)s") % {"power": power}


def ambient_high_above(power: str) -> str:
    return _("High above %(power)s") % {"power": power}


def daily_budget(amount: str) -> str:
    return _("Daily budget: %(amount)s") % {"amount": amount}


def weekly_budget(amount: str) -> str:
    return _("Weekly budget: %(amount)s") % {"amount": amount}


def monthly_budget(amount: str) -> str:
    return _("Monthly budget: %(amount)s") % {"amount": amount}


# The switch shows each language's own name ("Cymraeg", "English"); these are its accessible
# descriptions. Whole strings, not "Change to %(language)s": Welsh mutates the name after
# "i" ("i'r Gymraeg"), which a placeholder cannot do.
SWITCH_TO_WELSH = N_("Change the language to Welsh")
SWITCH_TO_ENGLISH = N_("Change the language to English")
