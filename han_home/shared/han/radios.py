"""The radio registry: the virtual home by default, or a real radio library.

Every radio, the virtual one included, is found by module name, as zigpy's radio libraries
are: the core never imports a radio, so a radio (shared/sim among them) depends on the core
and not the reverse (checked by the import-linter contracts in pyproject.toml).
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any, Protocol

import zigpy.application
import zigpy.config as conf

from han_home.shared.energy.supplier_tariff import SupplierTariff
from han_home.shared.han.radio_names import RADIO_MODULES as REAL_RADIO_MODULES
from han_home.shared.han.radio_names import RADIOS, missing_library_message
from han_home.shared.han.se_clusters import SE_PROFILE_ID
from han_home.shared.han.se_device import SmartEnergyAppMixin, smart_energy_app_class
from han_home.shared.han.zcl_ids import (
    BASIC_CLUSTER,
    MESSAGING_CLUSTER,
    METERING_CLUSTER,
    PREPAYMENT_CLUSTER,
    PRICE_CLUSTER,
    TIME_CLUSTER,
)

# radio name -> module whose ControllerApplication drives it (radio_names.py lists the
# real radios' libraries without importing zigpy, for the command lines' early checks)
RADIO_MODULES = {"sim": "han_home.shared.sim.radio", **REAL_RADIO_MODULES}


class RadioSurroundings(Protocol):
    """What a virtual radio brings besides its zigpy application: the clock its world runs
    on, the tariff its meters were loaded with, and its devices' life. Real radios have
    none (their world is the real one)."""

    clock: Any
    tariff: SupplierTariff

    def radio_config(self) -> dict[str, Any]: ...

    def labels(self) -> list[Any]:
        """The labels on the boxes of the home's own devices (what an installer scans)."""
        ...

    def watch_radio(self, lost: Callable[[], None]) -> None: ...

    def start(self) -> None: ...

    async def stop(self) -> None: ...


class RadioUnavailable(RuntimeError):
    """The chosen radio library is not installed (pip install 'han-home[radios]')."""


def app_class(radio: str) -> type[zigpy.application.ControllerApplication]:
    try:
        module = importlib.import_module(RADIO_MODULES[radio])
    except KeyError as exc:
        raise RadioUnavailable(
            f"Unknown radio {radio!r}; choose one of {', '.join(RADIOS)}"
        ) from exc
    except ImportError as exc:
        raise RadioUnavailable(
            missing_library_message(radio)
            or f"The {radio} radio library cannot be loaded: {exc}"
        ) from exc
    cls: type[zigpy.application.ControllerApplication] = module.ControllerApplication
    return cls if issubclass(cls, SmartEnergyAppMixin) else smart_energy_app_class(cls)


def app_config(
    radio: str, device_path: str | None, database: str | None, extra: dict[str, Any] | None = None
) -> dict[str, Any]:
    config: dict[str, Any] = {
        conf.CONF_DEVICE: {conf.CONF_DEVICE_PATH: device_path or "sim"},
        conf.CONF_DATABASE: database,
        conf.CONF_NWK_BACKUP_ENABLED: radio != "sim",
        conf.CONF_TOPO_SCAN_ENABLED: False,
        conf.CONF_WATCHDOG_ENABLED: True,
        # OTA off, and none of zigpy's online firmware providers named: its default list is
        # validated (each provider built) even with OTA off, which loads them (see
        # deferred_imports.ZIGPY_OTA_PROVIDER_MODULES)
        conf.CONF_OTA: {conf.CONF_OTA_ENABLED: False, conf.CONF_OTA_PROVIDERS: []},
        # Real radios must register the Smart Energy endpoint (HAN-NOTES.md)
        conf.CONF_ADDITIONAL_ENDPOINTS: []
        if radio == "sim"
        else [
            {
                "endpoint": 1,
                "profile": SE_PROFILE_ID,
                "device_type": 0x0500,
                "device_version": 0,
                "input_clusters": [BASIC_CLUSTER, TIME_CLUSTER, PRICE_CLUSTER, MESSAGING_CLUSTER],
                "output_clusters": [
                    METERING_CLUSTER,
                    PRICE_CLUSTER,
                    MESSAGING_CLUSTER,
                    PREPAYMENT_CLUSTER,
                ],
            }
        ],
    }
    config.update(extra or {})
    return config
