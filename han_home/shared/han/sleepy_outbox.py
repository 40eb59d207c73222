"""Envelopes for a sleepy meter, held by the gateway until the meter next wakes.

A battery gas meter sleeps between its half-hourly pushes and listens only for a moment
after each (SE 1.4 5.3.5: a sleepy end device's parent holds what is sent to it until it
polls). A frame sent to it now would wait in the parent's queue, and an answer could
come half an hour later, long after a head end's connection gave up. So, as a Smart
Energy gateway does for its sleepy end devices, the gateway keeps the envelope itself,
unchanged and unread, and sends it through the tunnel when the meter shows it is awake
(its push, an attribute report); the meter's signed answer is kept for the head end to
fetch with its ticket. The gateway signs nothing: "held" is its word, not the meter's.

Held envelopes are delivered in the order they came, each once: one the meter did not
answer while awake (it fell asleep mid-exchange) is offered again at its next wake; the
meter's replay counter makes a second application impossible. Unfetched results and
envelopes held longer than ``hold_s`` (clock seconds) are dropped.
"""

from __future__ import annotations

import asyncio
import logging
import secrets
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from han_home.shared.han.tunnel_client import TunnelClient, TunnelError
from han_home.shared.han.zcl_ids import METERING_CLUSTER

LOGGER = logging.getLogger(__name__)
HOLD_S = 24 * 3600  # a day: far beyond any envelope's validity window
MAX_HELD = 16  # per meter: what one wake can take; more is refused, never piled up


@dataclass
class _Held:
    ticket: bytes
    eui: str
    envelope: bytes
    owner: bytes  # the head end's certificate fingerprint: only it fetches the answer
    held_at: datetime
    answer: bytes | None = None


class SleepyOutbox:
    def __init__(self, gateway: Any, tunnel: TunnelClient,
                 on_answer: Callable[[bytes, bytes], None] | None = None,
                 hold_s: float = HOLD_S) -> None:
        self.gateway = gateway
        self.tunnel = tunnel
        self.on_answer = on_answer  # (envelope, the meter's answer)
        self.hold_s = hold_s
        self._queues: dict[str, deque[_Held]] = {}
        self._tickets: dict[bytes, _Held] = {}
        self._listening: set[str] = set()
        self._delivering: dict[str, asyncio.Task[None]] = {}

    def is_sleepy(self, eui: str) -> bool:
        """An end device whose receiver is off when idle (its node descriptor says so)."""
        device = self.gateway._zigpy_device(eui)
        desc = getattr(device, "node_desc", None) if device is not None else None
        return bool(desc is not None and desc.is_end_device
                    and not desc.is_receiver_on_when_idle)

    def hold(self, eui: str, envelope: bytes, owner: bytes) -> bytes | None:
        """Keep ``envelope`` for ``eui``'s next wake; its ticket (None: too many wait)."""
        self._expire()
        if len(self._queues.get(eui, ())) >= MAX_HELD:
            LOGGER.info("envelope for sleepy %s refused: %d already wait", eui, MAX_HELD)
            return None
        self._listen(eui)
        ticket = secrets.token_bytes(8)
        held = _Held(ticket, eui, envelope, owner, self.gateway.now())
        self._queues.setdefault(eui, deque()).append(held)
        self._tickets[ticket] = held
        LOGGER.info("envelope held for sleepy %s until it wakes (%d waiting)", eui,
                    len(self._queues[eui]))
        return ticket

    def result(self, ticket: bytes, owner: bytes) -> tuple[bool, bytes | None]:
        """(known, the meter's answer or None while it is still held)."""
        self._expire()
        held = self._tickets.get(ticket)
        if held is None or held.owner != owner:
            return False, None
        if held.answer is not None:
            del self._tickets[ticket]  # fetched once
        return True, held.answer

    def waiting(self, eui: str) -> int:
        return len(self._queues.get(eui, ()))

    # ---- the meter wakes ----------------------------------------------------------
    def _listen(self, eui: str) -> None:
        if eui in self._listening:
            return
        device = self.gateway._zigpy_device(eui)
        for ep_id, ep in (device.endpoints.items() if device is not None else ()):
            metering = ep.in_clusters.get(METERING_CLUSTER) if ep_id else None
            if metering is not None:
                metering.on_event("attribute_report", lambda _event: self.woke(eui))
                self._listening.add(eui)
                return

    def woke(self, eui: str) -> None:
        """The meter is awake (it just pushed): hand over what waits for it, now."""
        task = self._delivering.get(eui)
        if self._queues.get(eui) and (task is None or task.done()):
            self._delivering[eui] = asyncio.get_running_loop().create_task(self._deliver(eui))

    async def _deliver(self, eui: str) -> None:
        queue = self._queues[eui]
        while queue:
            held = queue[0]
            try:
                answer = await self.tunnel.transfer(eui, held.envelope)
            except TunnelError as exc:
                LOGGER.info("held envelope for %s not delivered yet: %s", eui, exc)
                return  # asleep again: at its next wake
            queue.popleft()
            held.answer = answer
            if self.on_answer is not None:
                self.on_answer(held.envelope, answer)

    def _expire(self) -> None:
        now = self.gateway.now()
        for ticket, held in list(self._tickets.items()):
            if (now - held.held_at).total_seconds() > self.hold_s:
                del self._tickets[ticket]
                queue = self._queues.get(held.eui)
                if queue and held in queue:
                    queue.remove(held)

    async def stop(self) -> None:
        for task in self._delivering.values():
            task.cancel()
        for task in self._delivering.values():
            try:
                await task
            except (asyncio.CancelledError, Exception):  # ending: nothing to report
                pass
        self._delivering.clear()
