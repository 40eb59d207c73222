"""Turn Smart Energy attribute values and commands into domain readings (Decimal + unit)."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from han_home.shared.energy.readings import Fuel, Reading, ReadingKind
from han_home.shared.energy.zcl_format import scale, unit_of_measure, zcl_utc_to_datetime
from han_home.shared.han.registry import DeviceRecord, Role

METERING, PRICE, MESSAGING, PREPAYMENT = 0x0702, 0x0700, 0x0703, 0x0705
DEFAULT_TRAILING = 5

# Metering attributes that carry a register (summation-formatted) value
_SUMMATION_TIERS = {0x0100: 1, 0x0102: 2, 0x0104: 3, 0x0106: 4}


def fuel_of(record: DeviceRecord) -> Fuel:
    return Fuel.GAS if record.role == Role.GAS else Fuel.ELECTRICITY


def money(raw: int, trailing: int) -> Decimal:
    return Decimal(int(raw)).scaleb(-trailing)


class ReadingAdapter:
    """Stateless conversion; the device's scaling comes from its registry record."""

    def __init__(self, record: DeviceRecord, received: datetime) -> None:
        self.record = record
        self.received = received
        self.fuel = fuel_of(record)
        s = record.scaling
        self.multiplier = s.get("multiplier", 1)
        self.divisor = s.get("divisor", 1)
        self.unit = unit_of_measure(s.get("unit", 1 if self.fuel == Fuel.GAS else 0))
        self.trailing = s.get("price_trailing_digit", DEFAULT_TRAILING)

    def _reading(self, kind: ReadingKind, value: Decimal, unit: str, **kw: Any) -> Reading:
        return Reading(self.record.eui64, self.fuel, kind, value, unit, self.received, **kw)

    def attribute(self, cluster_id: int, attr_id: int, raw: Any) -> Reading | None:
        if raw is None:
            return None
        if cluster_id == METERING:
            return self._metering(attr_id, raw)
        if cluster_id == PRICE:
            return self._price(attr_id, raw)
        return None

    def _metering(self, attr_id: int, raw: Any) -> Reading | None:
        value = scale(int(raw), self.multiplier, self.divisor)
        if attr_id == 0x0000:
            return self._reading(ReadingKind.SUMMATION, value, self.unit)
        if attr_id in _SUMMATION_TIERS:
            return self._reading(
                ReadingKind.TIER_SUMMATION, value, self.unit, tier=_SUMMATION_TIERS[attr_id]
            )
        if attr_id == 0x0400:
            # demand is a rate: kWh -> kW, m3 -> m3/h
            unit = "kW" if self.unit == "kWh" else f"{self.unit}/h"
            return self._reading(ReadingKind.DEMAND, value, unit)
        if attr_id == 0x0401:
            return self._reading(ReadingKind.DAY_CONSUMPTION, value, self.unit)
        if attr_id == 0x0A00:
            return self._reading(ReadingKind.BILL_TO_DATE, money(raw, self.trailing), "GBP")
        if attr_id == 0x0201:
            return self._reading(ReadingKind.BATTERY, Decimal(int(raw)), "%")
        return None

    def _price(self, attr_id: int, raw: Any) -> Reading | None:
        s = self.record.scaling
        if attr_id == 0x0301:
            return self._reading(ReadingKind.STANDING_CHARGE, money(raw, self.trailing), "GBP/day")
        if attr_id == 0x0304:
            return self._reading(
                ReadingKind.CALORIFIC_VALUE, money(raw, s.get("cv_trailing_digit", 1)), "MJ/m3"
            )
        return None

    def publish_price(self, args: Any) -> Reading:
        trailing = int(args.price_trailing_digit_and_tier) >> 4
        tier = int(args.price_trailing_digit_and_tier) & 0x0F
        start = zcl_utc_to_datetime(int(args.start_time))
        return self._reading(
            ReadingKind.PRICE,
            money(args.price, trailing),
            "GBP/kWh",
            tier=tier,
            meter_time=zcl_utc_to_datetime(int(args.current_time)),
            extra={
                "label": str(args.rate_label),
                "start": start.isoformat(),
                "duration_min": str(int(args.duration_in_minutes)),
            },
        )

    def display_message(self, args: Any) -> Reading:
        return self._reading(
            ReadingKind.MESSAGE,
            Decimal(int(args.message_id)),
            "",
            text=str(args.message),
            meter_time=zcl_utc_to_datetime(int(args.start_time)),
            extra={"id": str(int(args.message_id))},
        )

    def prepayment(self, snapshot: dict[int, Any]) -> list[Reading]:
        """Credit, emergency credit and debt from the meter's prepayment attributes."""
        tr = self.record.scaling.get("prepayment_trailing_digit", self.trailing)
        status = int(snapshot.get(0x0003, 0))
        extra = {
            "status": str(status),
            "emergency_limit": str(money(snapshot.get(0x0010, 0), tr)),
            "emergency_threshold": str(money(snapshot.get(0x0011, 0), tr)),
            "low_credit_level": str(money(snapshot.get(0x0031, 0), tr)),
            "recovery_per_day": str(money(snapshot.get(0x0217, 0), tr)),
        }
        out = []
        if 0x0001 in snapshot:
            out.append(
                self._reading(ReadingKind.CREDIT, money(snapshot[0x0001], tr), "GBP", extra=extra)
            )
        if 0x0002 in snapshot:
            out.append(
                self._reading(
                    ReadingKind.EMERGENCY_CREDIT, money(snapshot[0x0002], tr), "GBP", extra=extra
                )
            )
        if 0x0005 in snapshot:
            out.append(
                self._reading(ReadingKind.DEBT, money(snapshot[0x0005], tr), "GBP", extra=extra)
            )
        return out
