"""Headless commissioning over the gateway: pair, configure, verify (no Qt).

``JobRunner`` drives one ``Job`` on a started ``Gateway``:

* ``pair()`` opens one join window; each listed device is permitted with its own link key;
  arrivals are tracked through joined -> interviewed -> configured; unlisted joiners are
  refused by the trust centre and recorded; expiry and an early ``close_window()`` end it;
  a radio loss pauses the countdown and the window is re-opened on reconnection.
  The keys are wiped as soon as the window closes.
* ``verify()`` takes a live reading from each device and grades its link.

The GUI and ``installer-app commission`` use the same runner, so their reports agree.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from han_home.installer_app.job import TYPE_OF_ROLE, DeviceEntry, Job, Stage
from han_home.installer_app.report import FIRMWARE_ANSWER
from han_home.shared.energy.readings import Reading, ReadingKind
from han_home.shared.han.client import (
    DeviceEvent,
    DeviceEventKind,
    HanEvent,
    RadioEvent,
    RadioState,
    ReadingEvent,
)
from han_home.shared.han.clock import wait_or_timeout
from han_home.shared.han.gateway import Gateway
from han_home.shared.han.registry import Role
from han_home.shared.han.zcl_ids import BASIC_CLUSTER, METERING_CLUSTER

LOGGER = logging.getLogger(__name__)
DEFAULT_WINDOW_S = 180
CONFIGURE_GRACE_S = 60.0  # after the last join, how long configuration may take
# how long a device shows its identify signal: long enough to walk to the meter cupboard
IDENTIFY_S = 300

Listener = Callable[[str], None]

_PROGRESS = {Stage.LISTED: 0, Stage.WAITING: 0, Stage.NOT_JOINED: 0, Stage.LEFT: 0,
             Stage.FOREIGN: 0,
             Stage.JOINED: 40, Stage.INTERVIEWED: 70, Stage.CONFIG_FAILED: 70,
             Stage.CONFIGURED: 100, Stage.VERIFIED: 100}


def progress_of(entry: DeviceEntry) -> int:
    """Interview progress in percent, for a progress bar per device."""
    return _PROGRESS[entry.stage]


@dataclass
class PairOutcome:
    all_configured: bool
    reason: str  # all_joined | expired | closed
    unlisted_admitted: list[str]

    @property
    def ok(self) -> bool:
        return self.all_configured and not self.unlisted_admitted


class JobRunner:
    def __init__(self, gateway: Gateway, job: Job, *, offer_corrections: bool = False) -> None:
        self.gw = gateway
        self.job = job
        # the GUI offers a one-step correction of a mistyped EUI-64 (its key is kept)
        self.offer_corrections = offer_corrections
        self.listeners: list[Listener] = []
        self.readings: dict[str, list[Reading]] = {}
        self.window_open = False
        self.paused = False
        self.wrong_key: set[str] = set()  # listed devices refused for a key mismatch
        self.unlisted_admitted: list[str] = []
        self.certificates: dict[str, Any] = {}  # eui64 -> certificate_check.CertificateCheck
        self._deadline = 0.0
        self._paused_at: float | None = None
        self._remaining_at_pause = 0.0
        self._close = asyncio.Event()
        self._changed = asyncio.Event()
        self._permit_tasks: list[asyncio.Task[None]] = []
        self._side_tasks: set[asyncio.Task[Any]] = set()
        self._unsubscribe = gateway.subscribe(self._on_event)

    # ---- plumbing -------------------------------------------------------------
    def detach(self) -> None:
        self._unsubscribe()
        for task in [*self._permit_tasks, *self._side_tasks]:
            task.cancel()

    async def stop(self) -> None:
        """Detach, and wait until the runner's own tasks have ended."""
        tasks = [*self._permit_tasks, *self._side_tasks]
        self.detach()
        await asyncio.gather(*tasks, return_exceptions=True)

    def _notify(self, what: str) -> None:
        self._changed.set()
        for listener in list(self.listeners):
            try:
                listener(what)
            except Exception:  # a bad screen must not stop the job
                LOGGER.exception("Runner listener failed")

    def _spawn(self, coro: Any) -> None:
        task = asyncio.get_running_loop().create_task(coro)
        self._side_tasks.add(task)
        task.add_done_callback(self._side_tasks.discard)

    def window_remaining(self) -> float:
        """Seconds left in the join window (frozen while the radio is away)."""
        if not self.window_open:
            return 0.0
        if self.paused:
            return self._remaining_at_pause
        return max(0.0, self._deadline - self._host_time())

    def _host_time(self) -> float:
        # the window counts the host's seconds (han_home/shared/han/clock.py): real ones on a
        # radio or a fast virtual home, a test's ManualClock seconds in tests
        return self.gw.clock.host.now().timestamp()

    def close_window(self) -> None:
        """The engineer closes the window early."""
        self._close.set()
        self._changed.set()

    def pending(self) -> list[DeviceEntry]:
        return [d for d in self.job.devices
                if d.stage in (Stage.LISTED, Stage.WAITING, Stage.NOT_JOINED, Stage.LEFT)]

    # ---- gateway events -------------------------------------------------------
    def _on_event(self, event: HanEvent) -> None:
        if isinstance(event, DeviceEvent):
            self._device_event(event)
        elif isinstance(event, RadioEvent):
            self._radio_event(event)
        elif isinstance(event, ReadingEvent):
            self.readings.setdefault(event.reading.device, []).append(event.reading)
            self._clock_offset(event.reading)

    def _device_event(self, event: DeviceEvent) -> None:
        job, eui = self.job, event.eui64
        entry = job.find(eui)
        if event.kind == DeviceEventKind.REFUSED:
            reason = event.detail or "not_listed"
            if entry is not None and reason == "wrong_key":
                self.wrong_key.add(eui)
            if job.note_refused(eui, event.at, event.lqi, event.rssi, reason,
                                event.mains_powered):
                job.add_log(event.at, event.kind.value, eui, event.detail, event.lqi,
                            event.rssi)
                if reason == "wrong_key" and entry is not None:
                    LOGGER.info("Listed device %s refused: key does not match", eui)
                else:
                    LOGGER.info("Refused unlisted joiner %s (lqi %s, rssi %s); further "
                                "attempts are counted", eui, event.lqi, event.rssi)
            self._notify("refused")
            return
        job.add_log(event.at, event.kind.value, eui, event.detail)
        if event.kind == DeviceEventKind.FOREIGN:
            self._foreign(eui, entry, event)
            return
        if entry is not None and entry.stage == Stage.FOREIGN:
            self._notify("device")  # its leaving, or a rejoin sent away again: it stays out
            return
        if entry is None:
            if event.kind == DeviceEventKind.JOINED:
                LOGGER.error("Unlisted device %s was admitted", eui)
                self.unlisted_admitted.append(eui)
            self._notify("device")
            return
        if event.kind == DeviceEventKind.JOINED:
            entry.stage = Stage.JOINED
            entry.joined_at = event.at
            entry.lqi, entry.rssi = event.lqi, event.rssi
            entry.last_seen = event.at
            self.wrong_key.discard(eui)
        elif event.kind == DeviceEventKind.INTERVIEWED:
            entry.stage = Stage.INTERVIEWED
            record = self.gw.device(eui)
            if record is not None:
                entry.model, entry.manufacturer = record.model, record.manufacturer
            self._spawn(self._read_battery(entry))
            # now, while a gas meter is still awake in pairing mode
            self._spawn(self.identify(entry))
        elif event.kind == DeviceEventKind.CONFIGURED:
            entry.stage = Stage.CONFIGURED
            entry.configured_at = event.at
            record = self.gw.device(eui)
            if record is not None:
                entry.read_type = TYPE_OF_ROLE.get(record.role)
                entry.site_id, entry.serial = record.site_id, record.serial
                entry.firmware = record.firmware
                entry.model = record.model or entry.model
                entry.manufacturer = record.manufacturer or entry.manufacturer
                entry.lqi = record.lqi if record.lqi is not None else entry.lqi
                entry.rssi = record.rssi if record.rssi is not None else entry.rssi
                entry.last_seen = record.last_seen or entry.last_seen
        elif event.kind == DeviceEventKind.CONFIG_FAILED:
            entry.stage = Stage.CONFIG_FAILED
            entry.config_error = event.detail
        elif event.kind == DeviceEventKind.LEFT:
            entry.stage = Stage.LEFT
        self._notify("device")

    def _clock_offset(self, reading: Reading) -> None:
        """A meter's own timestamp against the gateway's clock (the PublishPrice time)."""
        entry = self.job.find(reading.device)
        if entry is not None and reading.meter_time is not None \
                and reading.kind == ReadingKind.PRICE:
            # UTCTime has whole seconds: compare with the gateway's second it arrived in
            received = reading.received.replace(microsecond=0)
            entry.clock_offset_s = round((reading.meter_time - received).total_seconds())

    def _foreign(self, eui: str, entry: DeviceEntry | None, event: DeviceEvent) -> None:
        """A meter of other premises: never this home's, whatever the list said."""
        record = self.gw.device(eui)
        if entry is not None:
            entry.stage = Stage.FOREIGN
            entry.site_id = event.detail or None
            entry.serial = record.serial if record is not None else entry.serial
            entry.lqi = event.lqi if event.lqi is not None else entry.lqi
            entry.rssi = event.rssi if event.rssi is not None else entry.rssi
            if record is not None:
                entry.read_type = TYPE_OF_ROLE.get(record.role, entry.read_type)
                entry.model = record.model or entry.model
        elif eui in self.unlisted_admitted:
            self.unlisted_admitted.remove(eui)  # sent away before it was set up
        LOGGER.warning("%s belongs to other premises (SiteID %s)", eui, event.detail)
        self._notify("device")

    def _radio_event(self, event: RadioEvent) -> None:
        self.job.add_log(event.at, "radio_" + event.state.value)
        if event.state == RadioState.LOST:
            self.job.radio_interruptions += 1
            if self.window_open and not self.paused:
                self._remaining_at_pause = max(0.0, self._deadline - self._host_time())
            self.paused = True
        elif event.state == RadioState.CONNECTED and self.paused:
            self.paused = False
            if self.window_open:
                self._deadline = self._host_time() + self._remaining_at_pause
            self._spawn(self._reopen())
        self._notify("radio")

    async def _reopen(self) -> None:
        # The radio forgot its permits when it went away: permit the rest again.
        await asyncio.sleep(0)
        if self.window_open and not self.paused:
            self._permit(self.pending(), self.window_remaining())
            self.job.add_log(self.gw.now(), "window_reopened")
            self._notify("window")
        self._resume_interrupted()

    def _resume_interrupted(self) -> None:
        """Devices caught mid-interview or mid-configuration by the radio loss: redo them."""
        for entry in self.job.devices:
            if entry.stage in (Stage.JOINED, Stage.INTERVIEWED):
                self.gw.reconfigure(entry.eui64)  # interview or configure again (bounded)

    def _permit(self, entries: list[DeviceEntry], seconds: float) -> None:
        window = max(1, int(round(seconds)))
        for entry in entries:
            if entry.link_key.wiped:
                continue
            entry.stage = Stage.WAITING
            # One task per device: some radio libraries hold the call for the whole window.
            task = asyncio.get_running_loop().create_task(
                self._permit_one(entry.expected(), window))
            self._permit_tasks.append(task)

    async def _permit_one(self, device: Any, window: int) -> None:
        try:
            await self.gw.permit([device], window)
        except Exception as exc:  # radio gone: re-permitted on reconnection
            LOGGER.warning("Permit for %s failed: %s", device.eui64, type(exc).__name__)

    async def _read_battery(self, entry: DeviceEntry) -> None:
        """The gas meter is awake until configured: read its battery while we can."""
        try:
            value = await self.gw.read_attribute(
                entry.eui64, METERING_CLUSTER, "remaining_battery_life", timeout_s=10)
        except Exception:  # not every meter answers for a battery: then none is shown
            return
        if value is not None:
            entry.battery_pct = int(value)
            self._notify("device")

    async def identify(self, entry: DeviceEntry) -> bool:
        """Make the device show its identify signal (ZCL Identify), so the engineer can
        see which meter in the cupboard joined. True when it said it would."""
        entry.identify_sent = await self.gw.identify(entry.eui64, IDENTIFY_S)
        self.job.add_log(self.gw.now(), "identify", entry.eui64,
                         "sent" if entry.identify_sent else "not_answered")
        self._notify("device")
        return entry.identify_sent

    def confirm_identify(self, entry: DeviceEntry, seen: bool) -> None:
        """The engineer's answer: is the meter in front of them showing the signal?"""
        entry.identify = "confirmed" if seen else "denied"
        self.job.add_log(self.gw.now(), "identify_" + entry.identify, entry.eui64)
        self._notify("device")

    # ---- pairing --------------------------------------------------------------
    async def pair(self, window_s: float = DEFAULT_WINDOW_S,
                   configure_grace_s: float = CONFIGURE_GRACE_S) -> PairOutcome:
        """Open the join window for the listed devices and wait for them."""
        host = self.gw.clock.host
        job = self.job
        # the meters' SiteIDs are checked against the job's premises by the gateway
        self.gw.expect_premises(job.mpan or None, job.mprn or None)
        self._close.clear()
        job.window_opened_at = self.gw.now()
        job.window_end_reason = None
        job.add_log(job.window_opened_at, "window_opened", detail=str(int(window_s)))
        self._deadline = self._host_time() + window_s
        self.window_open = True
        self._permit(self.pending(), window_s)
        self._notify("window")
        reason = "expired"
        while True:
            if not self.pending():
                reason = "all_joined"
                break
            if self._close.is_set():
                reason = "closed"
                break
            if not self.paused and self._host_time() >= self._deadline:
                break
            self._changed.clear()
            await wait_or_timeout(host, self._changed.wait(), 0.1)
        await self._end_window(reason)
        # Joined devices finish their interview and configuration after the window closes.
        grace_end = self._host_time() + configure_grace_s
        while self._host_time() < grace_end or self.paused:
            joined = [d for d in job.devices if d.stage in (Stage.JOINED, Stage.INTERVIEWED)]
            if not joined:
                break
            await host.sleep(0.05)
        for entry in job.devices:
            if entry.stage in (Stage.WAITING, Stage.LISTED):
                entry.stage = Stage.NOT_JOINED
        self._notify("done")
        ok = all(d.stage == Stage.CONFIGURED for d in job.devices) and bool(job.devices)
        return PairOutcome(ok, reason, list(self.unlisted_admitted))

    def foreign(self) -> list[DeviceEntry]:
        """Listed meters whose SiteID names other premises."""
        return [d for d in self.job.devices if d.stage == Stage.FOREIGN]

    async def _end_window(self, reason: str) -> None:
        self.window_open = False
        for task in self._permit_tasks:
            task.cancel()
        self._permit_tasks.clear()
        try:
            await asyncio.wait_for(self.gw.close_window(), timeout=5)
        except Exception as exc:  # radio away: it closed the window itself
            LOGGER.warning("Closing the join window failed: %s", type(exc).__name__)
        self.job.corrections = self._near_misses() if self.offer_corrections else {}
        # keys live only as long as the window (but for a correction the engineer is offered)
        self.job.wipe_secrets(keep=frozenset(self.job.corrections))
        self.job.window_closed_at = self.gw.now()
        self.job.window_end_reason = reason
        self.job.add_log(self.job.window_closed_at, "window_closed", detail=reason)
        for r in self.job.refused:
            LOGGER.info("%s was refused %d times (%s)", r.eui64, r.attempts, r.reason)
        self._notify("window")

    def _near_misses(self) -> dict[str, str]:
        from han_home.installer_app.near_miss import slip

        found = {}
        for entry in self.pending():
            near = [r.eui64 for r in self.job.refused
                    if r.reason == "not_listed" and slip(entry.eui64, r.eui64) is not None]
            if len(near) == 1:  # one candidate only: never a guess between two
                found[entry.eui64] = near[0]
        return found

    async def correct(self, listed: str, window_s: float = DEFAULT_WINDOW_S) -> PairOutcome | None:
        """The engineer confirms the refused EUI-64 is the listed device's (a typing slip):
        the entry takes it and the window opens again for it alone, with its own key."""
        refused = self.job.corrections.get(listed)
        entry = self.job.find(listed)
        if refused is None or entry is None or entry.link_key.wiped:
            return None
        self.job.add_log(self.gw.now(), "corrected", refused, listed)
        entry.eui64, entry.stage = refused, Stage.LISTED
        self.job.refused = [r for r in self.job.refused if r.eui64 != refused]
        self.job.corrections.clear()
        self.offer_corrections = False  # one correction; the window wipes the key after it
        return await self.pair(window_s)

    # ---- configuration retry --------------------------------------------------
    def failed(self) -> list[DeviceEntry]:
        return [d for d in self.job.devices if d.stage == Stage.CONFIG_FAILED]

    async def reconfigure(self, entries: list[DeviceEntry]) -> bool:
        """Set these (joined) devices up again; True when every one is configured. A
        device still being set up when this ends (timeout, cancel) is marked failed again."""
        waiting = []
        for entry in entries:
            if not self.gw.reconfigure(entry.eui64):  # configures it again (three attempts)
                continue
            self.job.add_log(self.gw.now(), "config_retry", entry.eui64)
            entry.stage = Stage.INTERVIEWED
            entry.config_error = ""
            waiting.append(entry)
        self._notify("device")
        try:
            while any(e.stage == Stage.INTERVIEWED for e in waiting):
                self._changed.clear()
                await self._changed.wait()
        finally:
            for entry in waiting:
                if entry.stage == Stage.INTERVIEWED:
                    entry.stage = Stage.CONFIG_FAILED
        return bool(waiting) and all(e.stage == Stage.CONFIGURED for e in entries)

    # ---- verification ---------------------------------------------------------
    async def check_certificates(self) -> bool:
        """Each configured device's certificate (certificate_check.py); one that does not
        chain to the home's anchors is flagged (CONFIG_FAILED, with why) and so never
        verified or reported as commissioned. False if any was flagged."""
        from han_home.installer_app.certificate_check import check_certificates

        entries = {d.eui64: d for d in self.job.devices if d.stage == Stage.CONFIGURED}
        self.certificates = await check_certificates(self.gw, list(entries))
        for eui, check in self.certificates.items():
            entries[eui].certificate = tuple(check.lines())  # for the report and diagnostics
            if check.flagged:
                entries[eui].stage = Stage.CONFIG_FAILED
                entries[eui].config_error = " ".join(check.lines())
        self._notify("certificates")
        return not any(c.flagged for c in self.certificates.values())

    async def verify(self, timeout_s: float = 10.0) -> bool:
        """A live reading from each configured device, and its link graded. True if all."""
        results = await asyncio.gather(*(self._verify_one(d, timeout_s)
                                         for d in self.job.devices
                                         if d.stage in (Stage.CONFIGURED, Stage.VERIFIED)))
        self._notify("verified")
        return bool(results) and all(results) and len(results) == len(self.job.devices)

    async def _verify_one(self, entry: DeviceEntry, timeout_s: float) -> bool:
        reading = self._latest_reading(entry)
        live: tuple[str, datetime] | None = None
        if reading is not None:
            live = (f"{reading.value} {reading.unit}".strip(), reading.received)
        elif entry.read_type != TYPE_OF_ROLE[Role.GAS]:
            # a sleeping gas meter is never polled (its mirror has its values)
            live = await self._poll(entry, timeout_s)
        lqi, rssi = self.gw.link_quality(entry.eui64)
        entry.lqi = lqi if lqi is not None else entry.lqi
        entry.rssi = rssi if rssi is not None else entry.rssi
        if live is None:
            return False
        entry.live_reading, entry.live_reading_at = live
        entry.last_seen = max(filter(None, [entry.last_seen, live[1]]))
        entry.stage = Stage.VERIFIED
        self._notify("device")
        return True

    def _latest_reading(self, entry: DeviceEntry) -> Reading | None:
        wanted = (ReadingKind.SUMMATION, ReadingKind.DEMAND)
        got = [r for r in self.readings.get(entry.eui64, []) if r.kind in wanted]
        return got[-1] if got else None

    async def _poll(self, entry: DeviceEntry, timeout_s: float) -> tuple[str, datetime] | None:
        """Ask the device now: its Basic cluster's software build (every device has one)."""
        try:
            build = await self.gw.read_attribute(entry.eui64, BASIC_CLUSTER, "sw_build_id",
                                                 timeout_s)
        except Exception:  # no answer: the device is reported as not verified
            return None
        if build is None:
            return None
        entry.firmware = entry.firmware or str(build)
        return f"{FIRMWARE_ANSWER}{build}", self.gw.now()


def status_message(entry: DeviceEntry, runner: JobRunner | None = None) -> str:
    """One sentence on where a device stands, and what to do if it is stuck."""
    from han_home.shared.i18n import _

    stage = entry.stage
    if stage in (Stage.NOT_JOINED, Stage.WAITING, Stage.LISTED) and runner is not None \
            and entry.eui64 in runner.wrong_key:
        return _("The device tried to join, but its key does not match the install code "
                 "entered: check the code on its label and re-type it.")
    if stage == Stage.FOREIGN:
        job = runner.job if runner is not None else None
        return foreign_message(entry, _expected_site(entry, job))
    if stage == Stage.NOT_JOINED:
        return _("The device did not join before the window closed: check it is powered and "
                 "in pairing mode, then open the window again.")
    if stage == Stage.LISTED:
        return _("Listed, waiting for the join window.")
    if stage == Stage.WAITING:
        return _("Waiting for the device to join…")
    if stage == Stage.JOINED:
        return _("Joined; answering the interview…")
    if stage == Stage.INTERVIEWED:
        return _("Interviewed; setting up bindings and reporting…")
    if stage == Stage.CONFIG_FAILED:
        return _("Set-up failed three times: check the device, then press Retry set-up.")
    if stage == Stage.CONFIGURED:
        return _("Configured.")
    if stage == Stage.VERIFIED:
        return _("Configured and verified with a live reading.")
    return _("The device left the network.")


def _expected_site(entry: DeviceEntry, job: Job | None) -> str:
    if job is None:
        return "?"
    gas = (entry.read_type or entry.entered_type) == TYPE_OF_ROLE[Role.GAS]
    return (job.mprn if gas else job.mpan) or "?"


def foreign_message(entry: DeviceEntry, expected: str = "?") -> str:
    """Plain words for a meter of other premises: which premises it says it is in."""
    from han_home.shared.i18n import _

    p = {"site": entry.site_id or "?", "serial": entry.serial or "?", "expected": expected}
    return _("This meter belongs to other premises: its premises number is %(site)s, not "
             "this job's %(expected)s. It was told to leave and is not this home's meter. "
             "Its serial number is %(serial)s: find the meter with this home's number and "
             "list that one instead.") % p


async def run_job(gateway: Gateway, job: Job, window_s: float = DEFAULT_WINDOW_S,
                  on_runner: Callable[[JobRunner], None] | None = None) -> tuple[bool, JobRunner]:
    """Pair, then verify. True only if every listed device joined, was configured and
    answered, and no unlisted device was admitted."""
    runner = JobRunner(gateway, job)
    if on_runner is not None:
        on_runner(runner)
    try:
        outcome = await runner.pair(window_s)
        await runner.check_certificates()  # issue 9: a device that does not chain is flagged
        verified = await runner.verify()  # the devices that did arrive are still checked
        return outcome.ok and verified and not runner.unlisted_admitted, runner
    finally:
        runner.detach()


def now_pair(gw: Gateway) -> tuple[datetime, datetime]:
    """(UTC, local) now for the job header."""
    from zoneinfo import ZoneInfo

    utc = gw.now()
    return utc, utc.astimezone(ZoneInfo("Europe/London"))
