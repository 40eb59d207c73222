"""Messages from the supplier, newest first, each marked read or unread, with a button to
mark it read. The supplier's text is shown as sent (it is not ours to translate)."""

from __future__ import annotations

from PySide6.QtWidgets import QFrame, QPushButton, QVBoxLayout, QWidget

from han_home.ihd_app.model import Message
from han_home.ihd_app.ui import text as t
from han_home.ihd_app.ui.context import UiContext
from han_home.ihd_app.ui.screens.base import Screen
from han_home.ihd_app.ui.widgets.common import label
from han_home.shared.i18n import _
from han_home.shared.i18n import ihd_strings as s

LOCALES = {"cy": "cy_GB", "en": "en_GB"}


class MessageCard(QFrame):
    def __init__(self, message: Message, ctx: UiContext) -> None:
        super().__init__()
        self.setProperty("role", "card")
        self.message_id = message.id
        layout = QVBoxLayout(self)
        status = label("warning" if not message.read else "muted")
        status.setObjectName("message-status")
        received = t.when(message.received, ctx.model.now(), ctx.settings)
        status.setText(_("Unread, received %(time)s") % {"time": received} if not message.read
                       else _("Read, received %(time)s") % {"time": received})
        body = label()
        body.setObjectName("message-text")
        body.setText(message.text)
        language = label("muted")
        language.setObjectName("message-language")
        language.setText({"cy": _("Written in Welsh"), "en": _("Written in English")}.get(
            message.language, ""))
        language.setVisible(bool(language.text()))
        if message.language in LOCALES:
            # language of parts (WCAG 3.1.2): a screen reader reads it in its own language
            from PySide6.QtCore import QLocale

            body.setLocale(QLocale(LOCALES[message.language]))
        layout.addWidget(status)
        layout.addWidget(body)
        layout.addWidget(language)
        self.button: QPushButton | None = None
        if not message.read:
            self.button = QPushButton(_("Mark as read"))
            self.button.setObjectName("mark-read")
            self.button.setAccessibleName(_("Mark as read"))
            self.button.setAccessibleDescription(message.text)
            self.button.clicked.connect(lambda: ctx.model.mark_read(message.id))
            layout.addWidget(self.button)
        self.setAccessibleName(status.text())
        self.setAccessibleDescription(message.text)


class MessagesScreen(Screen):
    key = "messages"
    sections = frozenset({"messages"})

    def __init__(self, ctx: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.summary = label()
        self.column.addWidget(self.summary)
        self.cards: list[MessageCard] = []
        self.finish()

    def render_view(self) -> None:
        model = self.ctx.model
        self.summary.setText(s.unread_messages(model.unread) if model.messages
                             else _(s.NO_MESSAGES))
        for card in self.cards:
            self.column.removeWidget(card)
            card.setParent(None)  # gone now, not at the next event loop turn
            card.deleteLater()
        self.cards = [MessageCard(m, self.ctx) for m in model.messages]
        for index, card in enumerate(self.cards):
            self.column.insertWidget(1 + index, card)
