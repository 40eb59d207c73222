"""installer-app command line: check-code, labels, commission (headless), dispatch."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys

import pytest

from han_home.installer_app import main as entry
from han_home.installer_app.report import find_secrets
from han_home.shared.sim.home import HomeOptions, VirtualHome

VECTOR = "83FED3407A939723A5C639B26916D505C3B5"
VECTOR_KEY = "66B6900981E1EE3CA4206B6B861C02BB"




def run(capsys, *argv):
    code = entry.main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_check_code_ok_and_faults(capsys):
    assert run(capsys, "check-code", VECTOR)[:2] == (0, "OK\n")
    assert run(capsys, "check-code", "83FE D340-7A93", "9723-A5C6 39B2 6916 D505 C3B5")[0] == 0
    code, out, err = run(capsys, "check-code", VECTOR[:-1] + "4")
    assert code == 2 and "check digits at the end" in err and "re-type the code" in err
    code, _, err = run(capsys, "check-code", "12345")
    assert code == 2 and "odd number" in err
    code, _, err = run(capsys, "check-code", "--lang", "cy", VECTOR[:-1] + "4")
    assert code == 2 and "check digits" not in err


def test_check_code_never_prints_the_key(capsys):
    _, out, err = run(capsys, "check-code", VECTOR)
    assert find_secrets(out + err, [VECTOR_KEY]) == []
    assert VECTOR not in out + err


def test_labels_prints_only_the_homes_own_devices(capsys):
    code, out, _ = run(capsys, "labels", "--radio", "sim", "--sim-seed", "11")
    assert code == 0
    rows = list(csv.DictReader(io.StringIO(out)))
    home = VirtualHome(HomeOptions(seed=11))
    assert [r["eui64"] for r in rows] == [str(d.ieee) for d in home.own]
    assert {r["type"] for r in rows} == {"electricity_meter", "gas_meter", "display"}
    assert all(r["qr"] == f"Z:{r['eui64'].replace(':', '').upper()}$I:{r['install_code']}"
               for r in rows)
    assert not {str(d.ieee) for d in home.neighbours} & {r["eui64"] for r in rows}
    assert not any(str(d.ieee) in out for d in home.neighbours)


def test_labels_needs_the_virtual_home(capsys):
    code, _, err = run(capsys, "labels", "--radio", "znp", "--device", "/dev/null")
    assert code == 2 and "--radio sim" in err


def test_commission_bad_csv_is_exit_2_with_the_line(capsys, tmp_path):
    devices = tmp_path / "devices.csv"
    devices.write_text(f"eui64,install_code,type\n00:1b:c5:0c:60:00:00:99,{VECTOR[:-1]}4,gas\n")
    code, _, err = run(capsys, "commission", "--devices", str(devices), "--report",
                       str(tmp_path / "r.json"))
    assert code == 2 and "Line 2" in err and "check digits" in err
    assert not (tmp_path / "r.json").exists()


def test_commission_headless_on_the_virtual_home(tmp_path):
    """The console script end to end, in a subprocess, with a debug log searched for secrets."""
    home = VirtualHome(HomeOptions(seed=5))
    devices = tmp_path / "devices.csv"
    with devices.open("w", newline="") as fh:  # one column of QR payloads: one scan each
        writer = csv.writer(fh)
        writer.writerow(["qr", "type"])
        for label in home.labels():
            writer.writerow([label.qr, label.device_type])
    out, log, html = tmp_path / "out.json", tmp_path / "debug.log", tmp_path / "out.html"
    result = subprocess.run(
        [sys.executable, "-m", "han_home.installer_app.main", "commission", "--radio", "sim",
         "--sim-seed", "5", "--sim-speed", "60", "--devices", str(devices), "--report",
         str(out), "--html", str(html), "--log", str(log), "--site", "S1", "--engineer", "E1",
         "--mpan", home.premises()[0], "--mprn", home.premises()[1]],
        capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    data = json.loads(out.read_text())
    assert data["result"] == "pass" and data["engineer_id"] == "E1"
    assert data["verdict"] == {"level": "pass", "exit_code": 0, "reasons": []}
    # the console ends with the verdict, then one summary line per device
    tail = result.stderr.strip().splitlines()[-4:]
    assert tail[0] == "Verdict: Pass"
    assert [line.split()[0] for line in tail[1:]] == [lb.eui64 for lb in home.labels()]
    assert home.esme.serial in tail[1] and "not confirmed on site" in tail[1]
    assert [d["eui64"] for d in data["devices"]] == [label.eui64 for label in home.labels()]
    assert all(d["configured"] and d["firmware"] for d in data["devices"])
    neighbours = {str(d.ieee) for d in home.neighbours}
    assert {r["eui64"] for r in data["refused_joiners"]} <= neighbours
    codes = [label.install_code for label in home.labels()]
    from han_home.installer_app.codes import link_key_of

    secrets = codes + [link_key_of(bytes.fromhex(c)).hex() for c in codes]
    for text in (out.read_text(), html.read_text(), log.read_text(), result.stdout,
                 result.stderr):
        assert find_secrets(text, secrets) == []
    assert "DEBUG" in log.read_text()


def test_commission_fails_with_exit_1_when_a_device_does_not_join(tmp_path):
    devices = tmp_path / "devices.csv"
    devices.write_text(f"eui64,install_code,type\n00:1b:c5:0c:60:00:00:99,{VECTOR},gas\n")
    result = subprocess.run(
        [sys.executable, "-m", "han_home.installer_app.main", "commission", "--sim-speed", "60",
         "--window", "1", "--devices", str(devices), "--report", str(tmp_path / "r.json")],
        capture_output=True, text=True, timeout=60)
    assert result.returncode == 1
    data = json.loads((tmp_path / "r.json").read_text())
    assert data["result"] == "fail" and data["devices"][0]["stage"] == "not_joined"
    assert data["window"]["end_reason"] == "expired"


def test_labels_with_the_neighbours_say_whose_and_the_premises(capsys):
    code, out, _ = run(capsys, "labels", "--neighbours", "--sim-home", "flats")
    assert code == 0
    rows = list(csv.DictReader(io.StringIO(out)))
    home = VirtualHome(HomeOptions(seed=7, layout="flats"))
    assert [r["eui64"] for r in rows] == [str(d.ieee) for d in (*home.own, *home.neighbours)]
    assert {r["home"] for r in rows} == {"this", "neighbour-1", "neighbour-2", "neighbour-3"}
    mine = {r["type"]: r for r in rows if r["home"] == "this"}
    assert (mine["electricity_meter"]["mpan"], mine["gas_meter"]["mprn"]) == home.premises()
    assert mine["display"]["mpan"] == mine["display"]["mprn"] == ""


def test_commission_help_documents_the_exit_codes(capsys):
    with pytest.raises(SystemExit):
        entry.main(["commission", "--help"])
    out = capsys.readouterr().out
    codes = [line.split(None, 1) for line in out.split("exit status:")[1].splitlines()
             if line.strip()]
    assert [(c, text.split(" (")[0]) for c, text in codes] == [
        ("0", "Pass"), ("3", "Pass with warnings"), ("1", "Fail"), ("2", "bad input")]
    assert "--mpan" in out and "--mprn" in out


def test_commission_refuses_a_bad_mpan_with_one_line(capsys, tmp_path):
    devices = tmp_path / "d.csv"
    devices.write_text(f"eui64,install_code,type\n00:1b:c5:0c:60:00:00:99,{VECTOR},gas\n")
    with pytest.raises(SystemExit) as exited:
        entry.main(["commission", "--devices", str(devices), "--report",
                    str(tmp_path / "r.json"), "--mpan", "1312345678906"])
    err = capsys.readouterr().err
    assert exited.value.code == 2 and len(err.strip().splitlines()) == 1
    assert "last digit of the MPAN" in err
    assert not (tmp_path / "r.json").exists()


def test_commission_without_premises_is_pass_with_warnings_exit_3(tmp_path):
    home = VirtualHome(HomeOptions(seed=5))
    devices = tmp_path / "devices.csv"
    devices.write_text("qr,type\n" + "".join(f"{lb.qr},{lb.device_type}\n"
                                             for lb in home.labels()))
    out = tmp_path / "r.json"
    result = subprocess.run(
        [sys.executable, "-m", "han_home.installer_app.main", "commission", "--sim-seed", "5",
         "--sim-speed", "60", "--devices", str(devices), "--report", str(out)],
        capture_output=True, text=True, timeout=120)
    assert result.returncode == 3, result.stderr
    data = json.loads(out.read_text())
    assert data["result"] == "pass_with_warnings"
    assert [r["code"] for r in data["verdict"]["reasons"]] == ["no_mpan", "no_mprn"]
    assert "Verdict: Pass with warnings" in result.stderr
    assert "No MPAN was given" in result.stderr


def test_commission_accept_turns_the_held_guards_into_warnings_exit_3(tmp_path):
    """Swapped types are held; the engineer accepts each on the command line, with a note."""
    home = VirtualHome(HomeOptions(seed=5))
    esme, gsme, ihd = home.labels()
    devices = tmp_path / "devices.csv"
    devices.write_text(f"qr,type\n{esme.qr},gas\n{gsme.qr},electricity\n{ihd.qr},display\n")
    out = tmp_path / "r.json"
    result = subprocess.run(
        [sys.executable, "-m", "han_home.installer_app.main", "commission", "--sim-seed", "5",
         "--sim-speed", "60", "--devices", str(devices), "--report", str(out),
         "--mpan", home.premises()[0], "--mprn", home.premises()[1],
         "--accept", f"type_mismatch:{esme.eui64}:label swapped, meter checked",
         "--accept", f"type_mismatch:{gsme.eui64.replace(':', '')}:label swapped too"],
        capture_output=True, text=True, timeout=120)
    assert result.returncode == 3, result.stderr
    data = json.loads(out.read_text())
    assert data["result"] == "pass_with_warnings"
    reasons = data["verdict"]["reasons"]
    assert [(r["code"], r["severity"], r["accepted_note"]) for r in reasons] == [
        ("type_mismatch", "warning", "label swapped, meter checked"),
        ("type_mismatch", "warning", "label swapped too")]
    assert [(d["code"], d["eui64"], d["source"]) for d in data["decisions"]] == [
        ("type_mismatch", esme.eui64, "command_line"),
        ("type_mismatch", gsme.eui64, "command_line")]
    assert "Accepted by the engineer: “label swapped, meter checked”." in result.stderr


@pytest.mark.parametrize(("accept", "says"), [
    ("foreign:00:1b:c5:0c:60:00:00:99:it is ours", "never be accepted"),
    ("two_of_a_kind:00:1b:c5:0c:60:00:00:99:", "short note"),
    ("two_of_a_kind:00:1b:c5:0c:60:00:00:98:two meters", "not on the device list"),
])
def test_commission_refuses_a_bad_accept_with_one_line(capsys, tmp_path, accept, says):
    devices = tmp_path / "d.csv"
    devices.write_text(f"eui64,install_code,type\n00:1b:c5:0c:60:00:00:99,{VECTOR},gas\n")
    try:
        code = entry.main(["commission", "--devices", str(devices), "--report",
                           str(tmp_path / "r.json"), "--accept", accept])
    except SystemExit as exited:
        code = exited.code
    err = capsys.readouterr().err
    assert code == 2 and len(err.strip().splitlines()) == 1 and says in err, err
    assert not (tmp_path / "r.json").exists()


def test_a_bad_accept_is_refused_in_welsh(capsys, tmp_path):
    devices = tmp_path / "d.csv"
    devices.write_text(f"eui64,install_code,type\n00:1b:c5:0c:60:00:00:99,{VECTOR},gas\n")
    with pytest.raises(SystemExit) as exited:
        entry.main(["commission", "--lang", "cy", "--devices", str(devices), "--report",
                    str(tmp_path / "r.json"), "--accept",
                    "foreign:00:1b:c5:0c:60:00:00:99:it is ours"])
    err = capsys.readouterr().err
    assert exited.value.code == 2 and len(err.strip().splitlines()) == 1
    assert "never be accepted" not in err and "byth" in err
