"""The gateway's WAN end point: mutual TLS 1.3 in, the tunnel to the meter out.

Head ends (supplier, network operator, technicians' tools) connect with a certificate of
the project's PKI; OpenSSL checks the chain to the anchors, ``tls.peer_chain`` the
project's rules (role bound to CA kind, validity, revocation). That is the only check the
gateway makes: whether a command may be applied is the meter's decision, because the
envelope is signed end to end by its originator and the gateway holds no key that could
sign one (its own certificate is a device's, which no ACL cell allows to command).

Each connection carries WAN frames (``security/wan_frames.py``): the envelope is routed
unchanged to the target meter through ``TunnelClient`` and the meter's signed response is
relayed back unchanged. An envelope for a sleepy meter is held for its next wake
(``sleepy_outbox.py``): the head end is told HELD at once with a ticket and fetches the
meter's signed answer later with it.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging
import ssl
from collections.abc import Sequence
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import hashes

from han_home.shared.han.changes import (
    ChangeEvent,
    apply_tariff,
    change_notice,
    tariff_change_of,
)
from han_home.shared.han.sleepy_outbox import SleepyOutbox
from han_home.shared.han.tunnel_client import TunnelClient, TunnelError
from han_home.shared.security.chain import ChainError, RevocationLists
from han_home.shared.security.profiles import format_eui64
from han_home.shared.security.tls import peer_chain
from han_home.shared.security.wan_frames import (
    OP_RESULT,
    FrameError,
    WanStatus,
    read_frame,
    reply,
)

LOGGER = logging.getLogger(__name__)


class WanEndpoint:
    def __init__(self, gateway: Any, ssl_context: ssl.SSLContext,
                 anchors: Sequence[x509.Certificate],
                 intermediates: Sequence[x509.Certificate],
                 crls: RevocationLists | None = None,
                 tunnel: TunnelClient | None = None) -> None:
        if ssl_context.minimum_version < ssl.TLSVersion.TLSv1_3:
            raise ValueError("the WAN end point speaks TLS 1.3 only")
        self.gateway = gateway
        self.ssl_context = ssl_context
        self.anchors, self.intermediates = list(anchors), list(intermediates)
        self.crls = crls
        self.tunnel = tunnel or TunnelClient(gateway)
        self.outbox = SleepyOutbox(gateway, self.tunnel, on_answer=self._relayed)
        self._server: asyncio.Server | None = None
        self.delivered = 0
        self.refused_peers = 0

    async def start(self, host: str = "127.0.0.1", port: int = 0) -> int:
        """Listen; returns the port (0 picks a free one)."""
        self._server = await asyncio.start_server(self._connection, host, port,
                                                  ssl=self.ssl_context)
        return int(self._server.sockets[0].getsockname()[1])

    async def stop(self) -> None:
        await self.outbox.stop()
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()
            self._server = None

    async def _connection(self, reader: asyncio.StreamReader,
                          writer: asyncio.StreamWriter) -> None:
        try:
            ssl_object = writer.get_extra_info("ssl_object")
            try:
                peer = peer_chain(ssl_object, self.anchors, self.intermediates,
                                  at=dt.datetime.now(dt.UTC), crls=self.crls)
            except ChainError as exc:
                self.refused_peers += 1
                LOGGER.info("WAN peer refused: %s (%s)", exc.reason.name, exc)
                return
            LOGGER.info("WAN peer %s (%s)", peer.leaf.subject.rfc4514_string(), peer.role)
            owner = peer.leaf.fingerprint(hashes.SHA256())
            while True:
                try:
                    op, target, body = await read_frame(reader)
                except asyncio.IncompleteReadError:
                    return  # the head end hung up
                except FrameError as exc:
                    writer.write(reply(exc.status))
                    await writer.drain()
                    return  # the rest of an oversized frame is not read: close
                if op == OP_RESULT:
                    writer.write(self._result(target, owner))
                else:
                    writer.write(await self._route(target, body, owner))
                await writer.drain()
        except (ConnectionError, ssl.SSLError) as exc:
            LOGGER.info("WAN connection ended: %s", exc)
        finally:
            writer.close()
            with contextlib.suppress(ConnectionError, ssl.SSLError, OSError):
                await writer.wait_closed()

    async def _route(self, target: bytes, body: bytes, owner: bytes = b"") -> bytes:
        eui = format_eui64(target).lower()
        if self.outbox.is_sleepy(eui):  # asleep: held for its next wake, told so at once
            ticket = self.outbox.hold(eui, body, owner)
            return reply(WanStatus.HELD, ticket) if ticket else reply(WanStatus.HELD_FULL)
        try:
            answer = await self.tunnel.transfer(eui, body)
        except TunnelError as exc:
            LOGGER.info("WAN envelope for %s not delivered: %s", eui, exc)
            return reply(WanStatus.NO_ANSWER if exc.no_answer else WanStatus.UNKNOWN_DEVICE)
        self._relayed(body, answer)
        return reply(WanStatus.DELIVERED, answer)

    def _relayed(self, command: bytes, answer: bytes) -> None:
        self.delivered += 1
        self._notice(command, answer)

    def _result(self, ticket: bytes, owner: bytes) -> bytes:
        known, answer = self.outbox.result(ticket, owner)
        if not known:
            return reply(WanStatus.UNKNOWN_TICKET)
        if answer is None:
            return reply(WanStatus.HELD, ticket)
        return reply(WanStatus.DELIVERED, answer)

    def _notice(self, command: bytes, answer: bytes) -> None:
        """Tell the display about a change the meter applied (after it said so, signed)."""
        notice = change_notice(command, answer, self.anchors, self.intermediates,
                               self.gateway.now())
        if notice is None:
            return
        if notice.kind == "tariff":  # the display's costs follow from the moment it applies
            change = tariff_change_of(command)
            tariffs = getattr(self.gateway, "tariffs", None)
            if change is not None and tariffs is not None and notice.meter_eui64 in (
                    self._electricity_meters()):
                if not apply_tariff(tariffs.electricity, change):
                    LOGGER.warning("A tariff change the meter accepted has no tiers to match")
        self.gateway._emit(ChangeEvent(notice))

    def _electricity_meters(self) -> set[bytes]:
        from han_home.shared.han.registry import Role

        return {bytes.fromhex(r.eui64.replace(":", ""))
                for r in self.gateway.registry.by_role(Role.ELECTRICITY)}
