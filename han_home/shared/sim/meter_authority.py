"""What a virtual meter does with a signed envelope: verify it itself, apply it, answer.

The meter holds its own key and certificate (``demo_pki``), its trust anchors and its
counters; ``shared/security``'s ``DeviceTrust`` decides (every refusal with its reason),
this module only applies what was accepted and signs the answer:

* read / set clock (network operator sets: seed OP.5; the drift fault's legitimate fix);
* publish tariff (supplier): new prices from a given time; the Price cluster publishes them
  at that moment (a PublishPrice), the meter bills at them from then, never before;
* top up (supplier, sealed), supplier message, emergency-credit and debt parameters;
  taking emergency credit (occupier or supplier).

A command verified but not applicable here (a gas meter asked to top up, a payload that
does not parse) is answered NOT_APPLIED, nothing changed. Every applied change is kept in
``applied`` with who made it (the originator's role and name), for the display.
"""

from __future__ import annotations

import bisect
import hashlib
import logging
import struct
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from cryptography.x509.oid import NameOID

from han_home.shared.security import envelope, payloads
from han_home.shared.security.acl import Action
from han_home.shared.security.envelope import Envelope, Signer
from han_home.shared.security.payloads import PayloadError
from han_home.shared.security.profiles import Role
from han_home.shared.security.reasons import Reason
from han_home.shared.security.verify import (
    Accepted,
    CounterStore,
    DeviceTrust,
    JsonCounterStore,
    MemoryCounterStore,
)

log = logging.getLogger("han_home.sim.authority")
_Result = tuple[dict[str, Any], bytes | None] | None


@dataclass(frozen=True)
class AppliedChange:
    """One command the meter applied: what, when (meter time), by whom."""

    when: datetime
    command: str  # payloads.COMMANDS name
    role: Role
    holder: str  # the originator certificate's organisation or common name
    detail: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class RepricedTariff:
    """The meter's tariff with new prices from ``start`` (the tiers' bands unchanged)."""

    base: Any  # a meters.MeterTariff
    start: datetime
    rates_gbp: tuple[Decimal, ...]
    standing_gbp: Decimal
    thresholds_kwh: tuple[Decimal, ...] = ()  # block prices: kWh of the billing month
    block_rates_gbp: tuple[tuple[Decimal, ...], ...] = ()  # per tier: blocks 2..k+1

    def blocks_at(self, when: datetime) -> tuple[Decimal, ...]:
        """The block thresholds in force at ``when`` (none before the start)."""
        return self.thresholds_kwh if when >= self.start else ()

    def block_rates(self, tier: int) -> tuple[Decimal, ...]:
        return (self.rates_gbp[tier - 1], *self.block_rates_gbp[tier - 1])

    def current_rate(self, when: datetime, month_kwh: Decimal) -> Decimal:
        """The rate of the next unit: its tier's, in the block ``month_kwh`` reached."""
        tier, _label, rate = self.tier_and_rate(when)
        thresholds = self.blocks_at(when)
        if not thresholds or not 1 <= tier <= len(self.rates_gbp):
            return rate
        return self.block_rates(tier)[bisect.bisect_right(thresholds, month_kwh)]

    def block_cost(self, when: datetime, kwh: Decimal, month_kwh: Decimal) -> Decimal | None:
        """What ``kwh`` used from ``when`` cost when blocks are in force (split at each
        threshold it crosses); None when they are not."""
        tier, _label, _rate = self.tier_and_rate(when)
        thresholds = self.blocks_at(when)
        if not thresholds or not 1 <= tier <= len(self.rates_gbp):
            return None
        rates = self.block_rates(tier)
        total, position, left = Decimal(0), month_kwh, kwh
        i = bisect.bisect_right(thresholds, position)
        while left > 0:
            part = min(left, thresholds[i] - position) if i < len(thresholds) else left
            total += part * rates[i]
            left -= part
            position += part
            i += 1
        return total

    def tier_and_rate(self, when: datetime) -> tuple[int, str, Decimal]:
        tier, label, rate = self.base.tier_and_rate(when)
        if when >= self.start and 1 <= tier <= len(self.rates_gbp):
            rate = self.rates_gbp[tier - 1]
        return tier, label, rate

    def standing_charge_gbp(self, when: datetime) -> Decimal:
        return self.standing_gbp if when >= self.start else self.base.standing_charge_gbp(when)

    def next_change(self, when: datetime) -> datetime | None:
        change = self.base.next_change(when)
        if when < self.start:
            return self.start if change is None else min(change, self.start)
        return change


def holder_name(env: Envelope) -> str:
    """The organisation behind the signer (its CA's), else the signer's common name."""
    names = [env.originator.subject]
    if env.issuer is not None:
        names.append(env.issuer.subject)
    for oid in (NameOID.ORGANIZATION_NAME, NameOID.COMMON_NAME):
        for name in names:
            attrs = name.get_attributes_for_oid(oid)
            if attrs:
                return str(attrs[0].value)
    return "?"


class MeterAuthority:
    """A meter's signed-command end: ``handle(envelope octets) -> signed response octets``."""

    def __init__(self, device: Any, signer: Signer, anchors: list, intermediates: list,
                 state_dir: Path | None = None) -> None:
        self.device = device
        self.signer = signer
        self.anchors, self.intermediates = anchors, intermediates
        self.state_dir = state_dir
        self._memory = MemoryCounterStore()  # the meter's non-volatile memory without a dir
        self.applied: list[AppliedChange] = []
        self.listeners: list[Callable[[AppliedChange], None]] = []
        self._top_ups: set[int] = set()
        self.trust = self._new_trust()

    def _counters(self) -> CounterStore:
        if self.state_dir is None:
            return self._memory
        return JsonCounterStore(self.state_dir / "counters.json")

    def _new_trust(self) -> DeviceTrust:
        crl_dir = self.state_dir / "crl" if self.state_dir is not None else None
        return DeviceTrust(self.signer, self.anchors, self._counters(),
                           intermediates=self.intermediates, clock=self.device.meter_now,
                           crl_dir=crl_dir)

    def restart(self) -> None:
        """A power cycle: the trust state is read back from the meter's memory."""
        crls = self.trust.crls
        self.trust = self._new_trust()
        if self.state_dir is None:
            self.trust.crls = crls  # held in memory, as the counters are

    @property
    def eui64(self) -> bytes:
        return self.trust.eui64

    # ---- envelopes --------------------------------------------------------------------
    def refuse_transport(self, partial: bytes, oversized: bool) -> bytes:
        """A signed answer to a message the tunnel could not reassemble."""
        reason = Reason.OVERSIZED if oversized else Reason.MALFORMED
        log.info("refused %s: the tunnel could not reassemble the message", reason.name)
        return envelope.response(self.signer, hashlib.sha256(partial).digest(), reason, 0,
                                 self.device.meter_now())

    def handle(self, data: bytes) -> bytes:
        verdict = self.trust.verify(data)
        if not isinstance(verdict, Accepted):
            return self.trust.handle(data).response  # signs the same refusal
        try:
            reason, payload = self._apply(verdict)
        except PayloadError as exc:
            log.info("not applied: %s", exc)
            reason, payload = Reason.NOT_APPLIED, None
        return self.trust.respond(verdict.envelope, reason, payload)

    def _apply(self, v: Accepted) -> tuple[Reason, bytes | None]:
        command = payloads.COMMANDS.get((v.data_object, v.action))
        handler = getattr(self, "_" + command.replace("-", "_"), None) if command else None
        if handler is None:
            return Reason.NOT_APPLIED, None
        result = handler(v.payload or b"")
        if result is None:
            return Reason.NOT_APPLIED, None
        detail, answer = result
        if v.action is not Action.READ:
            assert command is not None
            change = AppliedChange(self.device.meter_now(), command, v.role,
                                   holder_name(v.envelope), detail)
            self.applied.append(change)
            log.info("applied %s from %s (%s)", command, change.holder, v.role)
            for listener in list(self.listeners):
                listener(change)
        return Reason.ACCEPTED, answer

    # ---- the commands: each returns (detail, response payload) or None (not applicable) --
    def _read_clock(self, data: bytes) -> _Result:
        if data:
            raise PayloadError("read-clock has no payload")
        return {}, payloads.encode_time(self.device.meter_now())

    def _set_clock(self, data: bytes) -> _Result:
        correct = payloads.decode_time(data)
        before = self.device.meter_now()
        self.device.clock_drift_s = (correct - self.device.air.clock.now()).total_seconds()
        offset = round((correct - before).total_seconds())
        return {"corrected_by_s": offset}, struct.pack(">i", max(-2**31, min(offset, 2**31 - 1)))

    def _account(self) -> Any:
        return getattr(self.device, "account", None)

    def _tariff(self, data: bytes) -> _Result:
        change = payloads.TariffChange.decode(data)
        device = self.device
        if not hasattr(device, "publish_price"):
            return None
        device.advance()  # what was used so far is billed at the old prices
        device.tariff = RepricedTariff(device.tariff, change.start, change.rates_gbp,
                                       change.standing_charge_gbp, change.block_thresholds_kwh,
                                       change.block_rates_gbp)
        device._bill_cache = None
        delay = (change.start - device.air.clock.now()).total_seconds()
        if delay <= 0:
            self._publish_if_joined()
        else:  # the Price cluster publishes the new rates at the moment they apply
            device.air.clock.call_later(delay, self._publish_if_joined)
        return ({"from": change.start, "rates_gbp": change.rates_gbp,
                 "standing_gbp": change.standing_charge_gbp,
                 "block_thresholds_kwh": change.block_thresholds_kwh},
                payloads.encode_time(change.start))

    def _publish_if_joined(self) -> None:
        if self.device.joined:
            self.device.publish_price()
            if self.device.tariff.blocks_at(self.device.air.clock.now()):
                self.device.publish_block_period()

    def _report_credit(self) -> None:
        from han_home.shared.han.se_clusters import Prepayment
        from han_home.shared.han.zcl_ids import PREPAYMENT_CLUSTER, attribute_id

        if self.device.joined:
            self.device.report(1, PREPAYMENT_CLUSTER, [
                attribute_id(Prepayment, n) for n in (
                    "credit_remaining", "emergency_credit_remaining", "credit_status",
                    "accumulated_debt")])

    def _top_up(self, data: bytes) -> _Result:
        top_up = payloads.TopUp.decode(data)
        account = self._account()
        if account is None or top_up.top_up_id in self._top_ups:
            return None
        self.device.advance()
        account.credit_gbp += top_up.amount_gbp
        self._top_ups.add(top_up.top_up_id)
        self._report_credit()
        # the answer says what was added: the display shows the meter's own figure
        return ({"amount_gbp": top_up.amount_gbp},
                struct.pack(">I", payloads.money_raw(top_up.amount_gbp)))

    def _message(self, data: bytes) -> _Result:
        message = payloads.SupplierMessage.decode(data)
        if not hasattr(self.device, "_send_message"):
            return None
        now = self.device.air.clock.now()
        self.device.last_message = (message.message_id, message.text, now)
        if self.device.joined:
            self.device._send_message(*self.device.last_message)
        return {"message_id": message.message_id}, None

    def _emergency_credit(self, data: bytes) -> _Result:
        params = payloads.EmergencyCredit.decode(data)
        account = self._account()
        if account is None:
            return None
        account.emergency_limit_gbp = params.limit_gbp
        account.emergency_threshold_gbp = params.threshold_gbp
        self._report_credit()
        return {"limit_gbp": params.limit_gbp, "threshold_gbp": params.threshold_gbp}, None

    def _use_emergency_credit(self, data: bytes) -> _Result:
        if data:
            raise PayloadError("use-emergency-credit has no payload")
        account = self._account()
        if account is None:
            return None
        self.device.advance()
        if not account.select_emergency():
            return None  # not offered now: the meter decides, whoever asks
        self._report_credit()
        return {"amount_gbp": account.emergency_remaining_gbp}, None

    def _crl(self, data: bytes) -> _Result:
        """Install a CRL the network operator delivered, once its CA's signature, that CA's
        place in the hierarchy and its number (newer than the one held) check out; from
        then on envelopes from a certificate it lists are refused REVOKED."""
        from cryptography import x509

        from han_home.shared.security.chain import ChainError

        try:
            crl = x509.load_der_x509_crl(data)
        except ValueError:
            raise PayloadError("not a DER CRL") from None
        try:
            self.trust.accept_crl(crl)
        except ChainError as exc:
            log.info("CRL not installed: %s (%s)", exc.reason.name, exc)
            return None
        try:
            number = crl.extensions.get_extension_for_class(x509.CRLNumber).value.crl_number
        except x509.ExtensionNotFound:  # accept_crl refuses those: kept for the type
            number = 0
        return ({"issuer": crl.issuer.rfc4514_string(), "crl_number": number,
                 "revoked": len(crl)}, struct.pack(">QI", number & (2**64 - 1), len(crl)))

    def _debt(self, data: bytes) -> _Result:
        debt = payloads.Debt.decode(data)
        account = self._account()
        if account is None:
            return None
        self.device.advance()
        account.debt_gbp = debt.debt_gbp
        account.recovery_gbp_per_day = debt.recovery_gbp_per_day
        self._report_credit()
        return {"debt_gbp": debt.debt_gbp, "per_day_gbp": debt.recovery_gbp_per_day}, None


def meter_time(device: Any) -> datetime:
    return device.air.clock.now() + timedelta(seconds=device.clock_drift_s)
