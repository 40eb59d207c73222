"""Time-of-use AND block prices: the rate of a unit depends on its band's tier and on how
much was used earlier in the billing month (SE's TierNBlockMPrice matrix).

Block i of every tier runs up to ``thresholds_kwh[i]`` kWh of the month; the last block
is open-ended. A half-hour that crosses a threshold is split, each part at its block's
rate, as ``BlockTariff`` does for a tariff without tiers.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from han_home.shared.energy.tariff import ZERO, BlockTariff, RateBand, TimeOfUseTariff


@dataclass(frozen=True, slots=True)
class TimeOfUseBlockTariff:
    """``bands`` say which tier is in force when (each band names its ``tier``);
    ``tier_rates[tier]`` are that tier's rates per block, block 1 first."""

    bands: tuple[RateBand, ...]
    thresholds_kwh: tuple[Decimal, ...]
    tier_rates: Mapping[int, tuple[Decimal, ...]]
    standing_charge_gbp_per_day: Decimal = ZERO
    _times: TimeOfUseTariff = field(init=False, repr=False, compare=False)
    _blocks: Mapping[int, BlockTariff] = field(init=False, repr=False, compare=False)

    def __init__(self, bands: Sequence[RateBand], thresholds_kwh: Sequence[Decimal],
                 tier_rates: Mapping[int, Sequence[Decimal]],
                 standing_charge_gbp_per_day: Decimal = ZERO) -> None:
        times = TimeOfUseTariff(bands, standing_charge_gbp_per_day)
        if any(b.tier not in tier_rates for b in times.bands):
            raise ValueError("every band's tier needs its block rates")
        blocks = {tier: BlockTariff(tuple(thresholds_kwh), tuple(rates))
                  for tier, rates in tier_rates.items()}
        object.__setattr__(self, "bands", times.bands)
        object.__setattr__(self, "thresholds_kwh", tuple(thresholds_kwh))
        object.__setattr__(self, "tier_rates", {t: tuple(r) for t, r in tier_rates.items()})
        object.__setattr__(self, "standing_charge_gbp_per_day",
                           times.standing_charge_gbp_per_day)
        object.__setattr__(self, "_times", times)
        object.__setattr__(self, "_blocks", blocks)

    def _block_tariff(self, utc_dt: datetime) -> BlockTariff:
        return self._blocks[self._times.band_at(utc_dt).tier]  # type: ignore[index]

    def rate_at(self, utc_dt: datetime, month_to_date_kwh: Decimal = ZERO) -> Decimal:
        return self._block_tariff(utc_dt).rate_for(month_to_date_kwh)

    def band_name_at(self, utc_dt: datetime, month_to_date_kwh: Decimal = ZERO) -> str:
        block = self._block_tariff(utc_dt).block_index(month_to_date_kwh) + 1
        return f"{self._times.band_at(utc_dt).name}, block {block}"

    def price(self, start_utc: datetime, kwh: Decimal,
              month_to_date_kwh: Decimal = ZERO) -> Decimal:
        return self._block_tariff(start_utc).price_quantity(kwh, month_to_date_kwh)
