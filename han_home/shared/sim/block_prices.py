"""The virtual ESME's Price attributes for block prices (SE 1.1 D.4.2.2.2-D.4.2.2.5).

Before a signed tariff with blocks applies, the meter serves no thresholds (count 0) and
each tier's block prices are its one rate; from its start, Block1..3Threshold (Wh, with
ThresholdDivisor 1000: kWh), the block period (this local calendar month) and
TierNBlockMPrice for tiers 1-2, blocks 1-4. Values are read when asked, so they follow
the meter's own clock and tariff (``meter_authority.RepricedTariff``).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

from han_home.shared.energy.zcl_format import datetime_to_zcl_utc as zcl_time
from han_home.shared.han.se_clusters import Price
from han_home.shared.han.zcl_ids import attribute_table
from han_home.shared.sim import load

__all__ = ["block_period", "block_price_attributes", "zcl_time"]


def block_period(now: datetime) -> tuple[datetime, int]:
    """(start, minutes) of the billing month containing ``now``: the block period."""
    local = now.astimezone(load.LONDON).date()
    start = load.local_midnight_ts(local.replace(day=1))
    nxt = (local.replace(day=28) + timedelta(days=4)).replace(day=1)
    end = load.local_midnight_ts(nxt)
    return datetime.fromtimestamp(start, UTC), (end - start) // 60


def _raw(gbp: Decimal) -> int:
    return int((gbp * 10**5).to_integral_value())


def block_price_attributes(meter: Any) -> dict[int, Any]:
    def thresholds() -> tuple[Decimal, ...]:
        blocks_at = getattr(meter.tariff, "blocks_at", None)
        return blocks_at(meter.air.clock.now()) if blocks_at is not None else ()

    def threshold(i: int) -> Any:
        def value() -> int:
            got = thresholds()
            return int(got[i] * 1000) if i < len(got) else 0xFFFFFFFFFFFF  # unused: max
        return value

    def price(tier: int, block: int) -> Any:
        def value() -> int:
            rate = meter._tier_rate(tier)  # the tier's rate today (block 1)
            got = thresholds()
            if got and block > 1:
                rates = meter.tariff.block_rates(tier)
                rate = rates[min(block, len(rates)) - 1]
            return _raw(rate)
        return value

    def start() -> int:
        return zcl_time(block_period(meter.air.clock.now())[0])

    def minutes() -> int:
        return block_period(meter.air.clock.now())[1]

    return attribute_table(
        Price,
        block1_threshold=threshold(0), block2_threshold=threshold(1),
        block3_threshold=threshold(2),
        block_threshold_count=lambda: len(thresholds()),
        number_of_block_thresholds_in_use=lambda: len(thresholds()),
        start_of_block_period=start, block_period_duration=minutes,
        threshold_multiplier=1, threshold_divisor=1000,
        **{f"tier{t}_block{b}_price": price(t, b) for t in (1, 2) for b in (1, 2, 3, 4)},
    )
