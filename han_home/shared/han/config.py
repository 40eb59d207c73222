"""Gateway configuration file (TOML). Command-line options override it.

[radio]
type = "znp"                # sim | znp | ezsp | deconz
device = "/dev/ttyUSB0"

[sim]
seed = 7
speed = 1.0
start = "2026-10-24T00:00:00Z"

[history]
db = "~/.local/share/han-home/home.db"
max_supply_kw = 23          # the most the supply can deliver (100 A single phase): readings
                            # that rise faster are not counted (energy/register_guard.py)

[tariff]                    # a real home's tariff when its meter does not publish it all:
...                         # see han_home/shared/han/tariff_config.py for the tables
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, replace
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from han_home.shared.han.tariffs import Tariffs


class ConfigError(ValueError):
    """The configuration file cannot be used; the message says where and why."""


@dataclass(frozen=True)
class FileConfig:
    radio: str | None = None
    device: str | None = None
    sim_seed: int | None = None
    sim_speed: float | None = None
    sim_start: str | None = None
    db: Path | None = None
    max_supply_kw: Decimal | None = None
    tariffs: Tariffs | None = None  # None: from the meter, or unknown (never the demo one)


def load_config(path: Path) -> FileConfig:
    from han_home.shared.i18n import _

    p = {"path": path}
    try:
        data: dict[str, Any] = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise ConfigError(_("No configuration file at %(path)s.") % p) from exc
    except IsADirectoryError as exc:
        raise ConfigError(_("%(path)s is a folder, not a configuration file.") % p) from exc
    except PermissionError as exc:
        raise ConfigError(_("Cannot read %(path)s: you do not have permission to read it.")
                          % p) from exc
    except UnicodeDecodeError as exc:
        raise ConfigError(_("%(path)s is not UTF-8 text, so it cannot be a TOML configuration "
                            "file.") % p) from exc
    except OSError as exc:
        raise ConfigError(_("Cannot read %(path)s: %(reason)s") % {
            "path": path, "reason": exc.strerror or type(exc).__name__}) from exc
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(_("%(path)s is not valid TOML: %(reason)s") % {
            "path": path, "reason": exc}) from exc
    tables = [data.get(name, {}) for name in ("radio", "sim", "history")]
    if not all(isinstance(table, dict) for table in tables):
        raise ConfigError(_("%(path)s: [radio], [sim] and [history] must be tables.") % p)
    radio, sim, history = data.get("radio", {}), data.get("sim", {}), data.get("history", {})
    try:
        cfg = FileConfig(
            radio=_opt(radio, "type", str),
            device=_opt(radio, "device", str),
            sim_seed=_opt(sim, "seed", int),
            sim_speed=_opt(sim, "speed", float),
            sim_start=_opt(sim, "start", str),
            db=Path(_opt(history, "db", str)).expanduser() if "db" in history else None,
        )
    except (TypeError, ValueError) as exc:
        raise ConfigError(_("%(path)s: %(problem)s") % {"path": path, "problem": exc}) from exc
    if "tariff" in data:
        from han_home.shared.han.tariff_config import TariffConfigError, tariffs_from_config

        try:
            tariffs = tariffs_from_config(data["tariff"])
        except TariffConfigError as exc:
            raise ConfigError(_("%(path)s: %(problem)s") % {"path": path, "problem": exc}) from exc
        cfg = replace(cfg, tariffs=tariffs)
    if "max_supply_kw" in history:
        value = history["max_supply_kw"]
        try:
            kw = Decimal(str(value)) if not isinstance(value, bool) else Decimal("nan")
        except InvalidOperation:
            kw = Decimal("nan")
        if not kw.is_finite() or not 0 < kw <= 1000:
            raise ConfigError(_("%(path)s: max_supply_kw must be a number of kW above 0 and at "
                                "most 1000.") % p)
        cfg = replace(cfg, max_supply_kw=kw)
    if cfg.radio is not None and cfg.radio not in ("sim", "znp", "ezsp", "deconz"):
        raise ConfigError(_("%(path)s: radio type “%(radio)s” is not one of sim, znp, ezsp, "
                            "deconz.") % {"path": path, "radio": cfg.radio})
    return cfg


def _opt(table: dict[str, Any], key: str, kind: type) -> Any:
    if key not in table:
        return None
    value = table[key]
    if kind is float and isinstance(value, int):
        value = float(value)
    if not isinstance(value, kind) or isinstance(value, bool):
        from han_home.shared.i18n import _

        raise TypeError(_("%(key)s must be %(kind)s, not %(actual)s.") % {
            "key": key, "kind": kind.__name__, "actual": type(value).__name__})
    return value
