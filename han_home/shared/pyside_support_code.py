"""Keep the compiled code of PySide6's embedded Python support between starts.

``import PySide6`` runs shiboken's signature and feature support (``signature_bootstrap``,
``shibokensupport.*``: ~130 kB of Python). It ships inside the shiboken library as source
text, and shiboken compiles that text with the builtin ``compile`` on every start, with no
bytecode cache: 15–25 ms of a kiosk's ~130 ms to its first frame (PySide6 6.11, measured by
wrapping ``compile``). ``kept_while_importing()`` wraps the first PySide6 import: each text
compiled during it is looked up in a file kept like ``.pyc`` files (``shared/kept_code.py``)
and compiled only if it is not there; ``save()`` later writes what was new.

Why it is safe: the key is the whole text with every compile argument, so another PySide6
release compiles afresh (and its stale entries are dropped at the next save); the file is
per bytecode magic number and read only if private to this user; a missing or damaged file
means compiling as before. ``compile`` is wrapped only on the importing thread and only for
the length of the import; a future PySide6 that stops calling it just gets nothing cached.
"""

from __future__ import annotations

import builtins
import os
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import CodeType
from typing import Any

from han_home.shared import kept_code

KIND = "pyside-support"
# what compile() returns code for: not an AST request (ast.PyCF_ONLY_AST, no ast import)
_PYCF_ONLY_AST = 0x400

Key = tuple[str | bytes, str, str, int, bool, int]

_kept: dict[Key, CodeType] = {}  # read from the file for the import
_new: dict[Key, CodeType] = {}  # compiled during the import, not in the file yet
_used: set[Key] = set()
_path: Path | None = None
_dropped = False  # the file held texts this import did not compile (an older PySide6's)


def code_file(stage: str, folder: Path | None = None) -> Path:
    return kept_code.code_file(KIND, stage, folder)


def _read(path: Path) -> dict[Key, CodeType]:
    return {k: v for k, v in kept_code.read_kept(path).items()
            if isinstance(k, tuple) and len(k) == 6 and isinstance(v, CodeType)}


@contextmanager
def kept_while_importing(stage: str = "ihd", folder: Path | None = None) -> Iterator[None]:
    """Around the process's first PySide6 import: what it compiles comes from the kept
    file when the file has it."""
    global _path, _dropped
    if "shiboken6" in sys.modules:  # loaded already (a test session): nothing to compile
        yield
        return
    real = builtins.compile
    thread = threading.get_ident()
    _path = code_file(stage, folder)
    _kept.update(_read(_path))

    def kept_compile(source: Any, filename: Any, mode: str = "exec", flags: int = 0,
                     dont_inherit: bool = False, optimize: int = -1, **more: Any) -> Any:
        if (more or threading.get_ident() != thread or flags & _PYCF_ONLY_AST
                or not isinstance(source, str | bytes) or not isinstance(filename, str)
                or os.path.isabs(filename)):  # a module file: its .pyc is the cache
            return real(source, filename, mode, flags, dont_inherit, optimize, **more)
        key: Key = (source, filename, mode, flags, bool(dont_inherit), optimize)
        code = _kept.get(key)
        if code is not None:
            _used.add(key)
            return code
        code = real(source, filename, mode, flags, dont_inherit, optimize)
        if isinstance(code, CodeType):
            _new[key] = code
        return code

    builtins.compile = kept_compile
    try:
        yield
    finally:
        builtins.compile = real
        # only what this import used is kept: a new PySide6's texts replace the old
        stale = set(_kept) - _used
        for key in stale:
            del _kept[key]
        _dropped = bool(stale)


def save() -> bool:
    """Write the file if the import compiled anything new or left old texts unused; then
    hold nothing (the modules keep the code they run). True when the file was written."""
    global _path, _dropped
    written = False
    if _path is not None and (_new or _dropped):
        written = kept_code.write_kept(_path, {**_kept, **_new})
    _path, _dropped = None, False
    _kept.clear()
    _new.clear()
    _used.clear()
    return written
