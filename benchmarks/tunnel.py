"""Signed commands on the virtual home: the meter's verify-and-apply, the whole round trip.

* ``verify_and_apply_us``: a virtual ESME's ``MeterAuthority.handle`` per envelope (decode,
  signature, chain, ACL, counter, window, [open the sealed top-up], apply, sign the
  response), for a supplier message (plain) and a top-up (sealed);
* ``round_trip_ms``: head end -> mutual TLS 1.3 -> gateway -> Tunneling cluster (20-odd
  fragments each way) -> meter applies -> signed answer back -> head end verifies it, on a
  commissioned virtual home; a new TLS connection per command, as ``han-headend`` does;
* ``bare_ecdsa_verify_us``: one P-256 ECDSA verify of an envelope's octets, same run.

``run() -> dict`` prints nothing itself.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import statistics
import tempfile
import time
from decimal import Decimal
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec

from han_home.shared.han.clock import ManualClock
from han_home.shared.security import envelope, payloads
from han_home.shared.security.headend import Author
from han_home.shared.security.profiles import Role
from han_home.shared.sim.demo_pki import demo_pki
from han_home.shared.sim.home import HomeOptions, VirtualHome


def _eui(device: Any) -> bytes:
    return bytes(reversed(device.ieee.serialize()))


def _best(fn: Any, items: list[bytes], rounds: int = 3) -> float:
    best = float("inf")
    for _ in range(rounds):
        batch = list(items)
        t0 = time.perf_counter()
        for item in batch:
            fn(item)
        best = min(best, (time.perf_counter() - t0) / len(batch))
    return best


def _meter_side(n: int) -> dict[str, float]:
    clock = ManualClock(dt.datetime(2026, 11, 30, 12, tzinfo=dt.UTC))
    home = VirtualHome(HomeOptions(seed=3, clock=clock))
    esme, world = home.esme, demo_pki()
    author = Author(world.signer(Role.SUPPLIER), clock.now)
    target, cert = _eui(esme), esme.authority.signer.cert

    def messages() -> list[bytes]:
        return [author.message(target, payloads.SupplierMessage(i, "Hello")) for i in range(n)]

    def top_ups() -> list[bytes]:
        return [author.top_up(target, cert, payloads.TopUp(i, Decimal("1")))
                for i in range(n)]

    plain = _best(esme.authority.handle, messages() + messages() + messages())
    sealed = _best(esme.authority.handle, top_ups() + top_ups() + top_ups())
    one = envelope.decode(messages()[0])
    key = one.originator.public_key()
    assert isinstance(key, ec.EllipticCurvePublicKey) and one.signature is not None

    def bare(_item: bytes) -> None:
        key.verify(one.signature, one.signed_bytes, ec.ECDSA(hashes.SHA256()))  # type: ignore[arg-type]

    bare_us = _best(bare, [b""] * n)
    return {"verify_and_apply_plain_us": round(plain * 1e6, 1),
            "verify_and_apply_sealed_us": round(sealed * 1e6, 1),
            "bare_ecdsa_verify_us": round(bare_us * 1e6, 1),
            "plain_over_bare": round(plain / bare_us, 2)}


async def _round_trips(n: int) -> dict[str, float]:
    from tests.tunnel.wan_world import wan_world  # the test's real gateway + TLS set-up

    with tempfile.TemporaryDirectory() as folder:
        async with wan_world(Path(folder)) as w:
            esme = w.home.esme
            author = w.authors[Role.SUPPLIER]
            times = []
            for i in range(n):
                cmd = author.message(_eui(esme), payloads.SupplierMessage(i, "Hello"))
                t0 = time.perf_counter()
                _status, answer = await w.send(_eui(esme), cmd)
                w.verify(answer, cmd)
                times.append(time.perf_counter() - t0)
            return {"round_trip_median_ms": round(statistics.median(times) * 1e3, 2),
                    "round_trip_best_ms": round(min(times) * 1e3, 2),
                    "round_trips": n}


def run(quick: bool = False) -> dict[str, Any]:
    figures: dict[str, Any] = _meter_side(30 if quick else 150)
    try:
        figures.update(asyncio.run(_round_trips(10 if quick else 40)))
    except ImportError:  # run outside the source tree: no tests package
        figures["round_trip_median_ms"] = None
    return figures
