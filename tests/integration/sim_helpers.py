"""Helpers for tests that run the virtual home."""

from __future__ import annotations

from typing import Any

import zigpy.config as conf

from han_home.shared.sim.home import HomeOptions, VirtualHome
from han_home.shared.sim.radio import SimControllerApplication


async def started_app(home: VirtualHome) -> SimControllerApplication:
    app = SimControllerApplication(
        {
            "sim_air": home.air,
            conf.CONF_DEVICE: {conf.CONF_DEVICE_PATH: "sim"},
            conf.CONF_DATABASE: None,
            conf.CONF_NWK_BACKUP_ENABLED: False,
            conf.CONF_TOPO_SCAN_ENABLED: False,
            conf.CONF_WATCHDOG_ENABLED: False,
            conf.CONF_OTA: {conf.CONF_OTA_ENABLED: False},
        }
    )
    await app.startup(auto_form=True)
    return app


def home(**kw: Any) -> VirtualHome:
    return VirtualHome(HomeOptions(**kw))


async def wait_real(predicate: Any, timeout: float = 10.0) -> None:
    """For the few end-to-end tests that run the virtual home in real time (its SimClock at
    speed 1): wait on the host's clock. Tests on a ManualClock use clock.wait_for instead."""
    import asyncio

    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not predicate():
        if loop.time() > deadline:
            raise TimeoutError("condition not met in time")
        await asyncio.sleep(0.01)
