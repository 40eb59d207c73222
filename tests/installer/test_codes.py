"""Install code, EUI-64 and QR validation: exact faults, in English and Welsh."""

from __future__ import annotations

import pytest
import zigpy.util
from crccheck.crc import CrcX25
from hypothesis import given
from hypothesis import strategies as st

from han_home.installer_app.codes import (
    CodeError,
    FaultKind,
    check_eui64,
    check_install_code,
    link_key_of,
    parse_qr,
)
from han_home.installer_app.job import DeviceType, DuplicateError, Job, load_devices_csv
from han_home.shared.i18n import set_language

VECTOR = "83FED3407A939723A5C639B26916D505C3B5"
VECTOR_KEY = bytes.fromhex("66B6900981E1EE3CA4206B6B861C02BB")
EUI = "00:1b:c5:0c:60:00:00:99"




def with_crc(body: bytes) -> str:
    return (body + CrcX25.calc(body).to_bytes(2, "little")).hex().upper()


def test_the_zigbee_vector_is_accepted_with_any_spacing_and_gives_the_known_key():
    for text in (VECTOR, VECTOR.lower(), "83FE D340 7A93 9723 A5C6 39B2 6916 D505 C3B5",
                 "83-FE-D3-40-7A-93-97-23-A5-C6-39-B2-69-16-D5-05-C3-B5", f"  {VECTOR}\n"):
        assert check_install_code(text) is None
    assert link_key_of(bytes.fromhex(VECTOR)) == VECTOR_KEY


@pytest.mark.parametrize("length", [8, 10, 14, 18])
def test_every_install_code_length_with_its_crc_is_accepted(length):
    assert check_install_code(with_crc(bytes(range(length - 2)))) is None


def test_wrong_check_digits_say_so_and_say_retype():
    fault = check_install_code(VECTOR[:-1] + "4")
    assert fault.kind == FaultKind.BAD_CRC
    message = fault.message()
    assert "check digits at the end" in message and "re-type the code" in message
    set_language("cy")
    assert fault.message() != message and "ailteipiwch" in fault.message()


@pytest.mark.parametrize(("text", "kind", "fragment"), [
    ("", FaultKind.EMPTY, "Enter the install code"),
    ("83FED3407A9G", FaultKind.NOT_HEX, "character 12 is “G”"),
    ("83FED3407A939723A5C639B26916D505C3B", FaultKind.ODD_DIGITS, "35 digits"),
    ("83FED3407A939723A5C639B26916D505", FaultKind.BAD_LENGTH, "32 digits"),
    ("83FE", FaultKind.BAD_LENGTH, "16, 20, 28 or 36"),
])
def test_each_fault_is_exact(text, kind, fragment):
    fault = check_install_code(text)
    assert fault is not None and fault.kind == kind
    assert fragment in fault.message()


def test_no_fault_message_reveals_the_code_or_key():
    bad = VECTOR[:-1] + "4"
    for lang in ("en", "cy"):
        set_language(lang)
        message = check_install_code(bad).message()
        assert VECTOR[:8] not in message.upper() and VECTOR_KEY.hex() not in message.lower()


@given(st.binary(min_size=6, max_size=16), st.integers(0, 17), st.integers(1, 255))
def test_any_single_byte_corruption_is_caught(body, where, flip):
    code = bytearray(bytes.fromhex(with_crc(body)))
    if len(code) - 2 not in (6, 8, 12, 16):
        return
    code[where % len(code)] ^= flip
    assert check_install_code(code.hex()) is not None


@pytest.mark.parametrize(("text", "kind"), [
    ("", FaultKind.EUI_EMPTY), ("00:1b:c5:0c:60:00:00", FaultKind.EUI_LENGTH),
    ("00:1b:c5:0c:60:00:00:0z", FaultKind.EUI_NOT_HEX),
    ("0000000000000000", FaultKind.EUI_RESERVED),
    ("ff-ff-ff-ff-ff-ff-ff-ff", FaultKind.EUI_RESERVED),
])
def test_eui64_faults(text, kind):
    assert check_eui64(text).kind == kind


def test_eui64_accepts_any_separator():
    for text in ("001BC50C60000099", "00-1B-C5-0C-60-00-00-99", EUI):
        assert check_eui64(text) is None


HEX_EUI = "001BC50C60000099"
QR_FORMATS = {
    "consciot": f"{HEX_EUI}|{VECTOR}",
    "enbrighten (Z:...$I:)": f"Z:{HEX_EUI}$I:{VECTOR}",
    "enbrighten with suffix": f"Z:{HEX_EUI}$I:{VECTOR}%G$M:ABC",
    "aqara": f"G$M:1234$S:5678$D:0$A:{HEX_EUI}$I:{VECTOR}",
    "bosch install code": f"RB01SG{'0' * 34}{HEX_EUI}DLK{VECTOR}",
    "hue": f"HUE:Z:{VECTOR} M:{HEX_EUI} D:X S:Y",
}


@pytest.mark.parametrize("name", list(QR_FORMATS))
def test_each_qr_format_zigpy_reads(name):
    payload = QR_FORMATS[name]
    label = parse_qr(payload)
    ieee, key = zigpy.util.parse_install_code_qr(payload)
    assert label.eui64 == str(ieee) == EUI
    assert label.link_key == bytes(key) == VECTOR_KEY
    assert label.install_code == bytes.fromhex(VECTOR)
    assert VECTOR not in repr(label) and VECTOR_KEY.hex() not in repr(label).lower()


def test_bosch_qr_with_the_link_key_itself():
    payload = f"RB01SG{'0' * 34}{HEX_EUI}DLK{VECTOR_KEY.hex().upper()}"
    label = parse_qr(payload)
    assert label.eui64 == EUI and label.link_key == VECTOR_KEY and label.install_code is None


def test_qr_with_bad_check_digits_and_unknown_qr():
    with pytest.raises(CodeError) as bad:
        parse_qr(f"Z:{HEX_EUI}$I:{VECTOR[:-1]}4")
    assert bad.value.fault.kind == FaultKind.BAD_CRC
    with pytest.raises(CodeError) as unknown:
        parse_qr("https://example.com/not-a-label")
    assert unknown.value.fault.kind == FaultKind.QR_UNKNOWN
    assert "type the EUI-64 and install code" in unknown.value.message()


def test_duplicate_entries_are_refused_with_the_row():
    job = Job()
    job.add_typed(EUI, VECTOR, DeviceType.ELECTRICITY_METER)
    with pytest.raises(DuplicateError) as same_eui:
        job.add_qr(f"Z:{HEX_EUI}$I:{VECTOR}")
    assert same_eui.value.fault.kind == FaultKind.DUPLICATE_EUI
    assert "row 1" in same_eui.value.message() and EUI in same_eui.value.message()
    with pytest.raises(DuplicateError) as same_code:
        job.add_typed("00:1b:c5:0c:60:00:00:98", VECTOR)
    assert same_code.value.fault.kind == FaultKind.DUPLICATE_CODE
    assert len(job.devices) == 1


def test_secrets_are_masked_and_wiped():
    job = Job()
    entry = job.add_typed(EUI, VECTOR, DeviceType.GAS_METER)
    text = f"{entry} {entry!r} {entry.link_key} {entry.install_code:}"
    assert VECTOR not in text.upper() and VECTOR_KEY.hex() not in text.lower()
    assert entry.link_key.reveal() == VECTOR_KEY
    job.wipe_secrets()
    assert job.secrets_wiped and entry.link_key.wiped
    with pytest.raises(ValueError):
        entry.link_key.reveal()


def test_csv_with_typed_and_qr_rows_and_a_bad_line():
    text = ("eui64,install_code,type,qr\n"
            f"{EUI},{VECTOR},electricity_meter,\n"
            f",,gas,Z:001BC50C60000098$I:{with_crc(bytes(16))}\n"
            f"00:1b:c5:0c:60:00:00:97,{VECTOR[:-1]}4,display,\n")
    job = Job()
    problems = load_devices_csv(text, job)
    assert [d.entered_type for d in job.devices] == [DeviceType.ELECTRICITY_METER,
                                                     DeviceType.GAS_METER]
    assert [p.line for p in problems] == [4]
    assert "Line 4" in problems[0].message() and "check digits" in problems[0].message()
