"""han-pki in a subprocess: a whole demo, and bad input (exit 2, one line, no key material)."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography import x509

from han_home.shared.security.profiles import Role, eui64_of, parse_eui64, role_of

PASS = "a demo passphrase"


def run(*args: str | Path, passphrase: str | None = PASS, lang: str = "en"):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("LANG", "LC_"))}
    env.pop("HAN_PKI_PASSPHRASE", None)
    env["LANGUAGE"] = lang
    if passphrase is not None:
        env["HAN_PKI_PASSPHRASE"] = passphrase
    return subprocess.run([sys.executable, "-m", "han_home.shared.security.cli",
                           *map(str, args)], capture_output=True, text=True, env=env,
                          timeout=60)


def _no_secrets(result, folder: Path | None = None) -> None:
    out = result.stdout + result.stderr
    assert "Traceback" not in out
    assert "PRIVATE KEY" not in out and PASS not in out
    if folder is not None:
        for key in (folder / "keys").glob("*.pem"):
            for line in key.read_text().splitlines()[1:-1]:
                assert line not in out


@pytest.fixture(scope="module")
def demo(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("pki") / "demo"
    result = run("demo", folder)
    assert result.returncode == 0, result.stderr
    assert "demo hierarchy" in result.stdout
    _no_secrets(result, folder)
    return folder


def test_help():
    result = run("--help", passphrase=None)
    assert result.returncode == 0
    for command in ("demo", "issue", "revoke", "crl", "show", "verify"):
        assert command in result.stdout


def test_the_demo_folder(demo):
    assert (demo / "root.pem").exists()
    assert sorted(p.stem for p in (demo / "ca").glob("*.pem")) == [
        "installer", "manufacturer", "network_operator", "supplier"]
    for key in (demo / "keys").glob("*"):
        assert stat.S_IMODE(key.stat().st_mode) == 0o600
        assert key.read_text().startswith("-----BEGIN ENCRYPTED PRIVATE KEY-----")
    assert not list((demo / "certs").glob("*key*"))
    esme = x509.load_pem_x509_certificate((demo / "certs" / "esme.pem").read_bytes())
    assert role_of(esme) is Role.DEVICE and eui64_of(esme) is not None


def test_show_in_plain_words(demo):
    result = run("show", demo / "certs" / "esme.pem", passphrase=None)
    assert result.returncode == 0, result.stderr
    text = result.stdout
    for expected in ("Holder: ESME", "Role: device",
                     "Issuer: Demo Meter Manufacturer CA (device manufacturer's certificate "
                     "authority)", "Device: electricity meter, EUI-64 00:1B:C5:0C:60:00:10:01",
                     "Valid from ", "Fingerprint (SHA-256): "):
        assert expected in text
    _no_secrets(result, demo)


def test_show_in_welsh(demo):
    result = run("show", demo / "certs" / "technician.pem", passphrase=None, lang="cy")
    assert result.returncode == 0, result.stderr
    assert "Deiliad: Demo technician" in result.stdout
    assert "Rôl: technegydd" in result.stdout


def test_issue_verify_revoke(demo):
    result = run("issue", demo, "--role", "device", "--name", "ESME 7", "--eui64",
                 "00-1B-C5-0C-60-00-10-07", "--device-type", "esme")
    assert result.returncode == 0, result.stderr
    _no_secrets(result, demo)
    cert_path = demo / "certs" / "esme-7.pem"
    cert = x509.load_pem_x509_certificate(cert_path.read_bytes())
    assert eui64_of(cert) == parse_eui64("001BC50C60001007")
    assert run("verify", demo, cert_path, passphrase=None).returncode == 0
    result = run("revoke", demo, cert_path, "--reason", "key_compromise")
    assert result.returncode == 0, result.stderr
    assert f"{cert.serial_number:X}" in result.stdout
    crl = x509.load_pem_x509_crl((demo / "crl" / "manufacturer.crl.pem").read_bytes())
    assert crl.get_revoked_certificate_by_serial_number(cert.serial_number) is not None
    refused = run("verify", demo, cert_path, passphrase=None)
    assert refused.returncode == 1 and "REVOKED" in refused.stdout
    assert run("verify", demo, demo / "certs" / "esme.pem", passphrase=None).returncode == 0
    assert run("crl", demo, "--ca", "manufacturer").returncode == 0
    again = x509.load_pem_x509_crl((demo / "crl" / "manufacturer.crl.pem").read_bytes())
    assert again.get_revoked_certificate_by_serial_number(cert.serial_number) is not None


@pytest.mark.parametrize(("args", "passphrase", "needle"), [
    (("issue", "{demo}", "--role", "network_operator", "--ca", "supplier", "--name", "x"),
     PASS, "cannot issue"),
    (("issue", "{demo}", "--role", "device", "--name", "x", "--eui64", "00:1B"), PASS,
     "EUI-64"),
    (("issue", "{demo}", "--role", "technician", "--name", "x", "--eui64",
      "001BC50C60001007"), PASS, "--eui64"),
    (("issue", "{demo}", "--role", "technician", "--name", "y", "--days", "0"), PASS, "--days"),
    (("issue", "{demo}", "--role", "technician", "--name", "z"), None, "passphrase"),
    (("issue", "{demo}", "--role", "technician", "--name", "z"), "wrong passphrase", "key"),
    (("issue", "{demo}", "--role", "appliance", "--name", "fridge"), PASS, "invalid choice"),
    (("issue", "{demo}", "--role", "technician", "--name", "x", "--out", "technician"), PASS,
     "already exists"),
    (("issue", "{demo}/nowhere", "--role", "technician", "--name", "x"), PASS,
     "no demo hierarchy"),
    (("demo", "{demo}"), PASS, "already holds"),
    (("show", "{demo}/keys/root.key.pem"), None, "not an X.509 certificate"),
    (("show", "{demo}/missing.pem"), None, "Cannot read"),
    (("revoke", "{demo}", "{demo}/keys/technician.key.pem"), PASS, "not an X.509"),
    (("frobnicate",), None, "invalid choice"),
    ((), None, "required"),
    (("issue", "{demo}", "--role", "technician"), PASS, "--name"),
])
def test_bad_input_exits_2_with_one_line(demo, args, passphrase, needle):
    result = run(*(a.format(demo=demo) for a in args), passphrase=passphrase)
    assert result.returncode == 2, (result.stdout, result.stderr)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("han-pki") and needle in lines[0]
    assert result.stdout == ""
    _no_secrets(result, demo)


def test_lang_option_and_welsh_errors(demo):
    result = run("--lang=cy", "issue", demo, "--role", "device", "--name", "x", "--eui64",
                 "12")
    assert result.returncode == 2
    assert result.stderr.strip() == ("han-pki: Nid yw 12 yn EUI-64: rhowch 16 digid hecs, "
                                     "e.e. 00:1B:C5:0C:60:00:10:07.")
