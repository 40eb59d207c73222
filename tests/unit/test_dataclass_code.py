"""The kept dataclass code (shared/dataclass_code.py): a later start defines its dataclasses
from the file without compiling, and gets exactly the classes it would have compiled."""

from __future__ import annotations

import dataclasses
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from han_home.shared import dataclass_code


@pytest.fixture
def cache(tmp_path: Path) -> Iterator[Path]:
    folder = tmp_path / "cache" / "han-home"
    yield folder
    dataclass_code.uninstall()


def _define(extra_field: bool = False) -> type:
    if extra_field:
        @dataclasses.dataclass(frozen=True, slots=True)
        class Reading:
            wh: int
            source: str = "meter"
            note: str = ""
        return Reading

    @dataclasses.dataclass(frozen=True, slots=True)
    class Reading:  # type: ignore[no-redef]
        wh: int
        source: str = "meter"
    return Reading


def _compiles(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Record the texts dataclass_code compiles itself."""
    seen: list[str] = []
    real = compile

    def counting(source, *args, **kwargs):  # type: ignore[no-untyped-def]
        seen.append(source)
        return real(source, *args, **kwargs)

    monkeypatch.setattr(dataclass_code, "compile", counting, raising=False)
    return seen


def _restart(folder: Path) -> None:
    dataclass_code.uninstall()
    dataclass_code.install("test", folder)


def test_a_later_start_compiles_nothing_and_gets_the_same_class(
        cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    compiled = _compiles(monkeypatch)
    dataclass_code.install("test", cache)
    _define()
    assert len(compiled) >= 5  # __init__, __repr__, __eq__, __hash__, __setattr__, ...
    assert dataclass_code.save()
    path = dataclass_code.cache_file("test", cache)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(cache.stat().st_mode) == 0o700

    _restart(cache)
    compiled.clear()
    cls = _define()
    assert compiled == []  # every method came from the file
    a, b = cls(5), cls(5, "meter")
    assert a == b and hash(a) == hash(b) and a != cls(6)
    assert repr(a) == "_define.<locals>.Reading(wh=5, source='meter')"
    with pytest.raises(dataclasses.FrozenInstanceError):
        a.wh = 7  # type: ignore[misc]
    with pytest.raises(TypeError):
        cls()  # type: ignore[call-arg]
    assert not dataclass_code.save()  # nothing new: the file is not rewritten


def test_a_changed_class_is_compiled_afresh(cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    dataclass_code.install("test", cache)
    _define()
    dataclass_code.save()

    _restart(cache)
    compiled = _compiles(monkeypatch)
    cls = _define(extra_field=True)  # a new version of the module: one field more
    assert compiled  # its texts differ, so no kept code is used for them
    r = cls(5, note="estimated")
    assert repr(r) == "_define.<locals>.Reading(wh=5, source='meter', note='estimated')"
    assert r != cls(5)


@pytest.mark.parametrize("content", [b"", b"\x00garbage", b"\xe3\x01\x00\x00\x00"])
def test_a_damaged_file_means_compiling_as_before(cache: Path, content: bytes) -> None:
    cache.mkdir(parents=True)
    dataclass_code.cache_file("test", cache).write_bytes(content)
    dataclass_code.install("test", cache)
    cls = _define()
    assert cls(1) == cls(1) and repr(cls(1)) == "_define.<locals>.Reading(wh=1, source='meter')"
    assert dataclass_code.save()  # and the damaged file is replaced by a good one
    _restart(cache)
    assert dataclass_code._kept


def test_an_unwritable_cache_folder_costs_only_the_speed(tmp_path: Path) -> None:
    blocked = tmp_path / "file-not-folder"
    blocked.write_text("")
    dataclass_code.install("test", blocked / "han-home")
    try:
        cls = _define()
        assert cls(2).wh == 2
        assert not dataclass_code.save()
    finally:
        dataclass_code.uninstall()


def test_after_start_up_nothing_is_held_and_the_file_is_kept(cache: Path) -> None:
    dataclass_code.install("test", cache)
    _define()
    dataclass_code.finish()
    assert not hasattr(dataclasses, "exec")  # later classes compile with the builtin
    assert not dataclass_code._kept and not dataclass_code._new  # no code held for months
    assert dataclass_code.cache_file("test", cache).stat().st_size > 0
    assert _define()(3).wh == 3


def test_a_file_others_may_write_is_not_run(cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    dataclass_code.install("test", cache)
    _define()
    dataclass_code.save()
    path = dataclass_code.cache_file("test", cache)
    path.chmod(0o666)  # someone else could have put code in it
    _restart(cache)
    compiled = _compiles(monkeypatch)
    assert dataclass_code._kept == {}
    _define()
    assert compiled  # compiled afresh, the file's code never ran
