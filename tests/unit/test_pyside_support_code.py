"""PySide6's embedded support code, kept compiled between starts (shared/pyside_support_code.py):
a later start imports PySide6 without compiling it, and PySide6 works the same."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from pathlib import Path

from han_home.shared import pyside_support_code

# A fresh interpreter (PySide6 is loaded in this one): counts what compile() is asked to
# compile during the import, then checks that PySide6 and its signature support work.
START = """
import builtins, json, sys
from pathlib import Path
compiled = []
real = builtins.compile
def counting(source, filename, *args, **kwargs):
    compiled.append(filename)
    return real(source, filename, *args, **kwargs)
builtins.compile = counting
from han_home.shared import pyside_support_code
with pyside_support_code.kept_while_importing("test", Path(sys.argv[1])):
    from PySide6.QtWidgets import QApplication, QLabel
builtins.compile = real
app = QApplication([])
label = QLabel("12.3 kWh")
from shibokensupport.signature import get_signature  # the support code at work
signature = str(get_signature(QLabel.setText))
written = pyside_support_code.save()
print(json.dumps({"compiled": compiled, "text": label.text(), "signature": signature,
                  "written": written}))
"""


def _start(folder: Path) -> dict[str, object]:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    out = subprocess.run([sys.executable, "-c", START, str(folder)], env=env, check=True,
                         capture_output=True, text=True, timeout=120).stdout
    result: dict[str, object] = json.loads(out.splitlines()[-1])
    return result


def _support_texts(result: dict[str, object]) -> list[str]:
    compiled = result["compiled"]
    assert isinstance(compiled, list)
    return [name for name in compiled if not os.path.isabs(name)]


def test_a_later_start_imports_pyside_without_compiling_its_support_code(
        tmp_path: Path) -> None:
    folder = tmp_path / "cache" / "han-home"
    first = _start(folder)
    assert "shibokensupport/signature/loader.py" in _support_texts(first)
    assert first["written"] is True
    path = pyside_support_code.code_file("test", folder)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700

    later = _start(folder)
    assert _support_texts(later) == []  # every support module came from the file
    assert later["written"] is False  # nothing new: the file is not rewritten
    assert later["text"] == first["text"] == "12.3 kWh"
    assert later["signature"] == first["signature"]
    assert later["signature"] == "(self, arg__1: str, /) -> None"


def test_a_damaged_or_foreign_writable_file_means_compiling_as_before(tmp_path: Path) -> None:
    folder = tmp_path / "han-home"
    folder.mkdir(mode=0o700)
    path = pyside_support_code.code_file("test", folder)
    path.write_bytes(b"\xe3\x01\x00garbage")
    path.chmod(0o600)
    damaged = _start(folder)
    assert "shibokensupport/signature/loader.py" in _support_texts(damaged)
    assert damaged["written"] is True  # replaced by a good file

    path.chmod(0o666)  # someone else could have put code in it: never run
    foreign = _start(folder)
    assert "shibokensupport/signature/loader.py" in _support_texts(foreign)


def test_module_files_are_left_to_their_bytecode_cache(tmp_path: Path) -> None:
    folder = tmp_path / "han-home"
    _start(folder)
    kept = pyside_support_code._read(pyside_support_code.code_file("test", folder))
    assert kept and all(not os.path.isabs(filename) for _, filename, *_ in kept)


def test_an_import_after_pyside_is_loaded_changes_no_file(tmp_path: Path) -> None:
    folder = tmp_path / "han-home"
    _start(folder)
    path = pyside_support_code.code_file("test", folder)
    before = path.read_bytes()
    import PySide6.QtCore  # as in a test session: loaded already

    with pyside_support_code.kept_while_importing("test", folder):
        import PySide6.QtWidgets  # noqa: F401
    assert not pyside_support_code.save()
    assert path.read_bytes() == before
