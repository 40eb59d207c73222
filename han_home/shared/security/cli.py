"""han-pki: the project's demo PKI from a shell (never prints a private key).

  han-pki demo DIR                       root, one CA per organisation kind, sample holders
  han-pki issue DIR --role device --name "ESME 7" --eui64 00:1B:C5:0C:60:00:10:07
  han-pki issue DIR --role technician --name "A. Engineer" --days 365
  han-pki revoke DIR DIR/certs/a-engineer.pem     add to its CA's CRL and publish it
  han-pki crl DIR --ca supplier                    publish a CA's CRL again
  han-pki show DIR/certs/esme.pem                  holder, role, issuer, EUI-64, validity
  han-pki verify DIR DIR/certs/esme.pem            chain, profile, validity, CRLs

Private keys are written encrypted (PKCS#8, files 0600) under DIR/keys with the passphrase
from --passphrase-file or the HAN_PKI_PASSPHRASE environment variable.

Layout of DIR: root.pem (the trust anchor); ca/<kind>.pem; ca/<kind>.revoked.json;
crl/<kind>.crl.pem; certs/<name>.pem; keys/<name>.key.pem. Exit status: 0 done,
1 ``verify`` refused the certificate, 2 bad input (one line on stderr).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import re
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any, NoReturn

from cryptography import x509
from cryptography.hazmat.primitives import serialization

from han_home.shared.i18n import N_, _, set_language
from han_home.shared.security import chain, pki
from han_home.shared.security.keystore import KeyStore, KeyStoreError
from han_home.shared.security.profiles import (
    ISSUED_BY,
    CaKind,
    DeviceType,
    ProfileError,
    Role,
    ca_kind_of,
    device_identity,
    format_eui64,
    holder_of,
    parse_eui64,
    role_of,
)

EXIT_OK, EXIT_REFUSED, EXIT_USAGE = 0, 1, 2
PASSPHRASE_ENV = "HAN_PKI_PASSPHRASE"

ROLE_NAMES = {
    Role.SUPPLIER: N_("energy supplier (head-end signer)"),
    Role.NETWORK_OPERATOR: N_("network operator (signer)"),
    Role.MANUFACTURER: N_("device manufacturer (firmware signer)"),
    Role.TECHNICIAN: N_("technician"),
    Role.OCCUPIER: N_("occupier"),
    Role.APPLIANCE: N_("occupier's appliance"),
    Role.DEVICE: N_("device"),
}
KIND_NAMES = {
    CaKind.ROOT: N_("root certificate authority"),
    CaKind.NETWORK_OPERATOR: N_("network operator's certificate authority"),
    CaKind.SUPPLIER: N_("energy supplier's certificate authority"),
    CaKind.MANUFACTURER: N_("device manufacturer's certificate authority"),
    CaKind.INSTALLER: N_("installer company's certificate authority"),
}
DEVICE_NAMES = {
    DeviceType.ESME: N_("electricity meter"),
    DeviceType.GSME: N_("gas meter"),
    DeviceType.GATEWAY: N_("gateway"),
    DeviceType.IHD: N_("in-home display"),
}
# (file name, role, common name, EUI-64, device type): the holders `demo` certifies
DEMO_HOLDERS = (
    ("esme", Role.DEVICE, "ESME 00:1B:C5:0C:60:00:10:01", "001BC50C60001001", DeviceType.ESME),
    ("gsme", Role.DEVICE, "GSME 00:1B:C5:0C:60:00:10:02", "001BC50C60001002", DeviceType.GSME),
    ("supplier-hes", Role.SUPPLIER, "Demo Energy Supplier head end", None, None),
    ("network-operator", Role.NETWORK_OPERATOR, "Demo Network Operator signer", None, None),
    ("manufacturer-firmware", Role.MANUFACTURER, "Demo Meter Manufacturer firmware", None,
     None),
    ("technician", Role.TECHNICIAN, "Demo technician", None, None),
)


class UsageError(Exception):
    """Bad input: one translated line for the user, exit status 2."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:  # one line, not usage + error
        self.exit(EXIT_USAGE, f"{self.prog}: error: {message}\n")


def default_language() -> str:
    for var in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(var, "")
        if value:
            return "cy" if value.lower().startswith("cy") else "en"
    return "en"


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="han-pki", description=__doc__.splitlines()[0],
                     formatter_class=argparse.RawDescriptionHelpFormatter,
                     epilog="\n".join(__doc__.splitlines()[2:]))
    parser.add_argument("--lang", choices=("en", "cy"), default=None,
                        help="language: en (English) or cy (Cymraeg)")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    roles = [r.value for r in ISSUED_BY]
    kinds = [k.value for k in CaKind if k is not CaKind.ROOT]

    def passphrase(p: argparse.ArgumentParser) -> None:
        p.add_argument("--passphrase-file", type=Path, default=None,
                       help=f"file holding the key passphrase (default: ${PASSPHRASE_ENV})")

    demo = sub.add_parser("demo", help="make a demo hierarchy and sample certificates in DIR")
    demo.add_argument("dir", type=Path)
    passphrase(demo)
    issue = sub.add_parser("issue", help="issue an end-entity certificate (and its key)")
    issue.add_argument("dir", type=Path)
    issue.add_argument("--role", choices=roles, required=True)
    issue.add_argument("--name", required=True, help="the holder, as people read it")
    issue.add_argument("--eui64", default=None, help="a device's EUI-64 (devices only)")
    issue.add_argument("--device-type", choices=[t.value for t in DeviceType], default="esme")
    issue.add_argument("--days", type=int, default=None, help="validity in days")
    issue.add_argument("--ca", choices=kinds, default=None,
                       help="issuing CA (default: the kind that issues the role)")
    issue.add_argument("--out", default=None, help="file name under DIR/certs (no suffix)")
    passphrase(issue)
    revoke = sub.add_parser("revoke", help="revoke a certificate and publish its CA's CRL")
    revoke.add_argument("dir", type=Path)
    revoke.add_argument("cert", type=Path)
    revoke.add_argument("--reason", default="unspecified",
                        choices=("unspecified", "key_compromise", "affiliation_changed",
                                 "superseded", "cessation_of_operation"))
    passphrase(revoke)
    crl = sub.add_parser("crl", help="publish a CA's CRL again (new number, new dates)")
    crl.add_argument("dir", type=Path)
    crl.add_argument("--ca", choices=["root", *kinds], required=True)
    passphrase(crl)
    show = sub.add_parser("show", help="describe a certificate in plain words")
    show.add_argument("cert", type=Path)
    show.add_argument("--dir", type=Path, default=None,
                      help="hierarchy to find the issuer in (default: next to CERT)")
    check = sub.add_parser("verify", help="validate a certificate against DIR's root and CRLs")
    check.add_argument("dir", type=Path)
    check.add_argument("cert", type=Path)
    return parser


# ---- files -------------------------------------------------------------------------------
def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:60] or "holder"


def _passphrase(args: argparse.Namespace) -> bytes:
    if args.passphrase_file is not None:
        try:
            value = args.passphrase_file.read_bytes().rstrip(b"\r\n")
        except OSError:
            raise UsageError(_("Cannot read the passphrase file %(path)s.")
                             % {"path": args.passphrase_file}) from None
    else:
        value = os.environ.get(PASSPHRASE_ENV, "").encode()
    if len(value) < 8:
        raise UsageError(_("A passphrase of at least 8 characters is needed: use "
                           "--passphrase-file FILE or %(env)s.") % {"env": PASSPHRASE_ENV})
    return value


def _read_cert(path: Path) -> x509.Certificate:
    try:
        data = path.read_bytes()
    except OSError:
        raise UsageError(_("Cannot read %(path)s.") % {"path": path}) from None
    try:
        if b"-----BEGIN" in data:
            return x509.load_pem_x509_certificate(data)
        return x509.load_der_x509_certificate(data)
    except ValueError:
        raise UsageError(_("%(path)s is not an X.509 certificate.") % {"path": path}) from None


def _write(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)


def _pem(cert: x509.Certificate) -> bytes:
    return cert.public_bytes(serialization.Encoding.PEM)


def _key_name(kind: CaKind) -> str:
    return "root" if kind is CaKind.ROOT else f"ca-{kind.value}"


def _ca_path(root: Path, kind: CaKind) -> Path:
    return root / "root.pem" if kind is CaKind.ROOT else root / "ca" / f"{kind.value}.pem"


def _load_ca(root: Path, kind: CaKind, keys: KeyStore) -> pki.Issuer:
    path = _ca_path(root, kind)
    if not path.exists():
        raise UsageError(_("%(dir)s has no demo hierarchy: run han-pki demo %(dir)s first.")
                         % {"dir": root})
    return pki.Issuer(_read_cert(path), keys.load(_key_name(kind)))


def _issuer_kind(root: Path, cert: x509.Certificate) -> CaKind:
    for kind in CaKind:
        path = _ca_path(root, kind)
        if path.exists() and _read_cert(path).subject == cert.issuer:
            return kind
    raise UsageError(_("No CA in %(dir)s issued this certificate.") % {"dir": root})


def _revoked_path(root: Path, kind: CaKind) -> Path:
    return root / "ca" / f"{kind.value}.revoked.json"


def _publish(root: Path, ca: pki.Issuer, kind: CaKind, add: pki.Revocation | None) -> Path:
    state_path = _revoked_path(root, kind)
    state: dict[str, Any] = {"number": 0, "revoked": []}
    if state_path.exists():
        try:
            state = json.loads(state_path.read_text("utf-8"))
            revoked = list(state["revoked"])
            int(state["number"])
        except (ValueError, KeyError, TypeError):
            raise UsageError(_("%(path)s is damaged: restore it from a backup.")
                             % {"path": state_path}) from None
    revoked = list(state["revoked"])
    if add is not None and all(int(r["serial"], 16) != add.serial for r in revoked):
        revoked.append({"serial": f"{add.serial:x}", "when": add.when.isoformat(),
                        "reason": add.reason.name})
    number = int(state["number"]) + 1
    entries = [pki.Revocation(int(r["serial"], 16), dt.datetime.fromisoformat(r["when"]),
                              x509.ReasonFlags[r["reason"]]) for r in revoked]
    crl = pki.make_crl(ca, entries, number)
    out = root / "crl" / f"{kind.value}.crl.pem"
    _write(out, crl.public_bytes(serialization.Encoding.PEM))
    _write(state_path, json.dumps({"number": number, "revoked": revoked}, indent=1).encode())
    return out


# ---- commands ----------------------------------------------------------------------------
def cmd_demo(args: argparse.Namespace) -> int:
    root_dir: Path = args.dir
    if (root_dir / "root.pem").exists():
        raise UsageError(_("%(dir)s already holds a hierarchy: choose an empty folder.")
                         % {"dir": root_dir})
    keys = KeyStore(root_dir / "keys", _passphrase(args))
    hierarchy = pki.make_hierarchy()
    keys.save("root", hierarchy.root.key)
    _write(root_dir / "root.pem", _pem(hierarchy.root.cert))
    for kind, ca in hierarchy.cas.items():
        keys.save(_key_name(kind), ca.key)
        _write(_ca_path(root_dir, kind), _pem(ca.cert))
    for kind in [CaKind.ROOT, *hierarchy.cas]:
        ca = hierarchy.root if kind is CaKind.ROOT else hierarchy.cas[kind]
        _publish(root_dir, ca, kind, None)
    for stem, role, name, eui, device_type in DEMO_HOLDERS:
        key = pki.new_key()
        cert = pki.issue(hierarchy.ca_for(role), role, name, key.public_key(),
                         eui64=bytes.fromhex(eui) if eui else None, device_type=device_type)
        keys.save(stem, key)
        _write(root_dir / "certs" / f"{stem}.pem", _pem(cert))
    print(_("Made a demo hierarchy in %(dir)s: a root, one CA per organisation kind and "
            "sample certificates.") % {"dir": root_dir})
    return EXIT_OK


def cmd_issue(args: argparse.Namespace) -> int:
    role = Role(args.role)
    kind = CaKind(args.ca) if args.ca else ISSUED_BY[role]
    if ISSUED_BY[role] is not kind:
        raise UsageError(_("A %(ca)s CA cannot issue a %(role)s certificate (role and CA kind "
                           "are bound).") % {"ca": kind.value, "role": role.value})
    eui = None
    if args.eui64 is not None:
        try:
            eui = parse_eui64(args.eui64)
        except ProfileError:
            raise UsageError(_("%(value)s is not an EUI-64: give 16 hex digits, e.g. "
                               "00:1B:C5:0C:60:00:10:07.") % {"value": args.eui64}) from None
    if (role is Role.DEVICE) != (eui is not None):
        raise UsageError(_("--eui64 is needed for a device, and only for a device."))
    if args.days is not None and not 1 <= args.days <= 365 * 30:
        raise UsageError(_("--days must be from 1 to 10950."))
    if not args.name.strip():
        raise UsageError(_("--name must not be empty."))
    stem = _slug(args.out or args.name)
    out = args.dir / "certs" / f"{stem}.pem"
    if out.exists():
        raise UsageError(_("%(path)s already exists: choose another --name or --out.")
                         % {"path": out})
    keys = KeyStore(args.dir / "keys", _passphrase(args))
    ca = _load_ca(args.dir, kind, keys)
    key = pki.new_key()
    cert = pki.issue(ca, role, args.name.strip(), key.public_key(), eui64=eui,
                     device_type=DeviceType(args.device_type), days=args.days)
    keys.save(stem, key)
    _write(out, _pem(cert))
    print(_("Issued %(path)s (fingerprint %(fingerprint)s).")
          % {"path": out, "fingerprint": pki.fingerprint(cert)})
    return EXIT_OK


def cmd_revoke(args: argparse.Namespace) -> int:
    cert = _read_cert(args.cert)
    kind = _issuer_kind(args.dir, cert)
    keys = KeyStore(args.dir / "keys", _passphrase(args))
    ca = _load_ca(args.dir, kind, keys)
    now = dt.datetime.now(dt.UTC).replace(microsecond=0)
    out = _publish(args.dir, ca, kind,
                   pki.Revocation(cert.serial_number, now, x509.ReasonFlags[args.reason]))
    print(_("Revoked serial number %(serial)s; published %(path)s.")
          % {"serial": f"{cert.serial_number:X}", "path": out})
    return EXIT_OK


def cmd_crl(args: argparse.Namespace) -> int:
    kind = CaKind(args.ca)
    keys = KeyStore(args.dir / "keys", _passphrase(args))
    out = _publish(args.dir, _load_ca(args.dir, kind, keys), kind, None)
    print(_("Published %(path)s.") % {"path": out})
    return EXIT_OK


def _when(t: dt.datetime) -> str:
    return t.strftime("%Y-%m-%d %H:%M:%S UTC")


def describe(cert: x509.Certificate, issuer: x509.Certificate | None = None,
             now: dt.datetime | None = None) -> list[str]:
    """The lines ``han-pki show`` prints (translated at call time); ``issuer`` gives its kind."""
    now = now or dt.datetime.now(dt.UTC)
    lines = [_("Holder: %(holder)s") % {"holder": holder_of(cert)}]
    role, kind = role_of(cert), ca_kind_of(cert)
    if kind is not None:
        lines.append(_("Role: %(role)s") % {"role": _(KIND_NAMES[kind])})
    elif role is not None:
        lines.append(_("Role: %(role)s") % {"role": _(ROLE_NAMES[role])})
    else:
        lines.append(_("Role: none (not a certificate of this system)"))
    issuer_cn = cert.issuer.get_attributes_for_oid(x509.NameOID.COMMON_NAME)
    issuer_name = str(issuer_cn[0].value) if issuer_cn else cert.issuer.rfc4514_string()
    issuer_kind = ca_kind_of(issuer) if issuer is not None else None
    if issuer_kind is not None:
        lines.append(_("Issuer: %(issuer)s (%(kind)s)")
                     % {"issuer": issuer_name, "kind": _(KIND_NAMES[issuer_kind])})
    else:
        lines.append(_("Issuer: %(issuer)s") % {"issuer": issuer_name})
    identity = device_identity(cert)
    if identity is not None:
        lines.append(_("Device: %(device)s, EUI-64 %(eui64)s")
                     % {"device": _(DEVICE_NAMES[identity[0]]),
                        "eui64": format_eui64(identity[1])})
    lines.append(_("Valid from %(start)s until %(end)s")
                 % {"start": _when(cert.not_valid_before_utc),
                    "end": _when(cert.not_valid_after_utc)})
    if now < cert.not_valid_before_utc:
        lines.append(_("Not valid yet."))
    elif now > cert.not_valid_after_utc:
        lines.append(_("Expired."))
    lines.append(_("Serial number: %(serial)s") % {"serial": f"{cert.serial_number:X}"})
    lines.append(_("Fingerprint (SHA-256): %(fingerprint)s")
                 % {"fingerprint": pki.fingerprint(cert)})
    return lines


def _find_issuer(cert: x509.Certificate, folders: Sequence[Path]) -> x509.Certificate | None:
    """The issuing CA's certificate, looked for in hierarchy folders (root.pem, ca/*.pem)."""
    for folder in folders:
        for path in [folder / "root.pem", *sorted((folder / "ca").glob("*.pem"))]:
            try:
                candidate = x509.load_pem_x509_certificate(path.read_bytes())
                cert.verify_directly_issued_by(candidate)
            except Exception:  # not this one (unreadable, other issuer, ...)
                continue
            return candidate
    return None


def cmd_show(args: argparse.Namespace) -> int:
    cert = _read_cert(args.cert)
    here = args.cert.resolve().parent
    folders = [args.dir] if args.dir is not None else [here, here.parent]
    for line in describe(cert, _find_issuer(cert, folders)):
        print(line)
    return EXIT_OK


def cmd_verify(args: argparse.Namespace) -> int:
    cert = _read_cert(args.cert)
    anchor_path = args.dir / "root.pem"
    if not anchor_path.exists():
        raise UsageError(_("%(dir)s has no demo hierarchy: run han-pki demo %(dir)s first.")
                         % {"dir": args.dir})
    anchors = [_read_cert(anchor_path)]
    cas = [_read_cert(p) for p in sorted((args.dir / "ca").glob("*.pem"))]
    now = dt.datetime.now(dt.UTC)
    crls = chain.RevocationLists()
    for path in sorted((args.dir / "crl").glob("*.crl.pem")):
        try:
            crl = x509.load_pem_x509_crl(path.read_bytes())
            for issuer in [*anchors, *cas]:
                if issuer.subject == crl.issuer:
                    crls.add(crl, issuer)
        except (ValueError, chain.ChainError):
            raise UsageError(_("%(path)s is damaged: restore it from a backup.")
                             % {"path": path}) from None
    try:
        validated = chain.validate_chain(cert, cas, anchors, now, crls)
    except chain.ChainError as exc:
        print(_("Refused: %(reason)s.") % {"reason": exc.reason.name})
        return EXIT_REFUSED
    print(_("Valid. Role: %(role)s. Issuer: %(kind)s.")
          % {"role": _(ROLE_NAMES[validated.role]),
             "kind": _(KIND_NAMES[validated.issuer_kind])})
    return EXIT_OK


COMMANDS = {"demo": cmd_demo, "issue": cmd_issue, "revoke": cmd_revoke, "crl": cmd_crl,
            "show": cmd_show, "verify": cmd_verify}


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(list(sys.argv[1:] if argv is None else argv))
    set_language(args.lang or default_language())
    try:
        return COMMANDS[args.command](args)
    except UsageError as exc:
        print(f"han-pki: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except KeyStoreError:
        print("han-pki: " + _("A private key in %(dir)s is missing or does not open with "
                              "this passphrase.") % {"dir": args.dir / "keys"}, file=sys.stderr)
        return EXIT_USAGE
    except OSError as exc:
        print(f"han-pki: {exc.strerror}: {exc.filename}", file=sys.stderr)
        return EXIT_USAGE


if __name__ == "__main__":
    sys.exit(main())
