"""Prices true now (issue 15): the rate in force at this instant from the tariff's bands, a
published price past its validity marked stale and never used for a cost per hour, costs
that wait for the current price after a restart, and a day's cost never bare when its
energy is unknown (the standing charge shown as what it is)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

from han_home.ihd_app.model import DisplayModel
from han_home.ihd_app.settings import Settings
from han_home.shared.energy.published_price import PriceState
from han_home.shared.energy.readings import Fuel, Reading, ReadingKind
from han_home.shared.energy.supplier_tariff import SupplierTariff
from han_home.shared.han.client import ReadingEvent
from han_home.shared.han.tariffs import Tariffs, from_supplier_tariff
from han_home.shared.store.history import PeriodTotal

ESME = "00:1b:c5:0c:00:00:00:01"
OFF_PEAK, PEAK = Decimal("0.1350"), Decimal("0.2750")


class LastRun:
    """The last run's database, as the model reads it at a restart."""

    def __init__(self, readings: list[Reading], today: dict[Fuel, PeriodTotal] | None = None):
        self.readings, self.today = readings, today or {}

    async def latest_readings(self) -> list[Reading]:
        return self.readings

    async def aggregate(self, fuel, by, first, last) -> list[PeriodTotal]:
        from han_home.shared.energy.calendar import Period

        total = self.today.get(fuel)
        return [total] if total is not None and by == Period.DAY else []

    async def half_hours(self, fuel, start, end) -> list:
        return []


def reading(kind: ReadingKind, value: str, received: datetime, **extra: str) -> Reading:
    unit = {"price": "GBP/kWh", "demand": "kW", "day_consumption": "kWh"}.get(kind.value, "")
    return Reading(ESME, Fuel.ELECTRICITY, kind, Decimal(value), unit, received, extra=extra)


def peak_price(published: datetime, minutes: int) -> Reading:
    return reading(ReadingKind.PRICE, str(PEAK), published, start=published.isoformat(),
                   duration_min=str(minutes), label="Peak")


# 06:05 UK time on 2 December, inside the 00:30-07:30 off-peak band
RESTART = datetime(2026, 12, 2, 6, 5, tzinfo=UTC)
YESTERDAY_0805 = datetime(2026, 12, 1, 8, 5, tzinfo=UTC)


async def restarted(readings: list[Reading], tariffs: Tariffs, now: datetime = RESTART,
                    today: dict[Fuel, PeriodTotal] | None = None) -> DisplayModel:
    model = DisplayModel(LastRun(readings, today), tariffs, lambda: now, Settings())
    await model.load_last_known()
    return model


async def test_after_a_restart_the_rate_is_the_band_in_force_not_yesterdays_price() -> None:
    # yesterday's peak price, valid until 00:30 (16 h 25 min): 22 hours old at the restart
    price = peak_price(YESTERDAY_0805, 16 * 60 + 25)
    power = reading(ReadingKind.DEMAND, "0.4", RESTART - timedelta(seconds=5))
    model = await restarted([price, power], from_supplier_tariff(SupplierTariff()))
    shown, state = model.published_price()
    assert state == PriceState.EXPIRED and shown.stale  # marked as out of date
    assert model.rate_now().value == OFF_PEAK  # the tariff's band at 06:05
    assert model.cost_per_hour().value == Decimal("0.4") * OFF_PEAK
    when, rate = model.next_rate()
    assert rate == PEAK and when == datetime(2026, 12, 2, 7, 30, tzinfo=UTC)


async def test_without_a_tariff_costs_wait_for_the_current_price() -> None:
    power = reading(ReadingKind.DEMAND, "0.4", RESTART - timedelta(seconds=5))
    for price in (peak_price(YESTERDAY_0805, 16 * 60 + 25),  # expired
                  peak_price(YESTERDAY_0805, 0xFFFF)):  # "until changed", from the last run
        model = await restarted([price, power], Tariffs.unknown())
        assert model.rate_now().stale and model.waiting_for_price()
        assert model.cost_per_hour().missing  # never priced at an out-of-date rate
        # the meter publishes again: its price is the rate now, and costs come back
        fresh = reading(ReadingKind.PRICE, str(OFF_PEAK), RESTART, start=RESTART.isoformat(),
                        duration_min="85")
        model.on_event(ReadingEvent(fresh))
        assert model.published_price()[1] == PriceState.CURRENT
        assert not model.waiting_for_price()
        assert model.cost_per_hour().value == Decimal("0.4") * OFF_PEAK


async def test_a_price_published_ahead_is_not_the_rate_yet() -> None:
    later = RESTART + timedelta(hours=2)
    ahead = reading(ReadingKind.PRICE, "0.30", RESTART, start=later.isoformat(),
                    duration_min="60")
    model = await restarted([], from_supplier_tariff(SupplierTariff()))
    model.on_event(ReadingEvent(ahead))
    assert model.published_price()[1] == PriceState.NOT_YET
    assert model.rate_now().value == OFF_PEAK


async def test_a_first_start_shows_the_standing_charge_not_a_days_cost() -> None:
    # 06:46, no half-hour of today in the history yet: the energy part is unknown
    now = datetime(2026, 12, 2, 6, 46, tzinfo=UTC)
    power = reading(ReadingKind.DEMAND, "0.36", now)
    model = DisplayModel(LastRun([]), from_supplier_tariff(SupplierTariff()), lambda: now,
                         Settings(budget_gbp_per_day=Decimal("3")))
    await model.load_last_known()
    model.on_event(ReadingEvent(power))
    day = model.day_cost(Fuel.ELECTRICITY)
    assert day.energy.missing and day.total.missing and day.energy_cost.missing
    assert day.standing_gbp == Decimal("0.5335")  # shown as the standing charge
    energy, cost = model.today(Fuel.ELECTRICITY)
    assert cost.missing
    assert model.day_total().missing and model.budget_used_share() is None


async def test_today_is_one_figure_history_plus_what_the_meter_has_counted_since() -> None:
    now = datetime(2026, 12, 2, 9, 10, tzinfo=UTC)  # peak band
    closed = PeriodTotal("2026-12-02", 24, Decimal("1.30"), Decimal("0.20"), Decimal("0.5335"),
                         None, None)
    gas = PeriodTotal("2026-12-02", 24, Decimal("10"), Decimal("0.624"), Decimal("0.3143"),
                      Decimal("0.9"), Decimal("39.5"))
    day_register = reading(ReadingKind.DAY_CONSUMPTION, "1.34", now)
    model = await restarted([day_register], from_supplier_tariff(SupplierTariff()), now,
                            {Fuel.ELECTRICITY: closed, Fuel.GAS: gas})
    elec = model.day_cost(Fuel.ELECTRICITY)
    assert elec.energy.value == Decimal("1.34")  # the meter's register, 0.04 kWh ahead
    assert elec.energy_cost.value == Decimal("0.20") + Decimal("0.04") * PEAK
    assert elec.total.value == elec.energy_cost.value + Decimal("0.5335")
    assert model.day_total().value == elec.total.value + Decimal("0.624") + Decimal("0.3143")
    # gas today with an unpriced half-hour: no total for gas, so no total for the day
    unpriced = PeriodTotal("2026-12-02", 24, Decimal("10"), Decimal("0.5"), Decimal("0.3143"),
                           Decimal("0.9"), Decimal("39.5"), unpriced_kwh=Decimal("2"))
    model = await restarted([day_register], from_supplier_tariff(SupplierTariff()), now,
                            {Fuel.ELECTRICITY: closed, Fuel.GAS: unpriced})
    assert model.day_cost(Fuel.GAS).total.missing and model.day_total().missing


async def test_days_of_credit_are_not_known_without_the_households_own_days() -> None:
    now = datetime(2026, 12, 2, 6, 46, tzinfo=UTC)
    credit = Reading(ESME, Fuel.ELECTRICITY, ReadingKind.CREDIT, Decimal("12"), "GBP", now,
                     extra={"status": "0", "recovery_per_day": "0"})
    day = PeriodTotal("2026-12-01", 24, Decimal("8"), Decimal("1.5"), Decimal("0.5"), None, None)
    # today has energy (a first start at 06:46) but there is no complete day: not known
    model = await restarted([credit], from_supplier_tariff(SupplierTariff()), now,
                            {Fuel.ELECTRICITY: day})
    assert model.credit().days_left is None and model.spending_basis() is None


async def test_no_forecast_or_bill_projection_without_a_week_of_own_days() -> None:
    now = datetime(2026, 12, 2, 9, 10, tzinfo=UTC)
    closed = PeriodTotal("2026-12-02", 24, Decimal("1.30"), Decimal("0.20"), Decimal("0.5335"),
                         None, None)
    model = await restarted([reading(ReadingKind.DAY_CONSUMPTION, "1.34", now)],
                            from_supplier_tariff(SupplierTariff()), now,
                            {Fuel.ELECTRICITY: closed})
    assert not model.day_total().missing  # today's cost is known ...
    assert model.forecast() is None  # ... but no week of complete days to forecast from
    assert model.bill_projection() is None
    assert model.always_on() is None  # and no nights


async def test_the_header_does_not_say_all_is_well_when_readings_are_stale() -> None:
    from han_home.ihd_app.ui.status import status_text
    from han_home.shared.han.radio_state import RadioState

    now = datetime(2026, 12, 2, 9, 10, tzinfo=UTC)
    model = DisplayModel(LastRun([]), from_supplier_tariff(SupplierTariff()), lambda: now,
                         Settings())
    await model.load_last_known()
    model.radio = RadioState.CONNECTED
    model.on_event(ReadingEvent(reading(ReadingKind.DEMAND, "0.4", now)))
    assert status_text(model, Settings()) == "Connected to your meters."
    model.on_event(ReadingEvent(reading(ReadingKind.DEMAND, "0.4", now - timedelta(minutes=5))))
    assert status_text(model, Settings()) == "Connected, but some readings are out of date."
