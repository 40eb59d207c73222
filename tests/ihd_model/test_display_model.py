"""The display model: meter-authoritative values, estimates, staleness, credit, notices."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from han_home.ihd_app.model import Ambient
from han_home.ihd_app.settings import Settings, SettingsStore
from han_home.shared.energy.readings import Fuel, Source

from .live import live_model


async def test_values_say_whose_they_are_and_how_old(tmp_path) -> None:
    async with live_model(tmp_path) as (model, gateway, home):
        await home.clock.wait_for(lambda: not model.power().missing, within=600)
        power = model.power()
        assert power.source == Source.METER and power.unit == "kW"
        assert power.age_s is not None and 0 <= power.age_s < 10 and not power.stale
        cost = model.cost_per_hour()
        assert cost.source == Source.ESTIMATE and cost.unit == "GBP/h"
        assert cost.value == power.value * model.rate_now().value
        from han_home.shared.energy.readings import ReadingKind

        await home.clock.wait_for(lambda: not model.shown(
            Fuel.ELECTRICITY, ReadingKind.DAY_CONSUMPTION).missing, within=600)
        await model.refresh_usage()
        energy, today_cost = model.today(Fuel.ELECTRICITY)
        assert energy.source == Source.METER  # the meter's own day register
        assert today_cost.source == Source.ESTIMATE
        # once today's energy is known its cost includes the standing charge
        assert today_cost.value >= Decimal("0.5335") + model.day_cost(
            Fuel.ELECTRICITY).energy_cost.value


async def test_ambient_follows_the_occupiers_thresholds(tmp_path) -> None:
    low = Settings(ambient_low_kw=Decimal("50"), ambient_high_kw=Decimal("60"))
    async with live_model(tmp_path, settings=low) as (model, gateway, home):
        await home.clock.wait_for(lambda: not model.power().missing, within=600)
        assert model.ambient() == Ambient.LOW
        model.settings = Settings(ambient_low_kw=Decimal("0.001"), ambient_high_kw=Decimal("0.01"))
        assert model.ambient() == Ambient.HIGH


async def test_meter_discrepancy_is_flagged_only_when_the_meter_disagrees(tmp_path) -> None:
    for factor, expected in ((Decimal("1.25"), True), (Decimal("1"), False)):
        (tmp_path / str(factor)).mkdir()
        async with live_model(tmp_path / str(factor), meter_rate_factor=factor) as (
            model,
            gateway,
            home,
        ):
            await home.clock.advance(5 * 3600)
            result = model.discrepancy()
            assert result is not None
            assert result.meter_gbp > 0
            assert result.differs is expected, result


async def test_values_go_stale_when_the_radio_vanishes(tmp_path) -> None:
    async with live_model(tmp_path) as (model, gateway, home):
        await home.clock.wait_for(lambda: not model.power().missing, within=600)
        home.unplug_radio()
        # demand is reported every 10 s: stale once three reports are missing, not later
        await home.clock.wait_for(lambda: model.power().stale, within=40)
        assert 30 < model.power().age_s <= 31
        assert model.ambient() is None  # no colour for a value that is not live
        home.plug_radio()
        # back within the radio's reconnect back-off plus one report interval
        await home.clock.wait_for(lambda: not model.power().stale, within=30)


async def test_low_credit_offers_emergency_credit_and_activating_it_works(tmp_path) -> None:
    def nearly_empty(home) -> None:
        home.esme.account.credit_gbp = Decimal("0.60")

    async with live_model(tmp_path, before_start=nearly_empty) as (model, gateway, home):
        await home.clock.wait_for(lambda: model.credit() is not None, within=600)
        credit = model.credit()
        assert credit.low and credit.emergency_available and not credit.emergency_in_use
        assert credit.balance.source == Source.METER and credit.debt.value == Decimal("45.2")
        assert credit.recovery_gbp_per_day == Decimal("0.5")
        assert await model.activate_emergency_credit()
        await home.clock.wait_for(lambda: model.credit().emergency_in_use, within=600)
        assert model.credit().emergency_remaining.value == Decimal("10")


async def test_gas_latest_half_hour_comes_from_the_mirror(tmp_path) -> None:
    async with live_model(tmp_path) as (model, gateway, home):
        polls = home.air.frames_down[str(home.gsme.ieee)]
        await home.clock.advance(65 * 60)
        await model.refresh_usage()
        m3, kwh, cost = model.gas_latest_half_hour()
        assert m3.source == Source.METER and m3.value > 0
        assert kwh.source == Source.ESTIMATE
        exact = m3.value * Decimal("1.02264") * Decimal("39.5") / Decimal("3.6")
        assert kwh.value == exact.quantize(Decimal("0.000001"))  # stored to the micro-kWh
        assert home.air.frames_down[str(home.gsme.ieee)] == polls


async def test_last_known_values_come_back_after_a_restart_with_their_age(tmp_path) -> None:
    async with live_model(tmp_path) as (model, gateway, home):
        await home.clock.wait_for(lambda: model.credit() is not None, within=600)
        balance = model.credit().balance.value
    from han_home.ihd_app.model import DisplayModel
    from han_home.shared.store.async_history import AsyncHistory

    history = AsyncHistory(tmp_path / "ihd.db")
    await history.ready()
    later = gateway.now() + timedelta(hours=2)
    model = DisplayModel(history, gateway.tariffs, lambda: later, Settings())
    await model.load_last_known()
    assert model.from_history
    assert model.credit().balance.value == balance
    assert model.credit().balance.age_s >= 2 * 3600 and model.credit().balance.stale
    await history.close()


def test_settings_survive_a_restart_and_a_corrupt_file(tmp_path) -> None:
    store = SettingsStore(tmp_path / "ihd.json")
    store.save(
        Settings(
            language="cy",
            theme="high-contrast",
            text_scale=1.75,
            screen="usage",
            budget_gbp_per_day=Decimal("3.50"),
        )
    )
    loaded = store.load()
    assert (loaded.language, loaded.theme, loaded.text_scale, loaded.screen) == (
        "cy",
        "high-contrast",
        1.75,
        "usage",
    )
    assert loaded.budget_gbp_per_day == Decimal("3.50")
    (tmp_path / "ihd.json").write_text("{not json")
    assert store.load() == Settings()


async def test_a_first_frame_on_now_reads_only_what_now_shows_and_the_same_figures(
        tmp_path) -> None:
    """The first frame on Now reads today, the last week's half-hours and the last gas
    half-hour, not 13 months: its figures are the full refresh's, and the charts and longer
    periods follow with that refresh (IhdApp.open_history)."""
    async with live_model(tmp_path) as (model, gateway, home):
        await home.clock.advance(3 * 3600)
        await model.refresh_usage()
    from han_home.ihd_app.model import DisplayModel
    from han_home.shared.store.async_history import AsyncHistory

    history = AsyncHistory(tmp_path / "ihd.db")
    await history.ready()
    later = gateway.now() + timedelta(minutes=5)
    try:
        models = []
        for now_only in (True, False):
            restarted = DisplayModel(history, gateway.tariffs, lambda: later, Settings())
            await restarted.load_last_known(now_only=now_only)
            models.append(restarted)
        first, full = models

        def now_figures(m: DisplayModel) -> tuple[object, ...]:
            return (m.day_cost(Fuel.ELECTRICITY), m.day_cost(Fuel.GAS), m.day_total(),
                    m.budget_used_share(), m.ambient(), m.ambient_thresholds(),
                    m.gas_latest_half_hour(), m.costs_known())

        assert full.day_cost(Fuel.ELECTRICITY).energy.value  # something to compare
        assert now_figures(first) == now_figures(full)
        assert first.chart(Fuel.ELECTRICITY, "13m") == [] and full.chart(Fuel.ELECTRICITY, "13m")
        assert first.period_total(Fuel.ELECTRICITY, "this_month") is None
        await first.refresh_usage()
        assert first.chart(Fuel.ELECTRICITY, "13m") == full.chart(Fuel.ELECTRICITY, "13m")
        assert first.period_total(Fuel.ELECTRICITY, "this_month") == full.period_total(
            Fuel.ELECTRICITY, "this_month")
    finally:
        await history.close()
