"""The gateway's stop(): configuring tasks are cancelled and awaited, so nothing runs after
it; a device that fails configuration on every attempt is reported (CONFIG_FAILED)."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from typing import Any

import zigpy.types as t

from han_home.shared.han.client import DeviceEvent, DeviceEventKind
from han_home.shared.han.clock import ManualClock
from han_home.shared.han.setup import RadioOptions, build_gateway

START = datetime(2026, 10, 24, 12, 0, tzinfo=UTC)


async def test_stop_awaits_a_configuration_in_progress() -> None:
    gw = build_gateway(RadioOptions(sim_seed=7, sim_start=START, sim_speed=60))
    await gw.start()
    assert await gw.commission_expected()
    log: list[str] = []

    async def slow_configure(device: Any) -> None:
        try:
            await asyncio.sleep(30)
        finally:
            await asyncio.sleep(0.02)  # cleanup that awaits, like a zigpy request
            log.append("configure ended")

    gw.configure = slow_configure  # type: ignore[method-assign]
    home = gw.config.sim_home
    device = gw.app.devices[t.EUI64.convert(str(home.ihd.ieee))]
    gw.device_initialized(device)
    await asyncio.sleep(0.05)
    await gw.stop()
    assert log == ["configure ended"]
    assert all(task.done() for task in gw._configuring.values())


async def test_an_interview_that_ends_while_the_radio_shuts_down_starts_nothing() -> None:
    # what a loaded kiosk did (the IHD's stop test, 1 run in 5 under stress): a device's
    # interview finished during the radio's shutdown, after the configuring tasks were
    # swept, and its configuration ran on after stop() had returned
    gw = build_gateway(RadioOptions(sim_seed=7, sim_start=START, sim_speed=60))
    await gw.start()
    assert await gw.commission_expected()
    await asyncio.gather(*gw._configuring.values(), return_exceptions=True)
    home = gw.config.sim_home
    device = gw.app.devices[t.EUI64.convert(str(home.ihd.ieee))]
    started: list[str] = []

    async def configure(device: Any) -> None:
        started.append(str(device.ieee))
        await asyncio.sleep(30)

    gw.configure = configure  # type: ignore[method-assign]
    shutdown = gw.app.shutdown

    async def late_interview(*args: Any, **kwargs: Any) -> None:
        gw.device_initialized(device)  # zigpy's listener, called during the shutdown
        await asyncio.sleep(0)
        await shutdown(*args, **kwargs)

    gw.app.shutdown = late_interview  # type: ignore[method-assign]
    await gw.stop()
    await asyncio.sleep(0.01)
    assert started == []
    assert all(task.done() for task in gw._configuring.values())


async def test_a_device_that_cannot_be_configured_is_reported_with_the_reason() -> None:
    # on a ManualClock: the second between attempts is the clock's, not the host's
    clock = ManualClock(START)
    gw = build_gateway(RadioOptions(sim_seed=7, sim_clock=clock))
    events: list[DeviceEvent] = []
    gw.subscribe(lambda e: events.append(e) if isinstance(e, DeviceEvent) else None)
    await gw.start()
    try:
        assert await clock.run(gw.commission_expected(), within=300)
        attempts: list[int] = []

        async def failing(device: Any) -> None:
            attempts.append(1)
            raise TimeoutError

        gw.configure = failing  # type: ignore[method-assign]
        home = gw.config.sim_home
        device = gw.app.devices[t.EUI64.convert(str(home.ihd.ieee))]
        gw.device_initialized(device)
        began = clock.now()
        await clock.run(gw._configuring[str(home.ihd.ieee)], within=10)
        assert (clock.now() - began).total_seconds() == 2  # a second between attempts
        failed = [e for e in events if e.kind == DeviceEventKind.CONFIG_FAILED]
        assert len(attempts) == 3
        assert [(e.eui64, e.detail) for e in failed] == [(str(home.ihd.ieee), "TimeoutError")]
    finally:
        await gw.stop()
