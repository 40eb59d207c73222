"""Settings: language, theme, text size, ambient thresholds, daily budget, carbon, UTC.

Every change applies at once and is handed to the app to persist (the 2019 display that
forgot its Welsh setting is the failure to avoid)."""

from __future__ import annotations

from decimal import Decimal

from PySide6.QtCore import QSignalBlocker
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QDoubleSpinBox,
    QHBoxLayout,
    QPushButton,
    QRadioButton,
    QWidget,
)

from han_home.ihd_app.ui.context import UiContext
from han_home.ihd_app.ui.screens.base import Screen
from han_home.ihd_app.ui.widgets.changes_panel import ChangesPanel
from han_home.ihd_app.ui.widgets.common import label
from han_home.shared.i18n import LANGUAGES, _
from han_home.shared.i18n import ihd_strings as s
from han_home.shared.i18n.formatting import format_percent
from han_home.shared.ui.step_box import StepBox
from han_home.shared.ui.theme import MAX_TEXT_SCALE, MIN_TEXT_SCALE

SCALE_STEP = 0.25


def spin(minimum: float, maximum: float, step: float, decimals: int) -> QDoubleSpinBox:
    box = QDoubleSpinBox()
    box.setRange(minimum, maximum)
    box.setSingleStep(step)
    box.setDecimals(decimals)
    return box


class SettingsScreen(Screen):
    key = "settings"
    sections: frozenset[str] = frozenset({"changes"})

    def __init__(self, ctx: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.language_label = label("heading")
        self.languages = {code: QRadioButton(name) for code, name in LANGUAGES.items()}
        self.theme_label = label("heading")
        self.themes = {key: QRadioButton() for key in ("normal", "high-contrast")}
        self.size_label = label("heading")
        self.size_value = label()
        self.smaller, self.larger = QPushButton(), QPushButton()
        self.smaller.setObjectName("text-smaller")
        self.larger.setObjectName("text-larger")
        self.ambient_label = label("heading")
        self.low_label, self.high_label, self.budget_label = label(), label(), label()
        self.low = spin(0.05, 5.0, 0.05, 2)
        self.high = spin(0.1, 10.0, 0.1, 2)
        self.budget = spin(0.5, 50.0, 0.5, 2)
        self.budget_heading = label("heading")
        self.carbon, self.utc = QCheckBox(), QCheckBox()
        self.changes = ChangesPanel()
        self.spoken = QCheckBox()  # spoken alerts (read_aloud.py)
        self.spoken.setObjectName("check-spoken-alerts")
        # "−" and "+" as full touch targets beside each number (step_box.py)
        self.steps = {box: StepBox(box) for box in (self.low, self.high, self.budget)}
        for buddy, box in ((self.low_label, self.low), (self.high_label, self.high),
                           (self.budget_label, self.budget)):
            buddy.setBuddy(box)
        self._build()
        self._connect()
        self.finish()

    def _build(self) -> None:
        add = self.column.addWidget
        add(self.language_label)
        self.language_group = QButtonGroup(self)
        for button in self.languages.values():  # Welsh first (LANGUAGES order)
            self.language_group.addButton(button)
            add(button)
        add(self.theme_label)
        self.theme_group = QButtonGroup(self)
        for button in self.themes.values():
            self.theme_group.addButton(button)
            add(button)
        add(self.size_label)
        row = QHBoxLayout()
        row.addWidget(self.smaller)
        row.addWidget(self.larger)
        row.addStretch(1)
        add(self.size_value)
        self.column.addLayout(row)
        add(self.ambient_label)
        for widget in (self.low_label, self.steps[self.low], self.high_label,
                       self.steps[self.high], self.budget_heading, self.budget_label,
                       self.steps[self.budget], self.carbon, self.utc, self.spoken,
                       self.changes):
            add(widget)

    def showEvent(self, event) -> None:  # type: ignore[no-untyped-def]
        super().showEvent(event)
        self.ctx.model.changes.want_certificates()  # read on first view (ihd_app/changes.py)

    def _connect(self) -> None:
        for code, button in self.languages.items():
            button.toggled.connect(lambda on, c=code: self._chosen(on, language=c))
        for key, button in self.themes.items():
            button.toggled.connect(lambda on, k=key: self._chosen(on, theme=k))
        self.smaller.clicked.connect(lambda: self._step_scale(-SCALE_STEP))
        self.larger.clicked.connect(lambda: self._step_scale(SCALE_STEP))
        self.low.valueChanged.connect(self._thresholds)
        self.high.valueChanged.connect(self._thresholds)
        self.budget.valueChanged.connect(
            lambda v: self._change(budget_gbp_per_day=Decimal(str(round(v, 2)))))
        self.carbon.toggled.connect(lambda on: self._change(show_carbon=on))
        self.utc.toggled.connect(lambda on: self._change(show_utc=on))
        self.spoken.toggled.connect(lambda on: self._change(spoken_alerts=on))

    def _change(self, **changes: object) -> None:
        self.ctx.change_settings(self.ctx.settings.changed(**changes))

    def _chosen(self, on: bool, **changes: object) -> None:
        if on:  # a radio button going off is the other one coming on: act once
            self._change(**changes)

    def _step_scale(self, delta: float) -> None:
        scale = min(MAX_TEXT_SCALE, max(MIN_TEXT_SCALE, self.ctx.settings.text_scale + delta))
        self._change(text_scale=scale)

    def _thresholds(self, _value: float) -> None:
        low = Decimal(str(round(self.low.value(), 2)))
        high = Decimal(str(round(self.high.value(), 2)))
        if low >= high:  # keep low below high: move the other one out of the way
            high = low + Decimal("0.1")
        self._change(ambient_low_kw=low, ambient_high_kw=high)

    def render_view(self) -> None:
        settings = self.ctx.settings
        blockers = [QSignalBlocker(w) for w in (*self.languages.values(), *self.themes.values(),
                                                 self.low, self.high, self.budget, self.carbon,
                                                 self.utc, self.spoken)]
        self.language_label.setText(_(s.LANGUAGE))
        for code, button in self.languages.items():
            button.setChecked(code == settings.language)
        self.theme_label.setText(_(s.THEME))
        self.themes["normal"].setText(_(s.THEME_NORMAL))
        self.themes["high-contrast"].setText(_(s.THEME_HIGH_CONTRAST))
        for key, button in self.themes.items():
            button.setChecked(key == settings.theme)
        self.size_label.setText(_(s.TEXT_SIZE))
        self.size_value.setText(s.text_size(format_percent(settings.text_scale)))
        self.smaller.setText(_("Smaller text"))
        self.larger.setText(_("Larger text"))
        self.smaller.setEnabled(settings.text_scale > MIN_TEXT_SCALE)
        self.larger.setEnabled(settings.text_scale < MAX_TEXT_SCALE)
        self.ambient_label.setText(_("Usage levels"))
        self.low_label.setText(_("Usage is low below this power (kW)"))
        self.high_label.setText(_("Usage is high from this power (kW)"))
        self.low.setValue(float(settings.ambient_low_kw))
        self.high.setValue(float(settings.ambient_high_kw))
        self.budget_heading.setText(_(s.BUDGET))
        self.budget_label.setText(_("Daily budget (£)"))
        self.budget.setValue(float(settings.budget_gbp_per_day))
        for box, text in ((self.low, self.low_label), (self.high, self.high_label),
                          (self.budget, self.budget_label)):
            self.steps[box].name(text.text())
        self.carbon.setText(_(s.SHOW_CARBON_SETTING))
        self.carbon.setChecked(settings.show_carbon)
        self.utc.setText(_(s.SHOW_UTC_SETTING))
        self.utc.setChecked(settings.show_utc)
        self.changes.show_changes(self.ctx.model.changes)
        self.spoken.setText(_("Spoken alerts"))  # short: a check box's text never wraps
        self.spoken.setAccessibleDescription(_("Say low credit and high use aloud"))
        self.spoken.setChecked(settings.spoken_alerts)
        del blockers
