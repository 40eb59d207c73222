"""Instrumentation for `make bench` (enabled by HAN_HOME_BENCH=1): prints BENCH lines.

Reading-to-repaint latency: from a demand reading reaching the display model (before the
model has even looked at it) to the end of the event-loop pass that painted the power
figure with the new text. A reading whose rounded value leaves the figure's text as it was
needs no repaint and is not counted; one that changed the text but was overtaken by the
next reading before any paint is counted with the time it waited (a lower bound), so a
display too slow to keep up cannot hide behind dropped samples.
"""

from __future__ import annotations

import json
import os
import sys
import time
from typing import Any

ENABLED = os.environ.get("HAN_HOME_BENCH") == "1"
SAMPLES_WANTED = 200  # a "latency_samples" mark is printed when this many are in


def emit(name: str, **values: Any) -> None:
    if ENABLED:
        print(
            "BENCH " + json.dumps({"mark": name, "t": time.perf_counter(), **values}),
            file=sys.stdout,
            flush=True,
        )
        if os.environ.get("HAN_HOME_BENCH_EXIT_AT") == name:  # whole-process timing
            os._exit(0)


def paint_probe(window: Any) -> Any:
    """An object whose `seen` turns True once `window` has had its first Paint event."""
    from PySide6.QtCore import QEvent, QObject

    class PaintProbe(QObject):
        seen = False

        def eventFilter(self, watched: QObject, event: QEvent) -> bool:
            if event.type() == QEvent.Type.Paint:
                self.seen = True
                watched.removeEventFilter(self)
            return False

    probe = PaintProbe(window)
    window.installEventFilter(probe)
    return probe


def make_repaint_latency(figure: Any) -> Any:
    """A RepaintLatency watching `figure` (the QLabel that shows power now)."""
    from PySide6.QtCore import QEvent, QObject, QTimer

    class RepaintLatency(QObject):
        def __init__(self) -> None:
            super().__init__()
            self.figure = figure
            self.pending: tuple[float, str] | None = None  # (arrival, text before it)
            self.samples: list[float] = []
            self.readings = 0
            self.unchanged = 0
            self.overtaken = 0
            figure.installEventFilter(self)

        def reading_arrived(self) -> None:
            now = time.perf_counter()
            self.readings += 1
            if self.pending is not None:
                arrived, before = self.pending
                if self.figure.text() != before:  # changed, never painted: count the wait
                    self._sample(now - arrived)
                    self.overtaken += 1
                else:
                    self.unchanged += 1
            self.pending = (now, self.figure.text())

        def eventFilter(self, watched: QObject, event: QEvent) -> bool:
            if (self.pending is not None and event.type() == QEvent.Type.Paint
                    and self.figure.text() != self.pending[1]):
                arrived = self.pending[0]
                self.pending = None
                # the sample ends after this whole paint pass (and its flush) is done
                QTimer.singleShot(0, lambda: self._sample(time.perf_counter() - arrived))
            return False

        def _sample(self, seconds: float) -> None:
            self.samples.append(seconds)
            if len(self.samples) == SAMPLES_WANTED:
                emit("latency_samples", samples=SAMPLES_WANTED)

        def report(self) -> None:
            counts = {"readings": self.readings, "unchanged": self.unchanged,
                      "overtaken": self.overtaken}
            if not self.samples:
                emit("latency", samples=0, **counts)
                return
            ordered = sorted(self.samples)
            p99 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]
            emit(
                "latency",
                samples=len(ordered),
                p50_ms=round(ordered[len(ordered) // 2] * 1000, 2),
                p99_ms=round(p99 * 1000, 2),
                max_ms=round(ordered[-1] * 1000, 2),
                **counts,
            )

    return RepaintLatency()
