"""Build a gateway from command-line style options (shared by han-gateway and the apps)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from han_home.shared.han.gateway import ExpectedDevice, Gateway, GatewayConfig
from han_home.shared.han.registry import Role

ROLE_OF_LABEL = {
    "electricity_meter": Role.ELECTRICITY,
    "gas_meter": Role.GAS,
    "display": Role.DISPLAY,
}


@dataclass
class RadioOptions:
    radio: str = "sim"
    device: str | None = None
    sim_seed: int = 7
    sim_start: datetime | None = None
    sim_speed: float = 1.0
    prepayment: bool = True
    sim_clock: Any = None  # a Clock for the virtual home (tests: ManualClock); else SimClock


def build_gateway(options: RadioOptions, *, commission_home: bool = True) -> Gateway:
    """A gateway on the chosen radio. On the virtual home, its own devices are expected
    (commissioned from its labels, as an installer would have done)."""
    if options.radio != "sim":
        return Gateway(GatewayConfig(radio=options.radio, device_path=options.device))
    from han_home.shared.sim.home import HomeOptions, VirtualHome

    home = VirtualHome(
        HomeOptions(
            seed=options.sim_seed,
            start=options.sim_start,
            speed=options.sim_speed,
            prepayment=options.prepayment,
            clock=options.sim_clock,
        )
    )
    expected = (
        [
            ExpectedDevice.from_install_code(
                label.eui64, label.install_code, ROLE_OF_LABEL.get(label.device_type, Role.OTHER)
            )
            for label in home.labels()
        ]
        if commission_home
        else []
    )
    return Gateway(GatewayConfig(radio="sim", sim_home=home, expected=expected))
