"""Every installer test starts in English, and leaves the translator as it found it (a test
that switches to Welsh cannot leak it into the next)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from han_home.shared.i18n import catalog as cat


@pytest.fixture(autouse=True)
def english() -> Iterator[cat.Translator]:
    translator = cat.Translator("en")
    previous = cat.set_translator(translator)
    yield translator
    cat.set_translator(previous)
