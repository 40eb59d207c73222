"""Deferred imports: a placeholder until an attribute is needed, then the real module."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from han_home.shared.han.deferred_imports import defer_imports, is_loaded


def test_placeholder_loads_on_first_attribute(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delitem(sys.modules, "colorsys", raising=False)
    defer_imports(("colorsys", "no_such_module_here"))
    assert "no_such_module_here" not in sys.modules
    import colorsys  # binds the placeholder, loads nothing

    assert not is_loaded("colorsys")
    assert colorsys.rgb_to_hsv(1.0, 0.0, 0.0) == (0.0, 1.0, 1.0)
    assert is_loaded("colorsys")
    assert sys.modules["colorsys"].rgb_to_hsv is colorsys.rgb_to_hsv


def test_the_gateway_leaves_ota_downloads_unloaded() -> None:
    """In a fresh interpreter (another test in this process may really use aiohttp)."""
    probe = (
        "import han_home.shared.han.gateway, han_home.shared.sim.radio\n"
        "from han_home.shared.han.deferred_imports import is_loaded\n"
        "print(is_loaded('aiohttp'))\n"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "False"


def test_a_package_importing_its_deferred_submodule_answers_for_it(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """zigpy.ota runs ``import zigpy.ota.providers`` and later looks up
    ``zigpy.ota.providers.X``: a placeholder made before the package was imported is set
    on the package, and loads the real module (not imported while deferring it)."""
    package = tmp_path / "hh_pkg" / "inner"
    package.mkdir(parents=True)
    (tmp_path / "hh_pkg" / "__init__.py").write_text("")
    (package / "__init__.py").write_text(
        "import hh_pkg.inner.sub\n\ndef ask():\n    return hh_pkg.inner.sub.ANSWER\n")
    (package / "sub.py").write_text("ANSWER = 42\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    for name in ("hh_pkg", "hh_pkg.inner", "hh_pkg.inner.sub"):
        monkeypatch.delitem(sys.modules, name, raising=False)
    defer_imports(("hh_pkg.inner.sub", "hh_pkg.inner.missing"))
    assert "hh_pkg.inner" not in sys.modules  # finding it ran no package
    assert "hh_pkg.inner.missing" not in sys.modules  # not installed: no placeholder
    import hh_pkg.inner

    assert not is_loaded("hh_pkg.inner.sub")
    assert hh_pkg.inner.ask() == 42
    assert is_loaded("hh_pkg.inner.sub")
    for name in ("hh_pkg", "hh_pkg.inner", "hh_pkg.inner.sub"):
        sys.modules.pop(name, None)
