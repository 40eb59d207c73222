"""The speech service: which engine, what it is asked to say, and a real WAV from espeak-ng."""

from __future__ import annotations

import shutil
import wave
from collections.abc import Sequence
from pathlib import Path

import pytest

from han_home.shared.i18n.spoken import for_ear
from han_home.shared.ui.speech import Speaker, command, find_backend, render_wav


class FakeRunner:
    def __init__(self) -> None:
        self.calls: list[list[str]] = []

    def __call__(self, argv: Sequence[str]) -> object:
        self.calls.append(list(argv))
        return object()


def test_speech_dispatcher_first_then_espeak_ng_then_none() -> None:
    assert find_backend(lambda name: f"/usr/bin/{name}") == "spd-say"
    assert find_backend(lambda name: "/usr/bin/espeak-ng" if name == "espeak-ng"
                        else None) == "espeak-ng"
    assert find_backend(lambda name: None) is None


def test_the_welsh_text_goes_to_the_welsh_voice_as_one_argument() -> None:
    runner = FakeRunner()
    speaker = Speaker("espeak-ng", runner)
    text = for_ear("Credyd: £4.00", "cy")
    assert speaker.say(text, "cy")
    assert runner.calls == [["espeak-ng", "-v", "cy", "--", "Credyd: pedair punt"]]
    assert command("spd-say", "-x", "en") == ["spd-say", "-C", "-l", "en", "--", "-x"]


def test_no_engine_says_nothing() -> None:
    runner = FakeRunner()
    speaker = Speaker(None, runner)
    assert not speaker.available
    assert not speaker.say("hello", "en")
    assert runner.calls == []


@pytest.mark.skipif(shutil.which("espeak-ng") is None,
                    reason="espeak-ng is not installed (.ci/run installs it): no engine to render")
@pytest.mark.parametrize(("language", "text"), [
    ("en", "Power now: 1.12 kW. Credit: £4.00."),
    ("cy", "Pŵer nawr: 1.12 kW. Credyd: £4.00."),
])
def test_espeak_ng_renders_speech_length_audio(tmp_path: Path, language: str, text: str) -> None:
    out = tmp_path / "speech.wav"
    spoken = for_ear(text, language)
    render_wav(spoken, language, out)
    with wave.open(str(out)) as wav:
        seconds = wav.getnframes() / wav.getframerate()
    words = len(spoken.split())
    # ordinary speech runs at 2 to 4 words a second: silence or a click would be far shorter
    assert words / 4 <= seconds <= words / 1.2, (seconds, words)
