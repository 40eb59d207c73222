"""installer-app entry point: dispatches check-code, labels, commission and gui (default)."""

from __future__ import annotations

import sys


def main(argv: list[str] | None = None) -> int:
    from han_home.installer_app.cli import run

    return run(argv)


if __name__ == "__main__":
    sys.exit(main())
