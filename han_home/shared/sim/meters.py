"""Virtual smart-metering devices: electricity meter, gas meter, display, neighbours."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any, Protocol

from zigpy.zcl import foundation
from zigpy.zcl.clusters.smartenergy import Metering

from han_home.shared.energy.profile import (
    MAX_PERIODS_PER_FRAME,
    PROFILE_CAPACITY,
    IntervalChannel,
    ProfileStatus,
)
from han_home.shared.energy.zcl_format import UTC_EPOCH_2000, datetime_to_zcl_utc
from han_home.shared.han.clock import wait_or_timeout
from han_home.shared.han.se_clusters import (
    GBP_ISO4217,
    PREPAYMENT_MODE_BIT,
    CreditStatus,
    Prepayment,
    Price,
)
from han_home.shared.han.zcl_ids import (
    BASIC_CLUSTER,
    MESSAGING_CLUSTER,
    METERING_CLUSTER,
    PREPAYMENT_CLUSTER,
    PRICE_CLUSTER,
    TIME_CLUSTER,
    MeteringAttr,
    attribute_id,
    attribute_table,
)
from han_home.shared.sim import load
from han_home.shared.sim.device import (
    MFG_ELSTER,
    MFG_LANDIS_GYR,
    MFG_SECURE_METERS,
    VirtualDevice,
    VirtualEndpoint,
)
from han_home.shared.sim.tunnel_server import TunnelingMeter

SE_METERING_DEVICE, SE_IHD = 0x0501, 0x0502
PRICE_DIGITS = 5  # money on the air is GBP x 10^5 (0.001 p resolution)


def money_raw(gbp: Decimal) -> int:
    return int((gbp * 10**PRICE_DIGITS).to_integral_value())


ZCL_EPOCH_TS = int(UTC_EPOCH_2000.timestamp())


def zcl_time(when: datetime) -> int:
    return datetime_to_zcl_utc(when)


def zcl_time_ts(ts: int) -> int:
    return ts - ZCL_EPOCH_TS


def _dt(ts: int) -> datetime:
    return datetime.fromtimestamp(ts, UTC)


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


def _seeded(seed: int, low: int, span: int) -> Decimal:
    """A register's value at the origin: the same seed, the same meter."""
    return Decimal(low + (seed * 7919) % span) + Decimal((seed * 131) % 1000) / 1000


class ProfileLog:
    """A meter's register as an exact function of time, and its half-hourly profile.

    register(T) = base + the load model's consumption from load.ORIGIN to T (integer
    units); the register's raw value is that over `units_per_raw` (rounded down), and each
    profile interval is the difference of two raw registers, so intervals sum exactly to
    the register's movement. GetProfile (Metering 0x00) is answered per SE 1.4.
    """

    ledger: load.Ledger
    base_units: int
    units_per_raw: int
    air: Any

    _snapshot: int | None = None  # the instant the values of one frame are taken at

    def now_ts(self) -> int:
        return int(self.air.clock.now().timestamp())

    def reading_ts(self) -> int:
        """A meter takes all the values of one frame at one instant."""
        return self._snapshot if self._snapshot is not None else self.now_ts()

    def receive(self, packet: Any) -> None:
        self._snapshot = self.now_ts()
        try:
            super().receive(packet)  # type: ignore[misc]
        finally:
            self._snapshot = None

    def frame_instant(self) -> datetime:
        # the frame leaves when its values were taken: the time the virtual home spends
        # computing them (a first register over 13 months: minutes at 1800x) is the
        # host's, not the meter's, which answers at once
        now: datetime = super().frame_instant()  # type: ignore[misc]
        if self._snapshot is None:
            return now
        return min(now, datetime.fromtimestamp(self._snapshot, UTC))

    @contextmanager
    def one_instant(self) -> Iterator[None]:
        outer = self._snapshot
        self._snapshot = outer if outer is not None else self.now_ts()
        try:
            yield
        finally:
            self._snapshot = outer

    def raw_register_ts(self, ts: int) -> int:
        return (self.base_units + self.ledger.cumulative(ts)) // self.units_per_raw

    def raw_register_at(self, when: datetime) -> int:
        """The register's raw value (as on the air, divisor 1000) at any instant."""
        return self.raw_register_ts(int(when.timestamp()))

    def profile_raw(self, start: datetime) -> int:
        """The raw profile interval of the half-hour starting at `start`."""
        ts = int(start.timestamp())
        return self.raw_register_ts(ts + load.HALF_HOUR_S) - self.raw_register_ts(ts)

    def oldest_interval_start(self, now_ts: int) -> int:
        newest_end = load.floor_half_hour(now_ts)
        return max(int(load.ORIGIN.timestamp()), newest_end - PROFILE_CAPACITY * load.HALF_HOUR_S)

    def profile_attributes(self) -> dict[str, Any]:
        def part_start() -> int:
            return zcl_time_ts(load.floor_half_hour(self.reading_ts()))

        def part_value() -> int:
            now = self.reading_ts()
            return self.raw_register_ts(now) - self.raw_register_ts(load.floor_half_hour(now))

        return {
            "profile_interval_period": Metering.ProfileIntervalPeriod.Minutes_30,
            "max_number_of_periods_delivered": MAX_PERIODS_PER_FRAME,
            "cur_part_profile_int_start_time_delivered": part_start,
            "cur_part_profile_int_value_delivered": part_value,
        }

    def get_profile_response(self, args: Any) -> dict[str, Any]:
        """The GetProfileResponse payload for a GetProfile request."""
        now = self.reading_ts()

        def answer(status: int, end_ts: int | None = None, values: list[int] | None = None):
            values = values or []
            return {
                "end_time": zcl_time_ts(end_ts) if end_ts is not None else 0,
                "status": int(status),
                "profile_interval_period": int(Metering.ProfileIntervalPeriod.Minutes_30),
                "number_of_periods_delivered": len(values),
                "intervals": values,
            }

        channel, requested = int(args.interval_channel), int(args.number_of_periods)
        if channel == IntervalChannel.CONSUMPTION_RECEIVED:
            return answer(ProfileStatus.INTERVAL_CHANNEL_NOT_SUPPORTED)  # no export
        if channel != IntervalChannel.CONSUMPTION_DELIVERED:
            return answer(ProfileStatus.UNDEFINED_INTERVAL_CHANNEL)
        newest_end = load.floor_half_hour(now)
        if int(args.end_time) == 0:
            end = newest_end
        else:
            asked = int(args.end_time) + ZCL_EPOCH_TS
            if asked > now:  # the meter holds nothing that ends in its future
                return answer(ProfileStatus.INVALID_END_TIME)
            end = load.floor_half_hour(asked)
        available = (end - self.oldest_interval_start(now)) // load.HALF_HOUR_S
        if available <= 0:
            return answer(ProfileStatus.NO_INTERVALS_AVAILABLE)
        count = min(requested, MAX_PERIODS_PER_FRAME, available)
        raws = [self.raw_register_ts(end - i * load.HALF_HOUR_S) for i in range(count + 1)]
        values = [raws[i] - raws[i + 1] for i in range(count)]  # newest first
        status = (
            ProfileStatus.MORE_PERIODS_REQUESTED_THAN_CAN_BE_RETURNED
            if requested > MAX_PERIODS_PER_FRAME
            else ProfileStatus.SUCCESS
        )
        return answer(status, end, values)

    def answer_get_profile(self, args: Any, tsn: int) -> None:
        self.send_command(  # type: ignore[attr-defined]
            1, METERING_CLUSTER, 0x00, tsn=tsn, payload=self.get_profile_response(args)
        )


class _Esme(ProfileLog, VirtualDevice):
    """ESME: mains powered router with Metering, Price, Prepayment and Messaging servers."""

    role = "electricity_meter"
    manufacturer_code = MFG_LANDIS_GYR
    model = "ESME-SIM-2"
    firmware = "2.3.1"
    units_per_raw = 3600  # joules per raw unit (Wh: divisor 1000 on kWh)

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
        start_kwh: Decimal | None = None,
        meter_rate_factor: Decimal = Decimal(1),
    ):
        self.seed = seed
        self.tariff = tariff
        self.account = prepayment
        self.messages = messages
        # fault injection: the meter prices at a different rate from the supplier's data
        self.meter_rate_factor = meter_rate_factor
        # the seeded load, plus any appliance a test or the CLI switches on (appliances.py)
        from han_home.shared.sim.appliances import Appliances, SwitchedLedger

        self.appliances = Appliances()
        self.ledger = SwitchedLedger(load.electricity_ledger(seed), self.appliances)
        # the register at load.ORIGIN (seeded); tiers split it 30 / 70
        base_kwh = start_kwh if start_kwh is not None else _seeded(seed, 6000, 9000)
        self.base_units = int(base_kwh * load.J_PER_KWH)
        tier1 = self.base_units * 3 // 10
        self._tier_base = {1: tier1, 2: self.base_units - tier1}
        # the tier of each local half-hour of the day (the bands are local time of day)
        self._tier_of = tuple(
            tariff.tier_and_rate(datetime(2024, 1, 10, k // 2, 30 * (k % 2), tzinfo=UTC))[0]
            for k in range(48)
        )
        self._tier_prefix: list[dict[int, int]] = [{}]  # tier units before each ledger day
        self._day_tiers: dict[int, tuple[int, ...]] = {}  # local midnight ts -> tier per k
        self._bill_cache: tuple[int, int, Decimal] | None = None  # month start, upto, GBP
        self._ts = int(air.clock.now().timestamp())  # the meter's values are as of this
        self.last_message: tuple[int, str, datetime] | None = None
        super().__init__(air, ieee, install_code, home)

    # ---- registers: exact functions of time -------------------------------------
    def advance(self, now: datetime | None = None) -> None:
        """Bring the meter to the simulated `now`: its values, and the credit it spent."""
        ts = int((now or self.air.clock.now()).timestamp())
        if ts <= self._ts:
            return
        if self.account is not None:
            self._spend(self._ts, ts)
        self._ts = ts

    def _spend(self, t0: int, t1: int) -> None:
        account = self.account
        assert account is not None
        t = t0
        while t < t1:
            hh = load.floor_half_hour(t)
            seg_end = min(hh + load.HALF_HOUR_S, t1)
            used = self.ledger.cumulative(seg_end) - self.ledger.cumulative(t)
            account.spend(self._cost(used, hh, t))
            if seg_end == hh + load.HALF_HOUR_S and self.ledger.day_start_ts(seg_end) == seg_end:
                account.spend(self.tariff.standing_charge_gbp(_dt(seg_end)))
                account.recover(account.recovery_gbp_per_day)
            t = seg_end

    def _cost(self, units: int, hh_start: int, from_ts: int | None = None) -> Decimal:
        blocks_at = getattr(self.tariff, "blocks_at", None)  # a signed block tariff
        if blocks_at is not None and blocks_at(_dt(hh_start)):
            month = self.month_kwh(hh_start if from_ts is None else from_ts)
            cost = self.tariff.block_cost(_dt(hh_start), self._kwh(units), month)
            if cost is not None:
                return cost * self.meter_rate_factor
        _tier, _label, rate = self.tariff.tier_and_rate(_dt(hh_start))
        return Decimal(units) * rate * self.meter_rate_factor / load.J_PER_KWH

    def month_kwh(self, ts: int) -> Decimal:
        """kWh used this local calendar month before ``ts`` (the block period)."""
        month = load.local_midnight_ts(load.local_day_of(ts).replace(day=1))
        return self._kwh(self.ledger.cumulative(ts) - self.ledger.cumulative(month))

    def _kwh(self, units: int) -> Decimal:
        return Decimal(units) / load.J_PER_KWH

    def register_at(self, when: datetime) -> Decimal:
        """The register (kWh) at any instant: ground truth for tests."""
        return self._kwh(self.base_units + self.ledger.cumulative(int(when.timestamp())))

    @property
    def total_kwh(self) -> Decimal:
        return self._kwh(self.base_units + self.ledger.cumulative(self._ts))

    def _tier_units(self, ts: int) -> dict[int, int]:
        d, k = self.ledger.locate(ts)
        while len(self._tier_prefix) <= d:
            i = len(self._tier_prefix) - 1
            start, cum = self.ledger.day(i)
            sums = dict(self._tier_prefix[i])
            for j, tier in enumerate(self._tiers_of_day(start, len(cum) - 1)):
                sums[tier] = sums.get(tier, 0) + cum[j + 1] - cum[j]
            self._tier_prefix.append(sums)
        units = {t_: self._tier_base.get(t_, 0) + v for t_, v in self._tier_prefix[d].items()}
        for tier, value in self._tier_base.items():
            units.setdefault(tier, value)
        start, cum = self.ledger.day(d)
        tiers = self._tiers_of_day(start, len(cum) - 1)
        for j in range(k):
            units[tiers[j]] = units.get(tiers[j], 0) + cum[j + 1] - cum[j]
        hh = start + k * load.HALF_HOUR_S
        units[tiers[k]] = units.get(tiers[k], 0) + self.ledger.partial(hh, ts)
        return units

    def _tiers_of_day(self, start: int, count: int) -> tuple[int, ...]:
        """The tier of each half-hour of the local day from `start` (`count` of them). Kept
        per day: on a clock-change day each index is a time-zone conversion, and a report
        asks for the tiers every 10 s (9,500 times a day)."""
        tiers = self._day_tiers.get(start)
        if tiers is None or len(tiers) != count:
            tiers = tuple(self._tier_of[load.local_half_hour_index(start, count, j)]
                          for j in range(count))
            self._day_tiers[start] = tiers
        return tiers

    @property
    def tier_kwh(self) -> dict[int, Decimal]:
        return {t_: self._kwh(v) for t_, v in self._tier_units(self._ts).items()}

    def _day_raw(self, ts: int) -> tuple[int, int]:
        """(today so far, yesterday) in raw units: differences of the raw register."""
        midnight = self.ledger.day_start_ts(ts)
        before = self.ledger.day_start_ts(midnight - 1)
        at_midnight = self.raw_register_ts(midnight)
        return (
            self.raw_register_ts(ts) - at_midnight,
            at_midnight - self.raw_register_ts(before),
        )

    @property
    def day_kwh(self) -> Decimal:
        return Decimal(self._day_raw(self._ts)[0]) / 1000

    @property
    def prev_day_kwh(self) -> Decimal:
        return Decimal(self._day_raw(self._ts)[1]) / 1000

    def bill_at(self, ts: int) -> Decimal:
        """Bill to date for the local month containing ts: energy at the rate of each
        half-hour, plus the standing charge of every day begun this month."""
        local = datetime.fromtimestamp(ts, load.LONDON)
        month_start = load.local_midnight_ts(local.date().replace(day=1))
        hh = load.floor_half_hour(ts)
        cache = self._bill_cache
        if cache is None or cache[0] != month_start or cache[1] > hh:
            cache = (month_start, month_start, Decimal(0))
        _start, upto, total = cache
        while upto < hh:
            total += self._cost(self.ledger.half_hour(upto), upto)
            upto += load.HALF_HOUR_S
        self._bill_cache = (month_start, upto, total)
        days = local.day  # days begun this month, today included
        standing = self.tariff.standing_charge_gbp(_dt(ts)) * days
        return total + self._cost(self.ledger.partial(hh, ts), hh) + standing

    @property
    def bill_gbp(self) -> Decimal:
        return self.bill_at(self._ts)

    @property
    def demand_kw(self) -> Decimal:
        return Decimal(self.ledger.rate(self._ts)).scaleb(-3)

    def before_report(self, cluster_id: int) -> None:
        self.advance()

    def _fresh(self) -> int:
        self.advance(_dt(self.reading_ts()))
        return self._ts

    def add_endpoints(self) -> None:
        def tier_raw(tier: int) -> int:
            return self._tier_units(self._fresh()).get(tier, 0) // self.units_per_raw

        metering = attribute_table(
            Metering,
            current_summ_delivered=lambda: self.raw_register_ts(self._fresh()),
            current_tier1_summ_delivered=lambda: tier_raw(1),
            current_tier2_summ_delivered=lambda: tier_raw(2),
            status=0,  # status: all well
            unit_of_measure=0,  # kWh
            multiplier=1,
            divisor=1000,
            summation_formatting=(6 << 3) | 3,  # summation: 6 digits left, 3 right
            demand_formatting=(2 << 3) | 3,  # demand: 2 digits left, 3 right
            metering_device_type=0,  # electric metering
            # premises identity (the MPAN core) and the serial on the meter's case
            site_id=lambda: self.site_id.encode("ascii") or None,
            meter_serial_number=lambda: self.serial.encode("ascii") or None,
            instantaneous_demand=lambda: self.ledger.rate(self._fresh()),  # W
            currentday_consumption_delivered=lambda: self._day_raw(self._fresh())[0],
            previousday_consumption_delivered=lambda: self._day_raw(self._fresh())[1],
            bill_to_date=lambda: money_raw(self.bill_at(self._fresh())),
            **self.profile_attributes(),
        )
        price = attribute_table(
            Price,
            tier1_price_label="Off-peak",
            tier2_price_label="Peak",
            commodity_type=0,  # electricity
            standing_charge=lambda: money_raw(
                self.tariff.standing_charge_gbp(self.air.clock.now())
            ),
            tier1_block1_price=lambda: money_raw(self._tier_rate(1)),
            tier2_block1_price=lambda: money_raw(self._tier_rate(2)),
            tariff_label="Virtual Home Economy 7",
            number_of_price_tiers_in_use=2,
            unit_of_measure=0,
            currency=GBP_ISO4217,
            price_trailing_digit=PRICE_DIGITS,
        )
        servers: dict[int, dict[int, Any]] = {
            BASIC_CLUSTER: {},
            METERING_CLUSTER: metering,
            PRICE_CLUSTER: price,
            MESSAGING_CLUSTER: {},
        }
        if self.account is not None:
            acct = self.account
            servers[PREPAYMENT_CLUSTER] = attribute_table(
                Prepayment,
                payment_control_configuration=PREPAYMENT_MODE_BIT,
                credit_remaining=lambda: money_raw(acct.credit_gbp),
                emergency_credit_remaining=lambda: money_raw(acct.emergency_remaining_gbp),
                credit_status=lambda: acct.status,
                credit_remaining_timestamp=lambda: zcl_time(self.air.clock.now()),
                accumulated_debt=lambda: money_raw(acct.debt_gbp),
                # lambdas: the supplier's signed commands change them (sim/meter_authority.py)
                emergency_credit_limit_allowance=lambda: money_raw(acct.emergency_limit_gbp),
                emergency_credit_threshold=lambda: money_raw(acct.emergency_threshold_gbp),
                low_credit_warning_level=money_raw(acct.low_credit_gbp),
                debt_recovery_amount_per_day=lambda: money_raw(acct.recovery_gbp_per_day),
                # money in GBP x 10^-PRICE_DIGITS: the Currency Scaling Factor says so
                currency_scaling_factor=6 - PRICE_DIGITS,
                currency=GBP_ISO4217,
            )
        self.endpoints[1] = VirtualEndpoint(1, SE_METERING_DEVICE, servers, clients=[TIME_CLUSTER])

    def _tier_rate(self, tier: int) -> Decimal:
        """The rate this tier is charged at today (scans today's bands)."""
        now = self.air.clock.now()
        t_ = now.replace(minute=(now.minute // 30) * 30, second=0, microsecond=0)
        for step in range(48):
            got_tier, _label, rate = self.tariff.tier_and_rate(t_ + timedelta(minutes=30 * step))
            if got_tier == tier:
                return rate
        return Decimal(0)

    def supported_commands(self, cluster_id: int) -> frozenset[int]:
        if cluster_id == PREPAYMENT_CLUSTER and self.account is None:
            return frozenset()
        return self.ESME_COMMANDS.get(cluster_id, frozenset())

    # GetProfile; GetCurrentPrice; SelectAvailableEmergencyCredit; GetLastMessage,
    # MessageConfirmation
    ESME_COMMANDS = {
        METERING_CLUSTER: frozenset({0x00}),
        PRICE_CLUSTER: frozenset({0x00}),
        PREPAYMENT_CLUSTER: frozenset({0x00}),
        MESSAGING_CLUSTER: frozenset({0x00, 0x01}),
    }

    def handle_cluster_command(self, ep, cluster_id, command_id, args, tsn):
        # Answers carry the request's sequence number, as the SE spec asks.
        if cluster_id == METERING_CLUSTER and command_id == 0x00:
            self.answer_get_profile(args, tsn)
            return None
        if cluster_id == PRICE_CLUSTER and command_id == 0x00:
            self.publish_price(tsn)
            return None
        if cluster_id == PREPAYMENT_CLUSTER and command_id == 0x00 and self.account is not None:
            self.advance()
            ok = self.account.select_emergency()
            self.report(
                1,
                PREPAYMENT_CLUSTER,
                [
                    attribute_id(Prepayment, name)
                    for name in (
                        "credit_remaining",
                        "emergency_credit_remaining",
                        "credit_status",
                        "accumulated_debt",
                    )
                ],
            )
            return foundation.Status.SUCCESS if ok else foundation.Status.FAILURE
        if cluster_id == MESSAGING_CLUSTER and command_id == 0x00:
            if self.last_message is None:
                return foundation.Status.NOT_FOUND  # SE 1.4 D.5.3.3.1: no message to give
            self._send_message(*self.last_message, tsn=tsn)
            return None
        return foundation.Status.SUCCESS  # MessageConfirmation: noted

    def publish_price(self, tsn: int | None = None) -> None:
        now = self.air.clock.now()
        tier, label, rate = self.tariff.tier_and_rate(now)
        current = getattr(self.tariff, "current_rate", None)  # block prices in force
        if current is not None:
            rate = current(now, self.month_kwh(int(now.timestamp())))
        end = self.tariff.next_change(now)
        minutes = int((end - now).total_seconds() // 60) if end else 0xFFFF
        self.send_command(
            1,
            PRICE_CLUSTER,
            0x00,
            tsn=tsn,
            payload={
                "provider_id": 1,
                "rate_label": label,
                "issuer_event_id": zcl_time(now),
                "current_time": zcl_time(now + timedelta(seconds=self.clock_drift_s)),
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
            MESSAGING_CLUSTER,
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


class ElectricityMeter(TunnelingMeter, _Esme):
    """The ESME with its Tunneling server and its own key (sim/tunnel_server.py)."""


M = MeteringAttr


class _Gsme(ProfileLog, VirtualDevice):
    """GSME: battery powered, asleep except every 30 minutes when it pushes to the mirror."""

    role = "gas_meter"
    sleepy = True
    manufacturer_code = MFG_ELSTER
    model = "GSME-SIM-1"
    firmware = "1.4.0"
    PUSH_INTERVAL_S = 1800
    # It polls its parent when it wakes to push, no more often (a battery that lasts 15
    # years): frames sent to it meanwhile wait in the parent's queue for that poll.
    POLL_INTERVAL_S = PUSH_INTERVAL_S
    LISTEN_S = 0.05  # real seconds awake after a push, and after each frame then
    units_per_raw = load.GAS_UNITS_PER_M3 // 1000  # raw litres (divisor 1000 on m3)

    def __init__(
        self,
        air,
        ieee,
        install_code,
        home,
        *,
        seed: int,
        cv_mj_per_m3: Decimal = Decimal("39.5"),
        start_m3: Decimal | None = None,
    ):
        self.seed = seed
        self.cv = cv_mj_per_m3
        self.battery_pct = Decimal("96.0")
        self.ledger = load.gas_ledger(seed)
        base_m3 = start_m3 if start_m3 is not None else _seeded(seed, 1500, 3000)
        self.base_units = int(base_m3 * load.GAS_UNITS_PER_M3)  # the register at load.ORIGIN
        self.configured = asyncio.Event()
        super().__init__(air, ieee, install_code, home)

    def add_endpoints(self) -> None:
        metering = attribute_table(
            Metering,
            current_summ_delivered=lambda: self.raw_register_ts(self.reading_ts()),
            status=0,
            remaining_battery_life=lambda: int(self.battery_pct),
            unit_of_measure=1,  # m3
            multiplier=1,
            divisor=1000,
            summation_formatting=(5 << 3) | 3,
            metering_device_type=1,  # gas metering
            site_id=lambda: self.site_id.encode("ascii") or None,  # the MPRN
            meter_serial_number=lambda: self.serial.encode("ascii") or None,
            **self.profile_attributes(),
        )
        price = attribute_table(
            Price,
            commodity_type=1,  # natural gas
            conversion_factor=102264,
            conversion_factor_trailing_digit=5,  # volume conversion factor 1.02264
            calorific_value=int(self.cv * 10),
            calorific_value_unit=1,
            calorific_value_trailing_digit=1,  # CV MJ/m3, one decimal
            currency=GBP_ISO4217,
            price_trailing_digit=PRICE_DIGITS,
        )
        self.endpoints[1] = VirtualEndpoint(
            1,
            SE_METERING_DEVICE,
            {BASIC_CLUSTER: {}, METERING_CLUSTER: metering, PRICE_CLUSTER: price},
            clients=[TIME_CLUSTER],
        )

    def m3(self, when: datetime | None = None) -> Decimal:
        ts = int((when or self.air.clock.now()).timestamp())
        return Decimal(self.base_units + self.ledger.cumulative(ts)) / load.GAS_UNITS_PER_M3

    def supported_commands(self, cluster_id: int) -> frozenset[int]:
        return frozenset({0x00}) if cluster_id == METERING_CLUSTER else frozenset()

    def handle_cluster_command(self, ep, cluster_id, command_id, args, tsn):
        # Only while awake: in pairing mode, and in the moment after each push.
        self.answer_get_profile(args, tsn)  # GetProfile, the one command it serves
        return None

    def battery_percent(self) -> float:
        return float(self.battery_pct)

    async def _listen(self) -> None:
        """After a push it keeps its receiver on for a moment (its data poll), longer while
        the gateway keeps talking to it (a GetProfile for a gap, page after page)."""
        seen = -1
        while self.received_requests != seen:
            seen = self.received_requests
            await asyncio.sleep(self.LISTEN_S)

    def reporting_changed(self, ep_id: int, cluster_id: int) -> None:
        # A GSME pushes on its own 30-minute schedule; the configuration just ends pairing mode.
        if cluster_id == METERING_CLUSTER:
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
            self._snapshot = int(next_push.timestamp())  # read at the boundary
            try:
                pushed = [M.current_summ_delivered.id, M.remaining_battery_life.id]
                self.report(1, METERING_CLUSTER, pushed)
            finally:
                self._snapshot = None
            self.air.poll(self)  # then asks its parent for what was held for it
            await self._listen()  # awake only for the exchange


class GasMeter(TunnelingMeter, _Gsme):
    """The GSME with its Tunneling server and its own key (sim/tunnel_server.py)."""


class InHomeDisplay(VirtualDevice):
    """A separate display (IHD) on the HAN: a client of the meters' data."""

    role = "display"
    manufacturer_code = MFG_SECURE_METERS
    model = "IHD-SIM-1"
    firmware = "3.0.2"

    def add_endpoints(self) -> None:
        self.endpoints[1] = VirtualEndpoint(
            1,
            SE_IHD,
            {BASIC_CLUSTER: {}},
            clients=[
                METERING_CLUSTER,
                PRICE_CLUSTER,
                MESSAGING_CLUSTER,
                PREPAYMENT_CLUSTER,
                TIME_CLUSTER,
            ],
        )
