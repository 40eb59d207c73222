"""Compiled dataclass methods kept next to the bytecode cache (start-up time).

``@dataclass`` writes each class's ``__init__``, ``__repr__``, ``__eq__``, ``__hash__``,
``__setattr__`` ... as source text and compiles it with ``exec`` every time the class is
created, that is on every start: the 33 dataclasses the display's first frame imports cost
~13 ms of compiling on Python 3.11, the biggest single part of its start-up beyond a bare
Qt window's. Python caches the bytecode of modules (``__pycache__``), never this.

``CodeCache`` does for those texts what the bytecode cache does for modules: while it is
installed, the ``exec`` calls of the ``dataclasses`` module look their text up in a table
of code objects (loaded from one file), and compile only what is not there, exactly as
``exec`` would (same text, same ``"<string>"`` file name, no inherited ``__future__``
flags; ``dataclasses.py`` has none), so every class gets the same methods as before.
``save()`` writes the table back when something new was compiled.

The file lives where Python writes bytecode (``sys.pycache_prefix`` or the ``__pycache__``
beside this module), is named for the interpreter's cache tag and starts with its bytecode
magic number, and is written under the same rules: not at all when bytecode writing is
off, never an error when the folder is read-only (the next start compiles again, as
before). It is trusted as far as the ``.pyc`` files beside it are. Anything unexpected in
it (another Python, a truncated or foreign file) means an empty table.
"""

from __future__ import annotations

import builtins
import dataclasses
import importlib.util
import marshal
import os
import sys
from pathlib import Path
from types import CodeType
from typing import Any

_MAGIC = importlib.util.MAGIC_NUMBER
_MAX_ENTRIES = 4096  # far above what a start uses; a table beyond it starts afresh


def default_path() -> Path | None:
    """Where the table of this interpreter lives (None: no cache tag, no bytecode cache)."""
    tag = sys.implementation.cache_tag
    if tag is None:
        return None
    name = f"han_home-dataclass-code.{tag}.bin"
    pyc = importlib.util.cache_from_source(__file__)  # honours sys.pycache_prefix
    return Path(pyc).parent / name


class CodeCache:
    def __init__(self, path: Path | None = None) -> None:
        self.path = path if path is not None else default_path()
        self.codes: dict[str, CodeType] = self._load()
        self.compiled = 0  # texts compiled by this process (not found in the file)
        self._installed = False

    def _load(self) -> dict[str, CodeType]:
        if self.path is None:
            return {}
        try:
            data = self.path.read_bytes()
        except OSError:
            return {}
        if not data.startswith(_MAGIC):
            return {}
        try:
            table = marshal.loads(data[len(_MAGIC):])
        except (EOFError, ValueError, TypeError):
            return {}
        if not isinstance(table, dict):
            return {}
        return {text: code for text, code in table.items()
                if isinstance(text, str) and isinstance(code, CodeType)}

    def exec(self, source: Any, globals: Any = None, locals: Any = None, /) -> None:  # noqa: A002
        """``exec`` for the dataclasses module: text compiled once, then looked up."""
        if globals is None:  # as for the plain exec called from dataclasses.py
            globals = vars(dataclasses)  # noqa: A001
        if not isinstance(source, str):
            builtins.exec(source, globals, locals)
            return
        code = self.codes.get(source)
        if code is None:
            code = compile(source, "<string>", "exec", dont_inherit=True)
            self.codes[source] = code
            self.compiled += 1
        builtins.exec(code, globals, locals)

    def install(self) -> CodeCache:
        """From now on, dataclasses created in this process use the table."""
        if not self._installed:
            dataclasses.exec = self.exec  # type: ignore[attr-defined]
            self._installed = True
        return self

    def uninstall(self) -> None:
        """Back to the plain ``exec`` (the table stays in memory for ``save``)."""
        if self._installed and getattr(dataclasses, "exec", None) == self.exec:
            del dataclasses.exec  # type: ignore[attr-defined]
        self._installed = False

    def save(self) -> bool:
        """Write the table if this process compiled anything new; True if written."""
        if self.path is None or not self.compiled or sys.dont_write_bytecode:
            return False
        codes = self.codes if len(self.codes) <= _MAX_ENTRIES else {}
        partial = self.path.with_name(f"{self.path.name}.{os.getpid()}.tmp")
        try:
            data = _MAGIC + marshal.dumps(codes)
            self.path.parent.mkdir(parents=True, exist_ok=True)
            partial.write_bytes(data)
            os.replace(partial, self.path)  # a reader sees the old file or the new one
        except (OSError, ValueError):
            try:
                partial.unlink(missing_ok=True)
            except OSError:
                pass
            return False
        self.compiled = 0
        return True
