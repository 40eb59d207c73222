from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from han_home.shared.energy.calendar import HALF_HOUR, period_bounds_utc
from han_home.shared.energy.tariff import (
    BlockTariff,
    FlatTariff,
    RateBand,
    TariffSchedule,
    TimeOfUseTariff,
    bands_for_day,
    next_rate_change,
    price_half_hour,
    standing_charge_for_day,
)

D = Decimal
OLD, NEW = D("0.24"), D("0.30")
DAY, NIGHT = D("0.28"), D("0.09")


def utc(y: int, mo: int, d: int, h: int = 0, mi: int = 0, s: int = 0, us: int = 0) -> datetime:
    return datetime(y, mo, d, h, mi, s, us, tzinfo=UTC)


def economy7() -> TimeOfUseTariff:
    # Night 00:30-07:30 local, day otherwise: the night band wraps nothing, day runs to 00:30.
    return TimeOfUseTariff(
        [RateBand(time(7, 30), DAY, "day"), RateBand(time(0, 30), NIGHT, "night")],
        standing_charge_gbp_per_day=D("0.55"),
    )


def test_rate_change_at_1600_utc_is_not_retroactive() -> None:
    schedule = TariffSchedule([
        (utc(2026, 1, 1), FlatTariff(OLD, D("0.50"))),
        (utc(2026, 2, 10, 16), FlatTariff(NEW, D("0.60"))),
    ])
    kwh = D("0.5")
    day_start, day_end = period_bounds_utc(date(2026, 2, 10), "day")
    costs = []
    t = day_start
    while t < day_end:
        costs.append((t, price_half_hour(schedule, t, kwh)))
        t += HALF_HOUR
    assert len(costs) == 48
    for start, cost in costs:
        assert cost == kwh * (OLD if start < utc(2026, 2, 10, 16) else NEW)
    assert price_half_hour(schedule, utc(2026, 2, 10, 15, 30), kwh) == D("0.120")
    assert price_half_hour(schedule, utc(2026, 2, 10, 16, 0), kwh) == D("0.150")
    assert sum(c for _, c in costs) == 32 * kwh * OLD + 16 * kwh * NEW
    # the standing charge is the one in force at the day's start
    assert standing_charge_for_day(schedule, date(2026, 2, 10)) == D("0.50")
    assert standing_charge_for_day(schedule, date(2026, 2, 11)) == D("0.60")
    assert next_rate_change(schedule, utc(2026, 2, 10, 9, 17)) == (utc(2026, 2, 10, 16), NEW)
    assert next_rate_change(schedule, utc(2026, 2, 10, 16, 5)) is None


def test_change_effective_mid_half_hour_applies_from_next() -> None:
    schedule = TariffSchedule(
        [(utc(2026, 1, 1), FlatTariff(OLD)), (utc(2026, 2, 1, 16, 10), FlatTariff(NEW))]
    )
    assert price_half_hour(schedule, utc(2026, 2, 1, 16), D(1)) == OLD
    assert price_half_hour(schedule, utc(2026, 2, 1, 16, 30), D(1)) == NEW
    assert next_rate_change(schedule, utc(2026, 2, 1, 12)) == (utc(2026, 2, 1, 16, 30), NEW)


def test_no_tariff_before_first_entry() -> None:
    schedule = TariffSchedule([(utc(2026, 1, 1), FlatTariff(OLD))])
    with pytest.raises(LookupError):
        price_half_hour(schedule, utc(2025, 12, 31, 23, 30), D(1))


def test_tou_bands_follow_bst() -> None:
    tariff = economy7()
    # 00:30 local in winter is 00:30 UTC; in summer it is 23:30 UTC the day before.
    assert tariff.rate_at(utc(2026, 1, 15, 0, 30)) == NIGHT
    assert tariff.rate_at(utc(2026, 1, 15, 0, 0)) == DAY
    assert tariff.rate_at(utc(2026, 7, 14, 23, 30)) == NIGHT
    assert tariff.rate_at(utc(2026, 7, 15, 6, 0)) == NIGHT  # 07:00 BST
    assert tariff.rate_at(utc(2026, 7, 15, 6, 30)) == DAY  # 07:30 BST


def test_25_hour_day_bands() -> None:
    schedule = TariffSchedule([(utc(2026, 1, 1), economy7())])
    spans = bands_for_day(schedule, date(2026, 10, 25))
    # local 00:00-00:30 day, 00:30-07:30 night (8 real hours: 01:00-02:00 happens twice), rest day
    assert [(s.start_utc, s.end_utc, s.name) for s in spans] == [
        (utc(2026, 10, 24, 23), utc(2026, 10, 24, 23, 30), "day"),
        (utc(2026, 10, 24, 23, 30), utc(2026, 10, 25, 7, 30), "night"),
        (utc(2026, 10, 25, 7, 30), utc(2026, 10, 26, 0), "day"),
    ]
    night_hours = (spans[1].end_utc - spans[1].start_utc) / timedelta(hours=1)
    assert night_hours == 8
    total = sum(((s.end_utc - s.start_utc) / timedelta(hours=1)) for s in spans)
    assert total == 25
    # a whole day of 1 kWh per half-hour: 16 night half-hours, 34 day ones
    priced = sum(
        price_half_hour(schedule, utc(2026, 10, 24, 23) + i * HALF_HOUR, D(1)) for i in range(50)
    )
    assert priced == 16 * NIGHT + 34 * DAY


def test_23_hour_day_bands() -> None:
    schedule = TariffSchedule([(utc(2026, 1, 1), economy7())])
    spans = bands_for_day(schedule, date(2026, 3, 29))
    assert [(s.start_utc, s.end_utc, s.rate_gbp_per_kwh) for s in spans] == [
        (utc(2026, 3, 29, 0), utc(2026, 3, 29, 0, 30), DAY),
        (utc(2026, 3, 29, 0, 30), utc(2026, 3, 29, 6, 30), NIGHT),  # 00:30 GMT-07:30 BST: 6 h
        (utc(2026, 3, 29, 6, 30), utc(2026, 3, 29, 23), DAY),
    ]
    assert next_rate_change(schedule, utc(2026, 3, 29, 3)) == (utc(2026, 3, 29, 6, 30), DAY)


def test_bands_for_day_with_mid_day_change() -> None:
    schedule = TariffSchedule(
        [(utc(2026, 1, 1), FlatTariff(OLD)), (utc(2026, 2, 10, 16), FlatTariff(NEW))]
    )
    spans = bands_for_day(schedule, date(2026, 2, 10))
    assert [(s.start_utc, s.end_utc, s.rate_gbp_per_kwh) for s in spans] == [
        (utc(2026, 2, 10), utc(2026, 2, 10, 16), OLD),
        (utc(2026, 2, 10, 16), utc(2026, 2, 11), NEW),
    ]


def test_block_tariff_straddles_threshold() -> None:
    block = BlockTariff((D(100), D(300)), (D("0.30"), D("0.20"), D("0.10")), D("0.40"))
    assert block.rate_for(D(0)) == D("0.30")
    assert block.rate_for(D("99.99")) == D("0.30")
    assert block.rate_for(D(100)) == D("0.20")
    assert block.rate_for(D(1000)) == D("0.10")
    # 98 kWh used; 5 more: 2 at block 1, 3 at block 2
    assert block.price_quantity(D(5), D(98)) == 2 * D("0.30") + 3 * D("0.20")
    # a quantity spanning all three blocks
    assert block.price_quantity(D(300), D(50)) == 50 * D("0.30") + 200 * D("0.20") + 50 * D("0.10")
    schedule = TariffSchedule([(utc(2026, 1, 1), block)])
    assert price_half_hour(schedule, utc(2026, 1, 5, 12), D("1.5"), D("99.5")) == D("0.5") * D(
        "0.30"
    ) + D(1) * D("0.20")


def test_block_tariff_validation() -> None:
    with pytest.raises(ValueError):
        BlockTariff((D(100),), (D("0.3"),))
    with pytest.raises(ValueError):
        BlockTariff((D(200), D(100)), (D(1), D(1), D(1)))


def test_band_must_start_on_half_hour() -> None:
    with pytest.raises(ValueError):
        RateBand(time(7, 15), DAY, "day")


@given(
    st.decimals(0, 500, places=3), st.decimals(0, 500, places=3), st.decimals(0, 500, places=3)
)
def test_block_split_is_additive(a: Decimal, b: Decimal, used: Decimal) -> None:
    # pricing a+b at once equals pricing a, then b on top: splitting never changes the bill
    block = BlockTariff((D(100), D(300)), (D("0.30"), D("0.20"), D("0.10")))
    assert block.price_quantity(a + b, used) == block.price_quantity(
        a, used
    ) + block.price_quantity(b, used + a)
