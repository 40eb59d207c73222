"""The occupier's choices, remembered across restarts (language, theme, text size, screen)."""

from __future__ import annotations

import json
import logging
import os
from dataclasses import asdict, dataclass, fields, replace
from decimal import Decimal
from pathlib import Path

LOGGER = logging.getLogger(__name__)
SCREENS = ("now", "usage", "tariff", "credit", "messages", "settings")


def config_dir() -> Path:
    base = os.environ.get("HAN_HOME_CONFIG_DIR") or os.environ.get("XDG_CONFIG_HOME")
    return Path(base) / "han-home" if base else Path.home() / ".config" / "han-home"


def data_dir() -> Path:
    base = os.environ.get("HAN_HOME_DATA_DIR") or os.environ.get("XDG_DATA_HOME")
    return Path(base) / "han-home" if base else Path.home() / ".local" / "share" / "han-home"


@dataclass(frozen=True)
class Settings:
    language: str = "en"
    theme: str = "normal"  # or "high-contrast"
    text_scale: float = 1.0  # 1.0 - 2.0
    screen: str = "now"
    ambient_low_kw: Decimal = Decimal("0.3")  # below: low
    ambient_high_kw: Decimal = Decimal("1.5")  # at or above: high
    budget_gbp_per_day: Decimal = Decimal("4.00")
    show_carbon: bool = True
    show_utc: bool = False

    def changed(self, **changes: object) -> Settings:
        return replace(self, **changes)  # type: ignore[arg-type]


class SettingsStore:
    """JSON file in the XDG config directory; written atomically so a power cut can't
    leave a half-written file (the 2019 display that forgot its Welsh setting)."""

    def __init__(self, path: Path | None = None) -> None:
        self.path = path or config_dir() / "ihd.json"

    def load(self) -> Settings:
        try:
            raw = json.loads(self.path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return Settings()
        except (OSError, ValueError):
            LOGGER.warning("Settings file %s unreadable; using defaults", self.path)
            return Settings()
        known = {f.name: f.type for f in fields(Settings)}
        values: dict[str, object] = {}
        for name, value in raw.items():
            if name not in known:
                continue
            default = getattr(Settings(), name)
            try:
                values[name] = (
                    type(default)(value) if not isinstance(default, bool) else bool(value)
                )
            except (TypeError, ValueError, ArithmeticError):
                continue
        settings = Settings(**values)  # type: ignore[arg-type]
        if settings.language not in ("en", "cy"):
            settings = settings.changed(language="en")
        if settings.screen not in SCREENS:
            settings = settings.changed(screen="now")
        return settings.changed(text_scale=min(2.0, max(1.0, settings.text_scale)))

    def save(self, settings: Settings) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        data = {k: str(v) if isinstance(v, Decimal) else v for k, v in asdict(settings).items()}
        tmp = self.path.with_suffix(".tmp")
        tmp.write_text(json.dumps(data, indent=1), encoding="utf-8")
        os.replace(tmp, self.path)
