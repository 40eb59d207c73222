"""Make PySide6's per-import source scan cheap (start-up time and steady memory).

Once PySide6.QtCore is imported, PySide6 hooks every later import: to decide whether the
module might use its opt-in ``from __feature__ import ...`` syntax, it reads the module's
source with ``inspect.getsource`` and looks for the word "PySide6". ``inspect`` goes
through ``linecache``, which keeps every line of every module imported after Qt for the
life of the process: with zigpy, the virtual home and the screens that is ~130,000 lines,
about 12 MiB of a kiosk's memory, and the time to split them into lines on each start.

``lighten_pyside_import_scan()`` replaces that one check by the same test on the file's
bytes, read and dropped (no cache). Anything that is not a plain ``.py`` file on disk
(zip imports, frozen or built-in modules) still goes to PySide6's own check. The answer,
and so PySide6's behaviour, is unchanged. Call it right after the first PySide6 import.
"""

from __future__ import annotations

import sys
from types import ModuleType
from typing import Any

_original: Any = None


def _mod_uses_pyside(module: ModuleType) -> bool:
    path = getattr(module, "__file__", None)
    if path is None:  # what inspect.getsource makes of it too (TypeError: no file)
        return False
    if isinstance(path, str) and path.endswith(".py"):
        try:
            with open(path, "rb") as source:
                return b"PySide6" in source.read()
        except OSError:
            pass
    return bool(_original(module))


def lighten_pyside_import_scan() -> bool:
    """Install the cheaper check; True if PySide6's hook was found (idempotent)."""
    global _original
    feature = sys.modules.get("PySide6.support.feature") or sys.modules.get(
        "shibokensupport.feature")
    current = getattr(feature, "_mod_uses_pyside", None)
    if feature is None or current is None:
        return False
    if current is not _mod_uses_pyside:
        _original = current
        feature._mod_uses_pyside = _mod_uses_pyside  # type: ignore[attr-defined]
        _forget_scanned_sources()
    return True


def _forget_scanned_sources() -> None:
    """Drop the lines PySide6's own check cached before this one took over (enum.py's
    ~2,000 lines among them: ~0.2 MiB for the display's life). Only files on disk, which
    linecache reads again if a traceback ever needs them; sources registered without a
    file (attrs' generated methods) stay."""
    import linecache

    for name, entry in list(linecache.cache.items()):
        if len(entry) == 4 and entry[1] is not None:  # (size, mtime, lines, path)
            del linecache.cache[name]
