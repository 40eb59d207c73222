"""Every supplier message kept (issue 15): with when it was received, read or unread, and
its language; newest first; a restart loses none and keeps what was read."""

from __future__ import annotations

from datetime import timedelta

from han_home.ihd_app.model import DisplayModel
from han_home.ihd_app.settings import Settings
from han_home.shared.energy.message_language import message_language
from han_home.shared.sim.meters import SupplierMessage
from han_home.shared.store.async_history import AsyncHistory

from .live import live_model, settle_model

SENT = (
    SupplierMessage(60, "Your new tariff starts on 1 December. Unit rates fall by 2%."),
    SupplierMessage(180, "Diolch am dalu’n brydlon. Cysylltwch â ni os oes angen help arnoch."),
    SupplierMessage(300, "Planned maintenance on Friday: your display may lose contact."),
)


async def test_messages_after_a_restart_equal_the_messages_received(tmp_path) -> None:
    async with live_model(tmp_path, messages=SENT) as (model, gateway, home):
        await home.clock.wait_for(lambda: len(model.messages) == 3, within=900)
        received = [(m.id, m.text, m.received, m.language) for m in model.messages]
        assert [m.text for m in model.messages] == [m.text for m in reversed(SENT)]
        assert [m.language for m in model.messages] == ["en", "cy", "en"]
        assert model.unread == 3
        model.mark_read(model.messages[1].id)  # the Welsh one
        await home.clock.advance(5)
        await model.feed.drain()
        later = gateway.now() + timedelta(hours=3)
    history = AsyncHistory(tmp_path / "ihd.db")
    await history.ready()
    restarted = DisplayModel(history, gateway.tariffs, lambda: later, Settings())
    try:
        await restarted.load_last_known()
        assert [(m.id, m.text, m.received, m.language) for m in restarted.messages] == received
        assert [m.read for m in restarted.messages] == [False, True, False]
        assert restarted.unread == 2
    finally:
        await settle_model(restarted)
        await history.close()


def test_the_language_of_a_message_comes_from_its_text() -> None:
    assert message_language("Your bill is ready. Thank you for paying on time.") == "en"
    assert message_language("Mae eich bil yn barod. Diolch am dalu ar amser.") == "cy"
    assert message_language("0800 123 456") == "und"
