"""Virtual smart-metering devices: electricity meter, gas meter, display, neighbours."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any, Protocol

from han_home.shared.han.clock import wait_or_timeout
from han_home.shared.han.se_clusters import GBP_ISO4217, PREPAYMENT_MODE_BIT, CreditStatus
from han_home.shared.sim import load
from han_home.shared.sim.device import VirtualDevice, VirtualEndpoint

BASIC, METERING, PRICE, MESSAGING, PREPAYMENT, TIME = 0x0000, 0x0702, 0x0700, 0x0703, 0x0705, 0x000A
SE_METERING_DEVICE, SE_IHD = 0x0501, 0x0502
PRICE_DIGITS = 5  # money on the air is GBP x 10^5 (0.001 p resolution)
ZCL_EPOCH = datetime(2000, 1, 1, tzinfo=UTC)


def money_raw(gbp: Decimal) -> int:
    return int((gbp * 10**PRICE_DIGITS).to_integral_value())


def zcl_time(when: datetime) -> int:
    return int((when - ZCL_EPOCH).total_seconds())


class MeterTariff(Protocol):
    """What a meter needs of its tariff: the tier and unit rate in force, the standing charge."""

    def tier_and_rate(self, when: datetime) -> tuple[int, str, Decimal]: ...

    def standing_charge_gbp(self, when: datetime) -> Decimal: ...

    def next_change(self, when: datetime) -> datetime | None: ...


@dataclass
class PrepaymentAccount:
    credit_gbp: Decimal = Decimal("12.00")
    emergency_limit_gbp: Decimal = Decimal("10.00")
    emergency_threshold_gbp: Decimal = Decimal("1.00")
    emergency_remaining_gbp: Decimal = Decimal("0")
    emergency_selected: bool = False
    debt_gbp: Decimal = Decimal("45.20")
    recovery_gbp_per_day: Decimal = Decimal("0.50")
    low_credit_gbp: Decimal = Decimal("3.00")

    def spend(self, gbp: Decimal) -> None:
        if self.credit_gbp >= gbp or not self.emergency_selected:
            self.credit_gbp -= gbp  # may go negative: the supply would be interrupted
            return
        rest = gbp - max(self.credit_gbp, Decimal(0))
        self.credit_gbp = min(self.credit_gbp, Decimal(0))
        self.emergency_remaining_gbp -= rest

    def recover(self, gbp: Decimal) -> None:
        taken = min(gbp, self.debt_gbp)
        self.debt_gbp -= taken
        self.spend(taken)

    @property
    def status(self) -> CreditStatus:
        flags = CreditStatus.EMERGENCY_CREDIT_ENABLED
        if self.credit_gbp > self.low_credit_gbp:
            flags |= CreditStatus.CREDIT_OK
        else:
            flags |= CreditStatus.LOW_CREDIT
        if self.credit_gbp < self.emergency_threshold_gbp and not self.emergency_selected:
            flags |= CreditStatus.EMERGENCY_CREDIT_AVAILABLE
        if self.emergency_selected:
            flags |= CreditStatus.EMERGENCY_CREDIT_SELECTED
            if self.credit_gbp <= 0:
                flags |= CreditStatus.EMERGENCY_CREDIT_IN_USE
        if self.credit_gbp <= 0 and self.emergency_remaining_gbp <= 0:
            flags |= CreditStatus.CREDIT_EXHAUSTED
        return flags

    def select_emergency(self) -> bool:
        if not (self.status & CreditStatus.EMERGENCY_CREDIT_AVAILABLE):
            return False
        self.emergency_selected = True
        self.emergency_remaining_gbp = self.emergency_limit_gbp
        return True


@dataclass(frozen=True)
class SupplierMessage:
    after_join_s: int  # simulated seconds after the meter joins
    text: str


class ElectricityMeter(VirtualDevice):
    """ESME: mains powered router with Metering, Price, Prepayment and Messaging servers."""

    role = "electricity_meter"
    model = "ESME-SIM-2"
    firmware = "2.3.1"

    def __init__(
        self,
        air,
        ieee,
        install_code,
        home,
        *,
        seed: int,
        tariff: MeterTariff,
        prepayment: PrepaymentAccount | None,
        messages: tuple[SupplierMessage, ...] = (),
        start_kwh: Decimal = Decimal("12345.678"),
        meter_rate_factor: Decimal = Decimal(1),
    ):
        self.seed = seed
        self.tariff = tariff
        self.account = prepayment
        self.messages = messages
        # fault injection: the meter prices at a different rate from the supplier's data
        self.meter_rate_factor = meter_rate_factor
        self._origin = air.clock.now()
        # integrate on a 10 s grid aligned to the epoch, so any start gives the same slots
        slot = load.ELEC_SLOT_S
        self._t = datetime.fromtimestamp(int(self._origin.timestamp()) // slot * slot, UTC)
        self.total_kwh = start_kwh
        self.tier_kwh = {1: start_kwh * Decimal("0.3"), 2: start_kwh * Decimal("0.7")}
        self.day = self._local_day(self._t)
        self.day_kwh = Decimal(0)
        self.prev_day_kwh = Decimal(0)
        self.bill_gbp = Decimal(0)  # bill to date for this month (energy + standing charge)
        self.month = (self.day.year, self.day.month)
        self.demand_kw = load.electricity_kw(seed, self._t)
        self.register_log: list[tuple[datetime, Decimal]] = []  # ground truth for tests
        self.last_message: tuple[int, str, datetime] | None = None
        super().__init__(air, ieee, install_code, home)

    @staticmethod
    def _local_day(when: datetime) -> date:
        return when.astimezone(load.LONDON).date()

    def advance(self, now: datetime | None = None) -> None:
        """Integrate consumption, tiers, bill and credit up to the simulated `now`."""
        now = now or self.air.clock.now()
        step = timedelta(seconds=load.ELEC_SLOT_S)
        hours = Decimal(load.ELEC_SLOT_S) / Decimal(3600)
        while self._t + step <= now:
            day = self._local_day(self._t)
            if day != self.day:
                self._new_day(day)
            kw = load.electricity_kw(self.seed, self._t)
            kwh = kw * hours
            tier, _label, rate = self.tariff.tier_and_rate(self._t)
            self.total_kwh += kwh
            self.tier_kwh[tier] = self.tier_kwh.get(tier, Decimal(0)) + kwh
            self.day_kwh += kwh
            cost = kwh * rate * self.meter_rate_factor
            self.bill_gbp += cost
            if self.account is not None:
                self.account.spend(cost)
            self._t += step
            self.demand_kw = kw
            if self._t.minute % 30 == 0 and self._t.second == 0:
                self.register_log.append((self._t, self.total_kwh))

    def _new_day(self, day: date) -> None:
        when = self._t
        self.prev_day_kwh, self.day_kwh, self.day = self.day_kwh, Decimal(0), day
        if (day.year, day.month) != self.month:
            self.month, self.bill_gbp = (day.year, day.month), Decimal(0)
        standing = self.tariff.standing_charge_gbp(when)
        self.bill_gbp += standing
        if self.account is not None:
            self.account.spend(standing)
            self.account.recover(self.account.recovery_gbp_per_day)

    def register_at(self, when: datetime) -> Decimal:
        """The register at a half-hour boundary, from the meter's own log (tests' truth)."""
        for t_, value in self.register_log:
            if t_ == when:
                return value
        raise KeyError(when)

    def before_report(self, cluster_id: int) -> None:
        self.advance()

    def add_endpoints(self) -> None:
        wh = lambda v: int((v * 1000).to_integral_value())  # noqa: E731  kWh -> raw (divisor 1000)
        metering: dict[int, Any] = {
            0x0000: lambda: wh(self.total_kwh),
            0x0100: lambda: wh(self.tier_kwh.get(1, Decimal(0))),
            0x0102: lambda: wh(self.tier_kwh.get(2, Decimal(0))),
            0x0200: 0,  # status: all well
            0x0300: 0,  # kWh
            0x0301: 1,
            0x0302: 1000,
            0x0303: (6 << 3) | 3,  # summation: 6 digits left, 3 right
            0x0304: (2 << 3) | 3,  # demand: 2 digits left, 3 right
            0x0306: 0,  # electric metering
            0x0400: lambda: int(self.demand_kw * 1000),
            0x0401: lambda: wh(self.day_kwh),
            0x0403: lambda: wh(self.prev_day_kwh),
            0x0A00: lambda: money_raw(self.bill_gbp),
        }
        price: dict[int, Any] = {
            0x0000: "Off-peak",
            0x0001: "Peak",
            0x0300: 0,  # electricity
            0x0301: lambda: money_raw(self.tariff.standing_charge_gbp(self.air.clock.now())),
            0x0410: lambda: money_raw(self._tier_rate(1)),
            0x0420: lambda: money_raw(self._tier_rate(2)),
            0x0610: "Virtual Home Economy 7",
            0x0611: 2,
            0x0615: 0,
            0x0616: GBP_ISO4217,
            0x0617: PRICE_DIGITS,
        }
        servers: dict[int, dict[int, Any]] = {
            BASIC: {},
            METERING: metering,
            PRICE: price,
            MESSAGING: {},
        }
        if self.account is not None:
            acct = self.account
            servers[PREPAYMENT] = {
                0x0000: PREPAYMENT_MODE_BIT,
                0x0001: lambda: money_raw(acct.credit_gbp),
                0x0002: lambda: money_raw(acct.emergency_remaining_gbp),
                0x0003: lambda: acct.status,
                0x0004: lambda: zcl_time(self.air.clock.now()),
                0x0005: lambda: money_raw(acct.debt_gbp),
                0x0010: money_raw(acct.emergency_limit_gbp),
                0x0011: money_raw(acct.emergency_threshold_gbp),
                0x0031: money_raw(acct.low_credit_gbp),
                0x0217: money_raw(acct.recovery_gbp_per_day),
                0x0617: PRICE_DIGITS,
            }
        self.endpoints[1] = VirtualEndpoint(1, SE_METERING_DEVICE, servers, clients=[TIME])

    def _tier_rate(self, tier: int) -> Decimal:
        """The rate this tier is charged at today (scans today's bands)."""
        now = self.air.clock.now()
        t_ = now.replace(minute=(now.minute // 30) * 30, second=0, microsecond=0)
        for step in range(48):
            got_tier, _label, rate = self.tariff.tier_and_rate(t_ + timedelta(minutes=30 * step))
            if got_tier == tier:
                return rate
        return Decimal(0)

    def handle_cluster_command(self, ep, cluster_id, command_id, args, tsn) -> None:
        # Answers carry the request's sequence number, as the SE spec asks.
        if cluster_id == PRICE and command_id == 0x00:
            self.publish_price(tsn)
        elif cluster_id == PREPAYMENT and command_id == 0x00 and self.account is not None:
            self.advance()
            ok = self.account.select_emergency()
            self.default_response(cluster_id, command_id, tsn, ok)
            self.report(1, PREPAYMENT, [0x0001, 0x0002, 0x0003, 0x0005])
        elif cluster_id == MESSAGING and command_id == 0x00 and self.last_message:
            self._send_message(*self.last_message, tsn=tsn)
        else:
            self.default_response(cluster_id, command_id, tsn, True)

    def publish_price(self, tsn: int | None = None) -> None:
        now = self.air.clock.now()
        tier, label, rate = self.tariff.tier_and_rate(now)
        end = self.tariff.next_change(now)
        minutes = int((end - now).total_seconds() // 60) if end else 0xFFFF
        self.send_command(
            1,
            PRICE,
            0x00,
            tsn=tsn,
            payload={
                "provider_id": 1,
                "rate_label": label,
                "issuer_event_id": zcl_time(now),
                "current_time": zcl_time(now),
                "unit_of_measure": 0,
                "currency": GBP_ISO4217,
                "price_trailing_digit_and_tier": (PRICE_DIGITS << 4) | tier,
                "num_price_tiers_and_register_tier": (2 << 4) | tier,
                "start_time": zcl_time(now),
                "duration_in_minutes": min(minutes, 0xFFFE),
                "price": money_raw(rate),
            },
        )

    def _send_message(
        self, message_id: int, text: str, start: datetime, tsn: int | None = None
    ) -> None:
        self.send_command(
            1,
            MESSAGING,
            0x00,
            tsn=tsn,
            payload={
                "message_id": message_id,
                "message_control": 0,
                "start_time": zcl_time(start),
                "duration_in_minutes": 0xFFFF,
                "message": text,
            },
        )

    async def live(self) -> None:
        joined_at = self.air.clock.now()
        pending = sorted(self.messages, key=lambda m: m.after_join_s)
        while self.joined:
            now = self.air.clock.now()
            change = self.tariff.next_change(now)
            wakes = [now + timedelta(hours=1)]
            if change is not None:
                wakes.append(change)
            if pending:
                wakes.append(joined_at + timedelta(seconds=pending[0].after_join_s))
            await self.air.clock.sleep_until(min(wakes))
            if not self.joined:
                return
            now = self.air.clock.now()
            self.advance(now)
            if change is not None and now >= change:
                self.publish_price()
            while pending and now >= joined_at + timedelta(seconds=pending[0].after_join_s):
                message = pending.pop(0)
                self.last_message = (zcl_time(now) & 0xFFFFFFFF, message.text, now)
                self._send_message(*self.last_message)


class GasMeter(VirtualDevice):
    """GSME: battery powered, asleep except every 30 minutes when it pushes to the mirror."""

    role = "gas_meter"
    sleepy = True
    model = "GSME-SIM-1"
    firmware = "1.4.0"
    PUSH_INTERVAL_S = 1800

    def __init__(
        self,
        air,
        ieee,
        install_code,
        home,
        *,
        seed: int,
        cv_mj_per_m3: Decimal = Decimal("39.5"),
        start_m3: Decimal = Decimal("4321.000"),
    ):
        self.seed = seed
        self.cv = cv_mj_per_m3
        self.battery_pct = Decimal("96.0")
        self.register = load.Register(
            lambda when: load.gas_m3_per_hour(seed, when),
            load.GAS_SLOT_S,
            datetime.fromtimestamp(int(air.clock.now().timestamp()) // 60 * 60, UTC),
            start_m3,
        )
        self.configured = asyncio.Event()
        super().__init__(air, ieee, install_code, home)

    def add_endpoints(self) -> None:
        metering: dict[int, Any] = {
            0x0000: lambda: int((self.m3() * 1000).to_integral_value()),
            0x0200: 0,
            0x0201: lambda: int(self.battery_pct),
            0x0300: 1,  # m3
            0x0301: 1,
            0x0302: 1000,
            0x0303: (5 << 3) | 3,
            0x0306: 1,  # gas metering
        }
        price: dict[int, Any] = {
            0x0300: 1,  # natural gas
            0x0302: 102264,
            0x0303: 5,  # volume conversion factor 1.02264
            0x0304: int(self.cv * 10),
            0x0305: 1,
            0x0306: 1,  # CV MJ/m3, one decimal
            0x0616: GBP_ISO4217,
            0x0617: PRICE_DIGITS,
        }
        self.endpoints[1] = VirtualEndpoint(
            1, SE_METERING_DEVICE, {BASIC: {}, METERING: metering, PRICE: price}, clients=[TIME]
        )

    def m3(self, when: datetime | None = None) -> Decimal:
        return self.register.value_at(when or self.air.clock.now())

    def reporting_changed(self, ep_id: int, cluster_id: int) -> None:
        # A GSME pushes on its own 30-minute schedule; the configuration just ends pairing mode.
        if cluster_id == METERING:
            self.configured.set()

    def joined_network(self, nwk) -> None:
        super().joined_network(nwk)
        self.awake = True
        self.configured.clear()

    async def live(self) -> None:
        clock = self.air.clock
        # stay awake for the interview, at most a minute of the host's time
        await wait_or_timeout(clock.host, self.configured.wait(), 60)
        while self.joined:
            self.awake = False
            now = clock.now()
            next_push = datetime.fromtimestamp(
                (int(now.timestamp()) // self.PUSH_INTERVAL_S + 1) * self.PUSH_INTERVAL_S, UTC
            )
            await clock.sleep_until(next_push)
            if not self.joined:
                return
            self.awake = True
            self.battery_pct = max(Decimal(0), self.battery_pct - Decimal("0.001"))
            self.report(1, METERING, [0x0000, 0x0201])
            await asyncio.sleep(0)  # awake only for the exchange


class InHomeDisplay(VirtualDevice):
    """A separate display (IHD) on the HAN: a client of the meters' data."""

    role = "display"
    model = "IHD-SIM-1"
    firmware = "3.0.2"

    def add_endpoints(self) -> None:
        self.endpoints[1] = VirtualEndpoint(
            1, SE_IHD, {BASIC: {}}, clients=[METERING, PRICE, MESSAGING, PREPAYMENT, TIME]
        )
