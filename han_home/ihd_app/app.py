"""Start-up: first frame from the last known values, then the HAN, then live values.

Order matters on a small kiosk board: the window paints from the history database before
zigpy (the heaviest import) is even loaded (issue 3, "Kiosk and start-up").
"""

from __future__ import annotations

import logging
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from han_home.ihd_app.cli import Options
from han_home.ihd_app.model import DisplayModel
from han_home.ihd_app.settings import Settings, SettingsStore, data_dir

LOGGER = logging.getLogger(__name__)


def default_tariffs(radio: str) -> Any:
    """The tariff the first frame prices with, before the gateway is up: the virtual home's
    demo tariff, or none for a real home (its gateway brings the real one)."""
    from han_home.shared.han.tariffs import Tariffs, from_supplier_tariff

    if radio != "sim":
        return Tariffs.unknown()
    from han_home.shared.energy.supplier_tariff import SupplierTariff

    return from_supplier_tariff(SupplierTariff())


class IhdApp:
    """Owns the model, the window and (once started) the gateway."""

    def __init__(self, options: Options, settings_store: SettingsStore | None = None) -> None:
        self.options = options
        self.settings_store = settings_store or SettingsStore()
        self.settings = self._initial_settings()
        self.gateway: Any = None
        self.feed: Any = None
        self.history: Any = None
        self.model: DisplayModel | None = None
        self.window: Any = None
        self.marks: dict[str, float] = {"start": time.perf_counter()}
        self.live: Any = None  # asyncio.Event, set when the first live reading arrives
        self.latency: Any = None  # bench.RepaintLatency when HAN_HOME_BENCH=1
        self.tasks: Any = None  # shared.ui.background.BackgroundTasks, once the HAN starts
        # a gateway's database is shown, never written (main.check_history decides)
        self.history_readonly = False
        # main.HistoryCheck has run the file's full check (integrity scan included) in this
        # process: the first frame's read-only look does not scan it a second time
        self.history_checked = False

    def _initial_settings(self) -> Settings:
        s = self.settings_store.load()  # warns (once per store) about a bad file
        o = self.options
        changes: dict[str, object] = {}
        if o.lang:
            changes["language"] = o.lang
        if o.theme:
            changes["theme"] = o.theme
        if o.text_scale:
            changes["text_scale"] = o.text_scale
        if o.screen:
            changes["screen"] = o.screen
        return s.changed(**changes) if changes else s

    def settings_changed(self, settings: Settings) -> None:
        from han_home.shared.i18n.catalog import set_language

        language_changed = settings.language != self.settings.language
        self.settings = settings
        if self.model is not None:
            self.model.settings = settings
        if language_changed:
            set_language(settings.language)
        if self.options.screenshot is None:  # a documentation run must not move the kiosk
            self.settings_store.save(settings)

    def _clock(self) -> datetime:
        if self.gateway is not None:
            return self.gateway.now()
        return self.options.sim_start or datetime.now(UTC)

    def history_path(self) -> Path:
        from han_home.shared.private_files import private_dir

        path = self.options.db or data_dir() / "ihd-history.db"
        private_dir(path.parent)  # folders it creates are 0700; existing ones are left alone
        return path

    def first_frame(self) -> None:
        """Build and paint the window with the last known values, marked with their age,
        before asyncio, qasync or zigpy are imported (issue 3: first frame budget)."""
        from PySide6.QtWidgets import QApplication

        from han_home.ihd_app.first_frame import SyncHistory, run_now
        from han_home.shared.i18n.catalog import set_language
        from han_home.shared.store.history import APP_ID_DISPLAY, HistoryStore

        set_language(self.settings.language)
        store = HistoryStore(self.history_path(), readonly=self.history_readonly,
                             owner=APP_ID_DISPLAY, integrity_checked=self.history_checked)
        try:
            tariffs = default_tariffs(self.options.radio)
            self.model = DisplayModel(SyncHistory(store), tariffs, self._clock, self.settings)
            # on Now, only what Now shows: open_history reads the rest off the UI thread
            run_now(self.model.load_last_known(now_only=self.settings.screen == "now"))
        finally:
            store.close()
        from han_home.ihd_app.ui.window import MainWindow

        self.window = MainWindow(self.model, self.settings, self.settings_changed,
                                 kiosk=self.options.kiosk)
        if self.options.size:
            self.window.resize(*self.options.size)
        elif not self.options.kiosk:
            self.window.resize(800, 480)
        from han_home.ihd_app import bench

        painted = bench.paint_probe(self.window) if bench.ENABLED else None
        if self.options.kiosk:
            self.window.showFullScreen()
        else:
            self.window.show()
        self.window.show_screen(self.settings.screen)
        QApplication.processEvents()  # paint now: no event loop is running yet
        self.marks["first_frame"] = time.perf_counter()
        self.window.build_screens_when_idle()
        if painted is not None:
            bench.emit("first_frame", painted=painted.seen)
            self.latency = bench.make_repaint_latency(self.window.screens["now"].power.figure)

    async def open_history(self) -> None:
        """From here on the model reads history on a worker thread, off the UI thread."""
        from han_home.shared.store.async_history import AsyncHistory
        from han_home.shared.store.history import APP_ID_DISPLAY

        self.history = AsyncHistory(self.history_path(), readonly=self.history_readonly,
                                    owner=APP_ID_DISPLAY)
        await self.history.ready()
        assert self.model is not None
        self.model.history = self.history
        await self.model.refresh_usage()  # the weeks, months and charts the first frame skipped

    async def start_han(self) -> None:
        """Heavy part: zigpy, the radio, commissioning. Runs after the first paint."""
        import asyncio

        if self.options.radio == "sim":  # zigpy's clusters no virtual device carries
            from han_home.shared.han.deferred_imports import defer_zigpy_clusters

            defer_zigpy_clusters()
        from han_home.shared.han.history_feed import HistoryFeed, virtual_home_start
        from han_home.shared.han.setup import RadioOptions, build_gateway

        self.live = asyncio.Event()

        o = self.options
        sim_start = o.sim_start
        if o.radio == "sim":
            sim_start = await virtual_home_start(self.history, sim_start)
        self.gateway = build_gateway(
            RadioOptions(o.radio, o.device, o.sim_seed, sim_start, o.sim_speed)
        )
        self.feed = HistoryFeed(self.history, self.gateway.tariffs,
                                store=not self.history_readonly)
        await self.feed.resume()  # the last run's registers and open half-hour
        self.feed.connect(self.gateway)  # readings, gap profiles, first-start backfill
        assert self.model is not None
        if self.latency is not None:  # timed from before the model sees the reading
            self.gateway.subscribe(self._on_reading_arrival)
        self.model.attach(self.gateway, self.feed)
        self.gateway.subscribe(self._on_event)
        await self.gateway.start()
        self.marks["han_up"] = time.perf_counter()
        from han_home.shared.i18n import _
        from han_home.shared.ui.background import BackgroundTasks, run_in_background

        self.tasks = BackgroundTasks()
        run_in_background(  # bounded by its own join window
            self.window, self.gateway.commission_expected(),
            timeout_s=self.gateway.config.join_window_s + 60.0, group=self.tasks,
            describe=lambda _exc: _("This display could not connect to your meters. Restart "
                                    "it, or contact your supplier if this happens again."))
        if o.radio == "sim":  # the virtual home's gateway gets its demo certificate
            # when Settings first shows the certificates (ihd_app/changes.py)
            self.model.changes.read_certificates_with(lambda: run_in_background(
                self.window, self._certificates(), timeout_s=None, group=self.tasks,
                describe=lambda _exc: ""))

    async def _certificates(self) -> None:
        """Settings shows the gateway's and the meter's certificates (issue 9); never fatal."""
        from han_home.ihd_app.changes import load_certificates
        from han_home.shared.sim.demo_pki import give_gateway_identity

        try:
            assert self.live is not None
            await self.live.wait()  # the meters are commissioned and reporting
            give_gateway_identity(self.gateway)
            assert self.model is not None
            await load_certificates(self.gateway, self.model.changes)
        except Exception:  # certificates are shown when known; the display runs on
            logging.getLogger(__name__).warning("Certificates not read", exc_info=True)

    def _on_reading_arrival(self, event: Any) -> None:
        from han_home.shared.han.client import ReadingEvent

        if isinstance(event, ReadingEvent) and event.reading.kind == "demand":
            self.latency.reading_arrived()

    def _on_event(self, event: Any) -> None:
        from han_home.shared.han.client import ReadingEvent

        if isinstance(event, ReadingEvent) and event.reading.kind == "demand":
            if self.live is not None and not self.live.is_set():
                self.marks["first_live_value"] = time.perf_counter()
                from han_home.ihd_app import bench

                bench.emit("first_live_value")
                self.live.set()

    async def stop(self) -> None:
        """Cancel and await everything started, so nothing runs after this returns."""
        if self.latency is not None:
            self.latency.report()
        if self.tasks is not None:
            await self.tasks.stop()
        if self.feed is not None:
            await self.feed.stop_asking()
        if self.gateway is not None:
            await self.gateway.stop()
        if self.model is not None:
            await self.model.close()
        if self.feed is not None:
            self.feed.flush(self.gateway.now())
            await self.feed.drain()
        if self.history is not None:
            await self.history.close()

    async def screenshot(self, path: Path) -> None:
        """Wait for live data (and the usage history it brings), then save the window."""
        import asyncio

        await asyncio.wait_for(self.live.wait(), self.options.timeout)
        assert self.model is not None
        await self.model.refresh_usage()
        await asyncio.sleep(0.3)  # let the last repaint land, from Qt's own loop
        path.parent.mkdir(parents=True, exist_ok=True)
        if not self.window.grab().save(str(path)):
            raise OSError(f"could not write {path}")
