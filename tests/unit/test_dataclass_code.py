"""dataclass_code: dataclass methods from a table of compiled code behave as compiled ones."""

from __future__ import annotations

import dataclasses
import sys
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from han_home.shared.dataclass_code import CodeCache, default_path


def _make() -> type:
    @dataclass(frozen=True, slots=True)
    class Point:
        """A point."""

        x: int
        y: int = 0
        tags: tuple[str, ...] = field(default=())

    return Point


def test_classes_from_the_table_behave_as_compiled_ones(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "dont_write_bytecode", False)  # as an installed kiosk runs
    path = tmp_path / "codes.bin"
    first = CodeCache(path).install()
    try:
        a = _make()
    finally:
        first.uninstall()
    assert first.compiled > 0 and first.save() and path.is_file()
    assert not hasattr(dataclasses, "exec")  # uninstalled: the plain builtin again

    second = CodeCache(path).install()
    try:
        b = _make()
    finally:
        second.uninstall()
    assert second.compiled == 0 and not second.save()  # all from the table, nothing written
    plain = _make()
    for cls in (a, b, plain):
        p = cls(1, tags=("t",))
        assert repr(p) == "_make.<locals>.Point(x=1, y=0, tags=('t',))"
        assert p == cls(1, 0, ("t",)) and p != cls(2)
        assert hash(p) == hash(cls(1, 0, ("t",)))
        with pytest.raises(dataclasses.FrozenInstanceError):
            p.x = 3  # type: ignore[misc]
        assert dataclasses.replace(p, y=5).y == 5
        assert [f.name for f in dataclasses.fields(cls)] == ["x", "y", "tags"]


@pytest.mark.parametrize("content", [b"", b"junk", b"\x00" * 40])
def test_a_foreign_or_damaged_table_is_empty(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "codes.bin"
    path.write_bytes(content)
    cache = CodeCache(path).install()
    try:
        cls = _make()
    finally:
        cache.uninstall()
    assert cache.compiled > 0 and cls(1).x == 1


def test_nothing_written_when_bytecode_writing_is_off(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "dont_write_bytecode", True)
    path = tmp_path / "codes.bin"
    cache = CodeCache(path).install()
    try:
        _make()
    finally:
        cache.uninstall()
    assert not cache.save() and not path.exists()


def test_a_read_only_folder_is_no_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "dont_write_bytecode", False)
    blocker = tmp_path / "file"
    blocker.write_text("")
    cache = CodeCache(blocker / "sub" / "codes.bin").install()  # its folder cannot exist
    try:
        _make()
    finally:
        cache.uninstall()
    assert not cache.save()


def test_the_table_lives_beside_the_bytecode() -> None:
    path = default_path()
    assert path is not None and sys.implementation.cache_tag in path.name
