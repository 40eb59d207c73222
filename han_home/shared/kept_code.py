"""Files of compiled code kept between starts (what ``.pyc`` files are for imported modules),
for code Python's bytecode cache cannot hold: texts compiled at run time.

One file per kind of code and stage, in the user's cache folder, named after the
interpreter's bytecode magic number so that another Python never reads it. Each maps the
exact text that was compiled (with its compile arguments) to the code object, so a changed
text is compiled afresh. A missing, unreadable or damaged file means "compile as before".
What a file holds will run, so only a file this user owns, in a folder this user owns, that
no one else may write is read; files are written 0600 in 0700 folders, all or nothing.
"""

from __future__ import annotations

import marshal
import os
from importlib.util import MAGIC_NUMBER
from pathlib import Path
from typing import Any


def _log() -> Any:
    # imported when there is something to say: logging compiles patterns at import, and
    # this module is loaded before the kept patterns are (shared/regex_code.py)
    import logging

    return logging.getLogger(__name__)


def cache_dir() -> Path:
    base = os.environ.get("HAN_HOME_CACHE_DIR") or os.environ.get("XDG_CACHE_HOME")
    return Path(base) / "han-home" if base else Path.home() / ".cache" / "han-home"


def code_file(kind: str, stage: str, folder: Path | None = None) -> Path:
    return (folder or cache_dir()) / f"{kind}-{stage}-{MAGIC_NUMBER.hex()}.marshal"


def trusted(path: Path) -> bool:
    """Only a file this user owns, in a folder this user owns, that no one else may write
    (a kiosk's install is often root's, its cache the kiosk user's)."""
    for p in (path, path.parent):
        st = p.stat()
        if st.st_uid != os.getuid() or st.st_mode & 0o022:
            return False
    return True


def read_kept(path: Path) -> dict[Any, Any]:
    """The file's mapping, or {} if it is missing, untrusted, unreadable or not a mapping."""
    try:
        if not trusted(path):
            _log().warning("kept code %s ignored: not private to this user", path)
            return {}
        # loads() of the bytes: load() of the file reads it object by object (7 ms, not 0.5)
        data = marshal.loads(path.read_bytes())
    except FileNotFoundError:
        return {}
    except (OSError, EOFError, ValueError, TypeError) as exc:  # unreadable or damaged
        _log().debug("kept code %s not used: %s", path, exc)
        return {}
    return data if isinstance(data, dict) else {}


def write_kept(path: Path, kept: dict[Any, Any]) -> bool:
    """Replace the file with ``kept``. False (and compiling on every start, as without the
    file) when the cache folder cannot be written."""
    from han_home.shared.private_files import private_dir, write_atomic

    try:
        private_dir(path.parent)
        write_atomic(path, marshal.dumps(kept))
    except (OSError, ValueError) as exc:  # a read-only home; ValueError: unmarshallable
        _log().debug("kept code not written to %s: %s", path, exc)
        return False
    return True
