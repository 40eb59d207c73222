"""What every screen needs: the model, the current settings, the announcer, a way to change
settings. One object so screens do not each reach into the window."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from han_home.ihd_app.settings import Settings
from han_home.shared.ui.accessibility import Announcer
from han_home.shared.ui.theme import Palette, get_theme

if TYPE_CHECKING:
    from han_home.ihd_app.model import DisplayModel


@dataclass
class UiContext:
    """The model, settings, announcer and settings callback every screen is given."""

    model: DisplayModel
    settings: Settings
    announcer: Announcer
    change_settings: Callable[[Settings], None]
    kiosk: bool = False
    # show another screen (the window sets it): details one tap or key away from Now
    navigate: Callable[[str], None] | None = None

    @property
    def palette(self) -> Palette:
        return get_theme(self.settings.theme).palette
