"""The mistakes matrix: the ways installers really get a job wrong, run through the real
gateway on the virtual home, each with its verdict, exit code and advice.

  python -m han_home.installer_app.mistakes [--home house|flats|both]

Every case is a job built from the home's labels (and its neighbours'), with this home's
MPAN and MPRN, run with ``run_job`` on a ManualClock (no wall-clock wait). In no case may a
meter of other premises end in Pass.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import random
import sys
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from crccheck.crc import CrcX25

from han_home.installer_app.commission import run_job
from han_home.installer_app.job import DeviceType, Job, parse_type
from han_home.installer_app.verdict import Verdict, judge
from han_home.shared.han.clock import ManualClock
from han_home.shared.han.setup import RadioOptions, build_gateway
from han_home.shared.sim.device import DeviceLabel
from han_home.shared.sim.home import VirtualHome

START = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)
WINDOW_S = 8.0  # the virtual devices ask to join within 2 s of a window opening


def _typed(job: Job, label: DeviceLabel, device_type: str | None = None,
           eui64: str | None = None, code: str | None = None) -> None:
    job.add_typed(eui64 or label.eui64, code or label.install_code,
                  parse_type(device_type or label.device_type), source="csv")


def _flip_digit(eui64: str) -> str:
    """The EUI-64 with its last hex digit mistyped."""
    last = eui64[-1]
    return eui64[:-1] + ("0" if last != "0" else "1")


def _transpose(eui64: str) -> str:
    """Two adjacent, different hex digits swapped (the first such pair from the end)."""
    digits = list(eui64.replace(":", ""))
    for i in range(len(digits) - 2, -1, -1):
        if digits[i] != digits[i + 1]:
            digits[i], digits[i + 1] = digits[i + 1], digits[i]
            break
    text = "".join(digits)
    return ":".join(text[i:i + 2] for i in range(0, 16, 2))


def _other_code(seed: int) -> str:
    rng = random.Random(seed)
    body = bytes(rng.getrandbits(8) for _ in range(16))
    return (body + CrcX25.calc(body).to_bytes(2, "little")).hex()


def _case_correct(home: VirtualHome, job: Job) -> None:
    for label in home.labels():
        _typed(job, label)


def _case_neighbour_instead(home: VirtualHome, job: Job) -> None:
    _typed(job, home.neighbour_labels()[0])  # neighbour-1's electricity meter
    for label in home.labels()[1:]:
        _typed(job, label)


def _case_both_listed(home: VirtualHome, job: Job) -> None:
    _case_correct(home, job)
    _typed(job, home.neighbour_labels()[0])


def _case_second_gas(home: VirtualHome, job: Job) -> None:
    _case_correct(home, job)
    _typed(job, home.neighbour_labels()[1])  # neighbour-1's gas meter


def _case_eui_typo(home: VirtualHome, job: Job) -> None:
    esme, *rest = home.labels()
    _typed(job, esme, eui64=_flip_digit(esme.eui64))
    for label in rest:
        _typed(job, label)


def _case_transposition(home: VirtualHome, job: Job) -> None:
    esme, *rest = home.labels()
    _typed(job, esme, eui64=_transpose(esme.eui64))
    for label in rest:
        _typed(job, label)


def _case_swapped_types(home: VirtualHome, job: Job) -> None:
    esme, gsme, ihd = home.labels()
    _typed(job, esme, "gas_meter")
    _typed(job, gsme, "electricity_meter")
    _typed(job, ihd)


def _case_wrong_code(home: VirtualHome, job: Job) -> None:
    esme, *rest = home.labels()
    _typed(job, esme, code=_other_code(3))
    for label in rest:
        _typed(job, label)


def _case_qr_only(home: VirtualHome, job: Job) -> None:
    for label in home.labels():  # scans only: no type entered
        job.add_qr(label.qr, DeviceType.OTHER)


def _case_missing_device(home: VirtualHome, job: Job) -> None:
    esme, gsme, ihd = home.labels()
    _typed(job, esme)
    _typed(job, ihd)
    # a gas meter on the list that is not there (its box opened at the wrong address)
    job.add_typed("00:1b:c5:ee:00:00:00:01", _other_code(9), DeviceType.GAS_METER)


def _no_premises(case: Callable[[VirtualHome, Job], None]
                 ) -> Callable[[VirtualHome, Job], None]:
    """The same mistake in a job that names no MPAN/MPRN: only the guards are left."""
    def run(home: VirtualHome, job: Job) -> None:
        job.mpan = job.mprn = ""
        case(home, job)
    return run


CASES: dict[str, Callable[[VirtualHome, Job], None]] = {
    "correct job": _case_correct,
    "neighbour's meter instead of ours": _case_neighbour_instead,
    "both listed": _case_both_listed,
    "a second gas meter": _case_second_gas,
    "EUI typo (one digit)": _case_eui_typo,
    "EUI transposition": _case_transposition,
    "swapped types": _case_swapped_types,
    "wrong install code": _case_wrong_code,
    "QR-only job": _case_qr_only,
    "missing device": _case_missing_device,
    "neighbour's meter, no MPAN/MPRN": _no_premises(_case_neighbour_instead),
    "a second gas meter, no MPAN/MPRN": _no_premises(_case_second_gas),
}


@dataclass
class Row:
    home: str
    case: str
    verdict: Verdict
    foreign_listed: bool  # a meter of other premises was on the list
    # ... and was configured as this home's: never, when the job named its premises
    foreign_admitted: bool
    premises_given: bool

    @property
    def advice(self) -> str:
        return ", ".join(dict.fromkeys(r.code for r in self.verdict.reasons)) or "-"


async def run_case(layout: str, name: str, seed: int = 7) -> Row:
    gw = build_gateway(RadioOptions(sim_seed=seed, sim_clock=ManualClock(START),
                                    sim_layout=layout), commission_home=False)
    # the gas meter's 13 months of profile are not what the matrix is about (and are most
    # of a job's frames)
    gw.config.gas_profile_prime_periods = 0
    await gw.start()
    try:
        home = gw.config.sim_home
        assert isinstance(home, VirtualHome)
        job = Job(site_ref="MATRIX", engineer_id="TEST")
        job.mpan, job.mprn = home.premises()
        CASES[name](home, job)
        _ok, runner = await gw.clock.run(run_job(gw, job, window_s=WINDOW_S),  # type: ignore[attr-defined]
                                         within=WINDOW_S + 120)
        theirs = {str(d.ieee) for d in home.neighbours}
        admitted = {str(i) for i in gw.app.devices}
        return Row(layout, name, judge(job, runner.unlisted_admitted),
                   any(d.eui64 in theirs for d in job.devices), bool(admitted & theirs),
                   bool(job.mpan and job.mprn))
    finally:
        await gw.stop()


async def run_matrix(layouts: tuple[str, ...] = ("house", "flats")) -> list[Row]:
    return [await run_case(layout, name) for layout in layouts for name in CASES]


def table(rows: list[Row]) -> str:
    head = ("home", "case", "verdict", "exit", "advice")
    body = [(r.home, r.case, r.verdict.level.value, str(r.verdict.exit_code), r.advice)
            for r in rows]
    widths = [max(len(x[i]) for x in (head, *body)) for i in range(len(head))]

    def line(cells: tuple[str, ...]) -> str:
        return "| " + " | ".join(c.ljust(w) for c, w in zip(cells, widths, strict=True)) + " |"

    return "\n".join([line(head), "|" + "|".join("-" * (w + 2) for w in widths) + "|",
                      *(line(b) for b in body)])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m han_home.installer_app.mistakes")
    parser.add_argument("--home", choices=("house", "flats", "both"), default="both")
    args = parser.parse_args(argv)
    layouts = ("house", "flats") if args.home == "both" else (args.home,)
    logging.basicConfig(level=logging.ERROR)  # the table, not the gateway's warnings
    rows = asyncio.run(run_matrix(layouts))
    print(table(rows))
    return 1 if any(unsafe(r) for r in rows) else 0


def unsafe(row: Row) -> bool:
    """A meter of other premises ended in Pass, or was admitted although the job named
    its premises."""
    return (row.foreign_listed and row.verdict.exit_code == 0) or (
        row.foreign_admitted and row.premises_given)


if __name__ == "__main__":
    sys.exit(main())
