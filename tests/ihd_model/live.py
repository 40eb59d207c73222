"""A display model on a running virtual home, as the IHD builds it, on a ManualClock
(`home.clock`): simulated time moves only when the test advances it."""

from __future__ import annotations

import asyncio
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta
from typing import Any

from han_home.ihd_app.model import DisplayModel
from han_home.ihd_app.settings import Settings
from han_home.shared.han.clock import ManualClock
from han_home.shared.han.gateway import ExpectedDevice, Gateway, GatewayConfig
from han_home.shared.han.history_feed import HistoryFeed
from han_home.shared.han.setup import ROLE_OF_LABEL
from han_home.shared.sim.home import HomeOptions, VirtualHome
from han_home.shared.store.async_history import AsyncHistory


@asynccontextmanager
async def live_model(
    tmp_path,
    *,
    start: datetime | None = None,
    settings: Settings | None = None,
    before_start=None,
    backfill_days: int = 40,  # five weeks of the meter's history (the first start: 396)
    **home_options: Any,
):
    clock = ManualClock(start or datetime(2026, 11, 3, 8, tzinfo=UTC))
    home = VirtualHome(HomeOptions(seed=7, clock=clock, **home_options))
    if before_start is not None:
        before_start(home)
    expected = [
        ExpectedDevice.from_install_code(lb.eui64, lb.install_code, ROLE_OF_LABEL[lb.device_type])
        for lb in home.labels()
    ]
    gateway = Gateway(GatewayConfig(radio="sim", sim_home=home, expected=expected))
    history = AsyncHistory(tmp_path / "ihd.db")
    await history.ready()
    feed = HistoryFeed(history, gateway.tariffs, backfill=timedelta(days=backfill_days))
    await feed.resume()  # the last run's registers and open half-hour
    feed.connect(gateway)  # readings, gap profiles, first-start backfill
    model = DisplayModel(history, gateway.tariffs, gateway.now, settings or Settings())
    await gateway.start()
    model.attach(gateway, feed)
    assert await clock.run(gateway.commission_expected(), within=300)
    try:
        yield model, gateway, home
    finally:
        await gateway.stop()
        await feed.drain()
        await settle_model(model)
        await history.close()


async def settle_model(model: DisplayModel) -> None:
    """Let a usage refresh the model started finish before its store is closed."""
    task = getattr(model, "_usage_task", None)
    if task is not None:
        await asyncio.gather(task, return_exceptions=True)
