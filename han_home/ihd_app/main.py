"""ihd-app entry point: the in-home display, on the virtual home by default."""

from __future__ import annotations

import gc
import logging
import signal
import sys
from typing import Any


def main(argv: list[str] | None = None) -> int:
    from han_home.ihd_app.cli import parse

    options = parse(argv)  # exits 2 with a message on bad arguments
    if options.kiosk_files is not None:
        from han_home.ihd_app.kiosk import write_kiosk_files

        try:
            for path in write_kiosk_files(options.kiosk_files):
                print(path)
        except OSError as exc:
            print(f"ihd-app: error: cannot write the kiosk files: {exc}", file=sys.stderr)
            return 2
        return 0
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    # No cyclic garbage collection until the first frame is up: start-up creates many
    # long-lived objects (modules, classes, widgets) and few cycles, and collections during
    # it cost ~7 ms before the first frame.
    gc.disable()
    try:
        qt_app, ihd = _first_frame(options)
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


def _first_frame(options: Any) -> tuple[Any, Any]:
    """The Qt application and the display, its first frame painted."""
    from PySide6.QtWidgets import QApplication

    from han_home.shared.ui.pyside_imports import lighten_pyside_import_scan

    lighten_pyside_import_scan()  # before the app's own modules, zigpy and the sim load
    from han_home.ihd_app.app import IhdApp

    qt_app = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(qt_app, QApplication)
    qt_app.setApplicationName("ihd-app")
    ihd = IhdApp(options)
    ihd.first_frame()  # painted before the event loop, asyncio and zigpy are loaded
    return qt_app, ihd


if __name__ == "__main__":
    sys.exit(main())
