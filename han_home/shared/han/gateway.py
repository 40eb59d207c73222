"""The gateway: owns the zigpy application, commissions and configures the home's devices,
turns their frames into readings, keeps history, and survives the radio vanishing."""

from __future__ import annotations

import asyncio
import logging
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from functools import partial
from typing import Any

import zigpy.exceptions
import zigpy.types as t
import zigpy.util
from zigpy.device import PACKET_DEBOUNCE_WINDOW
from zigpy.zcl import ReportingConfig, foundation

from han_home.shared.energy.profile import (
    MAX_PERIODS_PER_FRAME,
    PROFILE_CAPACITY,
    STATUS_REASONS,
    IntervalChannel,
    ProfileInterval,
    ProfileStatus,
    ProfileUnavailable,
)
from han_home.shared.energy.readings import Fuel, Reading, ReadingKind
from han_home.shared.energy.zcl_format import (
    UTC_EPOCH_2000,
    datetime_to_zcl_utc,
    scale,
    unit_of_measure,
)
from han_home.shared.han import radios
from han_home.shared.han.adapters import ReadingAdapter
from han_home.shared.han.capture import FrameTap
from han_home.shared.han.client import (
    DeviceEvent,
    DeviceEventKind,
    HanEvent,
    RadioEvent,
    RadioState,
    ReadingEvent,
    StaleEvent,
    Subscriber,
)
from han_home.shared.han.clock import Clock, RealClock, Timer, wait_or_timeout
from han_home.shared.han.install_codes import canonical_eui64, link_key_from_install_code
from han_home.shared.han.intervals import EXPECTED_INTERVAL_S
from han_home.shared.han.pcap import HanFrame
from han_home.shared.han.premises_check import PremisesCheck, read_identity
from han_home.shared.han.profile_mirror import HalfHourValues, ProfileMirror
from han_home.shared.han.radios import RadioSurroundings
from han_home.shared.han.registry import DeviceRecord, DeviceRegistry, InstallState, Role
from han_home.shared.han.se_clusters import currency_decimals
from han_home.shared.han.tariffs import Tariffs, from_supplier_tariff
from han_home.shared.han.zcl_ids import (
    BASIC_CLUSTER,
    IDENTIFY_CLUSTER,
    MESSAGING_CLUSTER,
    METERING_CLUSTER,
    PREPAYMENT_CLUSTER,
    PRICE_CLUSTER,
    MeteringAttr,
    PrepaymentAttr,
)

LOGGER = logging.getLogger(__name__)

ELECTRIC_REPORTING = {  # attribute -> (min, max) seconds
    "instantaneous_demand": (1, 10),
    "current_summ_delivered": (30, 60),
    "current_tier1_summ_delivered": (30, 60),
    "current_tier2_summ_delivered": (30, 60),
    "currentday_consumption_delivered": (30, 60),
    "bill_to_date": (30, 60),
}
PREPAYMENT_REPORTING = (
    "credit_remaining",
    "emergency_credit_remaining",
    "credit_status",
    "accumulated_debt",
)
RECONNECT_BACKOFF_S = (1, 2, 4, 8, 15, 30)
HALF_HOUR_S = 1800
ZCL_EPOCH_TS = int(UTC_EPOCH_2000.timestamp())
PROFILE_REPLY_TIMEOUT_S = 10.0
REFUSED_KEPT = 100
# a frame's receipt stamp older than this is not believed (see Gateway._receipt_time)
RECEIPT_TRUST = timedelta(hours=1)


@dataclass(frozen=True)
class ExpectedDevice:
    """A device the installer listed: its identity and the link key from its install code."""

    eui64: str
    link_key: bytes
    role: Role = Role.OTHER

    @classmethod
    def from_install_code(
        cls, eui64: str, install_code: str, role: Role = Role.OTHER
    ) -> ExpectedDevice:
        code = bytes.fromhex("".join(c for c in install_code if c not in " -:"))
        return cls(canonical_eui64(eui64), link_key_from_install_code(code), role)


@dataclass
class GatewayConfig:
    radio: str = "sim"
    device_path: str | None = None
    zigbee_db: str | None = None  # zigpy's own device database (real radios)
    # a virtual radio's world (the virtual home for radio "sim"); None for real radios
    sim_home: RadioSurroundings | None = None
    expected: list[ExpectedDevice] = field(default_factory=list)
    join_window_s: int = 120
    # The display-side tariff for a real home (the gateway's config file); the virtual
    # home brings its own. With neither, costs are unknown: energy is shown, money is not.
    tariffs: Tariffs | None = None
    # half-hours of a gas meter's profile read into the gateway's mirror while it is still
    # awake at commissioning (13 months; 0: none, its history starts with its pushes)
    gas_profile_prime_periods: int = PROFILE_CAPACITY
    # the oldest half-hour anyone will ask the mirror for (a history feed sets it: 13
    # months at a first start, the time since its last run after): the mirror is read no
    # further back. 24 half-hours are one GetProfile exchange with the meter, so a restart
    # costs a few instead of ~800. None: gas_profile_prime_periods.
    gas_profile_prime_from: datetime | None = None


def prime_periods(config: GatewayConfig, now: datetime) -> int:
    """How many half-hours of the gas meter's profile to read into the mirror at `now`:
    back to the half-hour holding `gas_profile_prime_from`, within the configured count."""
    periods = config.gas_profile_prime_periods
    since = config.gas_profile_prime_from
    if since is None:
        return periods
    newest_end = int(now.timestamp()) // HALF_HOUR_S * HALF_HOUR_S
    oldest = int(since.timestamp()) // HALF_HOUR_S * HALF_HOUR_S
    return max(0, min(periods, (newest_end - oldest) // HALF_HOUR_S))


class Gateway:
    """In-process HanClient. Create, `await start()`, subscribe, `await stop()`."""

    def __init__(self, config: GatewayConfig, clock: Clock | None = None) -> None:
        self.config = config
        home = config.sim_home
        self.clock: Clock = clock or (home.clock if home is not None else RealClock())
        self.registry = DeviceRegistry()
        self.tariffs: Tariffs = (
            from_supplier_tariff(home.tariff)
            if home is not None
            else config.tariffs or Tariffs.unknown()
        )
        self.app: Any = None
        self._subscribers: list[Subscriber] = []
        self._latest: dict[tuple[Fuel, ReadingKind], Reading] = {}
        self._stale_timers: dict[tuple[Fuel, ReadingKind], Timer] = {}
        self._prepayment: dict[str, dict[int, Any]] = {}
        self._configuring: dict[str, asyncio.Task[None]] = {}
        self._reconnect_task: asyncio.Task[None] | None = None
        self._radio_state = RadioState.LOST
        self._stopping = False
        # the latest refused joiners (a neighbour's meter retries all day: bounded)
        self.refused: deque[DeviceEvent] = deque(maxlen=REFUSED_KEPT)
        self.reading_hooks: list[Callable[[Reading], None]] = []  # e.g. the history feed
        self._gas_profiles: dict[str, ProfileMirror] = {}  # the gas proxy's profile copies
        self.premises = PremisesCheck()  # the job's MPAN/MPRN (installer); empty: no check
        self._tap: FrameTap | None = None  # a HAN capture in progress
        for device in config.expected:
            self.registry.upsert(device.eui64, role=device.role)

    # ---- HanClient ------------------------------------------------------------
    def subscribe(self, callback: Subscriber) -> Callable[[], None]:
        self._subscribers.append(callback)
        return lambda: self._subscribers.remove(callback) if callback in self._subscribers else None

    def now(self) -> datetime:
        return self.clock.now()

    def latest(self) -> dict[tuple[Fuel, ReadingKind], Reading]:
        return dict(self._latest)

    def is_stale(self, reading: Reading) -> bool:
        interval = EXPECTED_INTERVAL_S.get((reading.fuel, reading.kind))
        return interval is not None and reading.age_seconds(self.now()) > 3 * interval

    def devices(self) -> list[DeviceRecord]:
        return self.registry.all()

    @property
    def radio_state(self) -> RadioState:
        return self._radio_state

    def _emit(self, event: HanEvent) -> None:
        for callback in list(self._subscribers):
            try:
                callback(event)
            except Exception:  # one bad subscriber must not stop the others
                LOGGER.exception("Subscriber failed on %s", type(event).__name__)

    # ---- life -----------------------------------------------------------------
    async def start(self) -> None:
        self._stopping = False
        cls = radios.app_class(self.config.radio)
        home = self.config.sim_home
        extra = home.radio_config() if home is not None else {}
        self.app = cls(
            radios.app_config(
                self.config.radio, self.config.device_path, self.config.zigbee_db, extra
            )
        )
        self.app.add_listener(self)
        if home is not None:
            home.watch_radio(self._sim_radio_lost)
        await self._connect_with_backoff()
        if home is not None:
            home.start()

    async def stop(self) -> None:
        self._stopping = True
        await self._end_tasks()
        for timer in self._stale_timers.values():
            timer.cancel()
        if self.config.sim_home is not None:
            await self.config.sim_home.stop()
        if self.app is not None:
            await self.app.shutdown()
        # an interview that ended while the radio shut down started nothing (_stopping),
        # but one already past that check may have: nothing runs after stop()
        await self._end_tasks()

    async def _end_tasks(self) -> None:
        tasks = [t for t in [*self._configuring.values(), self._reconnect_task]
                 if t is not None and not t.done()]
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)

    async def _connect_with_backoff(self) -> None:
        attempt = 0
        while True:
            try:
                await self.app.startup(auto_form=True)
            except (
                zigpy.exceptions.TransientConnectionError,
                OSError,
                zigpy.exceptions.ControllerException,
            ) as exc:
                delay = RECONNECT_BACKOFF_S[min(attempt, len(RECONNECT_BACKOFF_S) - 1)]
                attempt += 1
                self._set_radio(RadioState.RECONNECTING, f"{exc}; retrying in {delay} s")
                await self.clock.host.sleep(delay)
                continue
            self._set_radio(RadioState.CONNECTED)
            return

    def _set_radio(self, state: RadioState, detail: str = "") -> None:
        self._radio_state = state
        self._emit(RadioEvent(state, self.now(), detail))

    def _sim_radio_lost(self) -> None:
        self.connection_lost(ConnectionError("Virtual radio unplugged"))

    # zigpy listener: the radio library lost its serial link
    def connection_lost(self, exc: Exception) -> None:
        if self._stopping or self._radio_state == RadioState.LOST:
            return
        self._set_radio(RadioState.LOST, str(exc))
        self._reconnect_task = asyncio.get_running_loop().create_task(self._reconnect())

    async def _reconnect(self) -> None:
        try:
            await self.app.shutdown(db=False)
        except Exception:
            LOGGER.debug("Shutdown after radio loss failed", exc_info=True)
        await self._connect_with_backoff()

    # ---- commissioning --------------------------------------------------------
    def expect(self, devices: Iterable[ExpectedDevice]) -> None:
        for device in devices:
            self.registry.upsert(device.eui64, role=device.role, state=InstallState.EXPECTED)

    async def permit(self, devices: Iterable[ExpectedDevice], window_s: int) -> None:
        """Open a join window admitting exactly these devices, each with its own key."""
        devices = list(devices)
        self.expect(devices)
        for device in devices:
            await self.app.permit_with_link_key(
                t.EUI64.convert(device.eui64), t.KeyData(device.link_key), window_s
            )

    async def close_window(self) -> None:
        await self.app.permit(0)

    # ---- HAN capture (pcap) ---------------------------------------------------------
    def start_capture(self) -> None:
        """Record every application frame sent and received from now on (for a pcap)."""
        if self._tap is None and self.app is not None:
            self._tap = FrameTap(self.app, self.now)

    def stop_capture(self) -> list[HanFrame]:
        """The frames recorded since start_capture(); the recording stops."""
        tap, self._tap = self._tap, None
        return tap.close() if tap is not None else []

    def pan_id(self) -> int:
        try:
            return int(self.app.state.network_info.pan_id)
        except (AttributeError, TypeError, ValueError):
            return 0xFFFF

    # zigpy listener: every frame a known device sent us
    def handle_message(self, device: Any, profile: int, cluster: int, src_ep: int,
                       dst_ep: int, message: bytes) -> None:
        if self._tap is not None:
            self._tap.received(device, profile, cluster, src_ep, dst_ep, message)

    def expect_premises(self, mpan: str | None, mprn: str | None) -> None:
        """The premises this job is for: a meter whose SiteID names other premises is never
        configured as this home's, and is told to leave (DeviceEventKind.FOREIGN)."""
        self.premises.expect(mpan, mprn)

    async def _send_away(self, device: Any, site_id: str) -> None:
        eui = str(device.ieee)
        LOGGER.warning("%s belongs to other premises (SiteID %s): told to leave", eui, site_id)
        self._emit(DeviceEvent(DeviceEventKind.FOREIGN, eui, self.now(), device.lqi,
                               device.rssi, site_id))
        await self.app.remove(device.ieee, rejoin=False)  # Mgmt_Leave, no rejoin

    async def commission(
        self,
        devices: Iterable[ExpectedDevice],
        window_s: int | None = None,
        timeout_s: float | None = None,
    ) -> bool:
        """Admit the listed devices and wait until each is configured. True if all were."""
        devices = list(devices)
        window = window_s or self.config.join_window_s
        await self.permit(devices, window)
        wanted = {d.eui64 for d in devices}
        host = self.clock.host  # the window is the engineer's time, not the home's
        deadline = host.now() + timedelta(seconds=timeout_s or window)
        while host.now() < deadline:
            states = {self.registry.get(e).state for e in wanted}  # type: ignore[union-attr]
            if states == {InstallState.CONFIGURED}:
                await self.close_window()
                return True
            await host.sleep(0.05)
        await self.close_window()
        return False

    async def commission_expected(self) -> bool:
        pending = [
            d
            for d in self.config.expected
            if getattr(self.registry.get(d.eui64), "state", None) != InstallState.CONFIGURED
        ]
        if not pending:
            return True
        return await self.commission(pending)

    # zigpy listener events
    def join_refused(
        self, ieee: t.EUI64, lqi: int, rssi: int, reason: str, mains: bool | None = None
    ) -> None:
        event = DeviceEvent(
            DeviceEventKind.REFUSED, str(ieee), self.now(), lqi, rssi, reason, mains
        )
        self.refused.append(event)
        self._emit(event)

    def device_joined(self, device: Any) -> None:
        eui = str(device.ieee)
        self.registry.upsert(
            eui, state=InstallState.JOINED, joined_at=self.now(), last_seen=self.now()
        )
        self._emit(DeviceEvent(DeviceEventKind.JOINED, eui, self.now(), device.lqi, device.rssi))

    def device_initialized(self, device: Any) -> None:
        if device.nwk == 0x0000:
            return  # the coordinator itself
        eui = str(device.ieee)
        if self._stopping:  # an interview that ended as the display stops: nothing new
            return
        if eui in self.premises.foreign:  # back again in the same window: away again
            self._configuring[eui] = asyncio.get_running_loop().create_task(
                self._send_away(device, self.premises.foreign[eui]))
            return
        self.registry.upsert(
            eui,
            state=InstallState.INTERVIEWED,
            model=device.model,
            manufacturer=device.manufacturer,
        )
        self._emit(DeviceEvent(DeviceEventKind.INTERVIEWED, eui, self.now()))
        if eui not in self._configuring or self._configuring[eui].done():
            self._configuring[eui] = asyncio.get_running_loop().create_task(
                self._configure_logged(device)
            )

    def device_left(self, device: Any) -> None:
        eui = str(device.ieee)
        self.registry.upsert(eui, state=InstallState.LEFT)
        self._emit(DeviceEvent(DeviceEventKind.LEFT, eui, self.now()))

    def device_removed(self, device: Any) -> None:
        self.device_left(device)

    # ---- configuration --------------------------------------------------------
    async def _configure_logged(self, device: Any, attempts: int = 3) -> None:
        reason = ""
        for attempt in range(attempts):
            try:
                await self.configure(device)
                return
            except Exception as exc:  # retried, then reported
                LOGGER.warning(
                    "Configuring %s failed (%r), attempt %d", device.ieee, exc, attempt + 1
                )
                reason = type(exc).__name__ + (f": {exc}" if str(exc) else "")
                if attempt + 1 < attempts:
                    await self.clock.host.sleep(1)
        # Every attempt failed: tell the clients (the installer offers a retry).
        self._emit(DeviceEvent(DeviceEventKind.CONFIG_FAILED, str(device.ieee), self.now(),
                               device.lqi, device.rssi, reason))

    async def configure(self, device: Any) -> None:
        """Read the device's identity and scaling, bind, set reporting, subscribe."""
        eui = str(device.ieee)
        ep = next(e for i, e in device.endpoints.items() if i != 0)
        basic = ep.in_clusters.get(BASIC_CLUSTER)
        firmware = None
        if basic is not None:
            got, _ = await basic.read_attributes(["sw_build_id"])
            firmware = got.get("sw_build_id")
        known = self.registry.get(eui)
        role = known.role if known is not None else Role.OTHER
        scaling: dict[str, int] = {}
        metering = ep.in_clusters.get(METERING_CLUSTER)
        if metering is not None:
            got, _ = await metering.read_attributes(
                [
                    "unit_of_measure",
                    "multiplier",
                    "divisor",
                    "summation_formatting",
                    "metering_device_type",
                ]
            )
            unit = int(got.get("unit_of_measure", 0))
            scaling.update(
                unit=unit,
                multiplier=int(got.get("multiplier") or 1),
                divisor=int(got.get("divisor") or 1),
                formatting=int(got.get("summation_formatting") or 0),
            )
            device_type = int(got.get("metering_device_type", 0))
            role = Role.GAS if device_type in (1, 128) or unit == 1 else Role.ELECTRICITY
            site_id, serial = await read_identity(metering)
            self.registry.upsert(eui, site_id=site_id, serial=serial)
            if self.premises.belongs_elsewhere(eui, role, site_id):
                await self._send_away(device, site_id or "")
                return
        elif PRICE_CLUSTER not in ep.in_clusters and ep.device_type == 0x0502:
            role = Role.DISPLAY
        price = ep.in_clusters.get(PRICE_CLUSTER)
        if price is not None:
            got, _ = await price.read_attributes(
                ["price_trailing_digit", "calorific_value_trailing_digit"]
            )
            if "price_trailing_digit" in got:
                scaling["price_trailing_digit"] = int(got["price_trailing_digit"])
            if "calorific_value_trailing_digit" in got:
                scaling["cv_trailing_digit"] = int(got["calorific_value_trailing_digit"])
        record = self.registry.upsert(
            eui,
            role=role,
            scaling=scaling,
            firmware=firmware,
            model=device.model,
            manufacturer=device.manufacturer,
            lqi=device.lqi,
            rssi=device.rssi,
            last_seen=self.now(),
        )
        self._listen(device, ep)
        if price is not None:
            await self._read_into_readings(device, price, ["standing_charge", "calorific_value"])
        if metering is not None:
            # Read before configuring: configuring ends a gas meter's pairing mode, after
            # which it sleeps and nothing may poll it (readers use the mirror).
            await self._read_into_readings(
                device, metering, ["current_summ_delivered", "instantaneous_demand"]
            )
            await metering.bind()
            if role == Role.ELECTRICITY:
                defs = metering.AttributeDefs
                await metering.configure_reporting_multiple(
                    {
                        getattr(defs, name): ReportingConfig(lo, hi, 1)
                        for name, (lo, hi) in ELECTRIC_REPORTING.items()
                    }
                )
            else:
                # Its profile can only be read while it is awake: now, in pairing mode.
                await self._prime_gas_profile(eui, metering)
                # The gas meter pushes its register every 30 min to our mirror; this
                # configuration also ends its pairing mode so it can sleep.
                await metering.configure_reporting("current_summ_delivered", 1800, 1800, 1)
        if price is not None and role == Role.ELECTRICITY:
            await price.bind()
            # The meter answers GetCurrentPrice with PublishPrice on the same sequence number
            answer = await price.get_current_price(command_options=0)
            if hasattr(answer, "price_trailing_digit_and_tier"):
                self._command(eui, PRICE_CLUSTER, 0x00, answer)
        prepayment = ep.in_clusters.get(PREPAYMENT_CLUSTER)
        if prepayment is not None:
            await prepayment.bind()
            got, _ = await prepayment.read_attributes(
                [
                    "emergency_credit_limit_allowance",
                    "emergency_credit_threshold",
                    "low_credit_warning_level",
                    "debt_recovery_amount_per_day",
                    "currency_scaling_factor",
                    "currency",
                    *PREPAYMENT_REPORTING,
                ]
            )
            record = self._prepayment_scaling(eui, got) or record
            snapshot = self._prepayment.setdefault(eui, {})
            for name, value in got.items():
                snapshot[prepayment.attributes_by_name[name].id] = value
            defs = prepayment.AttributeDefs
            await prepayment.configure_reporting_multiple(
                {getattr(defs, name): ReportingConfig(60, 1800, 1) for name in PREPAYMENT_REPORTING}
            )
            self._emit_prepayment(record, snapshot)
        if MESSAGING_CLUSTER in ep.in_clusters:
            await ep.in_clusters[MESSAGING_CLUSTER].bind()
        self.registry.upsert(eui, state=InstallState.CONFIGURED)
        self._emit(
            DeviceEvent(DeviceEventKind.CONFIGURED, eui, self.now(), device.lqi, device.rssi)
        )

    def _prepayment_scaling(self, eui: str, got: dict[str, Any]) -> DeviceRecord | None:
        """The credit's scale from the Prepayment cluster's own Currency Scaling Factor
        (0x0502) and Currency (0x0503). A meter without them keeps its Price cluster's
        trailing digit for money (the same meter's money scale)."""
        record = self.registry.get(eui)
        if record is None or "currency_scaling_factor" not in got:
            return None
        scaling = {**record.scaling,
                   "prepayment_trailing_digit": currency_decimals(got["currency_scaling_factor"])}
        if "currency" in got:
            scaling["prepayment_currency"] = int(got["currency"])
        return self.registry.upsert(eui, scaling=scaling)

    async def _read_into_readings(self, device: Any, cluster: Any, names: list[str]) -> None:
        asked = self.now()
        got, _ = await cluster.read_attributes(names)
        record = self.registry.get(str(device.ieee))
        # the meter took the values when the request reached it: stamped with its reply's
        # receipt, not when this coroutine resumed (later, on a busy start)
        heard = self._receipt_time(getattr(device, "read_reply_heard_at", None), asked)
        adapter = ReadingAdapter(record, heard)  # type: ignore[arg-type]
        for name, value in got.items():
            reading = adapter.attribute(
                cluster.cluster_id, cluster.attributes_by_name[name].id, value
            )
            if reading is None:
                continue
            latest = self._latest.get((reading.fuel, reading.kind))
            if latest is not None and latest.received >= reading.received:
                continue  # a report taken after it came first: this reply is old news
            self._reading(reading)

    def _listen(self, device: Any, ep: Any) -> None:
        eui = str(device.ieee)
        for cluster in ep.in_clusters.values():
            if getattr(cluster, "_han_listening", False):
                continue
            cluster._han_listening = True
            # the device is bound here, not looked up per report: a meter sends ~25,000
            # attribute reports a day, and zigpy's EUI64 hashes through its repr
            cluster.on_event("attribute_report", partial(self._on_report, device))
            if cluster.cluster_id in (PRICE_CLUSTER, MESSAGING_CLUSTER):
                cluster.add_listener(_CommandListener(self, eui, cluster.cluster_id))

    def _receipt_time(self, heard: Any, since: datetime | None = None) -> datetime:
        """When the radio received the frame being handled (the radio library's stamp on
        zigpy's packet), not when the event loop got round to it: a loaded host handles
        frames late (the first reports after a start waited 20-70 Wh of a meter's
        register at the virtual home's 1800x), and a register stamped late puts energy on
        the wrong side of a half-hour boundary. A stamp from the future or more than
        RECEIPT_TRUST old (or older than `since`, when the frame was asked for) is not
        believed (the radio's clock would not be this one)."""
        now = self.now()
        if not isinstance(heard, datetime) or heard.tzinfo is None:
            return now
        # (a meter's clock keeps whole seconds: a reply may be stamped just before asking)
        if heard > now or now - heard > RECEIPT_TRUST or (
                since is not None and heard < since - timedelta(seconds=1)):
            return now
        return heard

    def _on_report(self, device: Any, event: Any) -> None:
        record = self.registry.get(event.device_ieee)
        if record is None:
            return
        now = self._receipt_time(getattr(device, "heard_at", None))
        self.registry.upsert(
            event.device_ieee,
            last_seen=now,
            lqi=getattr(device, "lqi", None),
            rssi=getattr(device, "rssi", None),
        )
        if event.cluster_id == PREPAYMENT_CLUSTER:
            snapshot = self._prepayment.setdefault(event.device_ieee, {})
            snapshot[event.attribute_id] = event.value
            # credit status comes last in the meter's report frame: emit once per frame
            if event.attribute_id in (
                PrepaymentAttr.credit_status.id,
                PrepaymentAttr.accumulated_debt.id,
            ):
                self._emit_prepayment(record, snapshot)
            return
        reading = ReadingAdapter(record, now).attribute(
            event.cluster_id, event.attribute_id, event.value
        )
        if reading is not None:
            self._reading(reading)

    def _emit_prepayment(self, record: Any, snapshot: dict[int, Any]) -> None:
        for reading in ReadingAdapter(record, self.now()).prepayment(snapshot):
            self._reading(reading)

    def _command(self, eui: str, cluster_id: int, command_id: int, args: Any) -> None:
        record = self.registry.get(eui)
        if record is None:
            return
        adapter = ReadingAdapter(record, self.now())
        if cluster_id == PRICE_CLUSTER and command_id == 0x00:
            self._reading(adapter.publish_price(args))
        elif cluster_id == MESSAGING_CLUSTER and command_id == 0x00:
            self._reading(adapter.display_message(args))

    # ---- readings -------------------------------------------------------------
    def _reading(self, reading: Reading) -> None:
        key = (reading.fuel, reading.kind)
        if reading.kind != ReadingKind.TIER_SUMMATION:
            self._latest[key] = reading
        for hook in self.reading_hooks:
            try:
                hook(reading)
            except Exception:  # history trouble must not stop live values
                LOGGER.exception("Reading hook failed")
        self._arm_stale_timer(key, reading)
        self._emit(ReadingEvent(reading))

    def _arm_stale_timer(self, key: tuple[Fuel, ReadingKind], reading: Reading) -> None:
        interval = EXPECTED_INTERVAL_S.get(key)
        if interval is None:
            return
        old = self._stale_timers.pop(key, None)
        if old is not None:
            old.cancel()
        self._stale_timers[key] = self.clock.call_later(
            3 * interval + 0.001, self._went_stale, key, reading
        )

    def _went_stale(self, key: tuple[Fuel, ReadingKind], reading: Reading) -> None:
        if self._latest.get(key) is reading:
            self._emit(StaleEvent(key[0], key[1], reading, reading.age_seconds(self.now())))

    # ---- installer operations (the installer never touches zigpy itself) ---------
    def device(self, eui64: str) -> DeviceRecord | None:
        return self.registry.get(canonical_eui64(eui64))

    def _zigpy_device(self, eui64: str) -> Any:
        if self.app is None:
            return None
        return self.app.devices.get(t.EUI64.convert(eui64))

    def link_quality(self, eui64: str) -> tuple[int | None, int | None]:
        """(LQI, RSSI dBm) of the last frame heard from the device."""
        device = self._zigpy_device(eui64)
        if device is None:
            return None, None
        return device.lqi, device.rssi

    def reconfigure(self, eui64: str) -> bool:
        """Finish a device's set-up that something (a radio loss) cut short: its interview
        if that is unfinished, else its configuration (bounded retries). False if the
        device is not on the network."""
        device = self._zigpy_device(eui64)
        if device is None:
            return False
        if not device.is_initialized:
            device.schedule_initialize()
        else:
            self.device_initialized(device)
        return True

    async def read_attribute(
        self, eui64: str, cluster_id: int, attribute: int | str, timeout_s: float = 10.0
    ) -> Any | None:
        """One attribute of a device's server cluster, asked now. None when the device does
        not have the cluster or does not know the attribute; raises TimeoutError (or the
        radio's delivery error) when it does not answer."""
        device = self._zigpy_device(eui64)
        if device is None:
            return None
        for ep_id, ep in device.endpoints.items():
            cluster = ep.in_clusters.get(cluster_id) if ep_id else None
            if cluster is None:
                continue
            # zigpy keys the answer by the name or id it was asked for
            got, _failed = await asyncio.wait_for(cluster.read_attributes([attribute]), timeout_s)
            return got.get(attribute)
        return None

    async def identify(self, eui64: str, seconds: int, timeout_s: float = 10.0) -> bool:
        """Ask the device to show its identify signal for `seconds` (ZCL Identify,
        0x0003). True when it said it would; False when it has no Identify cluster, did
        not answer in time (a sleeping gas meter takes it at its next wake), or refused."""
        device = self._zigpy_device(eui64)
        for ep_id, ep in getattr(device, "endpoints", {}).items():
            cluster = ep.in_clusters.get(IDENTIFY_CLUSTER) if ep_id else None
            if cluster is None:
                continue
            try:  # the engineer's seconds (a test's manual clock), as the join window
                rsp = await wait_or_timeout(
                    self.clock.host, cluster.identify(identify_time=seconds), timeout_s)
            except zigpy.exceptions.ZigbeeException as exc:
                LOGGER.info("Identify for %s not delivered: %s", eui64, type(exc).__name__)
                return False
            return getattr(rsp, "status", None) == foundation.Status.SUCCESS
        return False

    async def energy_scan(
        self, channels: Iterable[int], duration_exp: int = 2, count: int = 1
    ) -> dict[int, float]:
        """Energy (0-255) on each channel, as the radio measured it."""
        mask = t.Channels.from_channel_list(list(channels))  # type: ignore[misc]
        got = await self.app.energy_scan(mask, duration_exp, count)
        return {int(channel): float(value) for channel, value in got.items()}

    def network_channel(self) -> int | None:
        try:
            return int(self.app.state.network_info.channel)
        except (AttributeError, TypeError, ValueError):
            return None

    async def neighbours(self, eui64: str, timeout_s: float = 10.0) -> list[Neighbour]:
        """The device's own neighbour table (ZDO Mgmt_Lqi_req): what it hears, and how well;
        in a block of flats this shows which other networks' devices are in range."""
        device = self._zigpy_device(eui64)
        if device is None:
            return []
        found: list[Neighbour] = []
        start = 0
        while True:
            status, table = await asyncio.wait_for(device.zdo.Mgmt_Lqi_req(start), timeout_s)
            if status != 0 or not table.NeighborTableList:
                return found
            for entry in table.NeighborTableList:
                found.append(Neighbour(str(entry.ieee), int(entry.nwk), int(entry.lqi)))
            start += len(table.NeighborTableList)
            if start >= table.Entries:
                return found

    # ---- certificates (shared/han/certificates.py; set by whoever gives the gateway its
    # identity: the virtual home's demo PKI, or a real installation's files)
    security: Any = None

    async def certificate_summary(self, eui64: str) -> Any:
        """A device's certificate (issuer, role, expiry, anchor, whether it chains), or None
        when the gateway has no identity or the device does not answer."""
        if self.security is None:
            return None
        return await self.security.device_summary(canonical_eui64(eui64))

    # ---- occupier actions -----------------------------------------------------
    async def activate_emergency_credit(self) -> bool:
        for record in self.registry.by_role(Role.ELECTRICITY):
            device = self.app.devices.get(t.EUI64.convert(record.eui64))
            cluster = device and device.endpoints[1].in_clusters.get(PREPAYMENT_CLUSTER)
            if cluster is not None:
                await cluster.select_available_emergency_credit(
                    command_issue_date_time=datetime_to_zcl_utc(self.now()),
                    originating_device=2,
                )  # 2: in-home display
                return True
        return False

    # ---- the meters' half-hourly profile (Metering GetProfile; seed IH.2) ---------------
    async def fuel_profile(
        self, fuel: Fuel, first: datetime, end: datetime
    ) -> list[ProfileInterval]:
        """The half-hours starting in [first, end) of this home's meter for that fuel (the
        history feed fills gaps and a first start with these). ProfileUnavailable if the
        home has no configured meter of that fuel, or it cannot say."""
        role = Role.GAS if fuel == Fuel.GAS else Role.ELECTRICITY
        meters = [r for r in self.registry.by_role(role) if r.state == InstallState.CONFIGURED]
        if not meters:
            raise ProfileUnavailable(f"no configured {fuel} meter")
        periods = int((end - first).total_seconds()) // HALF_HOUR_S
        got = await self.read_profile(meters[0].eui64, end, periods)
        return [p for p in got if first <= p.start_utc < end]

    async def read_profile(
        self, eui64: str, end: datetime | None, periods: int
    ) -> list[ProfileInterval]:
        """Up to `periods` half-hours of the meter's own profile ending at `end` (None: the
        last complete half-hour), oldest first, in the register's unit (kWh / m3) scaled
        with the meter's multiplier and divisor. Paged with repeated GetProfile requests
        (24 half-hours an answer). Fewer come back when the meter holds fewer (its log
        reaches back 13 months). A gas meter sleeps, so its profile comes from the
        gateway's mirror (read at commissioning, kept by its pushes) and never wakes it.
        Raises ProfileUnavailable (with the meter's status, if it answered) when the meter
        refuses the request, does not answer, or is not on the network."""
        eui = canonical_eui64(eui64)
        record = self.registry.get(eui)
        if record is None:
            raise ProfileUnavailable(f"{eui} is not on this home's network")
        if periods <= 0:
            return []
        mirror = self._gas_profiles.get(eui)
        if mirror is not None:
            end_ts = int((end or self.now()).timestamp())
            return self._profile_intervals(record, mirror.span(end_ts, periods))
        metering = self._metering_cluster(eui)
        if metering is None:
            raise ProfileUnavailable(f"{eui} has no Metering cluster")
        try:
            raws = await self._profile_pages(metering, end, periods)
        except (TimeoutError, zigpy.exceptions.ZigbeeException) as exc:
            asleep = " (a gas meter sleeps between its pushes)" if record.role == Role.GAS else ""
            raise ProfileUnavailable(f"no answer from {eui}: {exc!r}{asleep}") from None
        return self._profile_intervals(record, raws)

    def _metering_cluster(self, eui64: str) -> Any:
        device = self._zigpy_device(eui64)
        for ep_id, ep in getattr(device, "endpoints", {}).items():
            if ep_id and METERING_CLUSTER in ep.in_clusters:
                return ep.in_clusters[METERING_CLUSTER]
        return None

    async def _profile_pages(
        self,
        metering: Any,
        end: datetime | None,
        periods: int,
        timeout_s: float = PROFILE_REPLY_TIMEOUT_S,
    ) -> list[tuple[int, int]]:
        """(interval start ts, raw value) oldest first, paging back from `end`."""
        newest_first: list[tuple[int, int]] = []
        await self._read_profile_pages(
            metering, end, periods, lambda start, raw: newest_first.append((start, raw)),
            timeout_s)
        newest_first.reverse()
        return newest_first

    async def _read_profile_pages(
        self,
        metering: Any,
        end: datetime | None,
        periods: int,
        keep: Callable[[int, int], None],
        timeout_s: float = PROFILE_REPLY_TIMEOUT_S,
    ) -> int:
        """Page back from `end` with GetProfile, handing each valid interval to
        ``keep(start ts, raw value)`` as it comes, newest first; returns how many."""
        kept = 0
        end_zcl = 0 if end is None or end >= self.now() else datetime_to_zcl_utc(end)
        page = MAX_PERIODS_PER_FRAME
        remaining = periods
        while remaining > 0:
            asked = min(page, remaining)
            rsp = await asyncio.wait_for(
                metering.get_profile(IntervalChannel.CONSUMPTION_DELIVERED, end_zcl, asked),
                timeout_s,
            )
            if not hasattr(rsp, "intervals"):  # a Default Response: GetProfile unsupported
                raise ProfileUnavailable(
                    "the meter does not answer GetProfile", getattr(rsp, "status", None)
                )
            status = int(rsp.status)
            if status == ProfileStatus.NO_INTERVALS_AVAILABLE:
                break  # its log reaches no further back
            more = status == ProfileStatus.MORE_PERIODS_REQUESTED_THAN_CAN_BE_RETURNED
            if status != ProfileStatus.SUCCESS and not (more and rsp.intervals):
                reason = STATUS_REASONS.get(int(status), f"status {status}")
                if kept:
                    LOGGER.warning("GetProfile stopped after %d intervals: %s", kept, reason)
                    break
                raise ProfileUnavailable(reason, int(status))
            if int(rsp.profile_interval_period) != metering.ProfileIntervalPeriod.Minutes_30:
                raise ProfileUnavailable("the meter's profile is not half-hourly")
            end_ts = int(rsp.end_time) + ZCL_EPOCH_TS
            values = list(rsp.intervals)
            for i, raw in enumerate(values):
                if raw != 0xFFFFFF:  # an invalid interval (SE 1.4)
                    keep(end_ts - (i + 1) * HALF_HOUR_S, int(raw))
                    kept += 1
            remaining -= len(values)
            if more:
                page = max(1, len(values))  # the meter's own maximum
            elif len(values) < asked:
                break  # fewer than asked: the oldest it holds
            end_zcl = end_ts - len(values) * HALF_HOUR_S - ZCL_EPOCH_TS
            if not values or end_zcl <= 0:
                break
        return kept

    def _profile_intervals(
        self, record: DeviceRecord, raws: list[tuple[int, int]]
    ) -> list[ProfileInterval]:
        s = record.scaling
        unit = unit_of_measure(s.get("unit", 1 if record.role == Role.GAS else 0))
        multiplier, divisor = s.get("multiplier", 1), s.get("divisor", 1)
        return [
            ProfileInterval(
                datetime.fromtimestamp(start, UTC), scale(raw, multiplier, divisor), unit
            )
            for start, raw in raws
        ]

    async def _prime_gas_profile(self, eui: str, metering: Any) -> None:
        """Read a gas meter's profile into the mirror while it is still awake, and keep the
        mirror with its half-hourly pushes (what GB's gas proxy function does)."""
        mirror = self._gas_profiles.get(eui) or ProfileMirror()
        periods = prime_periods(self.config, self.now())
        if periods > 0:
            try:
                # staged page by page in one integer array, kept only if the read succeeds
                # (as before): 13 months gathered as a list of (start, raw) tuples first
                # were ~2 MiB of small objects whose freed space the display kept for good
                staged = HalfHourValues()
                boundary = int(self.now().timestamp()) // HALF_HOUR_S * HALF_HOUR_S
                staged.reserve(boundary - periods * HALF_HOUR_S, boundary)
                await self._read_profile_pages(metering, None, periods, staged.__setitem__)
                mirror.add_values(staged)
                # half-hours that ended while those pages came (fast simulated clocks)
                newest = mirror.newest_end()
                now_boundary = int(self.now().timestamp()) // HALF_HOUR_S * HALF_HOUR_S
                if newest is not None and newest < now_boundary:
                    missed = (now_boundary - newest) // HALF_HOUR_S
                    for start, raw in await self._profile_pages(metering, None, missed):
                        mirror.add(start, raw)
                # the register at the last boundary (one frame, one instant), so the next
                # push alone gives the next interval
                got, _ = await metering.read_attributes(
                    [
                        "current_summ_delivered",
                        "cur_part_profile_int_value_delivered",
                        "cur_part_profile_int_start_time_delivered",
                    ]
                )
                if len(got) == 3:
                    mirror.register(
                        int(got["cur_part_profile_int_start_time_delivered"]) + ZCL_EPOCH_TS,
                        int(got["current_summ_delivered"])
                        - int(got["cur_part_profile_int_value_delivered"]),
                    )
            except (TimeoutError, ProfileUnavailable, zigpy.exceptions.ZigbeeException) as exc:
                LOGGER.warning("Could not read the gas meter's profile: %r", exc)
            _forget_seen_frames_later(metering)
        self._gas_profiles[eui] = mirror
        if not getattr(metering, "_han_profile_listening", False):
            metering._han_profile_listening = True
            metering.on_event("attribute_report", lambda event: self._gas_pushed(eui, event))

    def _gas_pushed(self, eui: str, event: Any) -> None:
        mirror = self._gas_profiles.get(eui)
        if mirror is None or event.attribute_id != MeteringAttr.current_summ_delivered.id:
            return
        mirror.push(int(self.now().timestamp()), int(event.value))
        # kept with the configuration tasks, so that stop() ends it too
        key = f"{eui}/profile-gaps"
        task = self._configuring.get(key)
        if mirror.gaps and not self._stopping and (task is None or task.done()):
            # it listens for a moment after each push: ask for the gap now
            self._configuring[key] = asyncio.get_running_loop().create_task(
                self._fill_gas_gaps(eui, mirror)
            )

    async def _fill_gas_gaps(self, eui: str, mirror: ProfileMirror) -> None:
        metering = self._metering_cluster(eui)
        if metering is None:
            return
        for start, end in list(mirror.gaps):
            try:
                got = await self._profile_pages(
                    metering,
                    datetime.fromtimestamp(end, UTC),
                    (end - start) // HALF_HOUR_S,
                    timeout_s=2.0,
                )
            except (TimeoutError, ProfileUnavailable, zigpy.exceptions.ZigbeeException) as exc:
                LOGGER.info("Gas profile gap %s-%s not filled yet: %r", start, end, exc)
                return  # asleep again: try at its next push
            for interval_start, raw in got:
                if start <= interval_start < end:
                    mirror.add(interval_start, raw)
            mirror.gaps.remove((start, end))


@dataclass(frozen=True)
class Neighbour:
    eui64: str
    nwk: int
    lqi: int


class _CommandListener:
    """zigpy cluster listener for cluster-specific commands (PublishPrice, DisplayMessage)."""

    def __init__(self, gateway: Gateway, eui: str, cluster_id: int) -> None:
        self.gateway, self.eui, self.cluster_id = gateway, eui, cluster_id

    def cluster_command(self, tsn: int, command_id: int, args: Any) -> None:
        self.gateway._command(self.eui, self.cluster_id, command_id, args)


def _forget_seen_frames_later(cluster: Any) -> None:
    """zigpy keeps every frame a device sent in the last 10 s (its duplicate filter) until
    that device's next frame. After the ~800 profile pages of a gas meter's priming read the
    next frame is its push, up to 30 min later: drop them once they are out of the window
    instead (~0.8 MiB a display would otherwise hold). Only zigpy's expired entries go."""
    debouncer = getattr(getattr(getattr(cluster, "endpoint", None), "device", None),
                        "_packet_debouncer", None)
    clean = getattr(debouncer, "clean", None)
    if callable(clean):
        asyncio.get_running_loop().call_later(PACKET_DEBOUNCE_WINDOW + 1.0, clean)
