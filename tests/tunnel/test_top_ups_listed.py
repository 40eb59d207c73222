"""The Credit screen's list of top-ups (issue 15, item 6): every top-up the meter applied,
newest first, who made it, kept across a restart; a refused one never listed."""

from __future__ import annotations

from decimal import Decimal

from han_home.ihd_app.model import DisplayModel
from han_home.ihd_app.settings import Settings
from han_home.shared.han.history_feed import HistoryFeed
from han_home.shared.security import payloads
from han_home.shared.security.profiles import Role
from han_home.shared.security.wan_frames import WanStatus
from han_home.shared.store.async_history import AsyncHistory

from .wan_world import eui_of, wan_world


async def test_top_ups_the_meter_applied_are_listed_and_kept_across_a_restart(tmp_path):
    async with wan_world(tmp_path) as w:
        history = AsyncHistory(tmp_path / "ihd.db")
        await history.ready()
        feed = HistoryFeed(history, w.gateway.tariffs)
        feed.connect(w.gateway)  # as the display wires it (app.py)
        model = DisplayModel(history, w.gateway.tariffs, w.gateway.now, Settings())
        await model.load_last_known()
        model.attach(w.gateway, feed)
        seen: list[set[str]] = []
        model.add_listener(seen.append)
        target = eui_of(w.home.esme)
        cmd = w.authors[Role.SUPPLIER].read_clock(target)
        _status, answer = await w.send(target, cmd)
        meter = w.verify(answer, cmd).originator
        # a technician may not top up: the meter refuses, so nothing is listed
        status, _ = await w.send(target, w.authors[Role.TECHNICIAN].top_up(
            target, meter, payloads.TopUp(11, Decimal("50"))), via=Role.TECHNICIAN)
        assert status is WanStatus.DELIVERED and model.top_ups == []
        supplier = w.authors[Role.SUPPLIER]
        await w.send(target, supplier.top_up(target, meter, payloads.TopUp(12, Decimal("20"))))
        await w.send(target, supplier.top_up(target, meter, payloads.TopUp(13, Decimal("5.50"))))
        listed = [(t.amount_gbp, t.role, t.organisation) for t in model.top_ups]
        assert listed == [(Decimal("5.50"), Role.SUPPLIER, "Demo Energy Supplier"),
                          (Decimal("20"), Role.SUPPLIER, "Demo Energy Supplier")]
        assert model.top_ups[0].applied_at >= model.top_ups[1].applied_at
        assert {"credit"} in seen  # the Credit screen re-renders
        await feed.drain()
        kept = list(model.top_ups)
        await history.close()
    again = AsyncHistory(tmp_path / "ihd.db")
    await again.ready()
    try:
        restarted = DisplayModel(again, w.gateway.tariffs, w.gateway.now, Settings())
        await restarted.load_last_known()
        assert restarted.top_ups == kept
    finally:
        await again.close()
