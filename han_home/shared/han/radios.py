"""Choose the zigpy radio: the virtual home by default, or a real radio library."""

from __future__ import annotations

import importlib
from typing import Any

import zigpy.application
import zigpy.config as conf

from han_home.shared.han.radio_names import (  # noqa: F401  (re-exported)
    RADIO_MODULES,
    RADIOS,
    missing_library_message,
)
from han_home.shared.han.se_device import smart_energy_app_class


class RadioUnavailable(RuntimeError):
    """The chosen radio library is not installed (pip install 'han-home[radios]')."""


def app_class(radio: str) -> type[zigpy.application.ControllerApplication]:
    if radio == "sim":
        from han_home.shared.sim.radio import SimControllerApplication

        return SimControllerApplication
    try:
        module = importlib.import_module(RADIO_MODULES[radio])
    except KeyError as exc:
        raise RadioUnavailable(
            f"Unknown radio {radio!r}; choose one of {', '.join(RADIOS)}"
        ) from exc
    except ImportError as exc:
        raise RadioUnavailable(
            f"The {radio} radio library is not installed: pip install 'han-home[radios]'"
        ) from exc
    return smart_energy_app_class(module.ControllerApplication)


def app_config(
    radio: str, device_path: str | None, database: str | None, extra: dict[str, Any] | None = None
) -> dict[str, Any]:
    config: dict[str, Any] = {
        conf.CONF_DEVICE: {conf.CONF_DEVICE_PATH: device_path or "sim"},
        conf.CONF_DATABASE: database,
        conf.CONF_NWK_BACKUP_ENABLED: radio != "sim",
        conf.CONF_TOPO_SCAN_ENABLED: False,
        conf.CONF_WATCHDOG_ENABLED: True,
        conf.CONF_OTA: {conf.CONF_OTA_ENABLED: False},
        # Real radios must register the Smart Energy endpoint (HAN-NOTES.md)
        conf.CONF_ADDITIONAL_ENDPOINTS: []
        if radio == "sim"
        else [
            {
                "endpoint": 1,
                "profile": 0x0109,
                "device_type": 0x0500,
                "device_version": 0,
                "input_clusters": [0x0000, 0x000A, 0x0700, 0x0703],
                "output_clusters": [0x0702, 0x0700, 0x0703, 0x0705],
            }
        ],
    }
    config.update(extra or {})
    return config
