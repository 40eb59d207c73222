"""A register is stamped with the instant its frame was received, however late a busy host
hands the frame to zigpy or resumes the reader of a reply: the first reports after a start
waited 20-70 Wh of the register at 1800x under load, and a register stamped late puts
energy on the wrong side of a half-hour boundary (the kill -9 test's +31/+34 Wh)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import zigpy.types as t

from han_home.shared.energy.readings import Fuel, Reading, ReadingKind
from han_home.shared.han.client import ReadingEvent
from han_home.shared.han.clock import ManualClock
from han_home.shared.han.setup import RadioOptions, build_gateway

START = datetime(2026, 11, 9, 5, 7, tzinfo=UTC)
STEP = Decimal("0.001")  # one raw step of the register on the air (kWh)
BUSY = timedelta(minutes=5)


def _busy_host(clock: ManualClock) -> None:
    """The host falls behind: the simulated world runs on while it works."""
    clock._now += BUSY  # the loop busy this long, as a loaded kiosk's is


def _electricity(readings: list[Reading]) -> list[Reading]:
    return [r for r in readings if r.fuel == Fuel.ELECTRICITY and r.kind == ReadingKind.SUMMATION]


async def _commissioned(clock: ManualClock) -> tuple[Any, list[Reading]]:
    gw = build_gateway(RadioOptions(sim_seed=7, sim_clock=clock))
    readings: list[Reading] = []
    gw.subscribe(lambda e: readings.append(e.reading) if isinstance(e, ReadingEvent) else None)
    await gw.start()
    assert await clock.run(gw.commission_expected(), within=300)
    await clock.advance(120)
    return gw, readings


async def test_a_report_handled_late_keeps_the_instant_it_was_received() -> None:
    clock = ManualClock(START)
    gw, readings = await _commissioned(clock)
    try:
        home = gw.config.sim_home
        air = home.air
        deliver: Callable[[Any], None] = air._deliver_up
        delayed: list[datetime] = []

        def late(packet: Any) -> None:
            data = bytes(packet.data.serialize())
            # a report (0x0a) carrying the register (attribute 0x0000, a uint48: 0x25)
            summation = data[2:3] == b"\x0a" and b"\x00\x00\x25" in data[3:]
            if packet.cluster_id == 0x0702 and summation and not delayed:  # the next report
                delayed.append(packet.timestamp)
                _busy_host(clock)  # between the frame's arrival and zigpy handling it
            deliver(packet)

        air._deliver_up = late
        readings.clear()
        await clock.advance(900)
        assert delayed
        [report, *_] = _electricity(readings)
        assert report.received == delayed[0]  # not five minutes later, when handled
        assert abs(home.esme.register_at(report.received) - report.value) <= STEP
    finally:
        await gw.stop()


async def test_a_read_reply_keeps_the_instant_the_meter_took_its_value() -> None:
    clock = ManualClock(START)
    gw, readings = await _commissioned(clock)
    try:
        esme = gw.config.sim_home.esme
        raw = esme.raw_register_ts

        def slow(ts: int) -> int:
            _busy_host(clock)  # computing the register takes the host this long
            return raw(ts)

        esme.raw_register_ts = slow
        device = gw.app.devices[t.EUI64.convert(str(esme.ieee))]
        metering = device.endpoints[1].in_clusters[0x0702]
        readings.clear()
        asked = clock.now()
        await gw._read_into_readings(device, metering, ["current_summ_delivered"])
        esme.raw_register_ts = raw
        [reading] = _electricity(readings)
        # when the request reached the meter (whose clock keeps whole seconds)
        assert asked - timedelta(seconds=1) < reading.received <= asked
        assert abs(esme.register_at(reading.received) - reading.value) <= STEP
    finally:
        await gw.stop()
