"""Security figures: a meter verifying a signed command envelope, against a bare ECDSA verify.

Verifying an envelope is: decode (two DER certificates), one ECDSA verify of the envelope,
two for the chain (leaf by its CA, CA by the root: remembered after the first time unless
``uncached``), the ACL, target, counter and window; a sealed one adds an ECDH, the KDF and
AES-128-GCM. ``verify_with_persisted_counter`` adds the counter file's atomic replace
(two fsyncs), which is the disk's figure, not the CPU's. The bare figure is one
``EllipticCurvePublicKey.verify`` of the same octets, measured in the same run.

``run() -> dict`` prints nothing itself (``python -m benchmarks`` prints the figures).
"""

from __future__ import annotations

import datetime as dt
import tempfile
import time
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec

from han_home.shared.security import envelope, pki
from han_home.shared.security.acl import Action, DataObject
from han_home.shared.security.envelope import Signer
from han_home.shared.security.profiles import DeviceType, Role, parse_eui64
from han_home.shared.security.reasons import Reason
from han_home.shared.security.verify import DeviceTrust, JsonCounterStore, MemoryCounterStore


def _best_per_op(fn: Any, n: int, rounds: int = 5) -> float:
    best = float("inf")
    for _ in range(rounds):
        t0 = time.perf_counter()
        fn(n)
        best = min(best, (time.perf_counter() - t0) / n)
    return best


def run(quick: bool = False) -> dict[str, Any]:
    n = 100 if quick else 500
    now = dt.datetime.now(dt.UTC)
    h = pki.make_hierarchy(now - dt.timedelta(days=1))
    eui = parse_eui64("00:1B:C5:0C:60:00:10:01")
    meter_key = pki.new_key()
    meter = Signer(pki.issue(h.ca_for(Role.DEVICE), Role.DEVICE, "ESME", meter_key.public_key(),
                             eui64=eui, device_type=DeviceType.ESME), meter_key,
                   h.ca_for(Role.DEVICE).cert)
    key = pki.new_key()
    supplier = Signer(pki.issue(h.ca_for(Role.SUPPLIER), Role.SUPPLIER, "HES", key.public_key()),
                      key, h.ca_for(Role.SUPPLIER).cert)
    start, end = now - dt.timedelta(minutes=1), now + dt.timedelta(hours=1)
    counter = 0

    def build(sealed: bool) -> list[bytes]:
        nonlocal counter
        out = []
        for _ in range(n):
            counter += 1
            if sealed:
                out.append(envelope.command(supplier, eui, DataObject.TOP_UP, Action.EXECUTE,
                                            b"top-up 1000", counter, start, end,
                                            seal_to=meter.cert))
            else:
                out.append(envelope.command(supplier, eui, DataObject.TARIFF, Action.WRITE,
                                            b"tariff table", counter, start, end))
        return out

    figures: dict[str, Any] = {"envelope_octets": len(build(False)[0])}
    sample = build(False)[0]
    env = envelope.decode(sample)
    public = supplier.cert.public_key()
    signature = env.signature
    assert isinstance(public, ec.EllipticCurvePublicKey) and signature is not None

    def bare(k: int) -> None:
        for _ in range(k):
            public.verify(signature, env.signed_bytes, ec.ECDSA(hashes.SHA256()))

    bare_s = _best_per_op(bare, n)
    figures["bare_ecdsa_p256_verify_us"] = round(bare_s * 1e6, 1)

    for label, sealed, cache in (("plain", False, True), ("sealed", True, True),
                                 ("plain_uncached_chain", False, False)):
        batches = [build(sealed) for _ in range(5)]
        trust = DeviceTrust(meter, [h.root.cert], MemoryCounterStore(), cache_links=cache)
        it = iter(batches)

        def verify(k: int, it: Any = it, trust: DeviceTrust = trust) -> None:
            for data in next(it)[:k]:
                assert trust.verify(data).reason is Reason.ACCEPTED

        per = _best_per_op(verify, n)
        figures[f"verify_{label}_envelope_us"] = round(per * 1e6, 1)
        figures[f"verify_{label}_vs_bare_verify"] = round(per / bare_s, 2)

    t0 = time.perf_counter()
    build(True)
    figures["sign_and_seal_envelope_us"] = round((time.perf_counter() - t0) / n * 1e6, 1)

    with tempfile.TemporaryDirectory() as tmp:
        batch = build(False)[: n // 5]
        trust = DeviceTrust(meter, [h.root.cert], JsonCounterStore(Path(tmp) / "c.json"))
        t0 = time.perf_counter()
        for data in batch:
            assert trust.verify(data).reason is Reason.ACCEPTED
        figures["verify_with_persisted_counter_us"] = round(
            (time.perf_counter() - t0) / len(batch) * 1e6, 1)
    return figures


if __name__ == "__main__":
    import json

    print(json.dumps(run(quick=True), indent=2))
