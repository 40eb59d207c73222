"""Render every screen to PNG: English and Welsh, normal and high contrast, 100 % and 200 %
text, 800x480 and 1024x600, with live values from the virtual home.

    python -m han_home.ihd_app.ui.screenshots OUTDIR [--screens now,usage] [--quick]
        [--size 800x480]
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
from itertools import product
from pathlib import Path

from PySide6.QtWidgets import QApplication

from han_home.ihd_app.model import DisplayModel
from han_home.ihd_app.settings import SCREENS, Settings
from han_home.ihd_app.ui.live import LiveOptions, start_live_home
from han_home.ihd_app.ui.window import MainWindow
from han_home.shared.i18n import set_language

SIZES = ((800, 480), (1024, 600))
THEMES = ("normal", "high-contrast")
SCALES = (1.0, 2.0)
LANGUAGES = ("en", "cy")


async def shoot(window: MainWindow, path: Path) -> None:
    # Let the virtual home run a moment between shots: the values stay live (a frozen loop
    # would rightly mark them stale), and grids re-place their columns after a resize.
    for _ in range(3):
        QApplication.processEvents()
        await asyncio.sleep(0.02)
    window.grab().save(str(path))


async def render_all(outdir: Path, screens: list[str], quick: bool,
                     sizes: tuple[tuple[int, int], ...] = SIZES) -> list[Path]:
    outdir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        live = await start_live_home(Path(tmp) / "history.db", LiveOptions())
        await live.run_for(4.0, QApplication.processEvents)
        try:
            return await shoot_all(live.model, outdir, screens, quick, sizes)
        finally:
            set_language("en")
            await live.close()


async def shoot_all(model: DisplayModel, outdir: Path, screens: list[str],
                    quick: bool, sizes: tuple[tuple[int, int], ...] = SIZES) -> list[Path]:
    settings = Settings()
    window = MainWindow(model, settings, lambda _s: None)
    window.show()
    written: list[Path] = []
    for language, theme, scale, size in product(LANGUAGES, THEMES, SCALES, sizes):
        if quick and (theme, size) != ("normal", (800, 480)):
            continue
        window.apply_settings(settings.changed(language=language, theme=theme,
                                               text_scale=scale))
        window.resize(*size)
        for key in screens:
            window.show_screen(key)
            name = f"{key}-{language}-{theme}-{int(scale * 100)}-{size[0]}x{size[1]}.png"
            await shoot(window, outdir / name)
            # and the whole scrolled content, to check nothing below the fold is cut off
            full = outdir / name.replace(".png", "-full.png")
            window.screens[key].body.grab().save(str(full))
            written += [outdir / name, full]
    window.close()
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("outdir", type=Path)
    parser.add_argument("--screens", default=",".join(SCREENS))
    parser.add_argument("--quick", action="store_true", help="normal theme at 800x480 only")
    parser.add_argument("--size", choices=[f"{w}x{h}" for w, h in SIZES],
                        help="one window size only (default: each of them)")
    args = parser.parse_args(argv)
    sizes = tuple(s for s in SIZES if args.size in (None, f"{s[0]}x{s[1]}"))
    app = QApplication.instance() or QApplication(sys.argv[:1])
    written = asyncio.run(render_all(args.outdir, args.screens.split(","), args.quick, sizes))
    print(f"wrote {len(written)} screenshots to {args.outdir}")
    del app
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
