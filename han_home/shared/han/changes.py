"""Changes a meter applied, as the display tells the household: what, from when, by whom.

The gateway relays every signed answer from a meter; when one says ACCEPTED it checks the
answer (signed by that meter's certified key, naming that command) and the command's
signer (its certificate's chain: which role, which organisation), then emits a
``ChangeEvent``. So a notice exists only once the meter has accepted and applied the
change, and it says only what the meter itself signed: the top-up amount and the clock
correction come from the meter's answer, the tariff's start from it too. Plain Python.
"""

from __future__ import annotations

import datetime as dt
import struct
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from cryptography import x509
from cryptography.x509.oid import NameOID

from han_home.shared.energy.tariff import (
    BlockTariff,
    FlatTariff,
    RateBand,
    TariffSchedule,
    TimeOfUseTariff,
)
from han_home.shared.energy.tou_blocks import TimeOfUseBlockTariff
from han_home.shared.han.client import ChangeEvent
from han_home.shared.security import chain, envelope, payloads
from han_home.shared.security.acl import Action, DataObject
from han_home.shared.security.profiles import Role
from han_home.shared.security.reasons import Reason
from han_home.shared.security.verify import check_response

# (data object, action) -> the notice's kind; other commands make no notice
KINDS = {
    (DataObject.TARIFF, Action.WRITE): "tariff",
    (DataObject.TOP_UP, Action.EXECUTE): "top_up",
    (DataObject.METER_CLOCK, Action.WRITE): "clock",
    (DataObject.SUPPLIER_MESSAGES, Action.WRITE): "message",
    (DataObject.EMERGENCY_CREDIT, Action.WRITE): "emergency_credit",
    (DataObject.EMERGENCY_CREDIT, Action.EXECUTE): "emergency_credit_taken",
    (DataObject.DEBT, Action.WRITE): "debt",
}


@dataclass(frozen=True)
class ChangeNotice:
    kind: str  # a value of KINDS
    role: Role  # who made it
    organisation: str
    meter_eui64: bytes
    applied_at: dt.datetime  # by the meter's clock (its signed answer's time)
    amount_gbp: Decimal | None = None  # a top-up
    effective: dt.datetime | None = None  # a tariff's new prices apply from
    offset_s: int | None = None  # a clock correction: + the meter was slow


def organisation(cert: x509.Certificate, issuer: x509.Certificate | None) -> str:
    for name in [cert.subject, *([issuer.subject] if issuer is not None else [])]:
        attrs = name.get_attributes_for_oid(NameOID.ORGANIZATION_NAME)
        if attrs:
            return str(attrs[0].value)
    attrs = cert.subject.get_attributes_for_oid(NameOID.COMMON_NAME)
    return str(attrs[0].value) if attrs else ""


def applied_payload(kind: str, data: bytes) -> dict[str, object]:
    """What the meter's answer carries for a change of this kind (meter_authority.py)."""
    try:
        if kind == "top_up":
            return {"amount_gbp": payloads.money(struct.unpack(">I", data)[0])}
        if kind == "clock":
            return {"offset_s": struct.unpack(">i", data)[0]}
        if kind == "tariff":
            return {"effective": payloads.decode_time(data)}
    except (struct.error, payloads.PayloadError):
        pass
    return {}


def change_notice(command: bytes, answer: bytes, anchors: Sequence[x509.Certificate],
                  intermediates: Sequence[x509.Certificate],
                  at: dt.datetime) -> ChangeNotice | None:
    """The notice for an accepted, applied change; None for anything else."""
    try:
        rsp = check_response(answer, command, anchors, intermediates=intermediates, at=at)
        cmd = envelope.decode(command)
    except (chain.ChainError, envelope.DecodeError):
        return None
    kind = KINDS.get((cmd.data_object, cmd.action))  # type: ignore[arg-type]
    if rsp.reason is not Reason.ACCEPTED or kind is None or cmd.target is None:
        return None
    try:
        signer = chain.validate_chain(cmd.originator,
                                      [*([cmd.issuer] if cmd.issuer else []), *intermediates],
                                      anchors, at)
    except chain.ChainError:
        return None
    extra = applied_payload(kind, rsp.payload or b"")
    if kind in ("top_up", "clock", "tariff") and not extra:
        return None  # a number the meter did not sign is not shown
    return ChangeNotice(kind, signer.role, organisation(cmd.originator, cmd.issuer),
                        cmd.target, rsp.valid_from, **extra)  # type: ignore[arg-type]


def apply_tariff(schedule: TariffSchedule, change: payloads.TariffChange) -> bool:
    """The display's electricity prices follow a tariff change the meter accepted: from
    ``change.start`` (never before), the bands in force then at the new rate of their
    tier. False (nothing changed) when the bands carry no tiers to match."""
    try:
        current = schedule.tariff_at(change.start)
    except (LookupError, ValueError):
        return False
    if isinstance(current, TimeOfUseTariff | TimeOfUseBlockTariff):
        bands = current.bands
        if any(b.tier is None or not 1 <= b.tier <= len(change.rates_gbp) for b in bands):
            return False
        new: TimeOfUseTariff | TimeOfUseBlockTariff | FlatTariff | BlockTariff
        if change.block_thresholds_kwh:  # each unit at its tier's rate for its block
            tiers = range(1, len(change.rates_gbp) + 1)
            new = TimeOfUseBlockTariff(
                [RateBand(b.start, change.rates_gbp[b.tier - 1], b.name, b.tier)  # type: ignore[operator]
                 for b in bands], change.block_thresholds_kwh,
                {t: change.tier_block_rates(t) for t in tiers}, change.standing_charge_gbp)
        else:
            new = TimeOfUseTariff(
                [RateBand(b.start, change.rates_gbp[b.tier - 1], b.name, b.tier)  # type: ignore[operator]
                 for b in bands], change.standing_charge_gbp)
    elif isinstance(current, FlatTariff | BlockTariff) and len(change.rates_gbp) == 1:
        new = (BlockTariff(change.block_thresholds_kwh, change.tier_block_rates(1),
                           change.standing_charge_gbp) if change.block_thresholds_kwh
               else FlatTariff(change.rates_gbp[0], change.standing_charge_gbp))
    else:
        return False
    schedule.add(change.start, new)
    return True


def tariff_change_of(command: bytes) -> payloads.TariffChange | None:
    try:
        env = envelope.decode(command)
        if (env.data_object, env.action) != (DataObject.TARIFF, Action.WRITE):
            return None
        return payloads.TariffChange.decode(env.payload or b"")
    except (envelope.DecodeError, payloads.PayloadError):
        return None


__all__ = ["KINDS", "ChangeEvent", "ChangeNotice", "apply_tariff", "change_notice",
           "tariff_change_of"]
