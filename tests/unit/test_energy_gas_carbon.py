from decimal import Decimal

from han_home.shared.energy.carbon import CarbonIntensity, carbon_kg
from han_home.shared.energy.gas import VOLUME_CORRECTION, gas_kwh, quantize_kwh
from han_home.shared.energy.readings import Fuel


def test_gas_kwh_10_m3_at_cv_39_5() -> None:
    kwh = gas_kwh(Decimal(10), Decimal("39.5"))
    # 10 x 1.02264 x 39.5 = 403.9428 MJ; / 3.6 = 112.2063333...
    assert kwh * Decimal("3.6") == Decimal("403.9428")
    assert quantize_kwh(kwh) == Decimal("112.206")
    assert str(kwh).startswith("112.2063333333333333")


def test_volume_correction_constant() -> None:
    assert VOLUME_CORRECTION == Decimal("1.02264")
    assert gas_kwh(Decimal(0), Decimal(40)) == 0


def test_quantize_half_up() -> None:
    assert quantize_kwh(Decimal("1.0005")) == Decimal("1.001")
    assert quantize_kwh(Decimal("1.0004999")) == Decimal("1.000")


def test_carbon_default_and_configured() -> None:
    assert carbon_kg(Decimal(10), Fuel.ELECTRICITY) == Decimal("2.07050")
    assert carbon_kg(Decimal(10), Fuel.GAS) == Decimal("1.82900")
    custom = CarbonIntensity(electricity_kg_per_kwh=Decimal("0.1"))
    assert carbon_kg(Decimal(3), Fuel.ELECTRICITY, custom) == Decimal("0.3")
