"""han-headend: author, sign and send commands to a meter through a gateway's WAN end point.

  han-headend --pki DIR --as supplier-hes --gateway 127.0.0.1:8443 --meter EUI64 read-clock
  ... --as network-operator ... set-clock [--time 2026-12-01T09:00:00Z]
  ... tariff --from 2026-12-01T00:00:00Z --standing 0.61 --rate 0.15 --rate 0.32
            [--block 100 --block 300 --block-rate 0.18,0.21 --block-rate 0.36,0.40]
  ... top-up --amount 20.00 [--id N]            (sealed to the meter's own key)
  ... message --text "Your tariff changes on 1 December" [--id N]
  ... emergency-credit --limit 10.00 --threshold 1.00
  ... use-emergency-credit
  ... debt --debt 45.20 --per-day 0.50
  ... --as network-operator ... crl --file DIR/crl/supplier.crl.pem   (from han-pki revoke)

DIR is a han-pki folder (root.pem, ca/, certs/NAME.pem, keys/NAME.key.pem); NAME's key both
signs the command and opens the mutual TLS connection; the passphrase comes from
--passphrase-file or HAN_PKI_PASSPHRASE. Every command first reads the meter's clock: its
signed answer gives the meter's certificate (checked against DIR's root), which a top-up
is sealed to. The meter's verified answer is printed. Exit status: 0 accepted, 1 refused
or not delivered, 2 bad input (one line on stderr). No private key is ever printed.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import secrets
import ssl
import sys
import tempfile
from collections.abc import Callable, Sequence
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import NoReturn

from cryptography import x509

from han_home.shared.i18n import _, set_language
from han_home.shared.security import chain, payloads, tls
from han_home.shared.security.cli import (
    EXIT_OK,
    EXIT_REFUSED,
    EXIT_USAGE,
    PASSPHRASE_ENV,
    UsageError,
    _passphrase,
    _read_cert,
    default_language,
)
from han_home.shared.security.envelope import Signer
from han_home.shared.security.headend import Author, CounterFile
from han_home.shared.security.keystore import KeyStore, KeyStoreError
from han_home.shared.security.profiles import ProfileError, format_eui64, parse_eui64
from han_home.shared.security.reasons import Reason
from han_home.shared.security.verify import check_response
from han_home.shared.security.wan_frames import FrameError, WanStatus, deliver

COMMANDS = ("read-clock", "set-clock", "tariff", "top-up", "message", "emergency-credit",
            "use-emergency-credit", "debt", "crl")


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:  # one line, not usage + error
        self.exit(EXIT_USAGE, f"{self.prog}: error: {message}\n")


def build_parser() -> argparse.ArgumentParser:
    doc = __doc__ or ""
    parser = _Parser(prog="han-headend", description=doc.splitlines()[0],
                     formatter_class=argparse.RawDescriptionHelpFormatter,
                     epilog="\n".join(doc.splitlines()[2:]))
    parser.add_argument("--lang", choices=("en", "cy"), default=None,
                        help="language: en (English) or cy (Cymraeg)")
    parser.add_argument("--pki", type=Path, required=True, help="a han-pki folder")
    parser.add_argument("--as", dest="holder", required=True,
                        help="the signer: a name under DIR/certs (no suffix)")
    parser.add_argument("--gateway", required=True, help="the WAN end point, HOST:PORT")
    parser.add_argument("--meter", required=True, help="the target meter's EUI-64")
    parser.add_argument("--passphrase-file", type=Path, default=None,
                        help=f"file holding the key passphrase (default: ${PASSPHRASE_ENV})")
    parser.add_argument("--timeout", type=float, default=30.0, help="seconds to wait")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    sub.add_parser("read-clock", help="read the meter's clock")
    p = sub.add_parser("set-clock", help="set the meter's clock (network operator)")
    p.add_argument("--time", default=None, help="ISO 8601 UTC time (default: now)")
    p = sub.add_parser("tariff", help="new prices from a date and time (supplier)")
    p.add_argument("--from", dest="start", required=True, help="ISO 8601 UTC time")
    p.add_argument("--standing", required=True, help="standing charge, GBP a day")
    p.add_argument("--rate", action="append", required=True,
                   help="unit rate, GBP per kWh, once per tier (tier 1 first)")
    p.add_argument("--block", action="append", default=[],
                   help="a block threshold, kWh used in the month (up to 3, rising)")
    p.add_argument("--block-rate", action="append", default=[],
                   help="once per tier: its rates above each threshold, comma separated")
    p = sub.add_parser("top-up", help="add credit (supplier; sealed)")
    p.add_argument("--amount", required=True, help="GBP")
    p.add_argument("--id", type=int, default=None, help="the top-up's id (default: random)")
    p = sub.add_parser("message", help="a message for the home's display (supplier)")
    p.add_argument("--text", required=True)
    p.add_argument("--id", type=int, default=None, help="message id (default: random)")
    p = sub.add_parser("emergency-credit", help="emergency-credit limit and threshold")
    p.add_argument("--limit", required=True, help="GBP")
    p.add_argument("--threshold", required=True, help="GBP")
    sub.add_parser("use-emergency-credit", help="take the emergency credit on offer")
    p = sub.add_parser("debt", help="debt and its daily recovery (supplier)")
    p.add_argument("--debt", required=True, help="GBP")
    p.add_argument("--per-day", required=True, help="GBP a day")
    p = sub.add_parser("crl", help="deliver a CA's CRL to the meter (network operator)")
    p.add_argument("--file", type=Path, required=True, help="a CRL, PEM or DER (han-pki)")
    return parser


# ---- input ----------------------------------------------------------------------------
def _money(text: str, option: str) -> Decimal:
    try:
        value = Decimal(text.strip().lstrip("£"))
        payloads.money_raw(value)
    except (InvalidOperation, ValueError):
        raise UsageError(_("%(option)s must be an amount in pounds, e.g. 20.00, not "
                           "%(value)s.") % {"option": option, "value": text}) from None
    return value


def _time(text: str, option: str) -> dt.datetime:
    try:
        when = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
        if when.tzinfo is None:
            raise ValueError
        payloads.utctime(when)
    except ValueError:
        raise UsageError(_("%(option)s must be a UTC time such as 2026-12-01T00:00:00Z, not "
                           "%(value)s.") % {"option": option, "value": text}) from None
    return when.astimezone(dt.UTC)


def _blocks(args: argparse.Namespace, tiers: int
            ) -> tuple[tuple[Decimal, ...], tuple[tuple[Decimal, ...], ...]]:
    """--block thresholds and, per tier, --block-rate: checked before anything is sent."""
    try:
        thresholds = tuple(Decimal(b) for b in args.block)
    except InvalidOperation:
        thresholds = (Decimal(-1),)
    if len(thresholds) > payloads.MAX_BLOCK_THRESHOLDS or any(
            t <= 0 or t * 1000 != (t * 1000).to_integral_value() for t in thresholds) or any(
            b <= a for a, b in zip(thresholds, thresholds[1:], strict=False)):
        raise UsageError(_("--block must be 1 to %(n)d rising amounts of kWh, e.g. 100.") %
                         {"n": payloads.MAX_BLOCK_THRESHOLDS})
    rates = tuple(tuple(_money(r, "--block-rate") for r in text.split(","))
                  for text in args.block_rate)
    if (thresholds or rates) and (len(rates) != tiers or any(
            len(r) != len(thresholds) for r in rates)):
        raise UsageError(_("Give --block-rate once per tier, with one rate for each "
                           "--block."))
    return thresholds, rates


def _read_crl(path: Path) -> x509.CertificateRevocationList:
    try:
        data = path.read_bytes()
        if data.lstrip().startswith(b"-----BEGIN"):
            return x509.load_pem_x509_crl(data)
        return x509.load_der_x509_crl(data)
    except (OSError, ValueError):
        raise UsageError(_("%(file)s is not a readable CRL (PEM or DER).")
                         % {"file": path}) from None


def _address(text: str) -> tuple[str, int]:
    host, _sep, port = text.rpartition(":")
    if not host or not port.isdigit() or not 0 < int(port) < 65536:
        raise UsageError(_("--gateway must be HOST:PORT, e.g. 127.0.0.1:8443, not "
                           "%(value)s.") % {"value": text})
    return host, int(port)


Build = Callable[[Author, bytes, x509.Certificate], bytes]


def _prepare(args: argparse.Namespace) -> Build:
    """Check the command's input before anything is sent; sign it later."""
    c = args.command
    if c == "read-clock":
        return lambda author, target, meter: author.read_clock(target)
    if c == "set-clock":
        when = _time(args.time, "--time") if args.time else None
        return lambda author, target, meter: author.set_clock(target, when)
    if c == "tariff":
        rates = tuple(_money(r, "--rate") for r in args.rate)
        if len(rates) > payloads.MAX_TIERS:
            raise UsageError(_("A tariff has at most %(n)d tiers.") % {"n": payloads.MAX_TIERS})
        thresholds, blocks = _blocks(args, len(rates))
        change = payloads.TariffChange(_time(args.start, "--from"),
                                       _money(args.standing, "--standing"), rates,
                                       thresholds, blocks)
        return lambda author, target, meter: author.tariff(target, change)
    if c == "top-up":
        amount = _money(args.amount, "--amount")
        if amount <= 0:
            raise UsageError(_("--amount must be more than nothing."))
        top_up = payloads.TopUp(args.id if args.id is not None else secrets.randbits(63),
                                amount)
        return lambda author, target, meter: author.top_up(target, meter, top_up)
    if c == "message":
        if not 1 <= len(args.text.encode("utf-8")) <= 254:
            raise UsageError(_("--text must be 1 to 254 bytes of text."))
        message = payloads.SupplierMessage(
            args.id if args.id is not None else secrets.randbits(31), args.text)
        return lambda author, target, meter: author.message(target, message)
    if c == "emergency-credit":
        params = payloads.EmergencyCredit(_money(args.limit, "--limit"),
                                          _money(args.threshold, "--threshold"))
        return lambda author, target, meter: author.emergency_credit(target, params)
    if c == "use-emergency-credit":
        return lambda author, target, meter: author.use_emergency_credit(target)
    if c == "crl":
        crl = _read_crl(args.file)
        return lambda author, target, meter: author.crl(target, crl)
    debt = payloads.Debt(_money(args.debt, "--debt"), _money(args.per_day, "--per-day"))
    return lambda author, target, meter: author.debt(target, debt)


# ---- run ------------------------------------------------------------------------------
class _Refused(Exception):
    """Not delivered, or the answer does not verify: one line, exit 1."""


async def _exchange(host: str, port: int, ctx: ssl.SSLContext, target: bytes,
                    command: bytes, anchors: list, cas: list, timeout: float):
    try:
        status, answer = await deliver(host, port, ctx, target, command, timeout)
    except (OSError, ssl.SSLError, TimeoutError, asyncio.IncompleteReadError, FrameError):
        raise _Refused(_("The gateway at %(host)s:%(port)d did not take the command "
                         "(connection refused, closed or timed out).")
                       % {"host": host, "port": port}) from None
    if status is not WanStatus.DELIVERED:
        raise _Refused(_("The gateway did not deliver the command: %(status)s.")
                       % {"status": status.name})
    try:
        return check_response(answer, command, anchors, intermediates=cas)
    except chain.ChainError as exc:
        raise _Refused(_("The answer is not the meter's own signed answer: %(reason)s.")
                       % {"reason": exc.reason.name}) from None


def run(args: argparse.Namespace) -> int:
    host, port = _address(args.gateway)
    build = _prepare(args)
    try:
        target = parse_eui64(args.meter)
    except ProfileError:
        raise UsageError(_("%(value)s is not an EUI-64: give 16 hex digits, e.g. "
                           "00:1B:C5:0C:60:00:10:01.") % {"value": args.meter}) from None
    folder: Path = args.pki
    anchor_path = folder / "root.pem"
    if not anchor_path.exists():
        raise UsageError(_("%(dir)s has no demo hierarchy: run han-pki demo %(dir)s first.")
                         % {"dir": folder})
    anchors = [_read_cert(anchor_path)]
    cas = [_read_cert(p) for p in sorted((folder / "ca").glob("*.pem"))]
    cert_path = folder / "certs" / f"{args.holder}.pem"
    if not cert_path.exists():
        raise UsageError(_("No certificate %(name)s in %(dir)s/certs.")
                         % {"name": args.holder, "dir": folder})
    cert = _read_cert(cert_path)
    passphrase = _passphrase(args)
    keys = KeyStore(folder / "keys", passphrase)
    key = keys.load(args.holder)
    issuer = next((ca for ca in cas if ca.subject == cert.issuer), None)
    signer = Signer(cert, key, issuer)
    author = Author(signer, counters=CounterFile(folder / "counters" / f"{args.holder}.json"))
    with tempfile.TemporaryDirectory() as tmp:
        chain_path = tls.write_chain(Path(tmp) / "chain.pem", cert, issuer)
        ctx = tls.client_context(chain_path, keys.path(args.holder), passphrase, anchor_path)
    return asyncio.run(_session(args, build, host, port, ctx, target, author, anchors, cas))


async def _session(args: argparse.Namespace, build: Build, host: str, port: int,
                   ctx: ssl.SSLContext, target: bytes, author: Author, anchors: list,
                   cas: list) -> int:
    try:
        probe = author.read_clock(target)
        clock = await _exchange(host, port, ctx, target, probe, anchors, cas, args.timeout)
        if clock.reason is not Reason.ACCEPTED:
            raise _Refused(_("The meter refused to tell its time: %(reason)s.")
                           % {"reason": clock.reason.name})
        meter_time = payloads.decode_time(clock.payload or b"")
        print(_("Meter %(eui64)s, clock %(time)s UTC.")
              % {"eui64": format_eui64(target), "time": meter_time.strftime("%Y-%m-%d %H:%M:%S")})
        if args.command == "read-clock":
            return EXIT_OK
        command = build(author, target, clock.originator)
        answer = await _exchange(host, port, ctx, target, command, anchors, cas, args.timeout)
    except _Refused as exc:
        print(f"han-headend: {exc}", file=sys.stderr)
        return EXIT_REFUSED
    if answer.reason is Reason.ACCEPTED:
        print(_("Accepted: the meter applied %(command)s and signed its answer.")
              % {"command": args.command})
        return EXIT_OK
    print(_("Refused by the meter: %(reason)s. Nothing was applied.")
          % {"reason": answer.reason.name})
    return EXIT_REFUSED


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(list(sys.argv[1:] if argv is None else argv))
    set_language(args.lang or default_language())
    try:
        return run(args)
    except UsageError as exc:
        print(f"han-headend: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except KeyStoreError:
        print("han-headend: " + _("The key %(name)s in %(dir)s is missing or does not open "
                                  "with this passphrase.")
              % {"name": args.holder, "dir": args.pki / "keys"}, file=sys.stderr)
        return EXIT_USAGE
    except OSError as exc:
        print(f"han-headend: {exc.strerror}: {exc.filename}", file=sys.stderr)
        return EXIT_USAGE


if __name__ == "__main__":
    sys.exit(main())
