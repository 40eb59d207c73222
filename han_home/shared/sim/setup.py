"""The virtual home as a radio: its gateway configuration, with the home's own devices
expected from their box labels (as an installer would have entered them)."""

from __future__ import annotations

from han_home.shared.han.gateway import ExpectedDevice, GatewayConfig
from han_home.shared.han.registry import Role
from han_home.shared.han.setup import ROLE_OF_LABEL, RadioOptions
from han_home.shared.sim.home import HomeOptions, VirtualHome


def gateway_config(options: RadioOptions, *, commission_home: bool = True) -> GatewayConfig:
    home = VirtualHome(
        HomeOptions(
            seed=options.sim_seed,
            start=options.sim_start,
            speed=options.sim_speed,
            prepayment=options.prepayment,
            clock=options.sim_clock,
            layout=options.sim_layout,
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
    return GatewayConfig(radio="sim", sim_home=home, expected=expected)
