"""The gateway: owns the zigpy application, commissions and configures the home's devices,
turns their frames into readings, keeps history, and survives the radio vanishing."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import zigpy.exceptions
import zigpy.types as t
import zigpy.util
from zigpy.zcl import ReportingConfig

from han_home.shared.energy.readings import Fuel, Reading, ReadingKind
from han_home.shared.han import radios
from han_home.shared.han.adapters import MESSAGING, METERING, PREPAYMENT, PRICE, ReadingAdapter
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
from han_home.shared.han.clock import Clock, RealClock, Timer
from han_home.shared.han.intervals import EXPECTED_INTERVAL_S
from han_home.shared.han.registry import DeviceRegistry, InstallState, Role
from han_home.shared.han.tariffs import Tariffs, from_home_tariff
from han_home.shared.sim.tariff import HomeTariff

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
        return cls(str(t.EUI64.convert(eui64)), bytes(zigpy.util.convert_install_code(code)), role)


@dataclass
class GatewayConfig:
    radio: str = "sim"
    device_path: str | None = None
    zigbee_db: str | None = None  # zigpy's own device database (real radios)
    sim_home: Any = None  # han_home.shared.sim.home.VirtualHome when radio == "sim"
    expected: list[ExpectedDevice] = field(default_factory=list)
    join_window_s: int = 120
    tariff: HomeTariff = field(default_factory=HomeTariff)  # the supplier's tariff data


class Gateway:
    """In-process HanClient. Create, `await start()`, subscribe, `await stop()`."""

    def __init__(self, config: GatewayConfig, clock: Clock | None = None) -> None:
        self.config = config
        home = config.sim_home
        self.clock: Clock = clock or (home.clock if home is not None else RealClock())
        self.registry = DeviceRegistry()
        self.tariffs: Tariffs = from_home_tariff(home.tariff if home is not None else config.tariff)
        self.app: Any = None
        self._subscribers: list[Subscriber] = []
        self._latest: dict[tuple[Fuel, ReadingKind], Reading] = {}
        self._stale_timers: dict[tuple[Fuel, ReadingKind], Timer] = {}
        self._prepayment: dict[str, dict[int, Any]] = {}
        self._configuring: dict[str, asyncio.Task[None]] = {}
        self._reconnect_task: asyncio.Task[None] | None = None
        self._radio_state = RadioState.LOST
        self._stopping = False
        self.refused: list[DeviceEvent] = []
        self.reading_hooks: list[Callable[[Reading], None]] = []  # e.g. the history feed
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

    def devices(self) -> list:
        return self.registry.all()

    @property
    def radio_state(self) -> RadioState:
        return self._radio_state

    def _emit(self, event: HanEvent) -> None:
        for callback in list(self._subscribers):
            try:
                callback(event)
            except Exception:  # noqa: BLE001  one bad subscriber must not stop the others
                LOGGER.exception("Subscriber failed on %s", type(event).__name__)

    # ---- life -----------------------------------------------------------------
    async def start(self) -> None:
        self._stopping = False
        cls = radios.app_class(self.config.radio)
        extra = {"sim_air": self.config.sim_home.air} if self.config.radio == "sim" else {}
        self.app = cls(
            radios.app_config(
                self.config.radio, self.config.device_path, self.config.zigbee_db, extra
            )
        )
        self.app.add_listener(self)
        if self.config.sim_home is not None:
            self.config.sim_home.air.on_radio_lost = self._sim_radio_lost
        await self._connect_with_backoff()
        if self.config.sim_home is not None:
            self.config.sim_home.start()

    async def stop(self) -> None:
        self._stopping = True
        for task in [*self._configuring.values(), self._reconnect_task]:
            if task is not None:
                task.cancel()
        for timer in self._stale_timers.values():
            timer.cancel()
        if self.config.sim_home is not None:
            await self.config.sim_home.stop()
        if self.app is not None:
            await self.app.shutdown()

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
        except Exception:  # noqa: BLE001
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
    def join_refused(self, ieee: t.EUI64, lqi: int, rssi: int, reason: str) -> None:
        event = DeviceEvent(DeviceEventKind.REFUSED, str(ieee), self.now(), lqi, rssi, reason)
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
    async def _configure_logged(self, device: Any) -> None:
        for attempt in range(3):
            try:
                await self.configure(device)
                return
            except Exception as exc:  # noqa: BLE001  retried, then reported
                LOGGER.warning(
                    "Configuring %s failed (%r), attempt %d", device.ieee, exc, attempt + 1
                )
                await self.clock.host.sleep(1)

    async def configure(self, device: Any) -> None:
        """Read the device's identity and scaling, bind, set reporting, subscribe."""
        eui = str(device.ieee)
        ep = next(e for i, e in device.endpoints.items() if i != 0)
        basic = ep.in_clusters.get(0x0000)
        firmware = None
        if basic is not None:
            got, _ = await basic.read_attributes(["sw_build_id"])
            firmware = got.get("sw_build_id") or got.get(0x4000)
        known = self.registry.get(eui)
        role = known.role if known is not None else Role.OTHER
        scaling: dict[str, int] = {}
        metering = ep.in_clusters.get(METERING)
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
        elif PRICE not in ep.in_clusters and ep.device_type == 0x0502:
            role = Role.DISPLAY
        price = ep.in_clusters.get(PRICE)
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
                # The gas meter pushes its register every 30 min to our mirror; this
                # configuration also ends its pairing mode so it can sleep.
                await metering.configure_reporting("current_summ_delivered", 1800, 1800, 1)
        if price is not None and role == Role.ELECTRICITY:
            await price.bind()
            # The meter answers GetCurrentPrice with PublishPrice on the same sequence number
            answer = await price.get_current_price(command_options=0)
            if hasattr(answer, "price_trailing_digit_and_tier"):
                self._command(eui, PRICE, 0x00, answer)
        prepayment = ep.in_clusters.get(PREPAYMENT)
        if prepayment is not None:
            await prepayment.bind()
            got, _ = await prepayment.read_attributes(
                [
                    "emergency_credit_limit_allowance",
                    "emergency_credit_threshold",
                    "low_credit_warning_level",
                    "debt_recovery_amount_per_day",
                    "price_trailing_digit",
                    *PREPAYMENT_REPORTING,
                ]
            )
            snapshot = self._prepayment.setdefault(eui, {})
            for name, value in got.items():
                snapshot[prepayment.attributes_by_name[name].id] = value
            defs = prepayment.AttributeDefs
            await prepayment.configure_reporting_multiple(
                {getattr(defs, name): ReportingConfig(60, 1800, 1) for name in PREPAYMENT_REPORTING}
            )
            self._emit_prepayment(record, snapshot)
        if MESSAGING in ep.in_clusters:
            await ep.in_clusters[MESSAGING].bind()
        self.registry.upsert(eui, state=InstallState.CONFIGURED)
        self._emit(
            DeviceEvent(DeviceEventKind.CONFIGURED, eui, self.now(), device.lqi, device.rssi)
        )

    async def _read_into_readings(self, device: Any, cluster: Any, names: list[str]) -> None:
        got, _ = await cluster.read_attributes(names)
        record = self.registry.get(str(device.ieee))
        adapter = ReadingAdapter(record, self.now())  # type: ignore[arg-type]
        for name, value in got.items():
            reading = adapter.attribute(
                cluster.cluster_id, cluster.attributes_by_name[name].id, value
            )
            if reading is not None:
                self._reading(reading)

    def _listen(self, device: Any, ep: Any) -> None:
        eui = str(device.ieee)
        for cluster in ep.in_clusters.values():
            if getattr(cluster, "_han_listening", False):
                continue
            cluster._han_listening = True
            cluster.on_event("attribute_report", self._on_report)
            if cluster.cluster_id in (PRICE, MESSAGING):
                cluster.add_listener(_CommandListener(self, eui, cluster.cluster_id))

    def _on_report(self, event: Any) -> None:
        record = self.registry.get(event.device_ieee)
        if record is None:
            return
        now = self.now()
        device = self.app.devices.get(t.EUI64.convert(event.device_ieee))
        self.registry.upsert(
            event.device_ieee,
            last_seen=now,
            lqi=getattr(device, "lqi", None),
            rssi=getattr(device, "rssi", None),
        )
        if event.cluster_id == PREPAYMENT:
            snapshot = self._prepayment.setdefault(event.device_ieee, {})
            snapshot[event.attribute_id] = event.value
            # credit status comes last in the meter's report frame: emit once per frame
            if event.attribute_id in (0x0003, 0x0005):
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
        if cluster_id == PRICE and command_id == 0x00:
            self._reading(adapter.publish_price(args))
        elif cluster_id == MESSAGING and command_id == 0x00:
            self._reading(adapter.display_message(args))

    # ---- readings -------------------------------------------------------------
    def _reading(self, reading: Reading) -> None:
        key = (reading.fuel, reading.kind)
        if reading.kind != ReadingKind.TIER_SUMMATION:
            self._latest[key] = reading
        for hook in self.reading_hooks:
            try:
                hook(reading)
            except Exception:  # noqa: BLE001  history trouble must not stop live values
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

    # ---- occupier actions -----------------------------------------------------
    async def activate_emergency_credit(self) -> bool:
        for record in self.registry.by_role(Role.ELECTRICITY):
            device = self.app.devices.get(t.EUI64.convert(record.eui64))
            cluster = device and device.endpoints[1].in_clusters.get(PREPAYMENT)
            if cluster is not None:
                await cluster.select_available_emergency_credit(
                    command_issue_date_time=int((self.now() - _ZCL_EPOCH).total_seconds()),
                    originating_device=2,
                )  # 2: in-home display
                return True
        return False


_ZCL_EPOCH = datetime(2000, 1, 1, tzinfo=UTC)


class _CommandListener:
    """zigpy cluster listener for cluster-specific commands (PublishPrice, DisplayMessage)."""

    def __init__(self, gateway: Gateway, eui: str, cluster_id: int) -> None:
        self.gateway, self.eui, self.cluster_id = gateway, eui, cluster_id

    def cluster_command(self, tsn: int, command_id: int, args: Any) -> None:
        self.gateway._command(self.eui, self.cluster_id, command_id, args)
