"""The tariff from the gateway's configuration file, for a real home whose meter does not
publish its full tariff. The demo tariff belongs to the virtual home alone: with neither,
there is no tariff, and the display shows energy and says that costs are unknown.

    [tariff]
    gas_cv = "39.5"                       # MJ/m3, until the meter publishes its own

    [[tariff.electricity]]                # one table per tariff, in date order
    from = "2026-04-01T00:00:00+01:00"    # when it takes effect (optional for the first)
    standing_charge = "0.5335"            # GBP a day
    bands = [                             # time of use: local (UK) start times, on :00/:30
      { start = "00:30", rate = "0.1350", name = "off-peak" },
      { start = "07:30", rate = "0.2750", name = "peak" },
    ]

    [[tariff.electricity]]
    from = "2026-12-01T00:00:00Z"
    standing_charge = "0.5400"
    blocks = [{ up_to_kwh = "150", rate = "0.2100" }, { rate = "0.2900" }]   # per month

    [[tariff.gas]]
    standing_charge = "0.3143"
    rate = "0.0624"                       # one rate: flat

Amounts are strings (or numbers) read as exact decimals; a tariff is exactly one of `rate`,
`bands` or `blocks`.
"""

from __future__ import annotations

from datetime import UTC, datetime, time
from decimal import Decimal, InvalidOperation
from typing import Any

from han_home.shared.energy.readings import Fuel
from han_home.shared.energy.tariff import (
    BlockTariff,
    FlatTariff,
    RateBand,
    Tariff,
    TariffSchedule,
    TimeOfUseTariff,
)
from han_home.shared.han.tariffs import DEFAULT_GAS_CV, SINCE_EVER, Tariffs
from han_home.shared.i18n import _


class TariffConfigError(ValueError):
    """The [tariff] table cannot be used; the message says which entry and why."""


def tariffs_from_config(table: dict[str, Any]) -> Tariffs:
    if not isinstance(table, dict):
        raise TariffConfigError(_("[tariff] must be a table."))
    schedules = {}
    for fuel in Fuel:
        entries = table.get(fuel.value, [])
        if not isinstance(entries, list):
            raise TariffConfigError(_("tariff.%(fuel)s must be a list of tables ([[...]]).")
                                    % {"fuel": fuel.value})
        schedules[fuel] = _schedule(fuel, entries)
    cv = _amount(table, "gas_cv", "tariff") if "gas_cv" in table else DEFAULT_GAS_CV
    return Tariffs(schedules[Fuel.ELECTRICITY], schedules[Fuel.GAS], cv)


def _schedule(fuel: Fuel, entries: list[Any]) -> TariffSchedule:
    schedule = TariffSchedule([])
    previous: datetime | None = None
    for index, entry in enumerate(entries, start=1):
        where = _("tariff.%(fuel)s entry %(index)d") % {"fuel": fuel.value, "index": index}
        if not isinstance(entry, dict):
            raise TariffConfigError(_("%(where)s must be a table.") % {"where": where})
        effective = _when(entry.get("from"), where) if "from" in entry else SINCE_EVER
        if previous is not None and effective <= previous:
            raise TariffConfigError(_("%(where)s: 'from' must be later than the entry before "
                                      "it.") % {"where": where})
        previous = effective
        schedule.add(effective, _tariff(entry, where))
    return schedule


def _tariff(entry: dict[str, Any], where: str) -> Tariff:
    kinds = [k for k in ("rate", "bands", "blocks") if k in entry]
    if len(kinds) != 1:
        raise TariffConfigError(_("%(where)s needs exactly one of rate, bands or blocks.")
                                % {"where": where})
    standing = _amount(entry, "standing_charge", where) if "standing_charge" in entry else None
    if standing is None:
        raise TariffConfigError(_("%(where)s needs a standing_charge (GBP a day; 0 if none).")
                                % {"where": where})
    try:
        if kinds == ["rate"]:
            return FlatTariff(_amount(entry, "rate", where), standing)
        if kinds == ["bands"]:
            bands = [
                RateBand(_clock(b.get("start"), where), _amount(b, "rate", where),
                         str(b.get("name") or f"band {i}"))
                for i, b in enumerate(_tables(entry["bands"], where), start=1)
            ]
            return TimeOfUseTariff(bands, standing)
        blocks = _tables(entry["blocks"], where)
        thresholds = tuple(_amount(b, "up_to_kwh", where) for b in blocks[:-1])
        if "up_to_kwh" in blocks[-1]:
            raise TariffConfigError(_("%(where)s: the last block has no up_to_kwh (it is "
                                      "open).") % {"where": where})
        return BlockTariff(thresholds, tuple(_amount(b, "rate", where) for b in blocks), standing)
    except ValueError as exc:
        if isinstance(exc, TariffConfigError):
            raise
        raise TariffConfigError(_("%(where)s: %(problem)s") % {"where": where, "problem": exc}
                                ) from exc


def _tables(value: Any, where: str) -> list[dict[str, Any]]:
    if not isinstance(value, list) or not value or not all(isinstance(v, dict) for v in value):
        raise TariffConfigError(_("%(where)s: give a list of {...} tables.") % {"where": where})
    return value


def _amount(table: dict[str, Any], key: str, where: str) -> Decimal:
    value = table.get(key)
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise TariffConfigError(_("%(where)s: %(key)s must be an amount like \"0.2450\".")
                                % {"where": where, "key": key})
    try:
        amount = Decimal(str(value))
    except InvalidOperation as exc:
        raise TariffConfigError(_("%(where)s: %(key)s %(value)s is not a number.")
                                % {"where": where, "key": key, "value": value}) from exc
    if not amount.is_finite() or amount < 0:
        raise TariffConfigError(_("%(where)s: %(key)s must be zero or more, not %(value)s.")
                                % {"where": where, "key": key, "value": value})
    return amount


def _when(value: Any, where: str) -> datetime:
    text = value.isoformat() if isinstance(value, datetime) else value
    try:
        when = datetime.fromisoformat(str(text).replace("Z", "+00:00"))
    except ValueError as exc:
        raise TariffConfigError(_("%(where)s: 'from' %(value)s is not a date and time.")
                                % {"where": where, "value": value}) from exc
    if when.tzinfo is None:
        raise TariffConfigError(_("%(where)s: 'from' needs a time zone (Z or +01:00).")
                                % {"where": where})
    return when.astimezone(UTC)


def _clock(value: Any, where: str) -> time:
    try:
        return time.fromisoformat(str(value))
    except ValueError as exc:
        raise TariffConfigError(_("%(where)s: band start %(value)s is not a time like 07:30.")
                                % {"where": where, "value": value}) from exc
