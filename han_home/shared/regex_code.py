"""Keep compiled regular expressions between starts.

``re.compile`` parses each pattern and builds its matching code in pure Python, and the
modules the display's first frame imports compile about 25 patterns at import time
(PySide6's signature support, ``argparse``, ``json``, ``string``, ``logging``, ``textwrap``,
gettext's plural rules): ~20 ms of a kiosk's ~130 ms to its first frame, the same patterns
on every start. ``install()`` keeps, for each pattern text and flags, the arguments the
compiler hands to the regular-expression engine (``_sre.compile``: flags, code words,
groups), in a file kept like ``.pyc`` files (``shared/kept_code.py``); a later start gives
the engine those arguments without parsing or compiling. The ``re`` module's own cache and
every pattern's behaviour are unchanged: it is the engine's own constructor, given what the
compiler gave it.

Why it is safe: the key is the pattern text and flags, and the file is per Python build
(bytecode magic, ``_sre.MAGIC`` and code size in its name), so another interpreter never
reads it; the engine checks the code words it is given (``_sre`` validates them) and any
error means compiling as before; only the thread that installed it uses the kept code, and
only during start-up. The file is read only if private to this user.
"""

from __future__ import annotations

import _sre
import re
import threading
from pathlib import Path
from typing import Any

from han_home.shared import kept_code

Key = tuple[str | bytes, int]
Args = tuple[Any, ...]  # _sre.compile's arguments after the pattern: flags, code, groups...

_kept: dict[Key, Args] = {}
_new: dict[Key, Args] = {}
_used: set[Key] = set()
_path: Path | None = None
# Patterns that changed are never looked up again; past this many entries the file is
# rewritten with only what the last start used (a start compiles a few dozen).
MAX_KEPT = 500
_compiler: Any = getattr(re, "_compiler", None)  # Python 3.11+: re._compiler.compile
_real_compile: Any = None
_real_sre: Any = None
_owner = 0  # the installing thread
_recording: list[Args] | None = None  # what the engine is being given for the current key


def code_file(stage: str, folder: Path | None = None) -> Path:
    build = f"{_sre.MAGIC}-{_sre.CODESIZE}"
    return kept_code.code_file(f"regex-code-{build}", stage, folder)


class _RecordingEngine:
    """Stands in for the ``_sre`` module inside ``re._compiler`` while installed: passes
    every call through, and notes what the installing thread's compile hands the engine."""

    def __getattr__(self, name: str) -> Any:
        return getattr(_real_sre, name)

    def compile(self, pattern: Any, *args: Any) -> Any:
        if _recording is not None and threading.get_ident() == _owner:
            _recording.append(args)
        return _real_sre.compile(pattern, *args)


def _kept_compile(p: Any, flags: int = 0) -> Any:
    global _recording
    if (threading.get_ident() != _owner or not isinstance(p, str | bytes)
            or flags & re.DEBUG):  # DEBUG prints the parse: only the compiler does that
        return _real_compile(p, flags)
    key: Key = (p, int(flags))
    args = _kept.get(key)
    if args is not None:
        try:
            compiled = _real_sre.compile(p, *args)
        except Exception:  # a bad entry (the engine checks its code): compile it afresh
            _kept.pop(key, None)
        else:
            _used.add(key)
            return compiled
    _recording = []
    try:
        compiled = _real_compile(p, flags)
        if len(_recording) == 1:
            # plain ints: the compiler's opcodes are int subclasses marshal cannot write
            flags_out, code, *rest = _recording[0]
            _new[key] = (int(flags_out), [int(word) for word in code], *rest)
    finally:
        _recording = None
    return compiled


def _read(path: Path) -> dict[Key, Args]:
    return {k: v for k, v in kept_code.read_kept(path).items()
            if isinstance(k, tuple) and len(k) == 2 and isinstance(v, tuple) and len(v) == 5}


def install(stage: str, folder: Path | None = None) -> bool:
    """From now on, on this thread, patterns compile from the kept file when it has them.
    False (and nothing changed) on a Python whose ``re`` has no such compiler step."""
    global _path, _real_compile, _real_sre, _owner
    if _path is not None:
        return True
    if _compiler is None or getattr(_compiler, "_sre", None) is not _sre:
        return False
    _path = code_file(stage, folder)
    _kept.update(_read(_path))
    _owner = threading.get_ident()
    _real_compile, _real_sre = _compiler.compile, _sre
    _compiler._sre = _RecordingEngine()
    _compiler.compile = _kept_compile
    return True


def save() -> bool:
    """Add what start-up compiled to the file, then stop: later patterns
    compile as usual and nothing is held. True when the file was written."""
    global _path
    written = False
    if _path is not None and _new:
        keep = {**_kept, **_new}
        if len(keep) > MAX_KEPT:  # patterns of older versions: keep what this start used
            keep = {**{k: _kept[k] for k in _used}, **_new}
        written = kept_code.write_kept(_path, keep)
    uninstall()
    return written


def uninstall() -> None:
    global _path
    if _path is not None and _compiler is not None:
        _compiler.compile = _real_compile
        _compiler._sre = _real_sre
    _path = None
    _kept.clear()
    _new.clear()
    _used.clear()
