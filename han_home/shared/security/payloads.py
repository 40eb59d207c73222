"""The payloads of the signed commands a meter applies: fixed-width, big-endian octets.

Money is GBP x 10^5 (the meters' PriceTrailingDigit), times are ZCL UTCTime (seconds
since 2000-01-01 UTC); text is UTF-8. Each ``decode_*`` raises ``PayloadError`` only.

=====================  =======================  =============================================
command                (data object, action)    payload
=====================  =======================  =============================================
read clock             METER_CLOCK, READ        empty; the response carries the meter's time
set clock              METER_CLOCK, WRITE       time (4): the correct time now
publish tariff         TARIFF, WRITE            from (4) | standing charge per day (4) |
                                                tiers (1) | rate per kWh, per tier (4 each)
                                                [| block thresholds k (1, 1..3) |
                                                threshold, Wh (4 each) | per tier, the
                                                rates of blocks 2..k+1 (4 each)]
top up                 TOP_UP, EXECUTE          top-up id (8) | amount (4); sealed
supplier message       SUPPLIER_MESSAGES, WRITE message id (4) | UTF-8 text (1..254)
emergency credit       EMERGENCY_CREDIT, WRITE  limit (4) | threshold (4)
use emergency credit   EMERGENCY_CREDIT,        empty
                       EXECUTE
debt                   DEBT, WRITE              debt (4) | recovery per day (4)
crl                    REVOCATION_LIST, WRITE   a CRL, DER (signed by its CA); the answer:
                                                its CRL number (8) | revoked (4)
=====================  =======================  =============================================
"""

from __future__ import annotations

import datetime as dt
import struct
from dataclasses import dataclass
from decimal import Decimal

from han_home.shared.security.acl import Action, DataObject

EPOCH_2000 = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)
MONEY_DIGITS = 5
MAX_MONEY = Decimal(0xFFFFFFFF) / 10**MONEY_DIGITS  # GBP 42,949.67295
MAX_TIERS = 8
MAX_BLOCK_THRESHOLDS = 3  # the Price cluster's Block1..3Threshold attributes the meters serve


class PayloadError(Exception):
    """A payload that does not match its command's layout."""


def money_raw(gbp: Decimal) -> int:
    raw = gbp * 10**MONEY_DIGITS
    if raw != raw.to_integral_value() or not 0 <= raw <= 0xFFFFFFFF:
        raise ValueError(f"£{gbp} is not an amount a meter holds")
    return int(raw)


def money(raw: int) -> Decimal:
    return Decimal(raw) / 10**MONEY_DIGITS


def utctime(when: dt.datetime) -> int:
    if when.tzinfo is None:
        raise ValueError("times are UTC and carry their zone")
    seconds = int((when - EPOCH_2000).total_seconds())
    if not 0 <= seconds <= 0xFFFFFFFE:
        raise ValueError("time outside the ZCL UTCTime range")
    return seconds


def from_utctime(seconds: int) -> dt.datetime:
    return EPOCH_2000 + dt.timedelta(seconds=seconds)


def _unpack(fmt: str, data: bytes, what: str) -> tuple[int, ...]:
    if len(data) != struct.calcsize(fmt):
        raise PayloadError(f"a {what} payload is {struct.calcsize(fmt)} octets")
    return struct.unpack(fmt, data)


# ---- clock -----------------------------------------------------------------------------
def encode_time(when: dt.datetime) -> bytes:
    return struct.pack(">I", utctime(when))


def decode_time(data: bytes) -> dt.datetime:
    return from_utctime(_unpack(">I", data, "clock")[0])


# ---- tariff ----------------------------------------------------------------------------
@dataclass(frozen=True)
class TariffChange:
    """New prices from ``start``: a unit rate per tier (tier 1 first), a daily charge, and
    optionally block prices (seed: "time-of-use and block prices"; SE's TierNBlockMPrice).

    With block thresholds (kWh used so far in the billing month, the calendar month in
    local time), ``rates_gbp[t]`` is tier t+1's block-1 rate and ``block_rates_gbp[t]`` its
    rates above each threshold in turn; without, every unit of a tier costs its rate."""

    start: dt.datetime
    standing_charge_gbp: Decimal
    rates_gbp: tuple[Decimal, ...]
    block_thresholds_kwh: tuple[Decimal, ...] = ()
    block_rates_gbp: tuple[tuple[Decimal, ...], ...] = ()

    def __post_init__(self) -> None:
        thresholds = self.block_thresholds_kwh
        if len(thresholds) > MAX_BLOCK_THRESHOLDS:
            raise ValueError(f"a tariff has at most {MAX_BLOCK_THRESHOLDS} block thresholds")
        if any(b <= a for a, b in zip(thresholds, thresholds[1:], strict=False)) or (
                thresholds and thresholds[0] <= 0):
            raise ValueError("block thresholds are positive and increasing")
        if thresholds and (len(self.block_rates_gbp) != len(self.rates_gbp) or any(
                len(r) != len(thresholds) for r in self.block_rates_gbp)):
            raise ValueError("each tier needs a rate for every block above the first")
        if not thresholds and self.block_rates_gbp:
            raise ValueError("block rates need block thresholds")

    def tier_block_rates(self, tier: int) -> tuple[Decimal, ...]:
        """Tier ``tier``'s rate in each block, block 1 first."""
        rest = self.block_rates_gbp[tier - 1] if self.block_thresholds_kwh else ()
        return (self.rates_gbp[tier - 1], *rest)

    def encode(self) -> bytes:
        if not 1 <= len(self.rates_gbp) <= MAX_TIERS:
            raise ValueError(f"a tariff has 1 to {MAX_TIERS} tiers")
        data = (struct.pack(">IIB", utctime(self.start), money_raw(self.standing_charge_gbp),
                            len(self.rates_gbp))
                + b"".join(struct.pack(">I", money_raw(r)) for r in self.rates_gbp))
        if self.block_thresholds_kwh:
            data += bytes([len(self.block_thresholds_kwh)]) + b"".join(
                struct.pack(">I", _wh_raw(k)) for k in self.block_thresholds_kwh)
            data += b"".join(struct.pack(">I", money_raw(r))
                             for rates in self.block_rates_gbp for r in rates)
        return data

    @classmethod
    def decode(cls, data: bytes) -> TariffChange:
        if len(data) < 9:
            raise PayloadError("a tariff payload is at least 9 octets")
        start, standing, tiers = struct.unpack_from(">IIB", data)
        if not 1 <= tiers <= MAX_TIERS or len(data) < 9 + 4 * tiers:
            raise PayloadError("the tariff's tiers do not match its length")
        rates = struct.unpack_from(f">{tiers}I", data, 9)
        at = 9 + 4 * tiers
        thresholds: tuple[Decimal, ...] = ()
        blocks: tuple[tuple[Decimal, ...], ...] = ()
        if len(data) > at:
            k = data[at]
            if not 1 <= k <= MAX_BLOCK_THRESHOLDS or len(data) != at + 1 + 4 * k + 4 * k * tiers:
                raise PayloadError("the tariff's blocks do not match its length")
            thresholds = tuple(Decimal(w) / 1000 for w in struct.unpack_from(f">{k}I", data,
                                                                              at + 1))
            raw = struct.unpack_from(f">{k * tiers}I", data, at + 1 + 4 * k)
            blocks = tuple(tuple(money(r) for r in raw[t * k:(t + 1) * k])
                           for t in range(tiers))
        try:
            return cls(from_utctime(start), money(standing), tuple(money(r) for r in rates),
                       thresholds, blocks)
        except ValueError as exc:
            raise PayloadError(str(exc)) from None


def _wh_raw(kwh: Decimal) -> int:
    raw = kwh * 1000
    if raw != raw.to_integral_value() or not 0 < raw <= 0xFFFFFFFF:
        raise ValueError(f"{kwh} kWh is not a block threshold a meter holds (whole Wh)")
    return int(raw)


# ---- prepayment ------------------------------------------------------------------------
@dataclass(frozen=True)
class TopUp:
    top_up_id: int  # unique per top-up (a UTRN's role): the meter applies each once
    amount_gbp: Decimal

    def encode(self) -> bytes:
        if self.amount_gbp <= 0:
            raise ValueError("a top-up adds money")
        return struct.pack(">QI", self.top_up_id, money_raw(self.amount_gbp))

    @classmethod
    def decode(cls, data: bytes) -> TopUp:
        top_up_id, raw = _unpack(">QI", data, "top-up")
        if raw == 0:
            raise PayloadError("a top-up of nothing")
        return cls(top_up_id, money(raw))


@dataclass(frozen=True)
class EmergencyCredit:
    limit_gbp: Decimal
    threshold_gbp: Decimal

    def encode(self) -> bytes:
        return struct.pack(">II", money_raw(self.limit_gbp), money_raw(self.threshold_gbp))

    @classmethod
    def decode(cls, data: bytes) -> EmergencyCredit:
        limit, threshold = _unpack(">II", data, "emergency credit")
        return cls(money(limit), money(threshold))


@dataclass(frozen=True)
class Debt:
    debt_gbp: Decimal
    recovery_gbp_per_day: Decimal

    def encode(self) -> bytes:
        return struct.pack(">II", money_raw(self.debt_gbp), money_raw(self.recovery_gbp_per_day))

    @classmethod
    def decode(cls, data: bytes) -> Debt:
        debt, rate = _unpack(">II", data, "debt")
        return cls(money(debt), money(rate))


# ---- messages --------------------------------------------------------------------------
@dataclass(frozen=True)
class SupplierMessage:
    message_id: int
    text: str

    def encode(self) -> bytes:
        raw = self.text.encode("utf-8")
        if not 1 <= len(raw) <= 254:
            raise ValueError("a message is 1 to 254 octets of UTF-8")
        return struct.pack(">I", self.message_id) + raw

    @classmethod
    def decode(cls, data: bytes) -> SupplierMessage:
        if not 5 <= len(data) <= 258:
            raise PayloadError("a message payload is 5 to 258 octets")
        try:
            text = data[4:].decode("utf-8")
        except UnicodeDecodeError:
            raise PayloadError("the message is not UTF-8") from None
        return cls(struct.unpack_from(">I", data)[0], text)


# (data object, action) -> the command's name, as the head end and the logs say it
COMMANDS: dict[tuple[DataObject, Action], str] = {
    (DataObject.METER_CLOCK, Action.READ): "read-clock",
    (DataObject.METER_CLOCK, Action.WRITE): "set-clock",
    (DataObject.TARIFF, Action.WRITE): "tariff",
    (DataObject.TOP_UP, Action.EXECUTE): "top-up",
    (DataObject.SUPPLIER_MESSAGES, Action.WRITE): "message",
    (DataObject.EMERGENCY_CREDIT, Action.WRITE): "emergency-credit",
    (DataObject.EMERGENCY_CREDIT, Action.EXECUTE): "use-emergency-credit",
    (DataObject.DEBT, Action.WRITE): "debt",
    (DataObject.REVOCATION_LIST, Action.WRITE): "crl",
}
