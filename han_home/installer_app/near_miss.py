"""Near misses: a listed EUI-64 that never joined while a refused one is a typing slip away.

A slip is one or two hex digits different, or two adjacent digits swapped. Only advice:
the refused device is never admitted automatically (the engineer re-checks the label).
"""

from __future__ import annotations


def _digits(eui64: str) -> str:
    return "".join(c for c in eui64.lower() if c in "0123456789abcdef")


def slip(listed: str, refused: str) -> str | None:
    """'digits' (1 or 2 hex digits differ), 'swap' (two adjacent digits transposed), or
    None when the two are the same or further apart."""
    a, b = _digits(listed), _digits(refused)
    if len(a) != 16 or len(b) != 16 or a == b:
        return None
    differ = [i for i in range(16) if a[i] != b[i]]
    if len(differ) == 2 and differ[1] == differ[0] + 1 \
            and a[differ[0]] == b[differ[1]] and a[differ[1]] == b[differ[0]]:
        return "swap"
    if len(differ) <= 2:
        return "digits"
    return None
