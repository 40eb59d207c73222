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
  ... result TICKET                  the answer to a command held for a sleeping meter

DIR is a han-pki folder (root.pem, ca/, certs/NAME.pem, keys/NAME.key.pem); NAME's key both
signs the command and opens the mutual TLS connection; the passphrase comes from
--passphrase-file or HAN_PKI_PASSPHRASE. Every command first reads the meter's clock: its
signed answer gives the meter's certificate (checked against DIR's root), which a top-up
is sealed to. The meter's verified answer is printed. Exit status: 0 accepted, 1 refused
or not delivered, 2 bad input (one line on stderr), 3 held: the meter sleeps (the gas
meter, between its half-hourly pushes) and the gateway keeps the command for its next
wake; the ticket printed fetches the meter's answer later (``result``), or ``--wait``
waits for it (up to --timeout seconds). No private key is ever printed.
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
from typing import Any, NoReturn

from cryptography import x509

from han_home.shared.i18n import _, set_language
from han_home.shared.private_files import write_atomic
from han_home.shared.security import chain, envelope, payloads, tls
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
from han_home.shared.security.headend import WINDOW, Author, CounterFile
from han_home.shared.security.keystore import KeyStore, KeyStoreError
from han_home.shared.security.profiles import ProfileError, format_eui64, parse_eui64
from han_home.shared.security.reasons import Reason
from han_home.shared.security.verify import check_response
from han_home.shared.security.wan_frames import FrameError, WanStatus, deliver, fetch_result

COMMANDS = ("read-clock", "set-clock", "tariff", "top-up", "message", "emergency-credit",
            "use-emergency-credit", "debt", "crl", "result")
EXIT_HELD = 3
POLL_S = 1.0  # --wait asks the gateway this often


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
    parser.add_argument("--valid", type=int, default=None, metavar="MINUTES",
                        help="how long the command stays valid (default 30; a sleeping "
                             "meter wakes every 30 minutes: give more, up to 1440)")
    parser.add_argument("--wait", action="store_true",
                        help="for a sleeping meter: wait for its answer (up to --timeout)")
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
    p = sub.add_parser("result", help="the answer to a command the gateway held")
    p.add_argument("ticket", help="the ticket printed when it was held (16 hex digits)")
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


Build = Callable[[Author, bytes, Any], bytes]  # (author, target, the meter's cert or None)


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
    if c == "result":
        return lambda author, target, meter: b""  # nothing is signed: a held one is asked
    if c == "crl":
        crl = _read_crl(args.file)
        return lambda author, target, meter: author.crl(target, crl)
    debt = payloads.Debt(_money(args.debt, "--debt"), _money(args.per_day, "--per-day"))
    return lambda author, target, meter: author.debt(target, debt)


# ---- run ------------------------------------------------------------------------------
class _Refused(Exception):
    """Not delivered, or the answer does not verify: one line, exit 1."""


class _Held(Exception):
    """The gateway keeps the command for the sleeping meter: its ticket."""

    def __init__(self, ticket: bytes) -> None:
        super().__init__(ticket.hex())
        self.ticket = ticket


class _Gateway:
    """One head end's connection settings, and where it keeps the commands held for it."""

    def __init__(self, host: str, port: int, ctx: ssl.SSLContext, anchors: list, cas: list,
                 timeout: float, wait: bool, held_dir: Path) -> None:
        self.host, self.port, self.ctx = host, port, ctx
        self.anchors, self.cas = anchors, cas
        self.timeout, self.wait, self.held_dir = timeout, wait, held_dir
        self.held_command = b""  # the command whose held answer came last

    def _unreachable(self) -> _Refused:
        return _Refused(_("The gateway at %(host)s:%(port)d did not take the command "
                          "(connection refused, closed or timed out).")
                        % {"host": self.host, "port": self.port})

    async def exchange(self, target: bytes, command: bytes):
        """The meter's verified answer; ``_Held`` when it sleeps and we do not wait."""
        try:
            status, answer = await deliver(self.host, self.port, self.ctx, target, command,
                                           self.timeout)
        except (OSError, ssl.SSLError, TimeoutError, asyncio.IncompleteReadError, FrameError):
            raise self._unreachable() from None
        if status is WanStatus.HELD:
            self.held_dir.mkdir(parents=True, exist_ok=True)
            write_atomic(self.held_dir / f"{answer.hex()}.env", command)
            if not self.wait:
                raise _Held(answer)
            return await self.result(answer, wait=True)
        return self.check(status, answer, command)

    async def result(self, ticket: bytes, wait: bool):
        path = self.held_dir / f"{ticket.hex()}.env"
        try:
            command = path.read_bytes()
        except OSError:
            raise UsageError(_("No command held with ticket %(ticket)s in %(dir)s.")
                             % {"ticket": ticket.hex(), "dir": self.held_dir}) from None
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self.timeout
        while True:
            try:
                status, answer = await fetch_result(self.host, self.port, self.ctx, ticket,
                                                    self.timeout)
            except (OSError, ssl.SSLError, TimeoutError, asyncio.IncompleteReadError,
                    FrameError):
                raise self._unreachable() from None
            if status is not WanStatus.HELD:
                break
            if not wait:
                raise _Held(ticket)
            if loop.time() + POLL_S > deadline:
                raise _Refused(_("The meter did not wake within %(seconds)d seconds; the "
                                 "gateway still holds the command (ticket %(ticket)s).")
                               % {"seconds": self.timeout, "ticket": ticket.hex()})
            await asyncio.sleep(POLL_S)
        verified = self.check(status, answer, command)
        path.unlink(missing_ok=True)
        self.held_command = command
        return verified

    def check(self, status: WanStatus, answer: bytes, command: bytes):
        return _check(status, answer, command, self.anchors, self.cas)


def _check(status: WanStatus, answer: bytes, command: bytes, anchors: list, cas: list):
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
    author = Author(signer, counters=CounterFile(folder / "counters" / f"{args.holder}.json"),
                    window=_window(args.valid))
    with tempfile.TemporaryDirectory() as tmp:
        chain_path = tls.write_chain(Path(tmp) / "chain.pem", cert, issuer)
        ctx = tls.client_context(chain_path, keys.path(args.holder), passphrase, anchor_path)
    gateway = _Gateway(host, port, ctx, anchors, cas, args.timeout, args.wait,
                       folder / "held")
    if args.command == "result":
        return asyncio.run(_result(args, gateway))
    return asyncio.run(_session(args, build, gateway, target, author))


def _window(minutes: int | None) -> dt.timedelta:
    if minutes is None:
        return WINDOW
    if not 1 <= minutes <= 1440:
        raise UsageError(_("--valid must be 1 to 1440 minutes."))
    return dt.timedelta(minutes=minutes)


def _ticket(text: str) -> bytes:
    try:
        ticket = bytes.fromhex(text)
    except ValueError:
        ticket = b""
    if len(ticket) != 8:
        raise UsageError(_("%(value)s is not a ticket: give the 16 hex digits printed when "
                           "the command was held.") % {"value": text})
    return ticket


def _print_held(held: _Held) -> int:
    print(_("Held by the gateway until the meter next wakes (it sleeps between its "
            "pushes). Ticket %(ticket)s: ask for the answer with result %(ticket)s, or run "
            "again with --wait.") % {"ticket": held.ticket.hex()})
    return EXIT_HELD


def _print_answer(command: str, answer: Any) -> int:
    if answer.reason is Reason.ACCEPTED:
        print(_("Accepted: the meter applied %(command)s and signed its answer.")
              % {"command": command})
        return EXIT_OK
    print(_("Refused by the meter: %(reason)s. Nothing was applied.")
          % {"reason": answer.reason.name})
    return EXIT_REFUSED


async def _result(args: argparse.Namespace, gateway: _Gateway) -> int:
    ticket = _ticket(args.ticket)
    try:
        answer = await gateway.result(ticket, wait=args.wait)
    except _Held as held:
        return _print_held(held)
    except _Refused as exc:
        print(f"han-headend: {exc}", file=sys.stderr)
        return EXIT_REFUSED
    try:
        sent = envelope.decode(gateway.held_command)
        name = payloads.COMMANDS.get((sent.data_object, sent.action), "?")  # type: ignore[arg-type]
    except envelope.DecodeError:
        name = "?"
    return _print_answer(name, answer)


async def _session(args: argparse.Namespace, build: Build, gateway: _Gateway, target: bytes,
                   author: Author) -> int:
    try:
        probe = author.read_clock(target)
        try:
            clock = await gateway.exchange(target, probe)
        except _Held as held:
            if args.command in ("read-clock", "top-up"):  # a top-up needs its certificate
                return _print_held(held)
            # the command follows the clock read in the same wake: no certificate needed
            return _print_held(_Held(await _held_only(gateway, target,
                                                      build(author, target, None))))
        if clock.reason is not Reason.ACCEPTED:
            raise _Refused(_("The meter refused to tell its time: %(reason)s.")
                           % {"reason": clock.reason.name})
        meter_time = payloads.decode_time(clock.payload or b"")
        print(_("Meter %(eui64)s, clock %(time)s UTC.")
              % {"eui64": format_eui64(target), "time": meter_time.strftime("%Y-%m-%d %H:%M:%S")})
        if args.command == "read-clock":
            return EXIT_OK
        command = build(author, target, clock.originator)
        answer = await gateway.exchange(target, command)
    except _Held as held:
        return _print_held(held)
    except _Refused as exc:
        print(f"han-headend: {exc}", file=sys.stderr)
        return EXIT_REFUSED
    return _print_answer(args.command, answer)


async def _held_only(gateway: _Gateway, target: bytes, command: bytes) -> bytes:
    """Send ``command`` to a sleeping meter without waiting: its ticket."""
    try:
        await gateway.exchange(target, command)
    except _Held as held:
        return held.ticket
    raise _Refused(_("The gateway answered for a sleeping meter at once."))


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
