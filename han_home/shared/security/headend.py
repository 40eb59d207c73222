"""A head end's side: author and sign the commands a meter applies; read its answers.

``Author(signer, clock)`` signs one envelope per call, with a counter that only grows:
the microseconds since 2000 by the head end's clock, or one more than the last counter it
used when its clock is behind (``CounterFile`` keeps that across runs). Validity windows
are short (``WINDOW``) except for set-clock, whose target is a meter whose clock is wrong
by definition: its window is a day either side.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from pathlib import Path

from cryptography import x509

from han_home.shared.private_files import write_atomic
from han_home.shared.security import envelope, payloads
from han_home.shared.security.acl import Action, DataObject
from han_home.shared.security.envelope import Signer

WINDOW = dt.timedelta(minutes=30)
CLOCK_WINDOW = dt.timedelta(days=1)
EPOCH = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)


def _utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class CounterFile:
    """The last counter used, in a small JSON file (written atomically, 0600)."""

    def __init__(self, path: Path | None) -> None:
        self.path = path
        self.last = 0
        if path is not None and path.exists():
            try:
                self.last = int(json.loads(path.read_text("utf-8"))["last"])
            except (OSError, ValueError, KeyError, TypeError) as exc:
                raise ValueError(f"unreadable counter file {path}") from exc

    def use(self, counter: int) -> None:
        self.last = counter
        if self.path is not None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            write_atomic(self.path, json.dumps({"last": counter}).encode())


class Author:
    def __init__(self, signer: Signer, clock: Callable[[], dt.datetime] = _utcnow,
                 counters: CounterFile | None = None, window: dt.timedelta = WINDOW) -> None:
        self.signer = signer
        self.window = window  # longer for a sleeping meter, which may wake 30 min later
        self.clock = clock
        self.counters = counters or CounterFile(None)

    def next_counter(self) -> int:
        micro = int((self.clock() - EPOCH).total_seconds() * 1_000_000)
        counter = max(micro, self.counters.last + 1)
        self.counters.use(counter)
        return counter

    def sign(self, target: bytes, data_object: DataObject, action: Action,
             payload: bytes | None, *, seal_to: x509.Certificate | None = None,
             window: dt.timedelta | None = None, not_before: dt.datetime | None = None) -> bytes:
        now = self.clock()
        window = window or self.window
        start = not_before or now - dt.timedelta(minutes=5)  # a little clock skew
        return envelope.command(self.signer, target, data_object, action, payload,
                                self.next_counter(), start, max(start, now) + window,
                                seal_to=seal_to)

    # ---- the commands (payload layouts: payloads.py) ----
    def read_clock(self, target: bytes) -> bytes:
        return self.sign(target, DataObject.METER_CLOCK, Action.READ, None)

    def set_clock(self, target: bytes, correct: dt.datetime | None = None) -> bytes:
        now = self.clock()
        return self.sign(target, DataObject.METER_CLOCK, Action.WRITE,
                         payloads.encode_time(correct or now), window=CLOCK_WINDOW,
                         not_before=now - CLOCK_WINDOW)

    def tariff(self, target: bytes, change: payloads.TariffChange) -> bytes:
        return self.sign(target, DataObject.TARIFF, Action.WRITE, change.encode())

    def top_up(self, target: bytes, device_cert: x509.Certificate,
               top_up: payloads.TopUp) -> bytes:
        return self.sign(target, DataObject.TOP_UP, Action.EXECUTE, top_up.encode(),
                         seal_to=device_cert)

    def message(self, target: bytes, message: payloads.SupplierMessage) -> bytes:
        return self.sign(target, DataObject.SUPPLIER_MESSAGES, Action.WRITE, message.encode())

    def emergency_credit(self, target: bytes, params: payloads.EmergencyCredit) -> bytes:
        return self.sign(target, DataObject.EMERGENCY_CREDIT, Action.WRITE, params.encode())

    def use_emergency_credit(self, target: bytes) -> bytes:
        return self.sign(target, DataObject.EMERGENCY_CREDIT, Action.EXECUTE, None)

    def debt(self, target: bytes, debt: payloads.Debt) -> bytes:
        return self.sign(target, DataObject.DEBT, Action.WRITE, debt.encode())

    def crl(self, target: bytes, crl: x509.CertificateRevocationList) -> bytes:
        """Deliver a CA's CRL to a meter (network operator); the meter checks its CA's
        signature itself and honours it from then on."""
        from cryptography.hazmat.primitives import serialization

        return self.sign(target, DataObject.REVOCATION_LIST, Action.WRITE,
                         crl.public_bytes(serialization.Encoding.DER))
