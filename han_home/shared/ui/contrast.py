"""WCAG 2.x relative luminance and contrast ratio (pure Python, no Qt)."""

from __future__ import annotations


def parse_hex(colour: str) -> tuple[int, int, int]:
    """ "#1a2b3c" or "#abc" -> (r, g, b) in 0..255."""
    text = colour.lstrip("#")
    if len(text) == 3:
        text = "".join(ch * 2 for ch in text)
    if len(text) != 6:
        raise ValueError(f"not an #rrggbb colour: {colour!r}")
    return int(text[0:2], 16), int(text[2:4], 16), int(text[4:6], 16)


def _linear(channel: int) -> float:
    c = channel / 255
    # WCAG 2.x threshold (0.03928); the sRGB spec's 0.04045 differs only below 1/255.
    return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4


def relative_luminance(colour: str) -> float:
    r, g, b = (_linear(c) for c in parse_hex(colour))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast_ratio(a: str, b: str) -> float:
    """1.0 (same) to 21.0 (black on white); order does not matter."""
    la, lb = relative_luminance(a), relative_luminance(b)
    hi, lo = max(la, lb), min(la, lb)
    return (hi + 0.05) / (lo + 0.05)


# WCAG 2.2 thresholds.
AA_TEXT = 4.5  # 1.4.3
AAA_TEXT = 7.0  # 1.4.6
NON_TEXT = 3.0  # 1.4.11
