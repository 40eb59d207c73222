"""Load fontconfig's configuration on a thread of its own while the display starts.

Qt finds its fonts through fontconfig on every Linux platform plugin (xcb, eglfs, wayland,
offscreen), and the first text it measures makes fontconfig read and parse its XML
configuration (/etc/fonts/conf.d: ~24 M instructions, about 5 ms) and load its font
caches, on the UI thread, in the middle of building the first frame. ``start()`` asks
fontconfig for the same thing (``FcInit``) from a daemon thread at the start of the
process: it runs in C with Python's GIL released, beside the ~60 ms of loading Python
modules and PySide6, so the first frame finds it done. Fontconfig's initialisation is
thread-safe (a second caller that races it builds its own configuration and keeps the one
that won), so Qt's own call is correct whether or not this one has finished. Where
fontconfig is missing (a Qt with its own font database) nothing happens.
"""

from __future__ import annotations

import sys
import threading

LIBRARY = "libfontconfig.so.1"  # the soname Qt's Linux builds link against


def _load() -> None:
    try:
        import ctypes

        ctypes.CDLL(LIBRARY).FcInit()
    except (OSError, AttributeError):  # no fontconfig here: Qt does without it
        pass


def start() -> threading.Thread | None:
    """Start the warm-up (Linux only); the thread, or None where there is nothing to do."""
    if not sys.platform.startswith("linux"):
        return None
    thread = threading.Thread(target=_load, name="fontconfig-warm-up", daemon=True)
    thread.start()
    return thread
