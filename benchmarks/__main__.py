"""python -m benchmarks [--quick]: print every benchmark figure as one JSON object."""

from __future__ import annotations

import argparse
import json
import platform
import sys

from benchmarks import core


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks")
    parser.add_argument("--quick", action="store_true", help="shorter runs, rougher figures")
    args = parser.parse_args()
    figures: dict[str, object] = {
        "machine": platform.machine(),
        "python": platform.python_version(),
    }
    figures["store"] = core.store_figures()
    figures["air"] = core.air_figures(args.quick)
    for name in ("ihd", "installer", "mistakes", "profile", "restart", "restart_kill",
                 "security", "tunnel"):
        try:
            module = __import__(f"benchmarks.{name}", fromlist=["run"])
        except ImportError:
            continue
        figures[name] = module.run(quick=args.quick)
    json.dump(figures, sys.stdout, indent=2)
    print()
    return 0


if __name__ == "__main__":
    sys.exit(main())
