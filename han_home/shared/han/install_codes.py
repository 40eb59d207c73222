"""zigpy's install-code tools behind plain types (bytes, str), so the installer tool checks
codes and labels without importing zigpy (only shared/han and shared/sim do)."""

from __future__ import annotations

import re

import zigpy.types as t
import zigpy.util

# the label QR payload formats zigpy reads (Aqara/Bosch/Consciot/Z2M styles)
QR_CODE_FORMATS: tuple[str, ...] = tuple(zigpy.util.QR_CODE_FORMATS)


def link_key_from_install_code(code: bytes) -> bytes:
    """The AES-MMO hash of a checked install code: the device's preconfigured link key."""
    return bytes(zigpy.util.convert_install_code(code))


def canonical_eui64(text: str) -> str:
    """zigpy's spelling of an EUI-64: "00:1b:c5:..."."""
    return str(t.EUI64.convert(text))


def parse_label_qr(text: str) -> tuple[str, bytes]:
    """(EUI-64, link key) from a QR payload; ValueError if no known format matches."""
    ieee, key = zigpy.util.parse_install_code_qr(text)
    return str(t.EUI64(ieee)), bytes(key)


def match_qr_format(text: str) -> dict[str, str | None] | None:
    """The named groups of the first QR format the payload matches, or None."""
    for pattern in QR_CODE_FORMATS:
        match = re.search(pattern, text)
        if match is not None:
            return match.groupdict()
    return None
