"""Compiled regular expressions kept between starts (shared/regex_code.py): a later start
builds its patterns without parsing them, and they match exactly as compiled ones do."""

from __future__ import annotations

import re
import stat
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from han_home.shared import regex_code

# what a start compiles: named groups, flags given as RegexFlag, inline flags, bytes
PATTERNS: list[tuple[str | bytes, re.RegexFlag | int]] = [
    (r"(?P<kwh>\d+(?:\.\d+)?)\s*kWh", re.IGNORECASE),
    (r"""(?x) ^ (?P<hour>[01]\d|2[0-3]) : (?P<minute>[0-5]\d) $  # 24-hour clock""", 0),
    (rb"[\x00-\x1f](?P<tail>.*)", re.DOTALL),
    (r"(ab|cd)+?\b", re.MULTILINE | re.ASCII),
]
SAMPLES: list[str | bytes] = ["12.5 KWH", "23:59", "7:5", b"\x01rest\nmore", "abcd ab", ""]


@pytest.fixture
def folder(tmp_path: Path) -> Iterator[Path]:
    yield tmp_path / "cache" / "han-home"
    regex_code.uninstall()


def _unique(tag: str) -> list[tuple[str | bytes, int]]:
    """The patterns made new for this test (re's own cache must not answer)."""
    re.purge()
    out: list[tuple[str | bytes, int]] = []
    for text, flags in PATTERNS:
        suffix: str | bytes = f"(?#{tag})" if isinstance(text, str) else f"(?#{tag})".encode()
        out.append((text + suffix, flags))  # type: ignore[operator]
    return out


def _behaviour(pattern: re.Pattern[str] | re.Pattern[bytes]) -> tuple[object, ...]:
    found = []
    for sample in SAMPLES:
        if isinstance(sample, bytes) != isinstance(pattern.pattern, bytes):
            continue
        m = pattern.search(sample)  # type: ignore[arg-type]
        found.append(None if m is None else (m.span(), m.groups(), m.groupdict()))
    return (pattern.pattern, pattern.flags, pattern.groups, dict(pattern.groupindex), found)


def _parses(monkeypatch: pytest.MonkeyPatch) -> list[object]:
    seen: list[object] = []
    real = re._parser.parse  # type: ignore[attr-defined]

    def counting(p, flags=0, state=None):  # type: ignore[no-untyped-def]
        seen.append(p)
        return real(p, flags, state)

    monkeypatch.setattr(re._parser, "parse", counting)  # type: ignore[attr-defined]
    return seen


def test_a_later_start_builds_the_same_patterns_without_parsing_them(
        folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    patterns = _unique("later")
    reference = [_behaviour(re.compile(t, f)) for t, f in patterns]  # no kept code at all
    re.purge()

    assert regex_code.install("test", folder)
    first = [_behaviour(re.compile(t, f)) for t, f in patterns]
    assert regex_code.save()
    path = regex_code.code_file("test", folder)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert re._compiler.compile is not regex_code._kept_compile  # type: ignore[attr-defined]

    re.purge()
    parsed = _parses(monkeypatch)
    assert regex_code.install("test", folder)
    later = [_behaviour(re.compile(t, f)) for t, f in patterns]
    assert parsed == []  # every pattern came from the file
    assert later == first == reference
    assert not regex_code.save()  # nothing new: the file is not rewritten


def test_a_damaged_or_foreign_writable_file_means_compiling_as_before(
        folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    patterns = _unique("damaged")
    folder.mkdir(parents=True, mode=0o700)
    path = regex_code.code_file("test", folder)
    path.write_bytes(b"\x00not marshal")
    path.chmod(0o600)
    regex_code.install("test", folder)
    assert [_behaviour(re.compile(t, f)) for t, f in patterns]
    assert regex_code.save()  # replaced by a good file

    re.purge()
    path.chmod(0o666)  # someone else could have put code in it: never used
    parsed = _parses(monkeypatch)
    regex_code.install("test", folder)
    re.compile(*patterns[0])
    assert parsed  # compiled afresh


def test_a_bad_entry_is_compiled_afresh(folder: Path) -> None:
    (text, flags), *_ = _unique("bad-entry")
    regex_code.install("test", folder)
    good = _behaviour(re.compile(text, flags))
    regex_code.save()
    re.purge()
    regex_code.install("test", folder)
    regex_code._kept[(text, int(flags))] = (0, [999999], 0, {}, ())  # code the engine refuses
    assert _behaviour(re.compile(text, flags)) == good


def test_only_the_starting_thread_uses_kept_code(folder: Path) -> None:
    patterns = _unique("thread")
    regex_code.install("test", folder)
    results: list[tuple[object, ...]] = []
    worker = threading.Thread(target=lambda: results.extend(
        _behaviour(re.compile(t, f)) for t, f in patterns))
    worker.start()
    worker.join()
    assert regex_code._new == {}  # nothing recorded from another thread
    re.purge()
    assert results == [_behaviour(re.compile(t, f)) for t, f in patterns]
