"""WCAG contrast of both themes, and the contrast maths itself."""

from __future__ import annotations

import pytest

from han_home.shared.ui.contrast import (
    AA_TEXT,
    AAA_TEXT,
    NON_TEXT,
    contrast_ratio,
    parse_hex,
    relative_luminance,
)
from han_home.shared.ui.theme import HIGH_CONTRAST, NORMAL, THEMES, Theme


def test_contrast_maths() -> None:
    assert contrast_ratio("#000000", "#FFFFFF") == pytest.approx(21.0)
    assert contrast_ratio("#FFFFFF", "#000") == pytest.approx(21.0)
    assert contrast_ratio("#777777", "#777777") == pytest.approx(1.0)
    assert contrast_ratio("#767676", "#FFFFFF") == pytest.approx(4.54, abs=0.01)
    assert relative_luminance("#FFFFFF") == pytest.approx(1.0)
    assert parse_hex("#abc") == (0xAA, 0xBB, 0xCC)
    with pytest.raises(ValueError):
        parse_hex("#12345")


def _pairs(theme: Theme) -> list[tuple[str, str, float]]:
    c = theme.palette.colours()
    return [(fg, bg, contrast_ratio(c[fg], c[bg])) for fg, bg in Theme.TEXT_PAIRS]


def test_high_contrast_text_is_aaa() -> None:
    bad = [p for p in _pairs(HIGH_CONTRAST) if p[2] < AAA_TEXT]
    assert not bad


def test_normal_text_is_aa() -> None:
    bad = [p for p in _pairs(NORMAL) if p[2] < AA_TEXT]
    assert not bad


@pytest.mark.parametrize("theme", list(THEMES.values()), ids=list(THEMES))
def test_non_text_stands_out(theme: Theme) -> None:
    c = theme.palette.colours()
    bad = [
        (name, where, round(contrast_ratio(c[name], c[where]), 2))
        for name in Theme.NON_TEXT
        for where in ("background", "surface")
        if contrast_ratio(c[name], c[where]) < NON_TEXT
    ]
    assert not bad


@pytest.mark.parametrize("theme", list(THEMES.values()), ids=list(THEMES))
def test_ambient_colours_are_distinct(theme: Theme) -> None:
    # Colour is never the only cue (text says low/medium/high), but the three still differ.
    p = theme.palette
    assert len({p.ambient_low, p.ambient_medium, p.ambient_high}) == 3
    assert p.focus_ring not in {p.ambient_low, p.ambient_medium, p.ambient_high, p.accent}
