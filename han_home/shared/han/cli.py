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

from han_home.shared.cli_args import parse_duration, parse_utc, positive_float

EXIT_USAGE = 2


class UsageError(Exception):
    """Bad arguments or an unusable database: message for the user, exit status 2."""


def build_parser() -> argparse.ArgumentParser:
    from han_home.shared.han.radios import RADIOS

    parser = argparse.ArgumentParser(prog="han-gateway", description=__doc__.splitlines()[0])
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
    run.add_argument("--sim-start", type=parse_utc, default=None, help="UTC start, ISO 8601")
    run.add_argument("--sim-speed", type=positive_float, default=None, help="default: 1")
    run.add_argument(
        "--duration",
        type=parse_duration,
        default=None,
        help="simulated time to run for, e.g. 3d (default: until Ctrl+C)",
    )
    run.add_argument("--db", type=Path, default=None, help="history database (SQLite)")
    run.add_argument("--json", action="store_true", help="one JSON object per reading")
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
    from han_home.shared.han.client import DeviceEvent, RadioEvent, ReadingEvent, StaleEvent
    from han_home.shared.han.history_feed import HistoryFeed, open_history
    from han_home.shared.han.setup import RadioOptions, build_gateway
    from han_home.shared.store.async_history import AsyncHistory

    _apply_config(args)
    if args.radio != "sim" and not args.device:
        raise UsageError(f"--radio {args.radio} needs --device PORT")
    history = None
    if args.db is not None:
        open_history(args.db).close()  # fail fast, with a clear message, before any radio work
        history = AsyncHistory(args.db)
        await history.ready()
    gateway = build_gateway(
        RadioOptions(args.radio, args.device, args.sim_seed, args.sim_start, args.sim_speed)
    )
    feed = None
    if history is not None:
        feed = HistoryFeed(history, gateway.tariffs)
        gateway.reading_hooks.append(feed.on_reading)
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
    finally:
        await gateway.stop()
        if feed is not None:
            feed.flush(gateway.now())
            await feed.drain()
        if history is not None:
            await history.close()
        out.flush()
    return 0


def _history(args: argparse.Namespace) -> int:
    from han_home.shared.energy.calendar import Period
    from han_home.shared.han.history_feed import open_history

    if not args.db.exists():
        raise UsageError(f"No history database at {args.db}")
    store = open_history(args.db, create=False)
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
        }
        if args.fuel == "gas":
            obj["m3"] = str(total.m3 if total.m3 is not None else Decimal(0))
            obj["cv"] = str(total.cv) if total.cv is not None else None
        if args.json:
            print(json.dumps(obj))
        else:
            print("  ".join(f"{k}={v}" for k, v in obj.items()))
    return 0


def _apply_config(args: argparse.Namespace) -> None:
    """Fill options not given on the command line from the config file, then defaults."""
    from han_home.shared.han.config import ConfigError, FileConfig, load_config

    try:
        cfg = load_config(args.config) if args.config else FileConfig()
        start = parse_utc(cfg.sim_start) if cfg.sim_start and args.sim_start is None else None
    except (ConfigError, argparse.ArgumentTypeError) as exc:
        raise UsageError(str(exc)) from exc
    args.radio = args.radio or cfg.radio or "sim"
    args.device = args.device or cfg.device
    args.sim_seed = args.sim_seed if args.sim_seed is not None else (cfg.sim_seed or 7)
    args.sim_speed = args.sim_speed or cfg.sim_speed or 1.0
    args.sim_start = args.sim_start or start
    args.db = args.db or cfg.db


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)  # exits 2 with a message on bad arguments
    try:
        if args.command == "run":
            return asyncio.run(_run(args))
        return _history(args)
    except UsageError as exc:
        print(f"han-gateway: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except Exception as exc:  # noqa: BLE001
        from han_home.shared.store.history import StoreError

        if isinstance(exc, StoreError):
            print(f"han-gateway: error: {exc}", file=sys.stderr)
            return EXIT_USAGE
        raise


if __name__ == "__main__":
    sys.exit(main())
