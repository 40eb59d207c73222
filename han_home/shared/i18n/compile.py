"""Compile translations/*/LC_MESSAGES/*.po to .mo with Babel, in process.

``python -m han_home.shared.i18n.compile`` compiles everything in the source tree. The apps
never compile or write at start-up: a wheel carries .mo files built by setup.py, an editable
install compiles them beside the .po, and a .po newer than its .mo is compiled in memory.
"""

from __future__ import annotations

import io
import os
import sys
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

from han_home.shared.package_data import translations_dir

if TYPE_CHECKING:
    from babel.messages.catalog import Catalog

# babel.messages is imported only when something must be compiled (it costs start-up time).


class CatalogError(Exception):
    """A .po file that cannot be compiled; the message names the file and the problem."""


def read_catalog(po_path: Path) -> Catalog:
    """Parse and check one .po file, raising :class:`CatalogError` on any problem."""
    from babel.messages.pofile import PoFileError, read_po

    try:
        with po_path.open("rb") as fh:
            catalog = read_po(fh, abort_invalid=True)
    # babel 2.14 raises IndexError on a truncated entry (later releases raise PoFileError)
    except (PoFileError, UnicodeDecodeError, ValueError, IndexError) as exc:
        raise CatalogError(f"{po_path}: cannot parse: {exc}") from exc
    problems = []
    for message, errors in catalog.check():
        for error in errors:  # e.g. placeholder mismatch, wrong number of plural forms
            problems.append(f"{po_path}:{message.lineno}: {message.id!r}: {error}")
    if problems:
        raise CatalogError("\n".join(problems))
    return catalog


def compile_to_bytes(po_path: Path) -> bytes:
    """The .mo bytes for a .po file (fuzzy entries left out, as gettext tools do)."""
    from babel.messages.mofile import write_mo

    buffer = io.BytesIO()
    write_mo(buffer, read_catalog(po_path), use_fuzzy=False)
    return buffer.getvalue()


def compile_catalog(po_path: Path, mo_path: Path | None = None) -> Path:
    """Compile one .po next to itself (or to ``mo_path``); written atomically."""
    target = mo_path or po_path.with_suffix(".mo")
    data = compile_to_bytes(po_path)
    # Atomic replace: two apps starting together must never read a half-written .mo.
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".", suffix=".mo.tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return target


def po_files(directory: Path | None = None) -> list[Path]:
    return sorted((directory or translations_dir()).glob("*/LC_MESSAGES/*.po"))


def compile_all(directory: Path | None = None) -> list[Path]:
    """Compile every catalogue; all errors are collected before raising."""
    written, errors = [], []
    for po in po_files(directory):
        try:
            written.append(compile_catalog(po))
        except CatalogError as exc:
            errors.append(str(exc))
    if errors:
        raise CatalogError("\n".join(errors))
    return written


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    directory = Path(args[0]) if args else translations_dir()
    try:
        for mo in compile_all(directory):
            print(f"compiled {mo}")
    except CatalogError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
