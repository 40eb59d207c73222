"""The bridge between the asyncio job (gateway, runner) and the Qt screens."""

from __future__ import annotations

import logging
from collections.abc import Coroutine
from typing import Any, TypeVar

from PySide6.QtCore import QObject, Signal

from han_home.installer_app import report
from han_home.installer_app.commission import DEFAULT_WINDOW_S, JobRunner, PairOutcome
from han_home.installer_app.diagnostics import ScanResult, energy_scan
from han_home.installer_app.job import Job, Stage
from han_home.installer_app.verdict import Verdict, judge
from han_home.shared.han.client import DeviceEvent, HanEvent, RadioEvent, RadioState
from han_home.shared.han.gateway import Gateway
from han_home.shared.han.pcap import HanFrame
from han_home.shared.ui.background import BackgroundTask, BackgroundTasks, run_in_background

LOGGER = logging.getLogger(__name__)
T = TypeVar("T")


class Controller(QObject):
    """Owns the job and its gateway; screens listen to ``changed(what)``."""

    changed = Signal(str)  # device | window | refused | radio | verified | scan | log | done
    scan_progress = Signal(int, int)
    navigate = Signal(str)  # a page asks the window to show another page (its key)

    def __init__(self, gateway: Gateway | None, job: Job | None = None, radio: str = "sim"
                 ) -> None:
        super().__init__()
        self.gw = gateway
        self.job = job or Job()
        self.radio = radio
        self.runner: JobRunner | None = None
        self.capture: list[HanFrame] = []  # the last join window's frames (pcap)
        self.capture_pan_id = 0xFFFF
        self.outcome: PairOutcome | None = None
        self.verified: bool | None = None
        self.scan: ScanResult | None = None
        self.scanning = False
        self.pairing = False
        self.radio_state = RadioState.LOST if gateway is not None else None
        self.retrying = False
        self.tasks = BackgroundTasks()  # everything the pages started: ended by stop()
        if gateway is not None:
            gateway.subscribe(self._on_event)

    # ---- life -------------------------------------------------------------------
    async def start(self) -> None:
        if self.gw is not None:
            await self.gw.start()
            if self.gw.config.sim_home is not None:  # certificates checked (issue 9)
                from han_home.shared.sim.demo_pki import give_gateway_identity

                give_gateway_identity(self.gw)
            self.job.started_at = self.gw.now()
            self.radio_state = self.gw.radio_state
            self.changed.emit("radio")

    async def stop(self) -> None:
        """Cancel and await the pages' tasks and the runner's, then stop the gateway."""
        await self.tasks.stop()
        if self.runner is not None:
            await self.runner.stop()
        self.job.wipe_secrets()
        if self.gw is not None:
            await self.gw.stop()

    def run(self, owner: QObject, work: Coroutine[Any, Any, T], **options: Any
            ) -> BackgroundTask[T]:
        """Run job work for a page (shared.ui.background), tracked so stop() ends it."""
        return run_in_background(owner, work, group=self.tasks, **options)

    def _on_event(self, event: HanEvent) -> None:
        if isinstance(event, RadioEvent):
            self.radio_state = event.state
            if self.runner is None:
                self.job.add_log(event.at, "radio_" + event.state.value)
            self.changed.emit("radio")
        elif isinstance(event, DeviceEvent) and self.runner is None:
            self.job.add_log(event.at, event.kind.value, event.eui64, event.detail)
            self.changed.emit("log")

    # ---- job --------------------------------------------------------------------
    @property
    def paused(self) -> bool:
        return self.radio_state in (RadioState.LOST, RadioState.RECONNECTING)

    def window_remaining(self) -> float:
        return self.runner.window_remaining() if self.runner is not None else 0.0

    async def pair(self, window_s: float = DEFAULT_WINDOW_S, correct: str = ""
                   ) -> PairOutcome | None:
        """Open the join window for the listed devices; with ``correct`` (a listed EUI-64
        in job.corrections), first give that entry the refused EUI-64 it was mistyped as."""
        if self.gw is None or self.pairing or not self.job.devices:
            return None
        self.pairing = True
        self.outcome = None
        runner = JobRunner(self.gw, self.job, offer_corrections=True)
        runner.listeners.append(self.changed.emit)
        self.runner = runner
        self.gw.start_capture()  # the join window's traffic, for "Save HAN capture"
        try:
            self.outcome = await (runner.correct(correct, window_s) if correct else
                                  runner.pair(window_s))
            self.verified = await runner.verify()
        finally:
            self.capture = self.gw.stop_capture()
            self.capture_pan_id = self.gw.pan_id()
            runner.detach()
            self.pairing = False
            self.changed.emit("done")
        return self.outcome

    def close_window(self) -> None:
        if self.runner is not None:
            self.runner.close_window()

    async def verify(self) -> bool:
        if self.runner is None:
            return False
        runner = JobRunner(self.gw, self.job) if self.gw is not None else None
        if runner is None:
            return False
        runner.readings = self.runner.readings
        try:
            self.verified = await runner.verify()
        finally:
            runner.detach()
        self.changed.emit("verified")
        return bool(self.verified)

    async def retry_configure(self) -> bool:
        """Set up again every device whose configuration failed, then check them."""
        if self.gw is None or self.retrying:
            return False
        failed = [d for d in self.job.devices if d.stage == Stage.CONFIG_FAILED]
        if not failed:
            return False
        self.retrying = True
        live = self.pairing and self.runner is not None
        runner = self.runner if live and self.runner is not None else JobRunner(self.gw, self.job)
        if runner is not self.runner:
            runner.listeners.append(self.changed.emit)
            if self.runner is not None:
                runner.readings = self.runner.readings
        try:
            ok = await runner.reconfigure(failed)
        finally:
            if runner is not self.runner:
                await runner.stop()
            self.retrying = False
            self.changed.emit("device")
        if ok and not live and self.outcome is not None:
            everyone = all(d.stage in (Stage.CONFIGURED, Stage.VERIFIED) for d in self.job.devices)
            self.outcome = PairOutcome(everyone, self.outcome.reason,
                                       self.outcome.unlisted_admitted)
            await self.verify()
        return ok

    async def energy_scan(self) -> ScanResult | None:
        if self.gw is None or self.scanning:
            return None
        self.scanning = True
        self.changed.emit("scan")
        try:
            self.scan = await energy_scan(self.gw, lambda i, n: self.scan_progress.emit(i, n))
            self.job.channel = self.scan.current
        finally:
            self.scanning = False
            self.changed.emit("scan")
        return self.scan

    def ok(self) -> bool:
        return bool(self.outcome and self.outcome.ok and self.verified)

    def report_data(self) -> dict[str, Any]:
        diagnostics = {"energy_scan": self.scan.as_dict()} if self.scan else {}
        return report.build(self.job, radio=self.radio, diagnostics=diagnostics,
                            verdict=self.verdict())

    def verdict(self) -> Verdict:
        """The job's one verdict (the Verify page and the reports show the same)."""
        return judge(self.job, self.outcome.unlisted_admitted if self.outcome else ())

    def battery(self) -> dict[str, int]:
        return {d.eui64: d.battery_pct for d in self.job.devices if d.battery_pct is not None}
