"""ihd-app entry point: the in-home display, on the virtual home by default."""

from __future__ import annotations

import gc
import logging
import signal
import sys
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


def main(argv: list[str] | None = None) -> int:
    from han_home.ihd_app.cli import parse
    from han_home.ihd_app.settings import SettingsStore, data_dir
    from han_home.shared.cli_args import error_line, language_from_env, language_in_argv
    from han_home.shared.i18n.catalog import set_language

    argv = list(sys.argv[1:] if argv is None else argv)
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

    try:
        readonly = check_history(options.db or data_dir() / "ihd-history.db")
    except StoreError as exc:
        print(error_line("ihd-app", str(exc)), file=sys.stderr)
        return 2

    # No cyclic garbage collection until the first frame is up: start-up creates many
    # long-lived objects (modules, classes, widgets) and few cycles, and collections during
    # it cost ~7 ms before the first frame.
    gc.disable()
    try:
        qt_app, ihd = _first_frame(options, settings_store, readonly)
    finally:
        gc.enable()

    import asyncio

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


def _first_frame(options: Any, settings_store: Any, readonly: bool) -> tuple[Any, Any]:
    """The Qt application and the display, its first frame painted."""
    from PySide6.QtWidgets import QApplication

    from han_home.shared.ui.pyside_imports import lighten_pyside_import_scan

    lighten_pyside_import_scan()  # before the app's own modules, zigpy and the sim load
    from han_home.ihd_app.app import IhdApp

    qt_app = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(qt_app, QApplication)
    qt_app.setApplicationName("ihd-app")
    ihd = IhdApp(options, settings_store)
    ihd.history_readonly = readonly  # a gateway's database: shown, never written
    ihd.first_frame()  # painted before the event loop, asyncio and zigpy are loaded
    return qt_app, ihd


if __name__ == "__main__":
    sys.exit(main())
