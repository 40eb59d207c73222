"""The one API both apps use to reach the HAN. It knows nothing of Qt."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any, Protocol

from han_home.shared.energy.readings import Fuel, Reading, ReadingKind
from han_home.shared.han.radio_state import RadioState
from han_home.shared.han.registry import DeviceRecord
from han_home.shared.han.tariffs import Tariffs


class DeviceEventKind(StrEnum):
    JOINED = "joined"
    INTERVIEWED = "interviewed"
    CONFIGURED = "configured"
    CONFIG_FAILED = "config_failed"  # configuring failed on every attempt; detail: the reason
    LEFT = "left"
    REFUSED = "refused"  # a device not on the list tried to join: never admitted
    # a meter whose SiteID is another premises': not configured, told to leave; detail: its
    # SiteID
    FOREIGN = "foreign"


@dataclass(frozen=True)
class ReadingEvent:
    reading: Reading


@dataclass(frozen=True)
class DeviceEvent:
    kind: DeviceEventKind
    eui64: str
    at: datetime
    lqi: int | None = None
    rssi: int | None = None
    detail: str = ""
    # a refused joiner's MAC capability: mains powered (a router, as an electricity meter)
    # or not (a sleepy end device, as a gas meter); None when the radio does not say
    mains_powered: bool | None = None


@dataclass(frozen=True)
class RadioEvent:
    state: RadioState
    at: datetime
    detail: str = ""


@dataclass(frozen=True)
class StaleEvent:
    """A value has had no update for three times its expected interval."""

    fuel: Fuel
    kind: ReadingKind
    last: Reading
    age_seconds: float


@dataclass(frozen=True)
class ChangeEvent:
    """A meter applied a signed change (``shared/han/changes.py`` makes the notice)."""

    notice: Any  # changes.ChangeNotice (not imported here: it brings cryptography)


HanEvent = ReadingEvent | DeviceEvent | RadioEvent | StaleEvent | ChangeEvent
Subscriber = Callable[[HanEvent], None]


class HanClient(Protocol):
    """Everything an app may ask of the HAN. In-process (`Gateway`) today; a remote TLS
    client implements the same, so nothing outside shared/han may reach past it."""

    tariffs: Tariffs  # the display-side tariff, built from the supplier's data

    async def start(self) -> None: ...

    async def stop(self) -> None: ...

    def subscribe(self, callback: Subscriber) -> Callable[[], None]: ...

    def now(self) -> datetime: ...

    def latest(self) -> dict[tuple[Fuel, ReadingKind], Reading]: ...

    def is_stale(self, reading: Reading) -> bool: ...

    def devices(self) -> list[DeviceRecord]: ...

    @property
    def radio_state(self) -> RadioState: ...

    async def activate_emergency_credit(self) -> bool:
        """Ask the electricity meter to release emergency credit (occupier's action); True
        if a prepayment meter took the command."""
        ...
