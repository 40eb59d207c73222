from datetime import UTC, datetime
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from han_home.shared.energy.zcl_format import (
    UTC_EPOCH_2000,
    datetime_to_zcl_utc,
    format_register,
    price_from_zcl,
    scale,
    unit_of_measure,
    zcl_utc_to_datetime,
)


def test_divisor_1000_is_exact() -> None:
    assert scale(123456789, None, 1000) == Decimal("123456.789")
    assert str(scale(123456789, 1, 1000)) == "123456.789"


def test_multiplier_and_divisor() -> None:
    assert scale(1500, 10, 1000) == Decimal("15")
    assert scale(7, 3, None) == Decimal(21)


@pytest.mark.parametrize("m, d", [(0, 0), (None, None), (0, None), (None, 0), (1, 1)])
def test_zero_or_none_means_one(m: int | None, d: int | None) -> None:
    assert scale(4242, m, d) == Decimal(4242)


@given(
    st.integers(0, 2**48 - 1),
    st.integers(0, 2**24 - 1),
    st.sampled_from([1, 10, 100, 1000, 10**6]),
)
def test_scale_matches_integer_arithmetic(raw: int, mult: int, div: int) -> None:
    value = scale(raw, mult, div)
    assert value * div == raw * (mult or 1)


def test_format_register_digits() -> None:
    # 0x33: 6 left, 3 right, leading zeros kept
    assert format_register(Decimal("1234.5"), 0x33) == "001234.500"
    # bit 7 suppresses leading zeros
    assert format_register(Decimal("1234.5"), 0x80 | 0x33) == "1234.500"
    # 0 digits on the left means 15
    assert format_register(Decimal("7"), 0x00) == "0" * 14 + "7"
    # no fraction digits: rounded to a whole number, no point
    assert format_register(Decimal("12.6"), 0x80 | 0x28) == "13"
    # more digits than the left width are shown, not wrapped
    assert format_register(Decimal("1234567"), 0x13) == "1234567.000"


def test_unit_of_measure() -> None:
    assert unit_of_measure(0) == "kWh"
    assert unit_of_measure(1) == "m3"
    assert unit_of_measure(0x81) == "m3"  # BCD flavour, same unit
    assert unit_of_measure(99) == "unit"


def test_zcl_time_round_trip() -> None:
    assert zcl_utc_to_datetime(0) == datetime(2000, 1, 1, tzinfo=UTC) == UTC_EPOCH_2000
    when = datetime(2026, 10, 25, 1, 30, tzinfo=UTC)
    seconds = datetime_to_zcl_utc(when)
    assert seconds == int(when.timestamp()) - 946684800
    assert zcl_utc_to_datetime(seconds) == when
    with pytest.raises(ValueError):
        datetime_to_zcl_utc(datetime(2026, 1, 1))


def test_price_trailing_digits() -> None:
    assert price_from_zcl(2450, 5) == Decimal("0.02450")
    assert price_from_zcl(24567, 5) == Decimal("0.24567")
    assert price_from_zcl(12, 0) == Decimal(12)
