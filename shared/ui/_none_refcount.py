"""Work around a PySide6 6.12 bug on CPython 3.11: every call to a Qt method returning void
drops one reference to ``None`` (measured: -1000 per 1000 calls of QLabel.setText). From
Python 3.12 ``None`` is immortal and nothing happens; on 3.11 a live display crashes with
"none_dealloc: deallocating None" after some minutes of updates.

We give ``None`` a huge reference count once at start-up, which makes it as good as
immortal, as 3.12 does. Remove this module when the project requires Python >= 3.12.
"""

from __future__ import annotations

import ctypes
import platform
import sys

_HEADROOM = 1 << 40  # ~10^12 calls before it could matter again


def make_none_immortal() -> bool:
    if sys.version_info >= (3, 12) or platform.python_implementation() != "CPython":
        return False
    # ob_refcnt is the first field of every CPython object (non-debug builds).
    refcount = ctypes.c_ssize_t.from_address(id(None))
    if refcount.value < _HEADROOM:
        refcount.value += _HEADROOM
    return True
