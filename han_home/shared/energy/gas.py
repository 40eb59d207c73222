"""Gas volume -> energy, the GB billing formula (Gas (Calculation of Thermal Energy) Regs 1996)."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, localcontext

# Corrects metered volume to standard temperature and pressure (15 C, 1013.25 mbar).
VOLUME_CORRECTION = Decimal("1.02264")
MJ_PER_KWH = Decimal("3.6")
_KWH_DISPLAY = Decimal("0.001")


def gas_kwh(m3: Decimal, cv_mj_per_m3: Decimal) -> Decimal:
    """kWh = m3 x 1.02264 x CV / 3.6, kept at full precision (round only for display)."""
    with localcontext() as ctx:
        ctx.prec = 40  # the /3.6 gives a repeating fraction: keep far more digits than needed
        return Decimal(m3) * VOLUME_CORRECTION * Decimal(cv_mj_per_m3) / MJ_PER_KWH


def quantize_kwh(kwh: Decimal) -> Decimal:
    """Round to 3 dp (Wh resolution) for display; half-up as bills do."""
    return Decimal(kwh).quantize(_KWH_DISPLAY, rounding=ROUND_HALF_UP)
