"""Every bad input gets exit status 2 and one clear, translated line, and nothing is written.

Each case runs the real entry point in a subprocess with HOME and XDG_* in a fresh folder,
snapshots that folder (paths, modes, mtimes, contents) before and after, and checks: exit
status 2, exactly one line on stderr, no traceback, the expected words (Welsh where the case
asks for Welsh, and then none of the English), and the folder unchanged. Bad input must be
refused before anything starts, so every case is quick.

Permission cases drop root's power to ignore file modes when the tests run as root.
"""

from __future__ import annotations

import hashlib
import os
import sqlite3
import stat
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
APPS = {
    "gateway": [sys.executable, "-m", "han_home.shared.han.cli"],
    "installer": [sys.executable, "-m", "han_home.installer_app.main"],
    "ihd": [sys.executable, "-m", "han_home.ihd_app.main"],
}
# A valid install code and EUI-64 (the test vector of the Zigbee specification)
CODE = "83FED3407A939723A5C639B26916D505C3B5"
EUI = "00:1b:c5:0c:60:00:00:99"
QR = f"Z:001BC50C60000099$I:{CODE}"
OTHER_CODE = "00112233445566778899AABBCCDDEEFF"  # CRC appended below


def _with_crc(hex16: str) -> str:
    from crccheck.crc import CrcX25

    body = bytes.fromhex(hex16)
    return (body + CrcX25.calc(body).to_bytes(2, "little")).hex().upper()


@dataclass
class Case:
    id: str
    app: str
    args: list[str]
    expect: list[str]  # every one must be in the message (case-insensitive)
    setup: Callable[[Path], None] | None = None
    welsh: bool = False  # the message must be Welsh: none of `english` in it
    english: list[str] = field(default_factory=list)
    env: dict[str, str] = field(default_factory=dict)
    unprivileged: bool = False  # needs file modes to count (run as nobody under root)


def write(name: str, data: bytes | str, mode: int | None = None) -> Callable[[Path], None]:
    def setup(work: Path) -> None:
        path = work / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(data, str):
            path.write_text(data, encoding="utf-8")
        else:
            path.write_bytes(data)
        if mode is not None:
            path.chmod(mode)

    return setup


def both(*setups: Callable[[Path], None]) -> Callable[[Path], None]:
    def setup(work: Path) -> None:
        for s in setups:
            s(work)

    return setup


def foreign_sqlite(name: str) -> Callable[[Path], None]:
    def setup(work: Path) -> None:
        conn = sqlite3.connect(work / name)
        conn.execute("CREATE TABLE recipes (name TEXT, minutes INTEGER)")
        conn.execute("INSERT INTO recipes VALUES ('cawl', 90)")
        conn.commit()
        conn.close()

    return setup


def newer_schema(name: str) -> Callable[[Path], None]:
    def setup(work: Path) -> None:
        conn = sqlite3.connect(work / name)
        conn.execute("CREATE TABLE half_hours (x)")
        conn.execute("PRAGMA user_version = 99")
        conn.commit()
        conn.close()

    return setup


def history_db(name: str, mode: int) -> Callable[[Path], None]:
    def setup(work: Path) -> None:
        from han_home.shared.store.history import HistoryStore

        HistoryStore(work / name).close()
        for suffix in ("-wal", "-shm"):
            side = work / (name + suffix)
            if side.exists():
                side.unlink()
        (work / name).chmod(mode)

    return setup


CORRUPT = b"SQLite format 3\x00" + bytes(range(256)) * 16
DEVICES = f"eui64,install_code,type\n{EUI},{CODE},gas\n"
devices_ok = write("devices.csv", DEVICES)
SETTINGS = "settings"  # placeholder


def commission(*extra: str) -> list[str]:
    return ["commission", "--devices", "{w}/devices.csv", "--report", "{w}/r.json", *extra]


CASES: list[Case] = [
    # ---- han-gateway ------------------------------------------------------------
    *[Case(f"gateway-start-{year}", "gateway",
           ["run", "--sim-start", f"{year}-06-01T00:00:00Z", "--duration", "1m"],
           ["2000-01-01", "tariff"]) for year in ("0001", "1970", "9999")],
    *[Case(f"gateway-speed-{v}", "gateway", ["run", "--sim-speed", v, "--duration", "1m"],
           ["speed", v]) for v in ("nan", "inf", "1e308", "0")],
    Case("gateway-duration-huge", "gateway", ["run", "--duration", "99999999999d"],
         ["duration", "99999999999d"]),
    Case("gateway-duration-past-2100", "gateway",
         ["run", "--sim-start", "2099-12-01T00:00:00Z", "--duration", "3650d"],
         ["2099"]),
    Case("gateway-appliance-format", "gateway",
         ["run", "--appliance", "kettle=2800@1h", "--duration", "1m"],
         ["appliance", "kettle=2800@1h", "NAME=WATTSW@START"]),
    Case("gateway-appliance-watts", "gateway",
         ["run", "--appliance", "kettle=99999W@1h", "--duration", "1m"], ["99999 W"]),
    Case("gateway-radio-extra-missing", "gateway",
         ["run", "--radio", "znp", "--device", "/dev/ttyUSB0", "--duration", "1m"],
         ["pip install 'han-home[radios]'", "znp"]),
    *[Case(f"gateway-toml-speed-{v}", "gateway", ["run", "--config", "{w}/g.toml"],
           ["speed", "g.toml"], setup=write("g.toml", f"[sim]\nspeed = {v}\n"))
      for v in ("0", "-3", "nan")],
    Case("gateway-toml-start-1970", "gateway", ["run", "--config", "{w}/g.toml"],
         ["2000-01-01"], setup=write("g.toml", '[sim]\nstart = "1970-01-01T00:00:00Z"\n')),
    Case("gateway-db-no-access", "gateway", ["run", "--duration", "1m", "--db", "{w}/h.db"],
         ["h.db", "read"], setup=history_db("h.db", 0o000), unprivileged=True),
    Case("gateway-db-read-only", "gateway", ["run", "--duration", "1m", "--db", "{w}/h.db"],
         ["h.db", "read-only"], setup=history_db("h.db", 0o444), unprivileged=True),
    Case("gateway-db-foreign-sqlite", "gateway", ["run", "--duration", "1m", "--db", "{w}/r.db"],
         ["r.db", "not a history database"], setup=foreign_sqlite("r.db")),
    Case("gateway-history-foreign-sqlite", "gateway",
         ["history", "--db", "{w}/r.db", "--fuel", "gas", "--by", "day"],
         ["r.db", "not a history database"], setup=foreign_sqlite("r.db")),
    Case("gateway-db-corrupt", "gateway", ["run", "--duration", "1m", "--db", "{w}/c.db"],
         ["c.db"], setup=write("c.db", CORRUPT)),
    # "cyflymder" (speed), soft-mutated after "i"
    Case("gateway-history-db-is-dir", "gateway",
         ["history", "--db", "{w}", "--fuel", "gas", "--by", "day"], ["folder"]),
    Case("gateway-config-not-utf8", "gateway", ["run", "--config", "{w}/g.toml"],
         ["g.toml", "UTF-8"], setup=write("g.toml", b"[sim]\nspeed = \xff\n")),
    Case("gateway-config-is-dir", "gateway", ["run", "--config", "{w}"], ["folder"]),
    Case("gateway-speed-cy", "gateway", ["run", "--sim-speed", "nan"], ["nan", "gyflymder"],
         welsh=True, english=["speed must"], env={"LANG": "cy_GB.UTF-8"}),
    Case("gateway-foreign-cy", "gateway", ["run", "--duration", "1m", "--db", "{w}/r.db"],
         ["r.db", "hanes"], setup=foreign_sqlite("r.db"), welsh=True,
         english=["not a history"], env={"LANG": "cy_GB.UTF-8"}),
    # ---- installer-app ------------------------------------------------------------
    *[Case(f"installer-speed-{v}", "installer", commission("--sim-speed", v), ["speed", v],
           setup=devices_ok) for v in ("nan", "inf", "0", "-1")],
    *[Case(f"installer-window-{v}", "installer", commission("--window", v), ["window", v],
           setup=devices_ok) for v in ("nan", "inf", "0", "-1")],
    Case("installer-csv-latin1", "installer", commission(), ["devices.csv", "UTF-8"],
         setup=write("devices.csv", b"eui64,install_code,type\n" + b"caf\xe9,1,gas\n")),
    Case("installer-csv-binary", "installer", commission(), ["devices.csv"],
         setup=write("devices.csv", bytes(range(256)) * 8)),
    Case("installer-csv-nul", "installer", commission(), ["devices.csv"],
         setup=write("devices.csv", "eui64,install_code,type\n" + "\0" * 10 + "\n")),
    Case("installer-csv-huge-field", "installer", commission(), ["line 2"],
         setup=write("devices.csv", "eui64,install_code,type\n" + "A" * 300_000 + ",x,gas\n")),
    Case("installer-csv-no-header", "installer", commission(), ["devices.csv", "eui64"],
         setup=write("devices.csv", "")),
    Case("installer-csv-qr-code-disagrees", "installer", commission(), ["line 2", "qr"],
         setup=write("devices.csv", f"eui64,install_code,type,qr\n{EUI},"
                                    f"{_with_crc(OTHER_CODE)},gas,{QR}\n")),
    Case("installer-csv-qr-eui-disagrees", "installer", commission(), ["line 2", "qr"],
         setup=write("devices.csv", f"eui64,install_code,type,qr\n00:1b:c5:0c:60:00:00:98,"
                                    f"{CODE},gas,{QR}\n")),
    Case("installer-csv-unknown-type", "installer", commission(), ["line 2", "fridge"],
         setup=write("devices.csv", f"eui64,install_code,type\n{EUI},{CODE},fridge\n")),
    Case("installer-report-no-dir", "installer",
         ["commission", "--devices", "{w}/devices.csv", "--report", "{w}/nodir/r.json"],
         ["nodir"], setup=devices_ok),
    Case("installer-report-is-dir", "installer",
         ["commission", "--devices", "{w}/devices.csv", "--report", "{w}"],
         ["folder"], setup=devices_ok),
    Case("installer-html-no-dir", "installer", commission("--html", "{w}/nodir/r.html"),
         ["nodir"], setup=devices_ok),
    Case("installer-pdf-no-dir", "installer", commission("--pdf", "nodir/x.pdf"),
         ["nodir"], setup=devices_ok),
    Case("installer-log-no-dir", "installer", commission("--log", "{w}/nodir/d.log"),
         ["nodir"], setup=devices_ok),
    Case("installer-report-read-only", "installer", commission(), ["r.json"],
         setup=both(devices_ok, write("r.json", "{}", 0o444)), unprivileged=True),
    Case("installer-log-read-only-dir", "installer", commission("--log", "{w}/ro/d.log"),
         ["ro"], setup=both(devices_ok, lambda w: (w / "ro").mkdir(mode=0o555)),
         unprivileged=True),
    Case("installer-unknown-command", "installer", ["verify-reprot"],
         ["verify-reprot", "check-code", "commission", "labels", "gui"]),
    Case("installer-unknown-command-cy", "installer", ["verify-reprot", "--lang", "cy"],
         ["verify-reprot", "gorchymyn"], welsh=True, english=["unknown command"]),
    Case("installer-pdf-no-dir-cy", "installer", commission("--pdf", "nodir/x.pdf", "--lang", "cy"),
         ["nodir", "ffolder"], setup=devices_ok, welsh=True, english=["does not exist"]),
    Case("installer-type-cy", "installer", commission("--lang", "cy"), ["fridge", "Llinell 2"],
         setup=write("devices.csv", f"eui64,install_code,type\n{EUI},{CODE},fridge\n"),
         welsh=True, english=["not a device type"]),
    Case("installer-gui-text-scale-nan", "installer", ["gui", "--text-scale", "nan"],
         ["text scale", "nan"]),
    Case("installer-labels-speed-inf", "installer", ["labels", "--sim-speed", "inf"],
         ["speed", "inf"]),
    Case("installer-radio-extra-missing", "installer",
         commission("--radio", "ezsp", "--device", "/dev/ttyUSB0"),
         ["pip install 'han-home[radios]'", "ezsp"], setup=devices_ok),
    Case("installer-devices-is-dir", "installer",
         ["commission", "--devices", "{w}", "--report", "{w}/r.json"], ["folder"]),
    Case("installer-same-output-twice", "installer", commission("--html", "{w}/r.json"),
         ["different files"], setup=devices_ok),
    # ---- ihd-app ------------------------------------------------------------------
    Case("ihd-text-scale-nan", "ihd", ["--text-scale", "nan"], ["text scale", "nan"]),
    Case("ihd-timeout-nan", "ihd", ["--timeout", "nan"], ["nan"]),
    Case("ihd-radio-extra-missing", "ihd", ["--radio", "deconz", "--device", "/dev/ttyACM0"],
         ["pip install 'han-home[radios]'", "deconz"]),
    Case("ihd-speed-cy", "ihd", ["--sim-speed", "inf", "--lang", "cy"], ["inf", "gyflymder"],
         welsh=True, english=["speed must"]),
    Case("ihd-db-not-sqlite", "ihd", ["--db", "{w}/n.db"], ["n.db", "SQLite"],
         setup=write("n.db", "my shopping list\n" * 20)),
    Case("ihd-db-newer-schema", "ihd", ["--db", "{w}/n.db"], ["n.db", "99"],
         setup=newer_schema("n.db")),
    Case("ihd-db-corrupt", "ihd", ["--db", "{w}/c.db"], ["c.db"], setup=write("c.db", CORRUPT)),
    Case("ihd-db-directory", "ihd", ["--db", "{w}/d"], ["d", "folder"],
         setup=lambda w: (w / "d").mkdir()),
    Case("ihd-db-foreign", "ihd", ["--db", "{w}/r.db"], ["r.db", "not a history database"],
         setup=foreign_sqlite("r.db")),
    Case("ihd-db-no-access", "ihd", ["--db", "{w}/h.db"], ["h.db"],
         setup=history_db("h.db", 0o000), unprivileged=True),
    *[Case(f"ihd-speed-{v}", "ihd", ["--sim-speed", v], ["speed", v]) for v in ("nan", "inf")],
    Case("ihd-start-9999", "ihd", ["--sim-start", "9999-01-01T00:00:00Z"], ["2000-01-01"]),
    Case("ihd-db-corrupt-cy", "ihd", ["--db", "{w}/c.db", "--lang", "cy"], ["c.db", "hanes"],
         setup=write("c.db", CORRUPT), welsh=True, english=["history database"]),
    Case("ihd-db-corrupt-cy-settings", "ihd", ["--db", "{w}/c.db"], ["c.db", "hanes"],
         setup=both(write("c.db", CORRUPT),
                    write("home/.config/han-home/ihd.json", '{"language": "cy"}')),
         welsh=True, english=["history database"]),
]


def snapshot(root: Path) -> dict[str, tuple[int, int, str]]:
    out: dict[str, tuple[int, int, str]] = {}
    for dirpath, dirnames, filenames in os.walk(root):
        for name in [*dirnames, *filenames]:
            path = Path(dirpath) / name
            st = path.lstat()
            digest = ""
            if stat.S_ISREG(st.st_mode):
                try:
                    digest = hashlib.sha256(path.read_bytes()).hexdigest()
                except PermissionError:
                    digest = "unreadable"
            out[str(path.relative_to(root))] = (st.st_mode, st.st_mtime_ns, digest)
    return out


def environment(work: Path, extra: dict[str, str]) -> dict[str, str]:
    home = work / "home"
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("XDG_", "LC_", "HAN_HOME_", "INSTALLER_")) and k != "LANGUAGE"}
    env.update(
        HOME=str(home), XDG_CONFIG_HOME=str(home / ".config"),
        XDG_DATA_HOME=str(home / ".local/share"), XDG_CACHE_HOME=str(home / ".cache"),
        XDG_STATE_HOME=str(home / ".local/state"), XDG_RUNTIME_DIR=str(home / "run"),
        QT_QPA_PLATFORM="offscreen", LANG="en_GB.UTF-8", PYTHONDONTWRITEBYTECODE="1",
    )
    env.update(extra)
    return env


def prepare(tmp_path: Path) -> Path:
    work = tmp_path / "w"
    (work / "home" / "run").mkdir(parents=True)
    (work / "home" / "run").chmod(0o700)
    return work


def _drop_root_file_powers() -> None:
    """As root, give up CAP_DAC_OVERRIDE and CAP_DAC_READ_SEARCH so file modes count."""
    import ctypes

    libc = ctypes.CDLL(None, use_errno=True)
    for cap in (1, 2):  # PR_CAPBSET_DROP = 24
        if libc.prctl(24, cap, 0, 0, 0) != 0:
            raise OSError(ctypes.get_errno(), "prctl(PR_CAPBSET_DROP)")


def run_case(case: Case, work: Path) -> subprocess.CompletedProcess[str]:
    args = [a.replace("{w}", str(work)) for a in case.args]
    kwargs: dict[str, object] = {}
    if case.unprivileged and os.geteuid() == 0:
        kwargs = {"preexec_fn": _drop_root_file_powers}
    return subprocess.run([*APPS[case.app], *args], capture_output=True, text=True, timeout=15,
                          cwd=work, env=environment(work, case.env), **kwargs)  # type: ignore


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_bad_input_is_exit_2_one_line_and_writes_nothing(case: Case, tmp_path: Path) -> None:
    work = prepare(tmp_path)
    if case.setup is not None:
        case.setup(work)
    before = snapshot(work)
    result = run_case(case, work)
    err = result.stderr
    assert "Traceback" not in err, err
    assert result.returncode == 2, (result.returncode, err[-2000:])
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    line = lines[0]
    for word in case.expect:
        assert word.lower() in line.lower(), (word, line)
    if case.welsh:
        for word in case.english:
            assert word.lower() not in line.lower(), (word, line)
    assert result.stdout == "", result.stdout
    after = snapshot(work)
    assert after == before, {k: (before.get(k), after.get(k))
                             for k in before.keys() | after.keys()
                             if before.get(k) != after.get(k)}
