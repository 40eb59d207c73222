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
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any


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


def load_config(path: Path) -> FileConfig:
    try:
        data: dict[str, Any] = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise ConfigError(f"No configuration file at {path}") from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"Cannot read {path}: {exc}") from exc
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path} is not valid TOML: {exc}") from exc
    radio, sim, history = data.get("radio", {}), data.get("sim", {}), data.get("history", {})
    try:
        cfg = FileConfig(
            radio=_opt(radio, "type", str),
            device=_opt(radio, "device", str),
            sim_seed=_opt(sim, "seed", int),
            sim_speed=_opt(sim, "speed", float),
            sim_start=_opt(sim, "start", str),
            db=Path(history["db"]).expanduser() if "db" in history else None,
        )
    except (TypeError, ValueError) as exc:
        raise ConfigError(f"{path}: {exc}") from exc
    if cfg.radio is not None and cfg.radio not in ("sim", "znp", "ezsp", "deconz"):
        raise ConfigError(f"{path}: radio type {cfg.radio!r} is not one of sim, znp, ezsp, deconz")
    return cfg


def _opt(table: dict[str, Any], key: str, kind: type) -> Any:
    if key not in table:
        return None
    value = table[key]
    if kind is float and isinstance(value, int):
        value = float(value)
    if not isinstance(value, kind) or isinstance(value, bool):
        raise TypeError(f"{key} must be {kind.__name__}, not {type(value).__name__}")
    return value
