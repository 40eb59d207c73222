"""A real home's tariff from the gateway's config file; no tariff means no invented money."""

from __future__ import annotations

import tomllib
from datetime import UTC, datetime
from decimal import Decimal

import pytest

from han_home.shared.energy.readings import Fuel
from han_home.shared.energy.tariff import price_if_known, standing_charge_for_day
from han_home.shared.han.tariff_config import TariffConfigError, tariffs_from_config
from han_home.shared.han.tariffs import Tariffs

CONFIG = """
[tariff]
gas_cv = "39.1"

[[tariff.electricity]]
standing_charge = "0.5335"
bands = [
  { start = "00:30", rate = "0.1350", name = "off-peak" },
  { start = "07:30", rate = "0.2750", name = "peak" },
]

[[tariff.electricity]]
from = "2026-12-01T00:00:00Z"
standing_charge = "0.54"
blocks = [{ up_to_kwh = "150", rate = "0.21" }, { rate = "0.29" }]

[[tariff.gas]]
standing_charge = 0.3143
rate = "0.0624"
"""


def test_time_of_use_then_block_tariff_from_a_date() -> None:
    tariffs = tariffs_from_config(tomllib.loads(CONFIG)["tariff"])
    elec = tariffs.for_fuel(Fuel.ELECTRICITY)
    night = datetime(2026, 11, 20, 2, 0, tzinfo=UTC)
    day = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)
    assert price_if_known(elec, night, Decimal(2)) == Decimal("0.2700")
    assert price_if_known(elec, day, Decimal(2)) == Decimal("0.5500")
    december = datetime(2026, 12, 3, 12, 0, tzinfo=UTC)
    assert price_if_known(elec, december, Decimal(2), Decimal(149)) == Decimal("0.50")
    assert standing_charge_for_day(elec, december.date()) == Decimal("0.54")
    gas = tariffs.for_fuel(Fuel.GAS)
    assert price_if_known(gas, day, Decimal(10)) == Decimal("0.6240")
    assert tariffs.gas_cv == Decimal("39.1")


def test_no_tariff_is_unknown_not_zero() -> None:
    tariffs = Tariffs.unknown()
    assert not tariffs.known(Fuel.ELECTRICITY)
    when = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)
    assert price_if_known(tariffs.for_fuel(Fuel.ELECTRICITY), when, Decimal(1)) is None
    only_gas = tariffs_from_config({"gas": [{"standing_charge": "0.3", "rate": "0.06"}]})
    assert only_gas.known(Fuel.GAS) and not only_gas.known(Fuel.ELECTRICITY)


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        ({"standing_charge": "0.5"}, "exactly one of rate, bands or blocks"),
        ({"standing_charge": "0.5", "rate": "x"}, "is not a number"),
        ({"standing_charge": "-1", "rate": "0.2"}, "zero or more"),
        ({"rate": "0.2"}, "needs a standing_charge"),
        ({"standing_charge": "0", "rate": "0.2", "from": "2026-12-01T00:00"}, "time zone"),
        ({"standing_charge": "0", "bands": [{"start": "07:15", "rate": "0.2"}]}, "half-hour"),
        ({"standing_charge": "0", "blocks": [{"up_to_kwh": "9", "rate": "0.2"}]}, "open"),
        ({"standing_charge": "0", "rate": "nan"}, "zero or more"),
    ],
)
def test_bad_entries_say_which_and_why(entry: dict, message: str) -> None:
    with pytest.raises(TariffConfigError, match=message) as caught:
        tariffs_from_config({"electricity": [entry]})
    assert "tariff.electricity entry 1" in str(caught.value)


def test_dates_must_go_forward() -> None:
    entries = [
        {"from": "2026-12-01T00:00:00Z", "standing_charge": "0", "rate": "0.2"},
        {"from": "2026-11-01T00:00:00Z", "standing_charge": "0", "rate": "0.3"},
    ]
    with pytest.raises(TariffConfigError, match="later than the entry before"):
        tariffs_from_config({"electricity": entries})
