"""A display model fed by the virtual home, for screenshots and UI tests (the same steps as
ihd_app/app.py, with the virtual home's options exposed: meter rate fault, prepayment)."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from han_home.ihd_app.model import DisplayModel
from han_home.ihd_app.settings import Settings

CLOCK_CHANGE_EVENING = datetime(2026, 10, 25, 17, 0, tzinfo=UTC)  # a 25-hour day


@dataclass
class LiveOptions:
    seed: int = 7
    start: datetime = CLOCK_CHANGE_EVENING
    speed: float = 600.0
    prepayment: bool = True
    meter_rate_factor: Decimal = Decimal(1)
    credit_gbp: Decimal | None = None  # start the prepayment account with this credit
    settings: Settings = field(default_factory=Settings)
    clock: Any = None  # the home's Clock; None: a SimClock from `start` at `speed`
    backfill_days: int = 396  # of the meter's stored half-hours read at a first start


@dataclass
class LiveHome:
    gateway: Any
    history: Any
    feed: Any
    model: DisplayModel

    async def run_for(self, seconds: float, pump: Any = None) -> None:
        """Let the virtual home run (real seconds), pumping Qt events if asked."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + seconds
        while loop.time() < deadline:
            if pump is not None:
                pump()
            await asyncio.sleep(0.02)
        await self.model.refresh_usage()

    async def close(self) -> None:
        await self.feed.stop_asking()
        await self.gateway.stop()
        self.feed.flush(self.gateway.now())
        await self.feed.drain()
        await self.history.close()


async def start_live_home(db: Path, options: LiveOptions | None = None) -> LiveHome:
    from han_home.shared.han.clock import drive
    from han_home.shared.han.gateway import ExpectedDevice, Gateway, GatewayConfig
    from han_home.shared.han.history_feed import HistoryFeed
    from han_home.shared.han.registry import Role
    from han_home.shared.han.setup import ROLE_OF_LABEL
    from han_home.shared.sim.home import HomeOptions, VirtualHome
    from han_home.shared.store.async_history import AsyncHistory

    o = options or LiveOptions()
    home = VirtualHome(HomeOptions(seed=o.seed, start=o.start, speed=o.speed,
                                   prepayment=o.prepayment,
                                   meter_rate_factor=o.meter_rate_factor, clock=o.clock))
    if o.credit_gbp is not None and home.esme.account is not None:
        home.esme.account.credit_gbp = o.credit_gbp
    expected = [ExpectedDevice.from_install_code(
        label.eui64, label.install_code, ROLE_OF_LABEL.get(label.device_type, Role.OTHER))
        for label in home.labels()]
    gateway = Gateway(GatewayConfig(radio="sim", sim_home=home, expected=expected))
    history = AsyncHistory(db)
    await history.ready()
    feed = HistoryFeed(history, gateway.tariffs, backfill=timedelta(days=o.backfill_days))
    await feed.resume()  # the last run's registers and open half-hour
    feed.connect(gateway)  # readings, gap profiles, first-start backfill
    model = DisplayModel(history, gateway.tariffs, gateway.now, o.settings)
    await gateway.start()
    model.attach(gateway, feed)
    await drive(home.clock, gateway.commission_expected(), 600)
    await model.load_last_known()
    return LiveHome(gateway, history, feed, model)
