"""Render every installer screen to PNG (English and Welsh, normal and high contrast)."""

from __future__ import annotations

import asyncio
from pathlib import Path

from han_home.installer_app.job import Job
from han_home.installer_app.ui.controller import Controller
from han_home.installer_app.ui.window import InstallerWindow
from han_home.shared.i18n import current_language, set_language


async def demo_job(ctl: Controller, window_s: float = 60) -> None:
    """Fill the job from the virtual home's labels, pair, verify and scan (for screenshots)."""
    home = ctl.gw.config.sim_home if ctl.gw is not None else None
    if home is None:
        return
    ctl.job.site_ref = ctl.job.site_ref or "SITE-0042"
    ctl.job.engineer_id = ctl.job.engineer_id or "ENG-117"
    premises = getattr(home, "premises", None)  # the virtual home's MPAN and MPRN
    if premises is not None:
        ctl.job.mpan, ctl.job.mprn = premises()
    for label in home.labels():
        ctl.job.add_qr(label.qr)
    await ctl.pair(window_s)
    await ctl.energy_scan()


async def render_all(window: InstallerWindow, out: Path, text_scale: float | None = None,
               themes: tuple[str, ...] = ("normal", "high-contrast"),
               languages: tuple[str, ...] = ("en", "cy"), whole_pages: bool = False,
               ) -> list[Path]:
    """One PNG per page, language and theme, named with the text size (``2-devices-cy-
    normal-200.png``); ``whole_pages`` adds each page's whole length (``...-whole.png``:
    what the window shows by scrolling down, for checking it too)."""
    out.mkdir(parents=True, exist_ok=True)
    before = (current_language(), window.theme)
    if text_scale is not None:
        window.text_scale = text_scale
    paths = []
    for language in languages:
        set_language(language)
        for theme in themes:
            window.theme = theme
            window.contrast.blockSignals(True)  # the switch shows the theme it is in
            window.contrast.setChecked(theme == "high-contrast")
            window.contrast.blockSignals(False)
            window.apply_style()
            for index, page in enumerate(window.pages):
                window.go(index)
                # let Qt lay out and paint through the loop (processEvents would re-enter asyncio)
                await asyncio.sleep(0.05)
                stem = f"{index + 1}-{page.key}-{language}-{theme}-{round(window.text_scale * 100)}"
                path = out / f"{stem}.png"
                window.grab().save(str(path))
                paths.append(path)
                if whole_pages:
                    page.grab().save(str(out / f"{stem}-whole.png"))
    set_language(before[0])
    window.theme = before[1]
    window.contrast.blockSignals(True)
    window.contrast.setChecked(window.theme == "high-contrast")
    window.contrast.blockSignals(False)
    window.apply_style()
    return paths


__all__ = ["Job", "demo_job", "render_all"]
