"""Keep the compiled code of dataclasses' generated methods between starts.

``@dataclass`` writes each class's ``__init__``, ``__repr__``, ``__eq__``, ``__hash__`` (and
``__setattr__``/``__delattr__`` when frozen) as source text and compiles it with ``exec``
when the class is defined: about 70 % of a dataclass's cost, ~0.25 ms each. The display
defines 37 of them before its first frame, so ~9 ms of a kiosk's start-up went on
compiling the same texts again on every start. Python's bytecode cache cannot hold them
(the texts are made at run time), so this module does the same job for them: the texts
compiled in one start are kept, marshalled, in the user's cache folder, and later starts
run the kept code objects instead of compiling.

Why this is safe to do: the key is the whole source text, so a class whose fields or
options changed makes a new text and is compiled afresh; the file is named after the
interpreter's bytecode magic number, so another Python never reads it; a missing,
unreadable or damaged file means "compile as before". Only ``dataclasses`` sees the
cached ``exec`` (it is set in that module's namespace, shadowing the builtin there); if a
future Python stops calling ``exec`` there, nothing is cached and nothing breaks. The file
is the same kind of thing as a ``.pyc`` (code the interpreter will run) and is kept like
one of the household's files: 0600 in a 0700 folder.
"""

from __future__ import annotations

import builtins
import sys
from pathlib import Path
from types import CodeType
from typing import Any

from han_home.shared import kept_code

_kept: dict[str, CodeType] = {}  # read from the file at install()
_new: dict[str, CodeType] = {}  # compiled in this run, not in the file yet
_used: set[str] = set()  # kept texts this run has run
_path: Path | None = None
# Kept texts of classes that changed are never looked up again; past this many entries the
# file is rewritten with only what the last run used (a start defines a few hundred).
MAX_KEPT = 2000


def cache_file(stage: str, folder: Path | None = None) -> Path:
    return kept_code.code_file("dataclass-code", stage, folder)


def _cached_exec(source: Any, globals: dict[str, Any] | None = None,
                 locals: dict[str, Any] | None = None, /) -> None:
    if isinstance(source, str):
        code = _kept.get(source)
        if code is not None:
            _used.add(source)
        else:
            code = _new.get(source)
        if code is None:
            code = compile(source, "<string>", "exec")
            _new[source] = code
        source = code
    if globals is None:  # exec(text) without globals runs in its caller's module
        globals = sys._getframe(1).f_globals
    builtins.exec(source, globals, locals)


def _read(path: Path) -> dict[str, CodeType]:
    data = kept_code.read_kept(path)
    return {k: v for k, v in data.items() if isinstance(k, str) and isinstance(v, CodeType)}


def install(stage: str = "start", folder: Path | None = None) -> None:
    """From now on dataclasses are defined with the kept code of ``stage`` (call before
    the modules that define them are imported). Idempotent."""
    import dataclasses

    if _path is not None:
        return
    begin(stage, folder)
    dataclasses.exec = _cached_exec  # type: ignore[attr-defined]


def begin(stage: str, folder: Path | None = None) -> None:
    """A later part of the run (e.g. after the first frame) with a file of its own, so
    the first frame reads only the code it runs. Call ``save()`` first."""
    global _path
    _path = cache_file(stage, folder or (_path.parent if _path else None))
    _kept.clear()
    _new.clear()
    _used.clear()
    _kept.update(_read(_path))


def save() -> bool:
    """Add what this run compiled to the file. True when the file was written."""
    if _path is None or not _new:
        return False
    keep = {**_kept, **_new}
    if len(keep) > MAX_KEPT:  # old texts of changed classes: keep what this run used
        keep = {**{k: _kept[k] for k in _used}, **_new}
    if not kept_code.write_kept(_path, keep):
        return False
    _kept.update(_new)
    _new.clear()
    return True


def finish() -> None:
    """Start-up is over: keep what it compiled, then let go of the code objects (a few
    hundred kB the display would otherwise hold for months); later classes compile."""
    save()
    uninstall()


def uninstall() -> None:
    """Back to the builtin exec, nothing kept in memory."""
    global _path
    import dataclasses

    if getattr(dataclasses, "exec", None) is _cached_exec:
        del dataclasses.exec  # type: ignore[attr-defined]
    _path = None
    _kept.clear()
    _new.clear()
    _used.clear()
