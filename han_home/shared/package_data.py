"""Where the installed package keeps its run-time data: themes, kiosk files, compiled
catalogues. Read through importlib.resources, never through paths computed from the source
tree, so a wheel installed anywhere finds them; nothing here ever writes."""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path


def resources_dir() -> Path:
    """`resources/` in the repository, `han_home/resources/` in an installed wheel."""
    return Path(str(files("han_home.resources")))


def translations_dir() -> Path:
    """`translations/` in the repository (the .po sources and, after an editable install,
    their .mo); `han_home/translations/` in a wheel (the .mo files compiled at build)."""
    return Path(str(files("han_home.translations")))
