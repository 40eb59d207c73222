"""What the commissioning report and the Verify page show for each device's live reading."""

from __future__ import annotations


def test_a_software_build_answer_reads_as_the_firmware_version() -> None:
    """The in-home display has no register: it answers verification with its software
    build, shown as its firmware version in the engineer's language, not as an attribute
    name."""
    from han_home.installer_app.report import FIRMWARE_ANSWER, unit_symbols
    from han_home.shared.i18n.catalog import set_language

    try:
        assert unit_symbols(f"{FIRMWARE_ANSWER}3.0.2") == "Firmware 3.0.2"
        set_language("cy")
        assert unit_symbols(f"{FIRMWARE_ANSWER}3.0.2") == "Cadarnwedd 3.0.2"
        assert unit_symbols("9599.2 m3") == "9599.2 m\u00b3"
    finally:
        set_language("en")
