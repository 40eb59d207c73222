"""Run the IHD up to its first frame, in this process, and print (as JSON) the Qt-namespace
enum types PySide6 created on the way and the painted widgets that painted. Run by
tests/ihd/test_first_frame_enums.py in a subprocess of its own: the enums are created once
per process, so nothing imported before may have created them."""

from __future__ import annotations

import enum
import json
import os
import sys
from typing import Any

created: list[str] = []
_new = enum.EnumType.__new__


def _recording(metacls: Any, *args: Any, **kwargs: Any) -> Any:
    made = _new(metacls, *args, **kwargs)
    created.append(made.__qualname__)  # PySide6 names its enums without their class
    return made


enum.EnumType.__new__ = _recording  # type: ignore[method-assign]
painted: dict[str, int] = {}


def _counting(cls: type, name: str) -> None:
    original = cls.paintEvent  # type: ignore[attr-defined]

    def paint_event(self: Any, event: Any) -> None:
        painted[name] = painted.get(name, 0) + 1
        original(self, event)

    cls.paintEvent = paint_event  # type: ignore[attr-defined]


def _report(code: int = 0) -> None:
    before = list(created)
    from PySide6.QtCore import Qt  # creates the rest of them now: it is over

    namespace = {name for name, value in vars(Qt).items() if isinstance(value, enum.EnumType)}
    print(json.dumps({"qt_enums": sorted(namespace.intersection(before)),
                      "namespace": len(namespace), "painted": painted}), flush=True)
    _exit(code)


_exit = os._exit
os._exit = _report  # type: ignore[assignment]  # the bench mark exits at the first frame
os.environ.update(HAN_HOME_BENCH="1", HAN_HOME_BENCH_EXIT_AT="first_frame")

from han_home.ihd_app.ui.widgets.ambient import AmbientIndicator  # noqa: E402
from han_home.ihd_app.ui.widgets.budget_bar import BudgetBar  # noqa: E402

_counting(AmbientIndicator, "ambient")
_counting(BudgetBar, "budget")

from han_home.ihd_app.main import main  # noqa: E402

main(sys.argv[1:])
