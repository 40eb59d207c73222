"""The radio's state, alone: the display's first frame shows it without importing the rest
of the client API (client.py re-exports it; both names are the same class)."""

from __future__ import annotations

from enum import StrEnum


class RadioState(StrEnum):
    CONNECTED = "connected"
    LOST = "lost"
    RECONNECTING = "reconnecting"
