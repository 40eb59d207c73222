"""Shared fixtures: a virtual home with its gateway, started and torn down per test."""

from __future__ import annotations

import os
import tempfile

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# the apps the tests start keep their compiled dataclass code here, not in ~/.cache
if "HAN_HOME_CACHE_DIR" not in os.environ:
    import atexit
    import shutil

    os.environ["HAN_HOME_CACHE_DIR"] = tempfile.mkdtemp(prefix="han-home-test-cache-")
    atexit.register(shutil.rmtree, os.environ["HAN_HOME_CACHE_DIR"], ignore_errors=True)


def pytest_collection_modifyitems(config, items) -> None:
    """Under pytest-xdist, the slowest known tests start first on every worker
    (tests/slow_first.py): a long test left for the end would make the run's tail long."""
    workers = getattr(config, "workerinput", {}).get("workercount", 0)
    if workers >= 2:
        from tests.slow_first import slow_first

        items[:] = slow_first(items, workers)
