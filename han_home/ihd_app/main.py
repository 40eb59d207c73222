"""ihd-app entry point: the in-home display, on the virtual home by default."""

from __future__ import annotations

import gc
import sys
import threading
from pathlib import Path
from typing import Any


def check_history(path: Path) -> bool:
    """Refuse an unusable history database before anything starts (StoreError, one line).
    Returns True when it is a gateway's database: the display then opens it read-only and
    never writes into it."""
    from han_home.shared.private_files import private_dir
    from han_home.shared.store.history import (
        APP_ID_DISPLAY,
        APP_ID_GATEWAY,
        HistoryStore,
        database_owner,
    )

    readonly = path.is_file() and database_owner(path) == APP_ID_GATEWAY
    if not path.exists() and not path.parent.exists():
        private_dir(path.parent)
    HistoryStore(path, readonly=readonly, owner=APP_ID_DISPLAY).close()
    return readonly


class HistoryCheck:
    """``check_history`` on a thread of its own, started before Qt is imported.

    Most of the check is SQLite's integrity scan (``PRAGMA quick_check``, ~10 ms on a year of
    half-hours), which runs without Python's GIL, so it overlaps the ~50 ms of loading Qt
    and the display's modules instead of adding to them. Its guarantee is the same as
    before: ``result()`` waits for it, and the display calls that before it creates the
    Qt application or reads a single figure from the file, so a damaged or foreign
    database is refused (one line, exit 2) before anything is shown or read from it."""

    def __init__(self, path: Path) -> None:
        # everything the check imports, imported here: two threads importing the same
        # modules at once can see each other's half-initialised modules
        import han_home.shared.private_files
        import han_home.shared.store.history  # noqa: F401

        self.path = path
        self._readonly = False
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, name="history-check", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        try:
            self._readonly = check_history(self.path)
        except BaseException as exc:  # re-raised in the caller's thread by result()
            self._error = exc

    def result(self) -> bool:
        """check_history's answer (True: a gateway's database, opened read-only), or its
        StoreError, once the check has finished."""
        self._thread.join()
        if self._error is not None:
            raise self._error
        return self._readonly


def main(argv: list[str] | None = None) -> int:
    from han_home.shared import dataclass_code, regex_code

    # before the modules that define the display's dataclasses and compile patterns
    regex_code.install("ihd-first-frame")
    dataclass_code.install("ihd-first-frame")
    # No cyclic garbage collection until the first frame is up: start-up creates many
    # long-lived objects (modules, classes, widgets) and few cycles, and collections during
    # it cost ~9 ms before the first frame.
    gc.disable()
    try:
        started = _start(list(sys.argv[1:] if argv is None else argv))
    finally:
        gc.enable()
    if isinstance(started, int):
        return started
    qt_app, ihd, options = started
    dataclass_code.save()  # written once: later starts define these without compiling
    regex_code.save()  # and compile these patterns without parsing them
    from han_home.shared import pyside_support_code

    pyside_support_code.save()  # and import PySide6 without compiling its support code
    dataclass_code.begin("ihd-han")  # asyncio's, zigpy's, the gateway's: after the frame

    import asyncio
    import signal

    import qasync

    loop = qasync.QEventLoop(qt_app)
    asyncio.set_event_loop(loop)
    done = asyncio.Event()
    exit_code = 0

    async def run() -> None:
        nonlocal exit_code
        await ihd.open_history()
        qt_app.lastWindowClosed.connect(done.set)
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, done.set)
        await ihd.start_han()
        # what start-up built lives as long as the process: keep it out of every later
        # collection (shorter pauses between readings, less idle CPU)
        gc.freeze()
        dataclass_code.finish()
        if options.screenshot is not None:
            try:
                await ihd.screenshot(options.screenshot)
            except TimeoutError:
                print(f"ihd-app: error: no live data within {options.timeout:g} s", file=sys.stderr)
                exit_code = 1
            done.set()
        await done.wait()
        await ihd.stop()

    with loop:
        loop.run_until_complete(run())
    return exit_code


def _start(argv: list[str]) -> int | tuple[Any, Any, Any]:
    """Arguments, settings, the history check and the first frame: an exit status, or the
    Qt application, the display and the options once the first frame is painted."""
    import logging

    from han_home.ihd_app.cli import parse
    from han_home.ihd_app.settings import SettingsStore, data_dir
    from han_home.shared.cli_args import error_line, language_from_env, language_in_argv
    from han_home.shared.i18n.catalog import set_language

    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    set_language(language_in_argv(argv) or language_from_env("IHD_LANG"))
    settings_store = SettingsStore()
    settings = settings_store.load()  # a bad file: defaults and one warning, never a crash
    set_language(language_in_argv(argv) or settings.language)
    options = parse(argv)  # exits 2 with one line on bad arguments
    if options.kiosk_files is not None:
        from han_home.ihd_app.kiosk import write_kiosk_files

        try:
            for path in write_kiosk_files(options.kiosk_files):
                print(path)
        except OSError as exc:
            from han_home.shared.i18n import _

            reason = exc.strerror or type(exc).__name__
            print(error_line("ihd-app", _("Cannot write the kiosk files into %(folder)s: "
                                          "%(reason)s.") % {"folder": options.kiosk_files,
                                                           "reason": reason}), file=sys.stderr)
            return 2
        return 0
    from han_home.shared.store.history import StoreError

    check = HistoryCheck(options.db or data_dir() / "ihd-history.db")
    try:
        qt_app, ihd = _first_frame(options, settings_store, check)
    except StoreError as exc:
        print(error_line("ihd-app", str(exc)), file=sys.stderr)
        return 2
    return qt_app, ihd, options


# Qt-free modules the first frame imports further down (IhdApp.first_frame, the window's
# texts and status line, the benchmark marks): loaded before PySide6 (see _first_frame).
QT_FREE_FIRST_FRAME_MODULES = (
    "han_home.ihd_app.first_frame",
    "han_home.shared.han.tariffs",
    "han_home.ihd_app.ui.text",
    "han_home.ihd_app.ui.status",
    "han_home.ihd_app.bench",
)


def _first_frame(options: Any, settings_store: Any, check: HistoryCheck) -> tuple[Any, Any]:
    """The Qt application and the display, its first frame painted. StoreError (before
    the Qt application exists) if the history check refused the database."""
    # The display's Qt-free part first: once PySide6 is loaded it hooks every import
    # statement (~3.5 us each) and reads the source of every module imported after it.
    import importlib

    from han_home.ihd_app.app import IhdApp

    for name in QT_FREE_FIRST_FRAME_MODULES:
        importlib.import_module(name)
    from han_home.shared import pyside_support_code

    with pyside_support_code.kept_while_importing("ihd"):  # not compiled again each start
        from PySide6.QtWidgets import QApplication

    from han_home.shared.ui.pyside_imports import lighten_pyside_import_scan

    lighten_pyside_import_scan()  # before the Qt screens, zigpy and the sim load

    readonly = check.result()  # the database is checked before any window or figure
    qt_app = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(qt_app, QApplication)
    qt_app.setApplicationName("ihd-app")
    ihd = IhdApp(options, settings_store)
    ihd.history_readonly = readonly  # a gateway's database: shown, never written
    ihd.history_checked = True  # its integrity scan is done: not run again for the frame
    ihd.first_frame()  # painted before the event loop, asyncio and zigpy are loaded
    return qt_app, ihd


if __name__ == "__main__":
    sys.exit(main())
