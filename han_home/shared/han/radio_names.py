"""Radio names and their libraries, without importing zigpy (command lines check them
before anything heavy is loaded)."""

from __future__ import annotations

import importlib.util

RADIO_MODULES = {
    "znp": "zigpy_znp.zigbee.application",
    "ezsp": "bellows.zigbee.application",
    "deconz": "zigpy_deconz.zigbee.application",
}
RADIOS = ("sim", *RADIO_MODULES)


def missing_library_message(radio: str) -> str | None:
    """None if ``radio``'s library can be imported, else the translated sentence that says
    which extra to install (checked before anything starts)."""
    if radio == "sim" or radio not in RADIO_MODULES:
        return None
    top = RADIO_MODULES[radio].split(".")[0]
    try:
        found = importlib.util.find_spec(top) is not None
    except (ImportError, ValueError):
        found = False
    if found:
        return None
    from han_home.shared.i18n import _

    return _("The %(radio)s radio library is not installed: install it with "
             "pip install 'han-home[radios]'.") % {"radio": radio}
