"""Where the installed package keeps its run-time data: themes, kiosk files, compiled
catalogues. Asked of the import system (the data folders are packages), never computed
from the source tree, so a wheel installed anywhere finds them; nothing here ever writes.

A package's folder comes from its import spec; only a package that is not a plain folder
(a zip import) goes through ``importlib.resources``, which costs the first frame ~3 ms of
imports (tempfile, shutil, zipfile) for the same answer."""

from __future__ import annotations

import importlib.util
from pathlib import Path


def _package_dir(package: str) -> Path:
    spec = importlib.util.find_spec(package)
    locations = list(spec.submodule_search_locations or []) if spec is not None else []
    if len(locations) == 1 and Path(locations[0]).is_dir():
        return Path(locations[0])
    from importlib.resources import files

    return Path(str(files(package)))


def resources_dir() -> Path:
    """`resources/` in the repository, `han_home/resources/` in an installed wheel."""
    return _package_dir("han_home.resources")


def translations_dir() -> Path:
    """`translations/` in the repository (the .po sources and, after an editable install,
    their .mo); `han_home/translations/` in a wheel (the .mo files compiled at build)."""
    return _package_dir("han_home.translations")
