"""han-gateway: the headless gateway (and how we check the core from a shell).

  han-gateway run --radio sim --sim-seed 7 --sim-start 2026-10-24T00:00:00Z \
      --sim-speed 3600 --duration 3d --db home.db --json
  han-gateway history --db home.db --fuel electricity --by day --json
"""

from __future__ import annotations

import argparse
import asyncio
import json
import signal
import sys
from datetime import UTC
from decimal import Decimal
from pathlib import Path
from typing import Any

from han_home.shared.cli_args import (
    OneLineParser,
    check_sim_end,
    check_sim_start,
    check_speed,
    clock_speed,
    error_line,
    language_from_env,
    parse_duration,
    parse_utc,
    sim_start,
)
from han_home.shared.i18n import _, set_language

EXIT_USAGE = 2


class UsageError(Exception):
    """Bad arguments or an unusable database: message for the user, exit status 2."""


def build_parser() -> argparse.ArgumentParser:
    from han_home.shared.han.radio_names import RADIOS

    parser = OneLineParser(prog="han-gateway", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    run = sub.add_parser("run", help="run the gateway and print readings as they arrive")
    run.add_argument(
        "--config",
        type=Path,
        default=None,
        help="TOML configuration file (command-line options override it)",
    )
    run.add_argument("--radio", choices=RADIOS, default=None, help="default: sim")
    run.add_argument("--device", help="serial port of a real radio, e.g. /dev/ttyUSB0")
    run.add_argument("--sim-seed", type=int, default=None, help="default: 7")
    run.add_argument("--sim-start", type=sim_start, default=None, help="UTC start, ISO 8601")
    run.add_argument("--sim-speed", type=clock_speed, default=None, help="default: 1")
    run.add_argument(
        "--duration",
        type=parse_duration,
        default=None,
        help="simulated time to run for, e.g. 3d (default: until Ctrl+C)",
    )
    run.add_argument("--db", type=Path, default=None, help="history database (SQLite)")
    run.add_argument("--json", action="store_true", help="one JSON object per reading")
    run.add_argument("--wan", default=None, metavar="HOST:PORT",
                     help="virtual home only: the mutual-TLS WAN end point for han-headend")
    run.add_argument("--wan-pki", type=Path, default=None, metavar="DIR",
                     help="where --wan writes the head ends' demo certificates and keys "
                          "(passphrase: $HAN_PKI_PASSPHRASE)")
    from han_home.shared.han.appliance_steps import appliance_step

    run.add_argument("--appliance", type=appliance_step, action="append", default=[],
                     help="virtual home: switch a load on, e.g. kettle=2800W@1h+3m")
    history = sub.add_parser("history", help="print energy and cost per local period")
    history.add_argument("--db", type=Path, required=True)
    history.add_argument("--fuel", choices=("electricity", "gas"), required=True)
    history.add_argument("--by", choices=("day", "week", "month", "year"), required=True)
    history.add_argument("--json", action="store_true")
    return parser


def reading_json(reading: Any) -> str:
    obj: dict[str, Any] = {
        "t": reading.received.astimezone(UTC).isoformat().replace("+00:00", "Z"),
        "device": reading.device,
        "fuel": str(reading.fuel),
        "kind": str(reading.kind),
        "value": str(reading.value),
        "unit": reading.unit,
    }
    if reading.tier is not None:
        obj["tier"] = reading.tier
    if reading.text is not None:
        obj["text"] = reading.text
    return json.dumps(obj, ensure_ascii=False)


async def _run(args: argparse.Namespace) -> int:
    from han_home.shared.han.history_feed import HistoryFeed, open_history, virtual_home_start
    from han_home.shared.han.radio_names import missing_library_message
    from han_home.shared.store.async_history import AsyncHistory
    from han_home.shared.store.history import APP_ID_GATEWAY

    _apply_config(args)
    _wan_options(args)  # bad --wan input: one line, before any radio work
    if args.radio != "sim" and not args.device:
        raise UsageError(_("--radio %(radio)s needs --device PORT (the radio's serial port, "
                           "for example /dev/ttyUSB0).") % {"radio": args.radio})
    missing = missing_library_message(args.radio)
    if missing is not None:
        raise UsageError(missing)
    if args.appliance and args.radio != "sim":
        raise UsageError(_("--appliance switches loads in the virtual home: it needs "
                           "--radio sim."))
    if args.radio == "sim" and args.duration is not None:
        from datetime import datetime

        problem = check_sim_end(args.sim_start or datetime.now(UTC), args.duration)
        if problem is not None:
            raise UsageError(problem)
    history = None
    if args.db is not None:
        # fail fast, with a clear message, before any radio work
        open_history(args.db, owner=APP_ID_GATEWAY).close()
        history = AsyncHistory(args.db, owner=APP_ID_GATEWAY)
        await history.ready()
    if history is not None and args.radio == "sim":
        args.sim_start = await virtual_home_start(history, args.sim_start)
    # the gateway and zigpy load only once the input is known good: a refusal takes a
    # fraction of a second
    from han_home.shared.han.client import DeviceEvent, RadioEvent, ReadingEvent, StaleEvent
    from han_home.shared.han.setup import RadioOptions, build_gateway

    gateway = build_gateway(
        RadioOptions(args.radio, args.device, args.sim_seed, args.sim_start, args.sim_speed,
                     tariffs=args.tariffs)
    )
    feed = None
    if history is not None:
        feed = HistoryFeed(history, gateway.tariffs, guard=guard_for(args.max_supply_kw))
        await feed.resume()  # the last run's registers and open half-hour
        feed.connect(gateway)  # readings, gap profiles, first-start backfill
    out = sys.stdout

    def show(event: Any) -> None:
        if isinstance(event, ReadingEvent):
            r = event.reading
            if args.json:
                print(reading_json(r), file=out, flush=False)
            else:
                extra = f" “{r.text}”" if r.text else ""
                print(
                    f"{r.received:%Y-%m-%d %H:%M:%S}Z {r.fuel:<11} {r.kind:<16} "
                    f"{r.value} {r.unit}{extra}",
                    file=out,
                )
        elif not args.json and isinstance(event, DeviceEvent | RadioEvent | StaleEvent):
            print(f"# {event}", file=sys.stderr)

    gateway.subscribe(show)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    await gateway.start()
    wan = await _start_wan(args, gateway)
    steps = None
    if args.appliance:
        from han_home.shared.han.appliance_steps import run_steps

        steps = asyncio.create_task(run_steps(gateway.config.sim_home, gateway.clock,
                                              args.appliance))
    try:
        commissioned = asyncio.create_task(gateway.commission_expected())
        if args.duration is not None:
            end = gateway.now() + args.duration
            waits = {asyncio.ensure_future(gateway.clock.sleep_until(end)),
                     asyncio.ensure_future(stop.wait())}
            await asyncio.wait(waits, return_when=asyncio.FIRST_COMPLETED)
            for wait in waits:
                wait.cancel()
        else:
            await stop.wait()
        if not commissioned.done():
            commissioned.cancel()
        if steps is not None and not steps.done():
            steps.cancel()
    finally:
        if wan is not None:
            await wan.stop()
        if feed is not None:
            await feed.stop_asking()
        await gateway.stop()
        if feed is not None:
            feed.flush(gateway.now())
            await feed.drain()
        if history is not None:
            await history.close()
        out.flush()
    return 0


def _wan_options(args: argparse.Namespace) -> tuple[str, int, Path, bytes] | None:
    """--wan HOST:PORT --wan-pki DIR, checked before any radio work."""
    import os

    if args.wan is None and args.wan_pki is None:
        return None
    host, _sep, port = (args.wan or "").rpartition(":")
    if not host or not port.isdigit() or not 0 <= int(port) < 65536 or args.wan_pki is None:
        raise UsageError(_("--wan needs HOST:PORT and --wan-pki DIR, e.g. --wan "
                           "127.0.0.1:8443 --wan-pki ./headend."))
    if args.radio != "sim":
        raise UsageError(_("--wan runs on the virtual home only (--radio sim)."))
    passphrase = os.environ.get("HAN_PKI_PASSPHRASE", "").encode()
    if len(passphrase) < 8:
        raise UsageError(_("--wan needs a passphrase of at least 8 characters in "
                           "HAN_PKI_PASSPHRASE for the keys it writes."))
    return host, int(port), args.wan_pki, passphrase


async def _start_wan(args: argparse.Namespace, gateway: Any) -> Any:
    options = _wan_options(args)
    if options is None:
        return None
    import importlib

    host, port, folder, passphrase = options
    # the virtual home's module, found by name like every radio (shared/han/setup.py)
    demo = importlib.import_module("han_home.shared.sim.wan_demo")
    wan, bound = await demo.start_demo_wan(gateway, host, port, folder, passphrase)
    print(_("# WAN end point on %(host)s:%(port)d (mutual TLS 1.3); head-end certificates "
            "in %(dir)s") % {"host": host, "port": bound, "dir": folder}, file=sys.stderr)
    return wan


def _history(args: argparse.Namespace) -> int:
    from han_home.shared.energy.calendar import Period
    from han_home.shared.han.history_feed import open_history

    store = open_history(args.db, create=False, readonly=True)  # looking never writes
    try:
        totals = store.aggregate(args.fuel, Period(args.by))
    finally:
        store.close()
    for total in totals:
        obj: dict[str, Any] = {
            "period": total.period,
            "hours": total.hours,
            "kwh": str(total.kwh),
            "cost_gbp": str(total.cost_gbp),
            "standing_charge_gbp": str(total.standing_charge_gbp),
            # where the energy came from: the meter's own half-hours, gaps the meter could
            # not fill (counted, not split), energy with no known price (not in cost_gbp)
            "meter_kwh": str(total.meter_kwh),
            "gap_kwh": str(total.gap_kwh),
            "unpriced_kwh": str(total.unpriced_kwh),
        }
        if args.fuel == "gas":
            obj["m3"] = str(total.m3 if total.m3 is not None else Decimal(0))
            obj["cv"] = str(total.cv) if total.cv is not None else None
        if args.json:
            print(json.dumps(obj))
        else:
            print("  ".join(f"{k}={v}" for k, v in obj.items()))
    return 0


def guard_for(max_supply_kw: Any) -> Any:
    """The register guard with the configured supply limit (default: 100 A single phase)."""
    from han_home.shared.energy.readings import Fuel
    from han_home.shared.energy.register_guard import GuardLimits, RegisterGuard

    if max_supply_kw is None:
        return RegisterGuard()
    return RegisterGuard({
        Fuel.ELECTRICITY: GuardLimits.for_fuel(Fuel.ELECTRICITY, max_kw=max_supply_kw),
        Fuel.GAS: GuardLimits.for_fuel(Fuel.GAS),
    })


def _apply_config(args: argparse.Namespace) -> None:
    """Fill options not given on the command line from the config file, then defaults."""
    from han_home.shared.han.config import ConfigError, FileConfig, load_config

    try:
        cfg = load_config(args.config) if args.config else FileConfig()
        start = parse_utc(cfg.sim_start) if cfg.sim_start and args.sim_start is None else None
    except (ConfigError, argparse.ArgumentTypeError) as exc:
        raise UsageError(str(exc)) from exc
    problem = None
    if start is not None:
        problem = check_sim_start(start, cfg.sim_start)
    if cfg.sim_speed is not None and args.sim_speed is None:
        problem = problem or check_speed(cfg.sim_speed)
    if problem is not None:
        raise UsageError(_("%(path)s: %(problem)s") % {"path": args.config, "problem": problem})
    args.radio = args.radio or cfg.radio or "sim"
    args.device = args.device or cfg.device
    args.sim_seed = args.sim_seed if args.sim_seed is not None else (cfg.sim_seed or 7)
    args.sim_speed = args.sim_speed or cfg.sim_speed or 1.0
    args.sim_start = args.sim_start or start
    args.db = args.db or cfg.db
    args.tariffs = cfg.tariffs
    args.max_supply_kw = cfg.max_supply_kw


def main(argv: list[str] | None = None) -> int:
    set_language(language_from_env("HAN_GATEWAY_LANG"))
    parser = build_parser()
    args = parser.parse_args(argv)  # exits 2 with one line on bad arguments
    from han_home.shared.store.history import StoreError

    try:
        if args.command == "run":
            return asyncio.run(_run(args))
        return _history(args)
    except (UsageError, StoreError) as exc:
        print(error_line("han-gateway", str(exc)), file=sys.stderr)
        return EXIT_USAGE


if __name__ == "__main__":
    sys.exit(main())
