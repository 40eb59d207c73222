"""Install codes, EUI-64s and label QR payloads: parse and validate with exact faults.

Plain Python (no Qt). Every fault is a ``Fault`` value with a kind and its parameters; the
message the engineer sees is built at render time, in their language, by ``Fault.message()``.
Nothing here ever returns or prints the derived link key except ``link_key_of`` (used only
to hand the key to the radio for the join window).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from enum import StrEnum

from crccheck.crc import CrcX25

from han_home.shared.han.install_codes import (
    QR_CODE_FORMATS,
    link_key_from_install_code,
    match_qr_format,
    parse_label_qr,
)
from han_home.shared.i18n import _, ngettext

CODE_LENGTHS = (8, 10, 14, 18)  # bytes including the two CRC bytes (Zigbee install codes)
_SEPARATORS = " \t-:_.\u00a0\u2010\u2011\u2012\u2013\u2014"
_HEX = set("0123456789abcdefABCDEF")


def _count(value: object) -> int:
    return value if isinstance(value, int) else 0


class FaultKind(StrEnum):
    EMPTY = "empty"
    NOT_HEX = "not_hex"
    ODD_DIGITS = "odd_digits"
    BAD_LENGTH = "bad_length"
    BAD_CRC = "bad_crc"
    EUI_EMPTY = "eui_empty"
    EUI_NOT_HEX = "eui_not_hex"
    EUI_LENGTH = "eui_length"
    EUI_RESERVED = "eui_reserved"
    QR_UNKNOWN = "qr_unknown"
    DUPLICATE_EUI = "duplicate_eui"
    DUPLICATE_CODE = "duplicate_code"
    TYPE_UNKNOWN = "type_unknown"
    QR_EUI_DISAGREES = "qr_eui_disagrees"
    QR_CODE_DISAGREES = "qr_code_disagrees"
    FIELD_TOO_LONG = "field_too_long"
    NOT_CSV = "not_csv"
    NO_COLUMNS = "no_columns"
    MPAN_LENGTH = "mpan_length"
    MPAN_NOT_DIGITS = "mpan_not_digits"
    MPAN_CHECK = "mpan_check"
    MPRN_LENGTH = "mprn_length"
    MPRN_NOT_DIGITS = "mprn_not_digits"
    PREMISES_DISAGREE = "premises_disagree"


@dataclass(frozen=True)
class Fault:
    """What is wrong with an entry, and where. ``message()`` says how to fix it."""

    kind: FaultKind
    params: dict[str, object] = field(default_factory=dict)

    def message(self) -> str:
        p = self.params
        k = self.kind
        if k == FaultKind.EMPTY:
            return _("Enter the install code printed on the device label.")
        if k == FaultKind.NOT_HEX:
            return _("The install code can only contain the digits 0-9 and the letters A-F, "
                     "but character %(position)d is “%(char)s”: re-type that character."
                     ) % {"position": p["position"], "char": p["char"]}
        if k == FaultKind.ODD_DIGITS:
            return ngettext(
                "The install code has %(digits)d digit, an odd number, so one digit is "
                "missing or extra: check the code against the label.",
                "The install code has %(digits)d digits, an odd number, so one digit is "
                "missing or extra: check the code against the label.",
                _count(p["digits"])) % {"digits": p["digits"]}
        if k == FaultKind.BAD_LENGTH:
            return ngettext(
                "The install code has %(digits)d digit; it must have 16, 20, 28 or 36 "
                "digits (including the 4 check digits at the end): check for missing or "
                "extra digits.",
                "The install code has %(digits)d digits; it must have 16, 20, 28 or 36 "
                "digits (including the 4 check digits at the end): check for missing or "
                "extra digits.", _count(p["digits"])) % {"digits": p["digits"]}
        if k == FaultKind.BAD_CRC:
            return _("The check digits at the end of the install code do not match the rest "
                     "of the code, so at least one digit is wrong: re-type the code.")
        if k == FaultKind.EUI_EMPTY:
            return _("Enter the device’s EUI-64 (16 digits 0-9 and A-F) from its label.")
        if k == FaultKind.EUI_NOT_HEX:
            return _("The EUI-64 can only contain the digits 0-9 and the letters A-F, but "
                     "character %(position)d is “%(char)s”: re-type that character."
                     ) % {"position": p["position"], "char": p["char"]}
        if k == FaultKind.EUI_LENGTH:
            return ngettext(
                "The EUI-64 has %(digits)d digit; it must have exactly 16: check for "
                "missing or extra digits.",
                "The EUI-64 has %(digits)d digits; it must have exactly 16: check for "
                "missing or extra digits.", _count(p["digits"])) % {"digits": p["digits"]}
        if k == FaultKind.EUI_RESERVED:
            return _("%(eui64)s is not a device address (all zeros or all F): read the EUI-64 "
                     "from the device label again.") % {"eui64": p["eui64"]}
        if k == FaultKind.QR_UNKNOWN:
            return _("This QR code is not a device label format the tool knows: type the "
                     "EUI-64 and install code from the label instead.")
        if k == FaultKind.DUPLICATE_EUI:
            return _("%(eui64)s is already on the device list (row %(row)d): remove one of "
                     "the two entries.") % {"eui64": p["eui64"], "row": p["row"]}
        if k == FaultKind.DUPLICATE_CODE:
            return _("This install code is already entered for %(eui64)s (row %(row)d): each "
                     "device has its own code, so check both labels."
                     ) % {"eui64": p["eui64"], "row": p["row"]}
        if k == FaultKind.TYPE_UNKNOWN:
            return _("“%(type)s” is not a device type: use electricity_meter, gas_meter, "
                     "display or other.") % {"type": p["type"]}
        if k == FaultKind.QR_EUI_DISAGREES:
            return _("The eui64 column (%(eui64)s) does not match the EUI-64 in the qr column "
                     "(%(qr_eui64)s): check the label and correct one of them."
                     ) % {"eui64": p["eui64"], "qr_eui64": p["qr_eui64"]}
        if k == FaultKind.QR_CODE_DISAGREES:
            return _("The install_code column does not match the install code in the qr "
                     "column of the same row: check the label and correct one of them.")
        if k == FaultKind.FIELD_TOO_LONG:
            return _("a field is longer than %(limit)d characters, so this is not a device "
                     "list.") % {"limit": p["limit"]}
        if k == FaultKind.NOT_CSV:
            return _("this line cannot be read as CSV (check its quotes).")
        if k == FaultKind.NO_COLUMNS:
            return _("the first line must name the columns: eui64, install_code and type, or "
                     "qr and type.")
        return _premises_message(k, p)


def _premises_message(k: FaultKind, p: dict[str, object]) -> str:
    if k == FaultKind.MPAN_LENGTH:
        return _("The MPAN “%(value)s” must have 13 digits (the MPAN core, the bottom line "
                 "of the MPAN on the bill or the meter): check for missing or extra "
                 "digits.") % p
    if k == FaultKind.MPAN_NOT_DIGITS:
        return _("The MPAN “%(value)s” can only contain the digits 0-9.") % p
    if k == FaultKind.MPAN_CHECK:
        return _("The last digit of the MPAN “%(value)s” does not match the others, so a "
                 "digit is wrong: check it against the bill or the meter.") % p
    if k == FaultKind.MPRN_LENGTH:
        return _("The MPRN “%(value)s” must have 6 to 10 digits.") % p
    if k == FaultKind.MPRN_NOT_DIGITS:
        return _("The MPRN “%(value)s” can only contain the digits 0-9.") % p
    if k == FaultKind.PREMISES_DISAGREE:
        return _("The %(name)s %(value)s differs from %(other)s given before: one job is for "
                 "one premises.") % p
    raise AssertionError(k)  # pragma: no cover


class CodeError(ValueError):
    """An entry that cannot be used; carries its ``Fault``. ``str()`` is never a secret."""

    def __init__(self, fault: Fault) -> None:
        super().__init__(fault.kind.value)
        self.fault = fault

    def message(self) -> str:
        return self.fault.message()


def _clean(text: str) -> str:
    """NFC, separators removed (spaces, dashes of any kind, colons, dots, underscores)."""
    text = unicodedata.normalize("NFC", text).strip()
    return "".join(c for c in text if c not in _SEPARATORS)


def _first_non_hex(original: str) -> Fault | None:
    position = 0
    for char in unicodedata.normalize("NFC", original).strip():
        if char in _SEPARATORS:
            continue
        position += 1
        if char not in _HEX:
            return Fault(FaultKind.NOT_HEX, {"position": position, "char": char})
    return None


def check_install_code(text: str) -> Fault | None:
    """None if ``text`` is a valid install code (hex, any spacing or dashes), else the fault."""
    digits = _clean(text)
    if not digits:
        return Fault(FaultKind.EMPTY)
    bad = _first_non_hex(text)
    if bad is not None:
        return bad
    if len(digits) % 2:
        return Fault(FaultKind.ODD_DIGITS, {"digits": len(digits)})
    if len(digits) // 2 not in CODE_LENGTHS:
        return Fault(FaultKind.BAD_LENGTH, {"digits": len(digits)})
    code = bytes.fromhex(digits)
    if CrcX25.calc(code[:-2]).to_bytes(2, "little") != code[-2:]:
        return Fault(FaultKind.BAD_CRC)
    return None


def install_code_bytes(text: str) -> bytes:
    """The install code's bytes; raises ``CodeError`` with the exact fault."""
    fault = check_install_code(text)
    if fault is not None:
        raise CodeError(fault)
    return bytes.fromhex(_clean(text))


def link_key_of(code: bytes) -> bytes:
    """The AES-MMO link key of a checked install code. Never print or log the result."""
    return link_key_from_install_code(code)


def check_eui64(text: str) -> Fault | None:
    digits = _clean(text)
    if not digits:
        return Fault(FaultKind.EUI_EMPTY)
    for position, char in enumerate(digits, start=1):
        if char not in _HEX:
            return Fault(FaultKind.EUI_NOT_HEX, {"position": position, "char": char})
    if len(digits) != 16:
        return Fault(FaultKind.EUI_LENGTH, {"digits": len(digits)})
    if digits.upper() in ("0" * 16, "F" * 16):
        return Fault(FaultKind.EUI_RESERVED, {"eui64": format_eui64(digits)})
    return None


def format_eui64(digits: str) -> str:
    """ "001BC5..." or "00-1b-c5-..." -> "00:1b:c5:0c:..." (zigpy's spelling)."""
    clean = _clean(digits).lower()
    return ":".join(clean[i:i + 2] for i in range(0, len(clean), 2))


def normalise_eui64(text: str) -> str:
    """The canonical "aa:bb:..." spelling; raises ``CodeError`` with the exact fault."""
    fault = check_eui64(text)
    if fault is not None:
        raise CodeError(fault)
    return format_eui64(text)


@dataclass(frozen=True, repr=False)
class QrLabel:
    """What a label's QR payload carries. ``repr`` hides the code and key."""

    eui64: str
    install_code: bytes | None  # None when the QR carries the link key itself (Bosch DLK)
    link_key: bytes

    def __repr__(self) -> str:
        return f"QrLabel(eui64={self.eui64!r}, install_code=<hidden>, link_key=<hidden>)"


def parse_qr(payload: str) -> QrLabel:
    """Read a label QR payload in any format zigpy reads.

    The install code is checked first so a misread code gets the exact fault (length, CRC).
    """
    text = unicodedata.normalize("NFC", payload).strip()
    groups = match_qr_format(text)
    if groups is None:
        raise CodeError(Fault(FaultKind.QR_UNKNOWN))
    code: bytes | None = None
    if groups.get("code") is not None:
        code = install_code_bytes(groups["code"] or "")
    try:
        eui, key = parse_label_qr(text)
    except ValueError as exc:  # pragma: no cover - the format matched above
        raise CodeError(Fault(FaultKind.QR_UNKNOWN)) from exc
    fault = check_eui64(eui)
    if fault is not None:
        raise CodeError(fault)
    return QrLabel(eui, code, key)


def looks_like_qr(text: str) -> bool:
    """A pasted or scanned QR payload rather than a typed code (scanner input in any field)."""
    stripped = text.strip()
    return any(re.search(p, stripped) for p in QR_CODE_FORMATS)


def mask(code_or_key: bytes | str | None) -> str:
    """What the screen and reports show instead of a secret: its length, never its digits."""
    if not code_or_key:
        return ""
    return "•" * 8
