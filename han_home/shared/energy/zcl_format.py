"""ZCL Metering / Price wire values -> exact domain values (Decimal, aware UTC datetimes)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal, localcontext

# ZCL UTCTime counts seconds from this instant (Zigbee Cluster Library, 2.6.2 "UTCTime").
UTC_EPOCH_2000 = datetime(2000, 1, 1, tzinfo=UTC)

_UNITS: dict[int, str] = {
    # UnitOfMeasure (0x0300) low 7 bits; bit 7 set means the same unit in BCD, same meaning.
    0: "kWh",
    1: "m3",
    2: "ft3",
    3: "ccf",
    4: "US gal",
    5: "IMP gal",
    6: "BTU",
    7: "l",
    8: "kPA",
}


def scale(raw: int, multiplier: int | None, divisor: int | None) -> Decimal:
    """raw x multiplier / divisor, exactly. 0 or None means 1 (attribute unset on the meter)."""
    m = multiplier or 1
    d = divisor or 1
    value = Decimal(int(raw) * m)
    if d == 1:
        return value
    # A wide local context keeps uint48 x uint24 / uint24 exact (divisors are powers of ten
    # in practice; anything else is kept to 40 significant digits, never a float).
    with localcontext() as ctx:
        ctx.prec = 40
        return value / Decimal(d)


def format_register(value: Decimal, formatting: int) -> str:
    """Render per a ZCL formatting byte (SummationFormatting / DemandFormatting).

    bits 0-2: digits right of the point; bits 3-6: digits left of it (0 means 15);
    bit 7: suppress leading zeros. Digits beyond the left width are kept, not truncated,
    so a display never shows a wrong (wrapped) register.
    """
    right = formatting & 0x07
    left = (formatting >> 3) & 0x0F or 15
    suppress = bool(formatting & 0x80)
    sign = "-" if value < 0 else ""
    q = abs(value).quantize(Decimal(1).scaleb(-right)) if right else abs(value).quantize(Decimal(1))
    text = f"{q:f}"
    int_part, _, frac = text.partition(".")
    if not suppress:
        int_part = int_part.zfill(left)
    return sign + int_part + ("." + frac if right else "")


def unit_of_measure(code: int) -> str:
    """UnitOfMeasure enum -> short unit text; unknown codes give "unit"."""
    return _UNITS.get(int(code) & 0x7F, "unit")


def zcl_utc_to_datetime(seconds: int) -> datetime:
    """ZCL UTCTime (seconds since 2000-01-01Z) -> aware UTC datetime."""
    return UTC_EPOCH_2000 + timedelta(seconds=int(seconds))


def datetime_to_zcl_utc(dt: datetime) -> int:
    """Aware datetime -> ZCL UTCTime seconds (floored to whole seconds)."""
    if dt.tzinfo is None:
        raise ValueError("datetime_to_zcl_utc needs an aware datetime")
    return int((dt - UTC_EPOCH_2000) // timedelta(seconds=1))


def price_from_zcl(raw: int, trailing_digits: int) -> Decimal:
    """Price cluster value -> GBP per unit.

    Convention (SE 1.x Price cluster, PublishPrice): `Price` is in the base currency (GBP,
    ISO 4217 826) with `PriceTrailingDigit` digits after the point, so raw 2450 with
    trailing 5 is 0.02450 GBP/kWh. Exact: a Decimal shift, never a float division.
    """
    if trailing_digits < 0:
        raise ValueError("trailing_digits must be >= 0")
    return Decimal(int(raw)).scaleb(-int(trailing_digits))
