"""shared.ui.background: the one path for work the UI starts (pytest-qt, offscreen)."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import pytest
import shiboken6
from PySide6.QtCore import QCoreApplication, QEvent
from PySide6.QtWidgets import QApplication, QLabel, QMessageBox, QVBoxLayout, QWidget

from han_home.shared.i18n import catalog as cat
from han_home.shared.ui.background import BackgroundTasks, run_in_background


@pytest.fixture(autouse=True)
def english() -> Iterator[cat.Translator]:
    translator = cat.Translator("en")
    previous = cat.set_translator(translator)
    yield translator
    cat.set_translator(previous)


class Window(QWidget):
    """A window that shows failures, as both apps' main windows do."""

    def __init__(self) -> None:
        super().__init__()
        self.failures: list[str] = []
        self.child = QLabel("child", self)
        QVBoxLayout(self).addWidget(self.child)

    def show_failure(self, text: str) -> None:
        self.failures.append(text)


async def settle() -> None:
    for _ in range(5):
        QApplication.processEvents()
        await asyncio.sleep(0)


async def test_success_calls_back_and_awaiting_gives_the_result(qtbot) -> None:
    window = Window()
    qtbot.addWidget(window)
    got: list[int] = []

    async def work() -> int:
        await asyncio.sleep(0.01)
        return 42

    task = run_in_background(window.child, work(), on_success=got.append)
    assert await task == 42
    assert got == [42] and window.failures == []


async def test_a_failure_is_shown_in_the_window_translated(qtbot) -> None:
    window = Window()
    qtbot.addWidget(window)

    async def broken() -> None:
        raise OSError("radio gone")

    cat.set_language("cy")
    task = run_in_background(window.child, broken())
    with pytest.raises(OSError):
        await task
    assert window.failures == ["Aeth rhywbeth o'i le, felly ni wnaed hyn. Rhowch gynnig arall "
                               "arni."]


async def test_a_timeout_is_a_failure_that_says_so(qtbot) -> None:
    window = Window()
    qtbot.addWidget(window)
    seen: list[BaseException] = []

    run_in_background(window.child, asyncio.sleep(10), timeout_s=0.05)
    task = run_in_background(window.child, asyncio.sleep(10), timeout_s=0.05,
                             on_failure=seen.append)
    with pytest.raises(TimeoutError):
        await task
    await settle()
    assert window.failures == ["This took too long, so it was stopped. Please try again."]
    assert len(seen) == 1 and isinstance(seen[0], TimeoutError)  # own handler: not shown twice


async def test_without_a_failure_sink_a_message_box_with_our_own_button_text(qtbot) -> None:
    plain = QWidget()
    qtbot.addWidget(plain)
    cat.set_language("cy")

    async def broken() -> None:
        raise RuntimeError

    task = run_in_background(plain, broken())
    with pytest.raises(RuntimeError):
        await task
    box = next(w for w in QApplication.topLevelWidgets()
               if isinstance(w, QMessageBox) and w.isVisible())
    assert box.text().startswith("Aeth rhywbeth o'i le")
    assert [b.text() for b in box.buttons()] == ["Iawn"]
    box.close()


async def test_the_work_is_cancelled_when_its_widget_goes_and_nothing_is_called(qtbot) -> None:
    window = Window()
    qtbot.addWidget(window)
    owner = QLabel("screen", window)
    calls: list[str] = []
    ended = asyncio.Event()

    async def slow() -> None:
        try:
            await asyncio.sleep(10)
        finally:
            ended.set()

    task = run_in_background(owner, slow(), on_success=lambda _r: calls.append("success"),
                             on_failure=lambda _e: calls.append("failure"))
    await settle()
    owner.deleteLater()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    assert not shiboken6.isValid(owner)
    await asyncio.wait_for(ended.wait(), 1)
    await settle()
    assert task.task.cancelled() and calls == [] and window.failures == []


async def test_a_group_stop_cancels_and_waits_so_nothing_runs_after_it(qtbot) -> None:
    window = Window()
    qtbot.addWidget(window)
    group = BackgroundTasks()
    log: list[str] = []

    async def slow(name: str) -> None:
        try:
            await asyncio.sleep(10)
        finally:
            await asyncio.sleep(0.02)  # cleanup that itself awaits
            log.append(name)

    for name in ("a", "b"):
        run_in_background(window.child, slow(name), group=group, timeout_s=None)
    await settle()
    assert len(group.running()) == 2
    await group.stop()
    assert sorted(log) == ["a", "b"]  # both finished their cleanup before stop() returned
    assert group.running() == [] and window.failures == []


async def test_work_cancelled_before_it_started_leaves_no_unawaited_coroutine(qtbot) -> None:
    window = Window()
    qtbot.addWidget(window)
    started: list[bool] = []

    async def work() -> None:
        started.append(True)

    task = run_in_background(window.child, work())
    task.cancel()
    await asyncio.gather(task.task, return_exceptions=True)
    assert started == [] and task.task.cancelled()
