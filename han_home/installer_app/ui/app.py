"""Start the installer window on qasync (asyncio inside Qt's loop), or render screenshots."""

from __future__ import annotations

import argparse
import asyncio
import logging
import signal
import sys
from pathlib import Path


def run_gui(args: argparse.Namespace) -> int:
    import qasync
    from PySide6.QtWidgets import QApplication

    from han_home.installer_app import logsafe
    from han_home.installer_app.ui.controller import Controller
    from han_home.installer_app.ui.window import InstallerWindow
    from han_home.shared.han.setup import RadioOptions, build_gateway

    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    logsafe.install()
    qt_app = QApplication.instance() or QApplication(sys.argv[:1])
    qt_app.setApplicationName("installer-app")
    loop = qasync.QEventLoop(qt_app)
    asyncio.set_event_loop(loop)
    speed = args.sim_speed if args.screenshots is None else max(args.sim_speed, 60.0)
    gateway = build_gateway(RadioOptions(args.radio, args.device, args.sim_seed, None, speed,
                                         sim_layout=args.sim_home),
                            commission_home=False)
    # a job never reads the gas meter's 13 months: its mirror is not primed (each 24
    # half-hours is a GetProfile exchange while the meter is awake)
    gateway.config.gas_profile_prime_periods = 0
    ctl = Controller(gateway, radio=args.radio)
    window = InstallerWindow(ctl, args.theme, args.text_scale)
    window.resize(*args.size)
    done = asyncio.Event()

    async def main() -> None:
        window.show()
        qt_app.lastWindowClosed.connect(done.set)  # type: ignore[attr-defined]
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, done.set)
        await ctl.start()
        if args.screenshots is not None:
            from han_home.installer_app.ui.screens import demo_job, render_all

            await demo_job(ctl)
            await render_all(window, Path(args.screenshots), args.text_scale,
                             whole_pages=args.whole_pages)
            done.set()
        await done.wait()
        await ctl.stop()

    with loop:
        loop.run_until_complete(main())
    return 0
