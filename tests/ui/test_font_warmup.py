"""The fontconfig warm-up (shared/ui/font_warmup.py): it runs beside start-up and ends on
its own, and a system without fontconfig only goes without it."""

from __future__ import annotations

import sys
import threading

import pytest

from han_home.shared.ui import font_warmup


def _errors(monkeypatch: pytest.MonkeyPatch) -> list[BaseException | None]:
    seen: list[BaseException | None] = []
    monkeypatch.setattr(threading, "excepthook", lambda args: seen.append(args.exc_value))
    return seen


def test_the_warm_up_runs_on_a_daemon_thread_and_ends(monkeypatch: pytest.MonkeyPatch) -> None:
    errors = _errors(monkeypatch)
    monkeypatch.setattr(sys, "platform", "linux")
    thread = font_warmup.start()
    assert thread is not None and thread.daemon  # never holds the display's exit
    thread.join(timeout=30)
    assert not thread.is_alive() and errors == []


def test_without_fontconfig_nothing_happens(monkeypatch: pytest.MonkeyPatch) -> None:
    errors = _errors(monkeypatch)
    monkeypatch.setattr(font_warmup, "LIBRARY", "libno-such-fontconfig.so.9")
    monkeypatch.setattr(sys, "platform", "linux")
    thread = font_warmup.start()
    assert thread is not None
    thread.join(timeout=30)
    assert errors == []
    monkeypatch.setattr(sys, "platform", "darwin")
    assert font_warmup.start() is None
