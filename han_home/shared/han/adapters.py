"""Turn Smart Energy attribute values and commands into domain readings (Decimal + unit)."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from han_home.shared.energy.readings import Fuel, Reading, ReadingKind
from han_home.shared.energy.zcl_format import scale, unit_of_measure, zcl_utc_to_datetime
from han_home.shared.han.registry import DeviceRecord, Role
from han_home.shared.han.se_clusters import GBP_ISO4217
from han_home.shared.han.zcl_ids import (
    METERING_CLUSTER,
    PRICE_CLUSTER,
    MeteringAttr,
    PrepaymentAttr,
    PriceAttr,
)

M, P, PP = MeteringAttr, PriceAttr, PrepaymentAttr
DEFAULT_TRAILING = 5

# Metering attributes that carry a register (summation-formatted) value
_SUMMATION_TIERS: dict[int, int] = {
    int(M.current_tier1_summ_delivered.id): 1,
    int(M.current_tier2_summ_delivered.id): 2,
    int(M.current_tier3_summ_delivered.id): 3,
    int(M.current_tier4_summ_delivered.id): 4,
}


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
        if cluster_id == METERING_CLUSTER:
            return self._metering(attr_id, raw)
        if cluster_id == PRICE_CLUSTER:
            return self._price(attr_id, raw)
        return None

    def _metering(self, attr_id: int, raw: Any) -> Reading | None:
        value = scale(int(raw), self.multiplier, self.divisor)
        if attr_id == M.current_summ_delivered.id:
            return self._reading(ReadingKind.SUMMATION, value, self.unit)
        if attr_id in _SUMMATION_TIERS:
            return self._reading(
                ReadingKind.TIER_SUMMATION, value, self.unit, tier=_SUMMATION_TIERS[attr_id]
            )
        if attr_id == M.instantaneous_demand.id:
            # demand is a rate: kWh -> kW, m3 -> m3/h
            unit = "kW" if self.unit == "kWh" else f"{self.unit}/h"
            return self._reading(ReadingKind.DEMAND, value, unit)
        if attr_id == M.currentday_consumption_delivered.id:
            return self._reading(ReadingKind.DAY_CONSUMPTION, value, self.unit)
        if attr_id == M.bill_to_date.id:
            return self._reading(ReadingKind.BILL_TO_DATE, money(raw, self.trailing), "GBP")
        if attr_id == M.remaining_battery_life.id:
            return self._reading(ReadingKind.BATTERY, Decimal(int(raw)), "%")
        return None

    def _price(self, attr_id: int, raw: Any) -> Reading | None:
        s = self.record.scaling
        if attr_id == P.standing_charge.id:
            return self._reading(ReadingKind.STANDING_CHARGE, money(raw, self.trailing), "GBP/day")
        if attr_id == P.calorific_value.id:
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
        currency = self.record.scaling.get("prepayment_currency", GBP_ISO4217)
        if currency != GBP_ISO4217:
            return []  # money in another currency is never shown as pounds
        status = int(snapshot.get(PP.credit_status.id, 0))
        def amount(attribute: Any) -> str:
            return str(money(snapshot.get(attribute.id, 0), tr))

        extra = {
            "status": str(status),
            "emergency_limit": amount(PP.emergency_credit_limit_allowance),
            "emergency_threshold": amount(PP.emergency_credit_threshold),
            "low_credit_level": amount(PP.low_credit_warning_level),
            "recovery_per_day": amount(PP.debt_recovery_amount_per_day),
        }
        out = []
        for attribute, kind in (
            (PP.credit_remaining, ReadingKind.CREDIT),
            (PP.emergency_credit_remaining, ReadingKind.EMERGENCY_CREDIT),
            (PP.accumulated_debt, ReadingKind.DEBT),
        ):
            if attribute.id in snapshot:
                raw = snapshot[attribute.id]
                out.append(self._reading(kind, money(raw, tr), "GBP", extra=extra))
        return out
