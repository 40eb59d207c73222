"""Speaking text aloud through the platform's speech service.

PySide6-Essentials has no QtTextToSpeech module (only its type stubs), so the display talks
to speech-dispatcher through ``spd-say`` (the service Orca uses too), and falls back to
``espeak-ng``, whose Welsh voice ``cy`` a kiosk image can ship on its own. Each new
utterance stops the one before. The text goes as one argument, never through a shell.
"""

from __future__ import annotations

import logging
import shutil
from collections.abc import Callable, Sequence
from pathlib import Path

log = logging.getLogger(__name__)

Runner = Callable[[Sequence[str]], object]
# espeak-ng voices and speech-dispatcher languages for the display's languages
VOICES = {"en": "en-gb", "cy": "cy"}


def _spawn(argv: Sequence[str]) -> object:
    import subprocess  # only when something is said: not on the display's start-up path

    return subprocess.Popen(list(argv), stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)


def find_backend(which: Callable[[str], str | None] = shutil.which) -> str | None:
    """"spd-say", "espeak-ng", or None when the machine has neither."""
    for name in ("spd-say", "espeak-ng"):
        if which(name):
            return name
    return None


def command(backend: str, text: str, language: str) -> list[str]:
    voice = VOICES.get(language, "en-gb")
    if backend == "spd-say":
        # -C cancels what is being said; -l the language; "--" so text is never an option
        return ["spd-say", "-C", "-l", language, "--", text]
    return ["espeak-ng", "-v", voice, "--", text]


class Speaker:
    """Says text aloud; ``available`` is False (and ``say`` does nothing) with no engine."""

    def __init__(self, backend: str | None = "auto", runner: Runner = _spawn) -> None:
        self.backend = find_backend() if backend == "auto" else backend
        self._run = runner
        self._current: object | None = None

    @property
    def available(self) -> bool:
        return self.backend is not None

    def say(self, text: str, language: str) -> bool:
        if self.backend is None or not text.strip():
            return False
        self.stop()
        try:
            self._current = self._run(command(self.backend, text, language))
        except OSError as error:  # the engine went away since start-up
            log.warning("speech engine %s failed: %s", self.backend, error)
            return False
        return True

    def stop(self) -> None:
        current, self._current = self._current, None
        if current is None:
            return
        import subprocess

        if isinstance(current, subprocess.Popen) and current.poll() is None:
            current.terminate()


def render_wav(text: str, language: str, path: Path, timeout: float = 60.0) -> None:
    """Speak ``text`` into a WAV file with espeak-ng (tests, and checking a kiosk image)."""
    import subprocess

    subprocess.run(["espeak-ng", "-v", VOICES.get(language, "en-gb"), "-w", str(path), "--",
                    text], check=True, capture_output=True, timeout=timeout)
