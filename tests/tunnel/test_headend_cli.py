"""han-headend against a real gateway's WAN end point on the virtual home."""

from __future__ import annotations

import asyncio
import datetime as dt
from decimal import Decimal

import pytest

from han_home.shared.security.headend_cli import main
from han_home.shared.sim.demo_pki import demo_pki, export

from .wan_world import wan_world

PASS = "a demo passphrase"


@pytest.fixture
def pki_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("HAN_PKI_PASSPHRASE", PASS)
    for var in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        monkeypatch.delenv(var, raising=False)
    return export(demo_pki(), tmp_path / "pki", PASS.encode())


def _args(pki_dir, holder, port, meter, *command):
    return ["--pki", str(pki_dir), "--as", holder, "--gateway", f"127.0.0.1:{port}",
            "--meter", str(meter), *command]


def _clean(out: str, pki_dir) -> None:
    assert "PRIVATE KEY" not in out and PASS not in out and "Traceback" not in out
    for key in (pki_dir / "keys").glob("*.pem"):
        for line in key.read_text().splitlines()[1:-1]:
            assert line not in out


async def test_top_up_and_a_refused_clock_change(pki_dir, tmp_path, capsys):
    # the head end signs by the wall clock: the virtual home runs from now, in real time
    async with wan_world(tmp_path / "w", speed=1, start=dt.datetime.now(dt.UTC)) as w:
        esme = w.home.esme
        credit = esme.account.credit_gbp
        code = await asyncio.to_thread(main, _args(pki_dir, "supplier-hes", w.port, esme.ieee,
                                                   "top-up", "--amount", "15.50"))
        out = capsys.readouterr()
        assert code == 0, out
        assert "Accepted: the meter applied top-up" in out.out
        esme.advance()
        assert esme.account.credit_gbp > credit + Decimal("15")
        code = await asyncio.to_thread(main, _args(
            pki_dir, "supplier-hes", w.port, esme.ieee, "tariff", "--from",
            "2030-01-01T00:00:00Z", "--standing", "0.5", "--rate", "0.1", "--rate", "0.3",
            "--block", "150", "--block-rate", "0.2", "--block-rate", "0.45"))
        blocks = capsys.readouterr()
        assert code == 0 and "Accepted: the meter applied tariff" in blocks.out
        assert esme.tariff.thresholds_kwh == (Decimal(150),)
        assert esme.tariff.block_rates(2) == (Decimal("0.3"), Decimal("0.45"))
        esme.clock_drift_s = 600
        code = await asyncio.to_thread(main, _args(pki_dir, "supplier-hes", w.port, esme.ieee,
                                                   "set-clock"))
        refused = capsys.readouterr()
        assert code == 1 and "Refused by the meter: ROLE_NOT_ALLOWED" in refused.out
        assert esme.clock_drift_s == 600
        code = await asyncio.to_thread(main, _args(pki_dir, "network-operator", w.port,
                                                   esme.ieee, "set-clock"))
        fixed = capsys.readouterr()
        assert code == 0 and abs(esme.clock_drift_s) < 5
        # the network operator delivers a CRL han-pki would publish (PEM)
        from cryptography.hazmat.primitives import serialization

        from .test_revocation import revoking, second_supplier_signer

        crl = revoking(second_supplier_signer(), 4, dt.datetime.now(dt.UTC))
        crl_file = tmp_path / "supplier.crl.pem"
        crl_file.write_bytes(crl.public_bytes(serialization.Encoding.PEM))
        code = await asyncio.to_thread(main, _args(pki_dir, "network-operator", w.port,
                                                   esme.ieee, "crl", "--file", str(crl_file)))
        pushed = capsys.readouterr()
        assert code == 0 and "Accepted: the meter applied crl" in pushed.out
        for o in (out, refused, fixed, pushed):
            _clean(o.out + o.err, pki_dir)


@pytest.mark.parametrize("command, needle", [
    (["top-up", "--amount", "lots"], "--amount must be an amount in pounds"),
    (["tariff", "--from", "tomorrow", "--standing", "0.5", "--rate", "0.2"],
     "--from must be a UTC time"),
    (["message", "--text", "x" * 300], "--text must be 1 to 254 bytes"),
    (["tariff", "--from", "2026-12-01T00:00:00Z", "--standing", "0.5", "--rate", "0.2",
      "--block", "100", "--block", "50", "--block-rate", "0.3,0.4"], "--block must be"),
    (["tariff", "--from", "2026-12-01T00:00:00Z", "--standing", "0.5", "--rate", "0.2",
      "--rate", "0.1", "--block", "100", "--block-rate", "0.3"], "--block-rate once per tier"),
    (["crl", "--file", "/nonexistent/supplier.crl.pem"], "is not a readable CRL"),
])
def test_bad_input_exits_2_with_one_line(pki_dir, capsys, command, needle):
    code = main(_args(pki_dir, "supplier-hes", 1, "00:1B:C5:0C:60:00:10:01", *command))
    err = capsys.readouterr().err
    assert code == 2 and len(err.strip().splitlines()) == 1 and needle in err


def test_bad_meter_gateway_holder_and_passphrase(pki_dir, capsys, monkeypatch):
    assert main(_args(pki_dir, "supplier-hes", 1, "not-an-eui", "read-clock")) == 2
    assert "is not an EUI-64" in capsys.readouterr().err
    assert main(["--pki", str(pki_dir), "--as", "supplier-hes", "--gateway", "nowhere",
                 "--meter", "00:1B:C5:0C:60:00:10:01", "read-clock"]) == 2
    assert "--gateway must be HOST:PORT" in capsys.readouterr().err
    assert main(_args(pki_dir, "nobody", 1, "00:1B:C5:0C:60:00:10:01", "read-clock")) == 2
    assert "No certificate nobody" in capsys.readouterr().err
    monkeypatch.setenv("HAN_PKI_PASSPHRASE", "wrong passphrase")
    assert main(_args(pki_dir, "supplier-hes", 1, "00:1B:C5:0C:60:00:10:01",
                      "read-clock")) == 2
    err = capsys.readouterr().err
    assert "does not open with this passphrase" in err and len(err.strip().splitlines()) == 1


def test_no_gateway_listening_is_one_line_exit_1(pki_dir, capsys):
    import socket
    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    assert main(_args(pki_dir, "supplier-hes", port, "00:1B:C5:0C:60:00:10:01",
                      "read-clock")) == 1
    err = capsys.readouterr().err
    assert "did not take the command" in err and len(err.strip().splitlines()) == 1


def test_welsh_error(pki_dir, capsys):
    assert main(["--lang", "cy", *_args(pki_dir, "supplier-hes", 1, "00:1B:C5:0C:60:00:10:01",
                                        "top-up", "--amount", "lots")]) == 2
    err = capsys.readouterr().err
    assert "--amount" in err and "must be an amount" not in err


def test_help(capsys):
    with pytest.raises(SystemExit) as done:
        main(["--help"])
    assert done.value.code == 0 and "top-up" in capsys.readouterr().out


def test_han_gateway_run_with_wan_and_han_headend_from_a_shell(tmp_path):
    """The whole path as an operator runs it: two processes, real TLS, the virtual home."""
    import os
    import re
    import subprocess
    import sys
    import time

    from han_home.shared.sim.home import HomeOptions, VirtualHome

    env = {**os.environ, "HAN_PKI_PASSPHRASE": PASS, "LANGUAGE": "en"}
    gw = subprocess.Popen(
        [sys.executable, "-m", "han_home.shared.han.cli", "run", "--wan", "127.0.0.1:0",
         "--wan-pki", str(tmp_path / "hed"), "--duration", "10m"],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, env=env)
    try:
        port = None
        deadline = time.monotonic() + 30
        while port is None and time.monotonic() < deadline:
            line = gw.stderr.readline()
            found = re.search(r"WAN end point on 127\.0\.0\.1:(\d+)", line)
            port = int(found.group(1)) if found else None
        assert port, "the gateway did not start its WAN end point"
        meter = VirtualHome(HomeOptions(seed=7)).esme.ieee
        args = [sys.executable, "-m", "han_home.shared.security.headend_cli", "--pki",
                str(tmp_path / "hed"), "--as", "supplier-hes", "--gateway",
                f"127.0.0.1:{port}", "--meter", str(meter), "message", "--text", "Helo"]
        for _attempt in range(20):  # until the virtual meter has joined
            done = subprocess.run(args, capture_output=True, text=True, env=env, timeout=60)
            if done.returncode == 0:
                break
            time.sleep(0.5)
        assert done.returncode == 0, done.stderr
        assert "Accepted: the meter applied message" in done.stdout
        _clean(done.stdout + done.stderr, tmp_path / "hed")
    finally:
        gw.terminate()
        gw.wait(timeout=30)


@pytest.mark.parametrize("extra, needle", [
    (["--wan", "nowhere", "--wan-pki", "x"], "--wan needs HOST:PORT and --wan-pki DIR"),
    (["--wan", "127.0.0.1:8443"], "--wan needs HOST:PORT and --wan-pki DIR"),
    (["--wan", "127.0.0.1:8443", "--wan-pki", "x", "--radio", "znp", "--device", "/dev/x"],
     "--wan runs on the virtual home only"),
])
def test_han_gateway_bad_wan_options(capsys, extra, needle):
    from han_home.shared.han.cli import main as gateway_main

    assert gateway_main(["run", *extra]) == 2
    err = capsys.readouterr().err
    assert needle in err and len(err.strip().splitlines()) == 1
