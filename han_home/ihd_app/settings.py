"""The occupier's choices, remembered across restarts (language, theme, text size, screen)."""

from __future__ import annotations

import json
import logging
import math
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
    """The occupier's choices, saved between starts (language, theme, text size, screen, ...)."""

    language: str = "en"
    theme: str = "normal"  # or "high-contrast"
    text_scale: float = 1.0  # 1.0 - 2.0
    screen: str = "now"
    ambient_low_kw: Decimal = Decimal("0.3")  # below: low
    ambient_high_kw: Decimal = Decimal("1.5")  # at or above: high
    budget_gbp_per_day: Decimal = Decimal("4.00")
    show_carbon: bool = True
    show_utc: bool = False
    spoken_alerts: bool = False  # say low credit and high use aloud (read_aloud.py)
    billing_day: int = 1  # day of the month the bill is made up to (bill projection)
    vat_rate: Decimal = Decimal("0.05")  # domestic energy in the UK; configurable

    def changed(self, **changes: object) -> Settings:
        return replace(self, **changes)  # type: ignore[arg-type]


class SettingsStore:
    """JSON file in the XDG config directory; written atomically so a power cut can't
    leave a half-written file (the 2019 display that forgot its Welsh setting)."""

    def __init__(self, path: Path | None = None) -> None:
        self.path = path or config_dir() / "ihd.json"
        self.bad_file = False  # the file on disk could not be used: keep it on the next save
        self._warned = False

    def _warn(self, message: str) -> None:
        if not self._warned:  # one line per start, however many values are wrong
            self._warned = True
            LOGGER.warning("%s", message)

    def load(self) -> Settings:
        """The saved settings. A file that cannot be used never stops the display: it starts
        with the defaults (for the values that are wrong, or all of them), says so in one
        warning line, and leaves the file as it is."""
        from han_home.shared.i18n import _

        p = {"path": str(self.path)}
        try:
            raw = json.loads(self.path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return Settings()
        except (OSError, ValueError):
            raw = None
        if not isinstance(raw, dict):
            self.bad_file = True
            self._warn(_("The settings file %(path)s cannot be read as settings: the display "
                         "starts with the default settings and leaves the file as it is.") % p)
            return Settings()
        values: dict[str, object] = {}
        wrong: list[str] = []
        for f in fields(Settings):
            if f.name not in raw:
                continue
            value = _checked(f.name, raw[f.name], getattr(Settings(), f.name))
            if value is None:
                wrong.append(f.name)
            else:
                values[f.name] = value
        if wrong:
            self.bad_file = True
            self._warn(_("The settings file %(path)s has values the display cannot use "
                         "(%(names)s): it uses the defaults for them and leaves the file as "
                         "it is.") % {"path": str(self.path), "names": ", ".join(wrong)})
        return Settings(**values)  # type: ignore[arg-type]

    def save(self, settings: Settings) -> None:
        from han_home.shared.private_files import private_dir, write_private_text

        private_dir(self.path.parent)
        data = {k: str(v) if isinstance(v, Decimal) else v for k, v in asdict(settings).items()}
        if self.bad_file and self.path.exists():
            os.replace(self.path, self.path.with_name(self.path.name + ".bad"))  # kept, not lost
            self.bad_file = False
        tmp = self.path.with_suffix(".tmp")
        write_private_text(tmp, json.dumps(data, indent=1))
        os.replace(tmp, self.path)


THEMES = ("normal", "high-contrast")


def _checked(name: str, value: object, default: object) -> object | None:
    """``value`` as the type of ``default`` if it is a usable value of setting ``name``."""
    if isinstance(default, bool):
        return value if isinstance(value, bool) else None
    if isinstance(default, int):  # billing_day: a day of the month
        ok = isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= 31
        return value if ok else None
    if isinstance(default, float):
        if isinstance(value, bool) or not isinstance(value, int | float):
            return None
        number = float(value)
        return min(2.0, max(1.0, number)) if math.isfinite(number) else None
    if isinstance(default, Decimal):
        if isinstance(value, bool) or not isinstance(value, str | int | float):
            return None
        try:
            amount = Decimal(str(value))
        except ArithmeticError:
            return None
        if name == "vat_rate" and amount > 1:
            return None  # a share, not a percentage
        return amount if amount.is_finite() and amount >= 0 else None
    allowed = {"language": ("en", "cy"), "theme": THEMES, "screen": SCREENS}.get(name)
    if not isinstance(value, str) or (allowed is not None and value not in allowed):
        return None
    return value
