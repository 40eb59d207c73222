"""What a meter does with an envelope: ``DeviceTrust.handle(octets) -> Verdict``.

Steps, in order, each refusal with its own ``Reason`` (the first that fails wins):

1. well-formed (``envelope.decode``): MALFORMED, OVERSIZED; a command, not a response;
2. signature by the originator certificate's key: UNSIGNED, BAD_SIGNATURE;
3. chain to the anchors this device was given: UNTRUSTED_CHAIN, WRONG_CA_KIND;
4. every certificate in date and not revoked: CERT_EXPIRED, CERT_NOT_YET_VALID, REVOKED;
5. the ACL allows (role, data object, action): ROLE_NOT_ALLOWED; a sensitive object's
   payload is sealed: NOT_ENCRYPTED;
6. the target is this device: WRONG_TARGET;
7. the counter is above the last one accepted from that originator: REPLAYED;
8. the device's clock is inside [valid_from, valid_to]: COMMAND_NOT_YET_VALID,
   COMMAND_EXPIRED;
then a sealed payload is opened (DECRYPT_FAILED), and only then the counter is stored.

Every verdict carries a response signed by the device's key, with the reason. Logs name
the reason, originator, data object and counter: never a payload, a key, a session key.

Counters are per originator: the pair (issuer name, subject name) of its certificate, so a
holder whose certificate is renewed keeps its counter. ``JsonCounterStore`` persists them
(written to a temporary file, fsynced, renamed over the old one) so a restart does not
reopen replays.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec

from han_home.shared.private_files import write_atomic
from han_home.shared.security import acl, chain, envelope, sealing
from han_home.shared.security.acl import Action, DataObject
from han_home.shared.security.envelope import Envelope, Kind, Signer
from han_home.shared.security.profiles import Role, eui64_of, format_eui64
from han_home.shared.security.reasons import Reason

log = logging.getLogger("han_home.security")


# ---- counters ----------------------------------------------------------------------------
class CounterStore(Protocol):
    def last(self, originator: str) -> int: ...  # 0 when none accepted yet
    def accept(self, originator: str, counter: int) -> None: ...


class MemoryCounterStore:
    def __init__(self) -> None:
        self._last: dict[str, int] = {}

    def last(self, originator: str) -> int:
        return self._last.get(originator, 0)

    def accept(self, originator: str, counter: int) -> None:
        self._last[originator] = max(counter, self.last(originator))


class TrustStateError(Exception):
    """The device's trust state (counters, CRLs) cannot be read back: do not start."""


CounterStoreError = TrustStateError


class JsonCounterStore:
    """``{"version": 1, "counters": {originator: last}}``, replaced atomically."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self._last: dict[str, int] = {}
        if self.path.exists():
            try:
                obj = json.loads(self.path.read_text("utf-8"))
                counters = obj["counters"]
                self._last = {str(k): int(v) for k, v in counters.items()}
            except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
                # refuse to start from zero: that would reopen every replay
                raise CounterStoreError(f"unreadable counter file {self.path}") from exc

    def last(self, originator: str) -> int:
        return self._last.get(originator, 0)

    def accept(self, originator: str, counter: int) -> None:
        if counter <= self.last(originator):
            return
        new = dict(self._last)
        new[originator] = counter
        self._write(new)
        self._last = new

    def _write(self, counters: dict[str, int]) -> None:
        text = json.dumps({"version": 1, "counters": counters}, sort_keys=True)
        _atomic_write(self.path, text.encode("utf-8"))


def _atomic_write(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(path, data)


def originator_id(cert: x509.Certificate) -> str:
    """Stable across renewals of the holder's certificate (issuer and subject names)."""
    h = hashlib.sha256(cert.issuer.public_bytes() + b"\0" + cert.subject.public_bytes())
    return h.hexdigest()[:32]


# ---- verdicts ----------------------------------------------------------------------------
@dataclass(frozen=True)
class Accepted:
    envelope: Envelope
    role: Role
    data_object: DataObject
    action: Action
    payload: bytes | None = field(repr=False)  # opened if it was sealed
    response: bytes = field(repr=False)
    reason: Reason = Reason.ACCEPTED


@dataclass(frozen=True)
class Refused:
    reason: Reason
    detail: str
    response: bytes = field(repr=False)


Verdict = Accepted | Refused


class _Refusal(Exception):
    def __init__(self, reason: Reason, detail: str) -> None:
        super().__init__(detail)
        self.reason = reason


def _utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class DeviceTrust:
    """A device's trust state: identity, key, anchors, CRLs, counters, clock.

    ``anchors`` are the root certificates the device was given at manufacture or
    commissioning; ``intermediates`` organisation CA certificates it already holds (an
    envelope may also carry its signer's CA). ``signer`` is the device's own certificate
    and key (it signs responses and opens sealed payloads). ``cache_links`` remembers
    certificate signatures already verified (``chain.LinkCache``); ``crl_dir`` keeps
    accepted CRLs so that a restart does not un-revoke anything.
    """

    def __init__(
        self,
        signer: Signer,
        anchors: Sequence[x509.Certificate],
        counters: CounterStore,
        *,
        intermediates: Sequence[x509.Certificate] = (),
        clock: Callable[[], dt.datetime] = _utcnow,
        cache_links: bool = True,
        crl_dir: Path | None = None,
    ) -> None:
        eui = eui64_of(signer.cert)
        if eui is None:
            raise ValueError("a DeviceTrust needs a device certificate (with an EUI-64)")
        self.eui64 = eui
        self._signer = signer
        self.anchors = list(anchors)
        self.intermediates = list(intermediates)
        self.counters = counters
        self.crls = chain.RevocationLists()
        self.clock = clock
        self._links = chain.LinkCache() if cache_links else None
        self.crl_dir = crl_dir
        if crl_dir is not None:
            self._load_crls(crl_dir)

    def __repr__(self) -> str:
        return f"DeviceTrust({format_eui64(self.eui64)})"

    # -- CRLs (the gateway forwards them; devices honour them) --
    def accept_crl(self, crl: x509.CertificateRevocationList,
                   issuer: x509.Certificate | None = None) -> None:
        """Keep a CRL signed by the root or an organisation CA of this device's hierarchy.

        Raises ``chain.ChainError`` (with a reason) when the CRL or its issuer is refused.
        """
        now = self.clock()
        if issuer is None:
            candidates = [c for c in [*self.anchors, *self.intermediates]
                          if c.subject == crl.issuer]
            if not candidates:
                raise chain.ChainError(Reason.UNTRUSTED_CHAIN, "the CRL's issuer is unknown")
            issuer = candidates[0]
        if not any(issuer == a for a in self.anchors):
            chain.validate_ca(issuer, self.anchors, now)
        self.crls.add(crl, issuer)
        log.info("CRL accepted from %s (%d revoked)", issuer.subject.rfc4514_string(),
                 len(crl))
        if self.crl_dir is not None:
            name = issuer.fingerprint(hashes.SHA256()).hex()[:32]
            pem = (crl.public_bytes(serialization.Encoding.PEM)
                   + issuer.public_bytes(serialization.Encoding.PEM))
            _atomic_write(self.crl_dir / f"{name}.crl.pem", pem)

    def _load_crls(self, folder: Path) -> None:
        """The CRLs kept before a restart, checked again as if just received."""
        for path in sorted(folder.glob("*.crl.pem")):
            try:
                data = path.read_bytes()
                crl = x509.load_pem_x509_crl(data)
                issuer = x509.load_pem_x509_certificate(
                    data[data.index(b"-----BEGIN CERTIFICATE-----"):])
                saved, self.crl_dir = self.crl_dir, None
                try:
                    self.accept_crl(crl, issuer)
                finally:
                    self.crl_dir = saved
            except chain.ChainError as exc:
                if exc.reason is Reason.CERT_EXPIRED:  # its CA has expired: so have its holders
                    continue
                raise TrustStateError(f"unusable CRL file {path}") from exc
            except (OSError, ValueError) as exc:
                # refuse to start without it: that would un-revoke its certificates
                raise TrustStateError(f"unusable CRL file {path}") from exc

    # -- envelopes --
    def verify(self, data: bytes) -> Verdict:
        """``handle`` without the signed response (``response`` is empty)."""
        return self._verify(data, respond=False)

    def handle(self, data: bytes) -> Verdict:
        return self._verify(data, respond=True)

    def respond(self, command: Envelope, reason: Reason, payload: bytes | None = None) -> bytes:
        """A signed response to ``command`` (e.g. the value a read asked for)."""
        return envelope.response(self._signer, command.digest, reason, command.counter,
                                 self.clock(), payload)

    def _verify(self, data: bytes, respond: bool) -> Verdict:
        now = self.clock()
        try:
            env = envelope.decode(data)
        except envelope.DecodeError as exc:
            reason = Reason.OVERSIZED if exc.oversized else Reason.MALFORMED
            log.info("refused %s: %s", reason.name, exc)
            reply = hashlib.sha256(bytes(data[:envelope.MAX_ENVELOPE])).digest()
            response = (envelope.response(self._signer, reply, reason, 0, now)
                        if respond else b"")
            return Refused(reason, str(exc), response)
        try:
            role, payload = self._check(env, now)
        except _Refusal as refusal:
            log.info("refused %s: %s (originator %s, %s %s, counter %d)", refusal.reason.name,
                     refusal, originator_id(env.originator),
                     env.data_object.name if env.data_object else "-",
                     env.action.name if env.action else "-", env.counter)
            response = self.respond(env, refusal.reason) if respond else b""
            return Refused(refusal.reason, str(refusal), response)
        assert env.data_object is not None and env.action is not None
        self.counters.accept(originator_id(env.originator), env.counter)
        log.info("accepted %s %s from %s (%s), counter %d", env.data_object.name,
                 env.action.name, originator_id(env.originator), role, env.counter)
        response = self.respond(env, Reason.ACCEPTED) if respond else b""
        return Accepted(env, role, env.data_object, env.action, payload, response)

    def _check(self, env: Envelope, now: dt.datetime) -> tuple[Role, bytes | None]:
        # 1. well-formed (beyond the codec)
        if env.kind is not Kind.COMMAND:
            raise _Refusal(Reason.MALFORMED, "a device takes commands, not responses")
        assert env.data_object is not None and env.action is not None
        # 2. signature
        if env.signature is None:
            raise _Refusal(Reason.UNSIGNED, "no signature")
        key = env.originator.public_key()
        if not isinstance(key, ec.EllipticCurvePublicKey) or key.curve.name != "secp256r1":
            raise _Refusal(Reason.BAD_SIGNATURE, "the originator's key is not P-256")
        try:
            key.verify(env.signature, env.signed_bytes, ec.ECDSA(hashes.SHA256()))
        except InvalidSignature:
            raise _Refusal(Reason.BAD_SIGNATURE, "the signature does not verify") from None
        # 3, 4. chain, CA kind, validity, revocation
        intermediates = [*([env.issuer] if env.issuer is not None else []), *self.intermediates]
        try:
            validated = chain.validate_chain(env.originator, intermediates, self.anchors, now,
                                             self.crls, self._links)
        except chain.ChainError as exc:
            raise _Refusal(exc.reason, str(exc)) from None
        except ValueError as exc:  # an undecodable part of a certificate
            raise _Refusal(Reason.UNTRUSTED_CHAIN, f"unreadable certificate: {exc}") from None
        role = validated.role
        # 5. the ACL
        if not acl.allowed(role, env.data_object, env.action):
            raise _Refusal(Reason.ROLE_NOT_ALLOWED,
                           f"{role} may not {env.action.name} {env.data_object.name}")
        if acl.needs_sealing(env.data_object, env.action) and env.sealed is None:
            raise _Refusal(Reason.NOT_ENCRYPTED, f"{env.data_object.name} must be sealed")
        # 6. target
        if env.target != self.eui64:
            raise _Refusal(Reason.WRONG_TARGET, "addressed to another device")
        # 7. counter
        if env.counter <= self.counters.last(originator_id(env.originator)):
            raise _Refusal(Reason.REPLAYED, "counter not above the last accepted")
        # 8. validity window by this device's clock
        if now < env.valid_from:
            raise _Refusal(Reason.COMMAND_NOT_YET_VALID, "not yet valid")
        if now > env.valid_to:
            raise _Refusal(Reason.COMMAND_EXPIRED, "expired")
        payload = env.payload
        if env.sealed is not None:
            try:
                payload = sealing.open_sealed(self._signer.key, env.sealed, env.header_bytes)
            except sealing.SealError:
                raise _Refusal(Reason.DECRYPT_FAILED, "the sealed payload does not open") from None
        return role, payload


# ---- the other end: a head end checking a device's answer --------------------------------
def check_response(
    data: bytes,
    command: bytes,
    anchors: Sequence[x509.Certificate],
    *,
    intermediates: Sequence[x509.Certificate] = (),
    at: dt.datetime | None = None,
    crls: chain.RevocationLists | None = None,
) -> Envelope:
    """Decode and verify a device's signed response to ``command``; raise ``ChainError``.

    Checks: a response, signed by a certified device (chain, validity, revocation), whose
    EUI-64 is the command's target, naming the command's digest.
    """
    at = at or _utcnow()
    try:
        cmd = envelope.decode(command)
        env = envelope.decode(data)
    except envelope.DecodeError as exc:
        raise chain.ChainError(Reason.MALFORMED, str(exc)) from None
    if env.kind is not Kind.RESPONSE or env.signature is None:
        raise chain.ChainError(Reason.MALFORMED, "not a signed response")
    key = env.originator.public_key()
    try:
        assert isinstance(key, ec.EllipticCurvePublicKey)
        key.verify(env.signature, env.signed_bytes, ec.ECDSA(hashes.SHA256()))
    except (InvalidSignature, AssertionError):
        raise chain.ChainError(Reason.BAD_SIGNATURE, "the response's signature") from None
    inter = [*([env.issuer] if env.issuer else []), *intermediates]
    validated = chain.validate_chain(env.originator, inter, anchors, at, crls)
    if validated.role is not Role.DEVICE or validated.eui64 != cmd.target:
        raise chain.ChainError(Reason.WRONG_TARGET, "not the addressed device's answer")
    if env.reply_to != cmd.digest:
        raise chain.ChainError(Reason.MALFORMED, "the response names another command")
    return env
