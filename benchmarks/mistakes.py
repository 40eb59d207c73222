"""The mistakes matrix (han_home.installer_app.mistakes) as benchmark figures: each case's
verdict and exit code on the house and on flats, and whether any meter of other premises
ended in Pass (it must not). ``python -m han_home.installer_app.mistakes`` prints the table.
"""

from __future__ import annotations

import asyncio
import logging
import time
from typing import Any


def run(quick: bool = False) -> dict[str, Any]:
    from han_home.installer_app.mistakes import run_matrix, unsafe

    logging.disable(logging.WARNING)  # the gateway says "told to leave" for every case
    try:
        t0 = time.perf_counter()
        rows = asyncio.run(run_matrix(("flats",) if quick else ("house", "flats")))
        took = time.perf_counter() - t0
    finally:
        logging.disable(logging.NOTSET)
    return {
        "cases": [{"home": r.home, "case": r.case, "verdict": r.verdict.level.value,
                   "exit": r.verdict.exit_code, "advice": r.advice} for r in rows],
        "unsafe_cases": sum(unsafe(r) for r in rows),
        "seconds": round(took, 2),
    }
