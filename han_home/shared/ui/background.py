"""One path for background work the UI starts (after Anki's ``QueryOp`` / ``CollectionOp``).

``run_in_background(owner, coroutine, ...)`` runs the coroutine as an asyncio task (qasync
runs asyncio inside Qt's loop, so everything stays on the UI thread) and:

* bounds it with a timeout (``timeout_s``; ``None`` only for work that bounds itself);
* on success calls ``on_success(result)``;
* on failure (an exception, or the timeout) calls ``on_failure(exc)`` if given, otherwise
  shows a translated sentence in the owner's window: the window's ``show_failure(text)``
  when it has one (both apps' main windows do), else a small non-modal message box;
* is cancelled when its owner goes (the owner's ``destroyed`` signal), and then calls
  nothing: no callback ever touches a deleted widget;
* can be tracked by a ``BackgroundTasks`` group whose ``stop()`` cancels every task and
  awaits them, so nothing the UI started still runs after an app's ``stop()``.

Failures are logged with their traceback; the user sees a whole translated sentence.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Coroutine, Generator, Iterable
from typing import Any, Generic, TypeVar

import shiboken6
from PySide6.QtCore import QObject
from PySide6.QtWidgets import QMessageBox, QWidget

from han_home.shared.i18n import _

LOGGER = logging.getLogger(__name__)
T = TypeVar("T")
DEFAULT_TIMEOUT_S = 30.0


def failure_text(exc: BaseException) -> str:
    """The default sentence for a failure: the user can do nothing with a traceback."""
    if isinstance(exc, TimeoutError):
        return _("This took too long, so it was stopped. Please try again.")
    return _("Something went wrong, so this was not done. Please try again.")


def show_failure(owner: QObject, text: str) -> None:
    """Show ``text`` in the owner's window (its ``show_failure``), else in a message box."""
    widget = owner if isinstance(owner, QWidget) else None
    window = widget.window() if widget is not None else None
    sink = getattr(window, "show_failure", None)
    if callable(sink):
        sink(text)
        return
    if widget is None:
        LOGGER.warning("Background failure with nowhere to show it: %s", text)
        return
    box = QMessageBox(QMessageBox.Icon.Warning, _("Error"), text,
                      QMessageBox.StandardButton.NoButton, window)
    box.addButton(_("OK"), QMessageBox.ButtonRole.AcceptRole)  # Qt's own texts are not Welsh
    box.setModal(False)
    box.setAccessibleName(_("Error"))
    box.setAccessibleDescription(text)
    box.show()


class BackgroundTask(Generic[T]):
    """One piece of work for one owner. Await it for its result (or its exception)."""

    def __init__(
        self,
        owner: QObject,
        work: Coroutine[Any, Any, T],
        *,
        timeout_s: float | None,
        on_success: Callable[[T], None] | None,
        on_failure: Callable[[BaseException], None] | None,
        describe: Callable[[BaseException], str],
        name: str,
    ) -> None:
        self.owner = owner
        self.name = name
        self.timeout_s = timeout_s
        self._on_success = on_success
        self._on_failure = on_failure
        self._describe = describe
        self._owner_alive = True
        self._work = work
        self.task: asyncio.Task[T] = asyncio.get_running_loop().create_task(
            self._run(work), name=name)
        owner.destroyed.connect(self._owner_gone)
        self.task.add_done_callback(self._finished)

    # ---- state ------------------------------------------------------------------
    def done(self) -> bool:
        return self.task.done()

    def cancel(self) -> None:
        self.task.cancel()

    async def stop(self) -> None:
        """Cancel and wait until the work has really ended."""
        self.task.cancel()
        await asyncio.gather(self.task, return_exceptions=True)

    def __await__(self) -> Generator[Any, None, T]:
        return self.task.__await__()

    # ---- internals --------------------------------------------------------------
    def _alive(self) -> bool:
        return self._owner_alive and shiboken6.isValid(self.owner)

    def _owner_gone(self, *_args: object) -> None:
        self._owner_alive = False
        self.task.cancel()

    def _finished(self, task: asyncio.Task[T]) -> None:
        if task.cancelled():
            self._work.close()  # cancelled before it started: no "never awaited" warning
        else:
            task.exception()  # logged and shown already; awaiting the task still raises it
        if self._owner_alive and shiboken6.isValid(self.owner):
            try:
                self.owner.destroyed.disconnect(self._owner_gone)
            except (RuntimeError, TypeError):  # already gone or never connected
                pass

    async def _run(self, work: Coroutine[Any, Any, T]) -> T:
        try:
            async with asyncio.timeout(self.timeout_s):
                result = await work
        except asyncio.CancelledError:
            raise  # the owner went, or the app is stopping: nothing to show
        except Exception as exc:  # shown to the user, logged in full
            LOGGER.warning("Background task %s failed", self.name, exc_info=exc)
            self._failed(exc)
            raise
        if self._on_success is not None and self._alive():
            self._on_success(result)
        return result

    def _failed(self, exc: BaseException) -> None:
        if not self._alive():
            return
        try:
            if self._on_failure is not None:
                self._on_failure(exc)
            else:
                show_failure(self.owner, self._describe(exc))
        except Exception:  # showing the failure must not raise a second one
            LOGGER.exception("Showing the failure of %s failed", self.name)


class BackgroundTasks:
    """The tasks one part of an app started, so that its ``stop()`` can end them all."""

    def __init__(self) -> None:
        self._tasks: set[BackgroundTask[Any]] = set()

    def add(self, task: BackgroundTask[Any]) -> None:
        self._tasks.add(task)
        task.task.add_done_callback(lambda _t: self._tasks.discard(task))

    def running(self) -> list[BackgroundTask[Any]]:
        return [t for t in self._tasks if not t.done()]

    async def stop(self) -> None:
        """Cancel every task and wait for each to end (gather with return_exceptions)."""
        await cancel_and_wait(t.task for t in list(self._tasks))
        self._tasks.clear()


async def cancel_and_wait(tasks: Iterable[asyncio.Future[Any] | None]) -> None:
    """Cancel tasks and wait until they have ended; their errors are not re-raised."""
    pending = [t for t in tasks if t is not None]
    for task in pending:
        task.cancel()
    if pending:
        await asyncio.gather(*pending, return_exceptions=True)


def run_in_background(
    owner: QObject,
    work: Coroutine[Any, Any, T],
    *,
    timeout_s: float | None = DEFAULT_TIMEOUT_S,
    on_success: Callable[[T], None] | None = None,
    on_failure: Callable[[BaseException], None] | None = None,
    describe: Callable[[BaseException], str] = failure_text,
    group: BackgroundTasks | None = None,
    name: str | None = None,
) -> BackgroundTask[T]:
    """Run ``work`` for ``owner`` (see the module docstring). Must be called with the
    asyncio loop running (under qasync, from any Qt slot)."""
    task = BackgroundTask(owner, work, timeout_s=timeout_s, on_success=on_success,
                          on_failure=on_failure, describe=describe,
                          name=name or str(getattr(work, "__qualname__", "background")))
    if group is not None:
        group.add(task)
    return task


__all__ = [
    "DEFAULT_TIMEOUT_S",
    "BackgroundTask",
    "BackgroundTasks",
    "cancel_and_wait",
    "failure_text",
    "run_in_background",
    "show_failure",
]
