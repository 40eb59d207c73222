"""Themes: named colour palettes, a Qt style sheet generator and a QPalette to match.

Two themes, "normal" and "high-contrast". Contrast targets (tested in
tests/ui/test_theme_contrast.py): text >= 4.5:1 (normal) / >= 7:1 (high contrast);
non-text (ambient, chart bars, focus ring, control borders) >= 3:1 against the background.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from string import Template

from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication, QWidget

from han_home.shared.i18n.catalog import N_
from han_home.shared.package_data import resources_dir

QSS_TEMPLATE = resources_dir() / "themes" / "base.qss"

MIN_TEXT_SCALE, MAX_TEXT_SCALE = 1.0, 2.0  # WCAG 1.4.4: text to 200 %
KIOSK_TARGET_PX = 44  # WCAG 2.5.5 (AAA) touch target on the kiosk
DESKTOP_TARGET_PX = 32  # above WCAG 2.5.8's 24 px minimum for the installer laptop
FOCUS_WIDTH_PX = 4
BORDER_PX = 2

# Base font sizes in px at text scale 1.0 (the kiosk is read from arm's length).
FONT_SMALL, FONT_BODY, FONT_HEADING, FONT_FIGURE = 15, 18, 26, 44


@dataclass(frozen=True)
class Palette:
    """A theme's colours, as '#RRGGBB' strings."""

    background: str
    surface: str
    text: str
    muted_text: str
    accent: str
    accent_text: str  # text drawn on the accent colour (primary buttons, selected tabs)
    control_border: str
    focus_ring: str
    ambient_low: str
    ambient_medium: str
    ambient_high: str
    chart_electricity: str
    chart_gas: str
    warning: str  # used as text colour too
    error: str  # used as text colour too

    def colours(self) -> dict[str, str]:
        return asdict(self)


@dataclass(frozen=True)
class Theme:
    """A named palette and the text contrast it must reach."""

    key: str
    name_msgid: str  # translate with _() when shown
    palette: Palette
    min_text_contrast: float

    # (foreground, background) colour names that carry text, for contrast checks.
    TEXT_PAIRS = (
        ("text", "background"),
        ("text", "surface"),
        ("muted_text", "background"),
        ("muted_text", "surface"),
        ("accent_text", "accent"),
        ("warning", "background"),
        ("warning", "surface"),
        ("error", "background"),
        ("error", "surface"),
    )
    # Colours that must stand out from background and surface as shapes (WCAG 1.4.11).
    NON_TEXT = (
        "ambient_low",
        "ambient_medium",
        "ambient_high",
        "chart_electricity",
        "chart_gas",
        "focus_ring",
        "control_border",
        "accent",
    )


NORMAL = Theme(
    key="normal",
    name_msgid=N_("Normal"),
    min_text_contrast=4.5,
    palette=Palette(
        background="#F5F5F2",
        surface="#FFFFFF",
        text="#1A1A1A",
        muted_text="#4D4D4D",
        accent="#005A9C",
        accent_text="#FFFFFF",
        control_border="#6E6E6E",
        focus_ring="#6B2FB3",  # purple: distinct from the blue accent and the ambient colours
        ambient_low="#2E7D32",
        ambient_medium="#B45309",
        ambient_high="#B3261E",
        chart_electricity="#1565C0",
        chart_gas="#C2410C",
        warning="#8A4B00",
        error="#B00020",
    ),
)

HIGH_CONTRAST = Theme(
    key="high-contrast",
    name_msgid=N_("High contrast"),
    min_text_contrast=7.0,
    palette=Palette(
        background="#000000",
        surface="#121212",
        text="#FFFFFF",
        muted_text="#E0E0E0",
        accent="#FFFF00",
        accent_text="#000000",
        control_border="#FFFFFF",
        focus_ring="#00FFFF",
        ambient_low="#00E676",
        ambient_medium="#FFB300",
        ambient_high="#FF5252",
        chart_electricity="#40C4FF",
        chart_gas="#FFAB40",
        warning="#FFD600",
        error="#FF8A80",
    ),
)

THEMES: dict[str, Theme] = {t.key: t for t in (NORMAL, HIGH_CONTRAST)}


def get_theme(key: str) -> Theme:
    try:
        return THEMES[key]
    except KeyError:
        raise ValueError(f"unknown theme {key!r}; expected one of {', '.join(THEMES)}") from None


def clamp_scale(text_scale: float) -> float:
    return min(MAX_TEXT_SCALE, max(MIN_TEXT_SCALE, text_scale))


def stylesheet(theme: Theme | str, text_scale: float = 1.0, kiosk: bool = True) -> str:
    """The application style sheet for a theme at a text scale (clamped to 1.0-2.0)."""
    t = get_theme(theme) if isinstance(theme, str) else theme
    scale = clamp_scale(text_scale)
    pad_v, pad_h = 8, 16
    focus_delta = FOCUS_WIDTH_PX - BORDER_PX  # padding given up so focus does not resize
    values: dict[str, object] = dict(t.palette.colours())
    values.update(
        font_small=round(FONT_SMALL * scale),
        font_body=round(FONT_BODY * scale),
        font_heading=round(FONT_HEADING * scale),
        font_figure=round(FONT_FIGURE * scale),
        target=KIOSK_TARGET_PX if kiosk else DESKTOP_TARGET_PX,
        indicator=round(28 * scale) if kiosk else round(20 * scale),
        pad_v=pad_v,
        pad_h=pad_h,
        pad_v_focus=pad_v - focus_delta,
        pad_h_focus=pad_h - focus_delta,
        focus_width=FOCUS_WIDTH_PX,
    )
    return Template(QSS_TEMPLATE.read_text(encoding="utf-8")).substitute(values)


def qpalette(theme: Theme | str) -> QPalette:
    """A QPalette matching the theme, for anything the style sheet does not reach."""
    p = (get_theme(theme) if isinstance(theme, str) else theme).palette
    pal = QPalette()
    roles = {
        QPalette.ColorRole.Window: p.background,
        QPalette.ColorRole.WindowText: p.text,
        QPalette.ColorRole.Base: p.surface,
        QPalette.ColorRole.AlternateBase: p.background,
        QPalette.ColorRole.Text: p.text,
        QPalette.ColorRole.PlaceholderText: p.muted_text,
        QPalette.ColorRole.Button: p.surface,
        QPalette.ColorRole.ButtonText: p.text,
        QPalette.ColorRole.Highlight: p.accent,
        QPalette.ColorRole.HighlightedText: p.accent_text,
        QPalette.ColorRole.ToolTipBase: p.surface,
        QPalette.ColorRole.ToolTipText: p.text,
        QPalette.ColorRole.Link: p.accent,
    }
    for role, colour in roles.items():
        pal.setColor(role, QColor(colour))
    return pal


def apply_theme(
    target: QApplication | QWidget, theme: Theme | str, text_scale: float = 1.0, kiosk: bool = True
) -> None:
    """Apply palette and style sheet to the whole app (or one window); safe to call again."""
    target.setPalette(qpalette(theme))
    target.setStyleSheet(stylesheet(theme, text_scale, kiosk))
