"""Deferred imports: a placeholder until an attribute is needed, then the real module."""

from __future__ import annotations

import subprocess
import sys

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
