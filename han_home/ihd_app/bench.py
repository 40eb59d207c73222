"""Instrumentation for `make bench` (enabled by HAN_HOME_BENCH=1): prints BENCH lines.

Reading-arrival-to-repaint latency: from a demand reading reaching the model to the first
paint event any widget receives after it.
"""

from __future__ import annotations

import json
import os
import sys
import time
from typing import Any

from PySide6.QtCore import QEvent, QObject

ENABLED = os.environ.get("HAN_HOME_BENCH") == "1"


def emit(name: str, **values: Any) -> None:
    if ENABLED:
        print(
            "BENCH " + json.dumps({"mark": name, "t": time.perf_counter(), **values}),
            file=sys.stdout,
            flush=True,
        )


class RepaintLatency(QObject):
    def __init__(self) -> None:
        super().__init__()
        self.pending: float | None = None
        self.samples: list[float] = []

    def reading_arrived(self) -> None:
        # A reading whose rounded value did not change needs no repaint; if none came
        # since the previous reading, that one is dropped rather than counted as slow.
        self.pending = time.perf_counter()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt API)
        if self.pending is not None and event.type() == QEvent.Type.Paint:
            self.samples.append(time.perf_counter() - self.pending)
            self.pending = None
        return False

    def report(self) -> None:
        if not self.samples:
            emit("latency", samples=0)
            return
        ordered = sorted(self.samples)
        p99 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]
        emit(
            "latency",
            samples=len(ordered),
            p50_ms=round(ordered[len(ordered) // 2] * 1000, 2),
            p99_ms=round(p99 * 1000, 2),
            max_ms=round(ordered[-1] * 1000, 2),
        )
