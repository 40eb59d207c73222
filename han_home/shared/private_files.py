"""Files that hold a household's data (history, settings, reports, logs) are private.

Files the apps create are 0600 and folders they create are 0700; folders that already exist
are the user's and are left as they are. SQLite gives a database's -wal and -shm files the
mode of the database file, so creating the database 0600 covers them too.
"""

from __future__ import annotations

import os
from pathlib import Path

FILE_MODE = 0o600
DIR_MODE = 0o700


def private_dir(path: Path) -> Path:
    """Create ``path`` and any missing parents as 0700 (existing folders are not touched)."""
    missing: list[Path] = []
    p = path
    while not p.exists():
        missing.append(p)
        if p.parent == p:
            break
        p = p.parent
    for folder in reversed(missing):
        try:
            folder.mkdir(mode=DIR_MODE)
        except FileExistsError:
            continue
        os.chmod(folder, DIR_MODE)  # mkdir's mode is masked by the umask
    return path


def create_private(path: Path) -> None:
    """Make sure ``path`` exists; if it has to be created, create it 0600 (empty)."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE)
    except FileExistsError:
        return
    os.close(fd)


def write_private_text(path: Path, text: str) -> None:
    """Write ``text`` (UTF-8) to ``path``; a new file is created 0600."""
    create_private(path)
    with open(path, "w", encoding="utf-8") as fh:
        fh.write(text)


def write_atomic(path: Path, data: bytes) -> None:
    """All or nothing, created 0600: a temporary file in the same folder (mkstemp makes it
    0600), fsync, rename over the target, fsync the folder. A crash leaves the old file or
    the new one, never half of either."""
    import tempfile

    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        os.fchmod(fd, FILE_MODE)
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    dir_fd = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(dir_fd)
    finally:
        os.close(dir_fd)
