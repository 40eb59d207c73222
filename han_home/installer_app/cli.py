"""installer-app command line: check-code, labels, commission (headless), gui (default).

  installer-app check-code "83FE D340 7A93 9723 A5C6 39B2 6916 D505 C3B5"
  installer-app labels --radio sim --sim-seed 7 > devices.csv
  installer-app commission --radio sim --sim-seed 7 --devices devices.csv --report out.json
  installer-app [gui] --radio sim --lang cy --theme high-contrast --text-scale 2

commission exits 0 for Pass, 3 for Pass with warnings, 1 for Fail, 2 for bad input.
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import logging
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from han_home.shared.cli_args import (
    OneLineParser,
    clock_speed,
    error_line,
    fail,
    join_window,
    language_from_env,
    language_in_argv,
    text_scale,
)
from han_home.shared.i18n import _, set_language
from han_home.shared.private_files import create_private, write_private_text

EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_WARNINGS = 0, 1, 2, 3
COMMISSION_EPILOG = """exit status:
  0  Pass
  3  Pass with warnings (read them before leaving site)
  1  Fail (the reasons are printed, and are in the report)
  2  bad input (one line says what to fix)"""
COMMANDS = ("check-code", "labels", "commission", "gui")


class UsageError(Exception):
    """Bad input: a translated message for the engineer, exit status 2."""


def default_language() -> str:
    return language_from_env("INSTALLER_LANG")


def _radio_args(p: argparse.ArgumentParser) -> None:
    from han_home.shared.han.radio_names import RADIOS

    p.add_argument("--radio", choices=RADIOS, default="sim",
                   help="sim (the virtual home, default) or a real radio")
    p.add_argument("--device", help="serial port of a real radio, e.g. /dev/ttyUSB0")
    p.add_argument("--sim-seed", type=int, default=7, help="which virtual home")
    p.add_argument("--sim-speed", type=clock_speed, default=1.0,
                   help="virtual home clock speed (1 = real time)")
    p.add_argument("--sim-home", choices=("house", "flats"), default="house",
                   help="the virtual home: a house (default), or a flat whose meters share a "
                        "cupboard with the neighbours'")


def _common(p: argparse.ArgumentParser) -> None:
    p.add_argument("--lang", choices=("en", "cy"), default=None,
                   help="language: en (English) or cy (Cymraeg)")


def build_parser() -> argparse.ArgumentParser:
    parser = OneLineParser(prog="installer-app", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command")
    check = sub.add_parser("check-code", help="validate an install code (exit 0 OK, 2 fault)")
    check.add_argument("code", nargs="+", help="hex digits; spaces and dashes are ignored")
    _common(check)
    labels = sub.add_parser("labels", help="print the virtual home's device labels as CSV")
    _radio_args(labels)
    labels.add_argument("--neighbours", action="store_true",
                        help="also the neighbours' meters (a home column says whose)")
    _common(labels)
    com = sub.add_parser("commission", help="run the whole job headless",
                         epilog=COMMISSION_EPILOG,
                         formatter_class=argparse.RawDescriptionHelpFormatter)
    _radio_args(com)
    _common(com)
    com.add_argument("--devices", type=Path, required=True,
                     help="CSV: eui64, install_code, type (or a qr column)")
    com.add_argument("--report", type=Path, required=True, help="JSON report to write")
    com.add_argument("--html", type=Path, default=None, help="also write an HTML report")
    com.add_argument("--pdf", type=Path, default=None, help="also write a PDF report (Qt)")
    com.add_argument("--window", type=join_window, default=180.0, help="join window in seconds")
    com.add_argument("--mpan", type=premises_id("mpan"), default=None,
                     help="the premises' MPAN core (13 digits): the electricity meter's "
                          "SiteID must match it (or an mpan column in the device list)")
    com.add_argument("--mprn", type=premises_id("mprn"), default=None,
                     help="the premises' MPRN (6 to 10 digits): the gas meter's SiteID must "
                          "match it (or an mprn column in the device list)")
    com.add_argument("--accept", type=accept_value, action="append", default=[],
                     metavar="CODE:EUI64:NOTE",
                     help="accept a held guard on site, with a short note (repeatable); "
                          "CODE is two_of_a_kind, type_mismatch, link_marginal or "
                          "weaker_than_refused; it becomes a warning naming the note "
                          "(a meter of other premises can never be accepted)")
    com.add_argument("--site", default="", help="site reference")
    com.add_argument("--engineer", default="", help="engineer id")
    com.add_argument("--log", type=Path, default=None, help="write a debug log here")
    com.add_argument("--pcap", type=Path, default=None,
                     help="write the join window's HAN traffic here as a pcap (Wireshark "
                          "reads it; no keys)")
    com.add_argument("--quiet", action="store_true")
    gui = sub.add_parser("gui", help="the installer tool window (default)")
    _radio_args(gui)
    _common(gui)
    gui.add_argument("--theme", choices=("normal", "high-contrast"), default="normal")
    gui.add_argument("--text-scale", type=text_scale, default=1.0, help="1.0 to 2.0")
    gui.add_argument("--size", type=window_size, default=(1366, 728),
                     help="window size, default 1366x728 (a laptop's 1366x768 screen less "
                          "its task bar)")
    gui.add_argument("--screenshots", type=Path, default=None,
                     help="render every screen to PNG files in this folder and exit (at "
                          "--text-scale, at --size)")
    gui.add_argument("--whole-pages", action="store_true",
                     help="with --screenshots: also each page's whole length, scrolled "
                          "part included (NAME-whole.png)")
    return parser


def window_size(text: str) -> tuple[int, int]:
    import re

    match = re.fullmatch(r"(\d{3,4})x(\d{3,4})", text.strip())
    if not match:
        raise argparse.ArgumentTypeError(
            _("Invalid size “%(value)s”: use WIDTHxHEIGHT, e.g. 800x480.") % {"value": text})
    return int(match.group(1)), int(match.group(2))


def premises_id(kind: str) -> Callable[[str], str]:
    """An argparse type: a valid MPAN core / MPRN, digits only; else one translated line."""
    from han_home.installer_app.premises_input import premises_fault

    def check(text: str) -> str:
        fault = premises_fault(kind, text)
        if fault is not None:
            raise argparse.ArgumentTypeError(fault)
        return "".join(c for c in text if c.isdigit())

    return check


def accept_value(text: str) -> tuple[str, str, str]:
    """An argparse type: ``--accept CODE:EUI64:NOTE`` (decisions.py); else one line."""
    from han_home.installer_app.decisions import DecisionError, parse_cli

    try:
        return parse_cli(text)
    except DecisionError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def parse(argv: list[str]) -> argparse.Namespace:
    if argv and not argv[0].startswith("-") and argv[0] not in COMMANDS:
        fail("installer-app", _("Unknown command “%(command)s”: choose one of %(commands)s.")
             % {"command": argv[0], "commands": ", ".join(COMMANDS)})
    if not argv or argv[0] not in COMMANDS and argv[0] not in ("-h", "--help"):
        argv = ["gui", *argv]
    return build_parser().parse_args(argv)


# ---- check-code -------------------------------------------------------------
def check_code(args: argparse.Namespace) -> int:
    from han_home.installer_app.codes import check_install_code

    fault = check_install_code(" ".join(args.code))
    if fault is None:
        print(_("OK"))
        return EXIT_OK
    print(fault.message(), file=sys.stderr)
    return EXIT_USAGE


# ---- labels -------------------------------------------------------------------
def labels(args: argparse.Namespace) -> int:
    if args.radio != "sim":
        raise UsageError(_("Labels come from the boxes of real devices; only the virtual "
                           "home (--radio sim) can print its own."))
    from han_home.shared.sim.home import HomeOptions, VirtualHome

    home = VirtualHome(HomeOptions(seed=args.sim_seed, layout=args.sim_home))
    writer = csv.writer(sys.stdout, lineterminator="\n")
    writer.writerow(["eui64", "install_code", "type", "qr", "home", "mpan", "mprn"])
    # the home's own devices; the neighbours' only when asked (a training job)
    chosen = home.labels() + (home.neighbour_labels() if args.neighbours else [])
    for label in chosen:
        mpan = label.site_id if label.device_type == "electricity_meter" else ""
        mprn = label.site_id if label.device_type == "gas_meter" else ""
        writer.writerow([label.eui64, label.install_code, label.device_type, label.qr,
                         label.home, mpan, mprn])
    return EXIT_OK


# ---- commission ---------------------------------------------------------------
def _check_radio(args: argparse.Namespace) -> None:
    if args.radio != "sim" and not args.device:
        raise UsageError(_("A real radio needs its serial port: add --device PORT "
                           "(for example /dev/ttyUSB0)."))


def prepare_commission(args: argparse.Namespace) -> Any:
    """Everything that can be refused is checked here, before a file is written or the
    radio starts: the radio, every output path, the device list. Returns the job, or None
    (the problems, one line per bad row, are already printed)."""
    from han_home.installer_app.codes import CodeError
    from han_home.installer_app.job import Job, load_devices_csv
    from han_home.installer_app.premises_input import job_premises
    from han_home.shared.han.radio_names import missing_library_message

    _check_radio(args)
    missing = missing_library_message(args.radio)
    if missing is not None:
        raise UsageError(missing)
    for path in (args.report, args.html, args.pdf, args.log, args.pcap):
        if path is not None:
            check_output(path)
    outputs = [p.resolve() for p in (args.report, args.html, args.pdf, args.log, args.pcap)
               if p]
    if len(set(outputs)) < len(outputs):
        raise UsageError(_("--report, --html, --pdf, --log and --pcap must be different "
                           "files."))
    job = Job(site_ref=args.site, engineer_id=args.engineer)
    problems = load_devices_csv(read_devices(args.devices), job)
    try:
        job.mpan, job.mprn = job_premises(job, args.mpan, args.mprn)
    except CodeError as exc:
        job.wipe_secrets()
        raise UsageError(exc.fault.message()) from None
    unlisted = [eui for _code, eui, _note in args.accept if job.find(eui) is None]
    if unlisted and not problems:
        job.wipe_secrets()
        raise UsageError(_("--accept names %(eui64)s, which is not on the device list: only "
                           "a listed device's guard can be accepted.") % {"eui64": unlisted[0]})
    if problems or not job.devices:
        for problem in problems:
            print(problem.message(), file=sys.stderr)
        if not job.devices and not problems:
            print(_("The device list has no devices."), file=sys.stderr)
        job.wipe_secrets()
        return None
    return job


async def _commission(args: argparse.Namespace, job: Any) -> int:
    from han_home.installer_app import report
    from han_home.installer_app.commission import run_job
    from han_home.installer_app.summary import verdict_lines
    from han_home.installer_app.verdict import judge
    from han_home.shared.han.client import DeviceEvent, RadioEvent
    from han_home.shared.han.setup import RadioOptions, build_gateway

    gw = build_gateway(RadioOptions(args.radio, args.device, args.sim_seed, None, args.sim_speed,
                                    sim_layout=args.sim_home),
                       commission_home=False)
    # a job never reads the gas meter's 13 months: its mirror is not primed (each 24
    # half-hours is a GetProfile exchange while the meter is awake)
    gw.config.gas_profile_prime_periods = 0

    def say(event: Any) -> None:
        if args.quiet:
            return
        if isinstance(event, DeviceEvent) and event.kind.value == "refused":
            return  # counted, and said once per device when the job ends (refused_lines)
        if isinstance(event, DeviceEvent):
            print(progress_line(event), file=sys.stderr)
        elif isinstance(event, RadioEvent):
            print(radio_line(event), file=sys.stderr)

    gw.subscribe(say)
    await gw.start()
    if gw.config.sim_home is not None:  # the virtual home's gateway: certificates checked
        from han_home.shared.sim.demo_pki import give_gateway_identity

        give_gateway_identity(gw)
    frames: list[Any] = []
    try:
        job.started_at = gw.now()
        if args.pcap is not None:
            gw.start_capture()
        _ok, runner = await run_job(gw, job, args.window)
        from han_home.installer_app.decisions import take

        for code, eui64, note in args.accept:  # checked before the job started
            take(job, code, eui64, note, gw.now(), source="command_line")
        frames = gw.stop_capture()
        pan_id = gw.pan_id()
    finally:
        job.wipe_secrets()
        await gw.stop()
    if args.pcap is not None:
        from han_home.shared.han.pcap import write_pcap

        create_private(args.pcap)
        with args.pcap.open("wb") as out:
            write_pcap(out, frames, pan_id)
    if not args.quiet:
        for line in refused_lines(job):
            print(line, file=sys.stderr)
    verdict = judge(job, runner.unlisted_admitted)
    data = report.build(job, radio=args.radio, verdict=verdict)
    write_private_text(args.report, report.to_json(data))
    if args.html is not None:
        write_private_text(args.html, report.to_html(data))
    if args.pdf is not None:
        from han_home.installer_app.ui.pdf import write_pdf

        create_private(args.pdf)
        write_pdf(report.to_html(data), args.pdf)
        if args.pdf.stat().st_size == 0:
            raise UsageError(_("Cannot write %(path)s: the PDF writer failed.")
                             % {"path": str(args.pdf)})
    if not args.quiet:
        for line in verdict_lines(job, verdict):
            print(line, file=sys.stderr)
    return verdict.exit_code


def check_output(path: Path) -> None:
    """Refuse, before the job starts, an output file that could not be written at the end."""
    folder = path.parent if str(path.parent) else Path(".")
    p = {"path": str(path), "folder": str(folder)}
    if path.is_dir():
        raise UsageError(_("Cannot write %(path)s: it is a folder; give a file name.") % p)
    if not folder.is_dir():
        raise UsageError(_("Cannot write %(path)s: the folder %(folder)s does not exist.") % p)
    if path.exists():
        if not os.access(path, os.W_OK):
            raise UsageError(_("Cannot write %(path)s: the file is read-only.") % p)
    elif not os.access(folder, os.W_OK | os.X_OK):
        raise UsageError(_("Cannot write %(path)s: the folder %(folder)s is read-only.") % p)


MAX_DEVICE_LIST_BYTES = 1_000_000


def read_devices(path: Path) -> str:
    """The device list's text; UsageError (one line) if it is not a readable UTF-8 text file."""
    p = {"path": str(path)}
    try:
        if path.is_dir():
            raise UsageError(_("The device list %(path)s is a folder, not a CSV file.") % p)
        if path.stat().st_size > MAX_DEVICE_LIST_BYTES:
            raise UsageError(_("The device list %(path)s is too big to be a device list "
                               "(more than 1 MB).") % p)
        data = path.read_bytes()
    except OSError as exc:
        raise UsageError(_("Cannot read the device list %(path)s: %(reason)s") % {
            "path": str(path), "reason": exc.strerror or str(exc)}) from exc
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise UsageError(_("The device list %(path)s is not UTF-8 text: save it as “CSV UTF-8” "
                           "and try again.") % p) from exc
    if "\0" in text:
        raise UsageError(_("The device list %(path)s is not a text file (it contains binary "
                           "data).") % p)
    if not text.strip():
        raise UsageError(_("The device list %(path)s is empty: its first line must name the "
                           "columns, e.g. eui64,install_code,type.") % p)
    return text


def refused_lines(job: Any) -> list[str]:
    """One line per refused device, with how many times it tried."""
    from han_home.installer_app.texts import refused_text

    return [refused_text(r.eui64, r.reason, r.attempts, r.lqi, r.rssi) for r in job.refused]


def progress_line(event: Any) -> str:
    from han_home.installer_app.texts import event_text

    return event_text(event.kind.value, event.eui64, event.detail, event.lqi, event.rssi)


def radio_line(event: Any) -> str:
    from han_home.installer_app.texts import event_text

    return event_text("radio_" + event.state.value)


def _setup_logging(path: Path | None) -> None:
    from han_home.installer_app import logsafe

    if path is None:
        logging.basicConfig(level=logging.WARNING,
                            format="%(levelname)s %(name)s: %(message)s")
    else:
        create_private(path)
        logging.basicConfig(level=logging.DEBUG, filename=str(path), encoding="utf-8",
                            format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logsafe.install()


def run(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    set_language(language_in_argv(argv) or default_language())  # parse errors in it too
    args = parse(argv)
    set_language(args.lang or default_language())
    try:
        if args.command == "check-code":
            return check_code(args)
        if args.command == "labels":
            return labels(args)
        if args.command == "commission":
            job = prepare_commission(args)
            if job is None:
                return EXIT_USAGE
            _setup_logging(args.log)
            return asyncio.run(_commission(args, job))
        _check_radio(args)
        from han_home.installer_app.ui.app import run_gui

        return run_gui(args)
    except UsageError as exc:
        print(error_line("installer-app", str(exc)), file=sys.stderr)
        return EXIT_USAGE
