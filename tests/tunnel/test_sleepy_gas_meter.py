"""The sleepy gas meter through the WAN, on a ManualClock: the gateway holds the envelope,
tells the head end HELD at once (its own word, signed by nobody), delivers it through the
tunnel when the meter next wakes and keeps the meter's signed answer for the head end."""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Callable

from han_home.shared.han.clock import ManualClock
from han_home.shared.security import envelope, payloads
from han_home.shared.security.profiles import Role
from han_home.shared.security.reasons import Reason
from han_home.shared.security.wan_frames import WanStatus, fetch_result

from .wan_world import eui_of, wan_world

START = dt.datetime(2026, 10, 24, 12, 3, tzinfo=dt.UTC)


async def real_until(predicate: Callable[[], bool], within_s: float = 30.0) -> None:
    """The tunnel's frames are real asyncio I/O: let them run (the clock stays put)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + within_s
    while not predicate():
        assert loop.time() < deadline, "not within the real-time limit"
        await asyncio.sleep(0.01)


async def test_envelopes_for_the_sleeping_gas_meter_are_held_then_answered(tmp_path):
    clock = ManualClock(START)
    async with wan_world(tmp_path, clock=clock) as w:
        gsme = w.home.gsme
        target = eui_of(gsme)
        await clock.advance(5)
        assert not gsme.awake
        gsme.clock_drift_s = -300  # five minutes slow
        command = w.authors[Role.NETWORK_OPERATOR].read_clock(target)
        status, ticket = await w.send(target, command, via=Role.NETWORK_OPERATOR)
        # at once, and not the meter's word: a ticket, nothing sent to the meter yet
        assert status is WanStatus.HELD and len(ticket) == 8
        # a second one (not allowed: a supplier setting the clock) waits behind it
        refused = w.authors[Role.SUPPLIER].set_clock(target)
        status, ticket2 = await w.send(target, refused)
        assert status is WanStatus.HELD and ticket2 != ticket
        assert w.wan.outbox.waiting(str(gsme.ieee)) == 2
        # no pile-up for a sleeping meter: the gateway holds at most MAX_HELD for it
        from han_home.shared.han.sleepy_outbox import MAX_HELD

        more = []
        for _ in range(MAX_HELD - 2):
            status, body = await w.send(target, w.authors[Role.SUPPLIER].read_clock(target))
            assert status is WanStatus.HELD
            more.append(body)
        status, body = await w.send(target, w.authors[Role.SUPPLIER].read_clock(target))
        assert (status, body) == (WanStatus.HELD_FULL, b"")
        frames = w.home.air.frames_down[str(gsme.ieee)]
        port, ctx = w.port, w.client_ssl
        assert await fetch_result("127.0.0.1", port, ctx[Role.NETWORK_OPERATOR], ticket) == (
            WanStatus.HELD, ticket)
        # another head end cannot take (or learn) that answer
        assert await fetch_result("127.0.0.1", port, ctx[Role.SUPPLIER], ticket) == (
            WanStatus.UNKNOWN_TICKET, b"")
        assert w.home.air.frames_down[str(gsme.ieee)] == frames  # held by the gateway

        # the meter wakes at its next half-hourly push, polls, and gets the envelope
        wake = START.replace(minute=30)
        await clock.run_until(wake - dt.timedelta(seconds=1))
        assert w.wan.outbox.waiting(str(gsme.ieee)) == MAX_HELD  # not before it wakes
        await clock.run_until(wake + dt.timedelta(seconds=1))
        await real_until(lambda: w.wan.outbox.waiting(str(gsme.ieee)) == 0)
        status, answer = await fetch_result("127.0.0.1", port, ctx[Role.NETWORK_OPERATOR],
                                            ticket)
        assert status is WanStatus.DELIVERED
        rsp = w.verify(answer, command)  # the gas meter's own signed answer
        assert rsp.reason is Reason.ACCEPTED
        assert rsp.originator == gsme.authority.signer.cert
        # its clock as it read it when it woke (five minutes slow), not when it was asked
        meter_time = payloads.decode_time(rsp.payload)
        assert abs((meter_time - (wake - dt.timedelta(minutes=5))).total_seconds()) <= 2
        status, answer = await fetch_result("127.0.0.1", port, ctx[Role.SUPPLIER], ticket2)
        assert status is WanStatus.DELIVERED
        assert w.verify(answer, refused).reason is Reason.ROLE_NOT_ALLOWED
        assert gsme.clock_drift_s == -300
        assert w.wan.delivered == MAX_HELD  # all of them in that one wake, in order
        for held in more:
            status, answer = await fetch_result("127.0.0.1", port, ctx[Role.SUPPLIER], held)
            assert status is WanStatus.DELIVERED
        # fetched once; a ticket nobody issued is unknown
        assert (await fetch_result("127.0.0.1", port, ctx[Role.NETWORK_OPERATOR], ticket))[0] \
            is WanStatus.UNKNOWN_TICKET
        assert (await fetch_result("127.0.0.1", port, ctx[Role.NETWORK_OPERATOR],
                                   bytes(8)))[0] is WanStatus.UNKNOWN_TICKET
        # the HELD body was never an envelope
        try:
            envelope.decode(ticket)
        except envelope.DecodeError:
            pass
        else:
            raise AssertionError("a ticket decoded as an envelope")
        # a mains meter is still answered directly
        cmd = w.authors[Role.SUPPLIER].read_clock(eui_of(w.home.esme))
        status, answer = await clock.run(w.send(eui_of(w.home.esme), cmd), within=60)
        assert status is WanStatus.DELIVERED


def _next_push(when: dt.datetime) -> dt.datetime:
    return dt.datetime.fromtimestamp((int(when.timestamp()) // 1800 + 1) * 1800, dt.UTC)


async def wake_until_delivered(clock: ManualClock, held: Callable[[], int], tries: int) -> None:
    """Run the home to the meter's next pushes until the gateway's held frames went out.
    The meter's receiver is on for 50 ms of host time after a push: on a loaded host (the
    head-end's TLS in a thread beside the event loop) the gateway can miss that moment,
    and the meter then takes them at its next wake, as a real sleepy meter does. Each
    try is a wake inside the commands' validity."""
    for _ in range(tries):
        await clock.run_until(_next_push(clock.now()) + dt.timedelta(seconds=1))
        try:
            await real_until(lambda: held() == 0, within_s=3.0)
            return
        except AssertionError:
            continue
    raise AssertionError(f"the held frames were not taken at {tries} wakes")


async def test_han_headend_held_result_and_wait(tmp_path, monkeypatch, capsys):
    """han-headend signs by the wall clock: the home's ManualClock starts a little before
    it, so the meter's next wake falls inside the commands' validity window."""
    import re

    from han_home.shared.security.headend_cli import main
    from han_home.shared.sim.demo_pki import demo_pki, export

    from .test_headend_cli import PASS, _args

    monkeypatch.setenv("HAN_PKI_PASSPHRASE", PASS)
    for var in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        monkeypatch.delenv(var, raising=False)
    pki_dir = export(demo_pki(), tmp_path / "pki", PASS.encode())
    clock = ManualClock(dt.datetime.now(dt.UTC) - dt.timedelta(minutes=4))
    async with wan_world(tmp_path / "w", clock=clock) as w:
        gsme = w.home.gsme
        eui = str(gsme.ieee)
        await clock.advance(5)

        def headend(*command: str) -> list[str]:
            return _args(pki_dir, "network-operator", w.port, gsme.ieee, *command)

        code = await asyncio.to_thread(main, headend("read-clock"))
        out = capsys.readouterr().out
        assert code == 3 and "Held by the gateway until the meter next wakes" in out
        ticket = re.search(r"Ticket ([0-9a-f]{16})", out).group(1)
        code = await asyncio.to_thread(main, headend("result", ticket))
        assert code == 3 and "Held by the gateway" in capsys.readouterr().out

        await wake_until_delivered(clock, lambda: w.wan.outbox.waiting(eui), tries=3)
        code = await asyncio.to_thread(main, headend("result", ticket))
        assert code == 0
        assert "Accepted: the meter applied read-clock" in capsys.readouterr().out
        code = await asyncio.to_thread(main, headend("result", ticket))  # asked already
        assert code == 2 and "No command held with ticket" in capsys.readouterr().err

        # --wait: the command line waits while the meter sleeps, and prints its answer
        waiting = asyncio.ensure_future(asyncio.to_thread(
            main, headend("--wait", "--timeout", "20", "--valid", "90", "read-clock")))
        await real_until(lambda: w.wan.outbox.waiting(eui) == 1)
        await wake_until_delivered(clock, lambda: w.wan.outbox.waiting(eui), tries=2)
        assert await asyncio.wait_for(waiting, 20) == 0
        out = capsys.readouterr().out
        assert "Meter " in out and "clock" in out and "Held" not in out
        code = await asyncio.to_thread(main, headend("result", "12ab"))
        assert code == 2 and "is not a ticket" in capsys.readouterr().err
        code = await asyncio.to_thread(main, headend("--valid", "0", "read-clock"))
        assert code == 2 and "--valid must be" in capsys.readouterr().err
