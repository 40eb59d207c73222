"""The virtual meters verify signed commands themselves and apply only what they accept."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from han_home.shared.security import envelope, payloads
from han_home.shared.security.profiles import Role
from han_home.shared.security.reasons import Reason
from han_home.shared.security.verify import check_response
from han_home.shared.sim.demo_pki import demo_pki

from .conftest import START, eui


def answer(meter, command: bytes, clock) -> envelope.Envelope:
    """The meter's response, verified as a head end would (signed by that very meter)."""
    world = demo_pki()
    return check_response(meter.authority.handle(command), command, world.anchors,
                          intermediates=world.intermediates, at=clock.now())


def test_each_meter_has_its_own_certified_key(home):
    esme, gsme = home.esme.authority, home.gsme.authority
    assert esme.eui64 == eui(home.esme) and gsme.eui64 == eui(home.gsme)
    assert esme.signer.cert.public_key() != gsme.signer.cert.public_key()


def test_network_operator_corrects_a_drifted_clock(home, authors, clock):
    home.esme.clock_drift_s = -7 * 60  # the meter runs seven minutes slow
    rsp = answer(home.esme, authors[Role.NETWORK_OPERATOR].set_clock(eui(home.esme)), clock)
    assert rsp.reason is Reason.ACCEPTED
    assert abs(home.esme.meter_now() - clock.now()) < dt.timedelta(seconds=1)
    change = home.esme.authority.applied[-1]
    assert change.command == "set-clock" and change.role is Role.NETWORK_OPERATOR
    assert change.detail["corrected_by_s"] == 420
    read = answer(home.esme, authors[Role.SUPPLIER].read_clock(eui(home.esme)), clock)
    assert payloads.decode_time(read.payload) == clock.now().replace(microsecond=0)


def test_supplier_may_not_set_the_clock(home, authors, clock):
    home.esme.clock_drift_s = 300
    rsp = answer(home.esme, authors[Role.SUPPLIER].set_clock(eui(home.esme)), clock)
    assert rsp.reason is Reason.ROLE_NOT_ALLOWED
    assert home.esme.clock_drift_s == 300 and not home.esme.authority.applied


def test_top_up_is_sealed_and_adds_exactly_that(home, authors, clock):
    account = home.esme.account
    before = account.credit_gbp
    cmd = authors[Role.SUPPLIER].top_up(eui(home.esme), home.esme.authority.signer.cert,
                                        payloads.TopUp(77, Decimal("20.00")))
    assert b"\x00\x1e\x84\x80" not in cmd  # 2,000,000 (GBP 20 x 10^5) is not in the clear
    assert answer(home.esme, cmd, clock).reason is Reason.ACCEPTED
    assert account.credit_gbp == before + Decimal("20.00")
    assert home.esme.authority.applied[-1].holder == "Demo Energy Supplier"


def test_a_technician_cannot_top_up(home, authors, clock):
    before = home.esme.account.credit_gbp
    cmd = authors[Role.TECHNICIAN].top_up(eui(home.esme), home.esme.authority.signer.cert,
                                          payloads.TopUp(78, Decimal("5")))
    assert answer(home.esme, cmd, clock).reason is Reason.ROLE_NOT_ALLOWED
    assert home.esme.account.credit_gbp == before


def test_new_prices_apply_from_their_start_never_before(home, authors, clock):
    start = START + dt.timedelta(days=1)
    change = payloads.TariffChange(start, Decimal("0.61"), (Decimal("0.15"), Decimal("0.32")))
    old = home.esme.tariff.tier_and_rate(start - dt.timedelta(seconds=1))
    rsp = answer(home.esme, authors[Role.SUPPLIER].tariff(eui(home.esme), change), clock)
    assert rsp.reason is Reason.ACCEPTED
    assert home.esme.tariff.tier_and_rate(start - dt.timedelta(seconds=1)) == old
    tier, _label, rate = home.esme.tariff.tier_and_rate(start)
    assert rate == change.rates_gbp[tier - 1]
    assert home.esme.tariff.standing_charge_gbp(start) == Decimal("0.61")
    assert clock.next_due() is not None and clock.next_due() <= start  # PublishPrice then


def test_message_emergency_credit_and_debt(home, authors, clock):
    supplier, target = authors[Role.SUPPLIER], eui(home.esme)
    account = home.esme.account
    text = "Mae eich tariff yn newid ar 1 Rhagfyr"
    ok = Reason.ACCEPTED
    assert answer(home.esme, supplier.message(
        target, payloads.SupplierMessage(9, text)), clock).reason is ok
    assert home.esme.last_message[:2] == (9, text)
    assert answer(home.esme, supplier.emergency_credit(
        target, payloads.EmergencyCredit(Decimal("15"), Decimal("2"))), clock).reason is ok
    assert (account.emergency_limit_gbp, account.emergency_threshold_gbp) == (15, 2)
    assert answer(home.esme, supplier.debt(
        target, payloads.Debt(Decimal("30"), Decimal("0.75"))), clock).reason is ok
    assert (account.debt_gbp, account.recovery_gbp_per_day) == (30, Decimal("0.75"))


def test_the_occupier_takes_emergency_credit_only_when_offered(home, authors, clock):
    occupier, target, account = authors[Role.OCCUPIER], eui(home.esme), home.esme.account
    # GBP 12 of credit: above the threshold, nothing is offered
    assert answer(home.esme, occupier.use_emergency_credit(target), clock).reason \
        is Reason.NOT_APPLIED
    assert not account.emergency_selected
    account.credit_gbp = Decimal("0.40")
    assert answer(home.esme, occupier.use_emergency_credit(target), clock).reason \
        is Reason.ACCEPTED
    assert account.emergency_selected
    # the occupier still cannot change what is offered
    rsp = answer(home.esme, occupier.emergency_credit(
        target, payloads.EmergencyCredit(Decimal("500"), Decimal("400"))), clock)
    assert rsp.reason is Reason.ROLE_NOT_ALLOWED and account.emergency_limit_gbp == 10


def test_the_gas_meter_sets_its_clock_but_has_no_credit(home, authors, clock):
    home.gsme.clock_drift_s = 95
    net, sup = authors[Role.NETWORK_OPERATOR], authors[Role.SUPPLIER]
    assert answer(home.gsme, net.set_clock(eui(home.gsme)), clock).reason is Reason.ACCEPTED
    assert abs(home.gsme.clock_drift_s) < 1
    cmd = sup.top_up(eui(home.gsme), home.gsme.authority.signer.cert,
                     payloads.TopUp(1, Decimal("5")))
    assert answer(home.gsme, cmd, clock).reason is Reason.NOT_APPLIED


def test_block_prices_the_meter_spends_credit_at_each_units_block(home, authors, clock):
    """From the start, each kWh costs its tier's rate in the block the month's use has
    reached; a threshold crossed inside the hour splits it (ground truth: the register)."""
    import asyncio

    from han_home.shared.sim import load

    esme = home.esme
    now = clock.now()
    month = dt.datetime.fromtimestamp(
        load.local_midnight_ts(now.astimezone(load.LONDON).date().replace(day=1)), dt.UTC)
    used = esme.register_at(now) - esme.register_at(month)
    hour = esme.register_at(now + dt.timedelta(hours=1)) - esme.register_at(now)
    threshold = (used + hour / 2).quantize(Decimal("0.001"))  # crossed in the coming hour
    rates = (Decimal("0.10"), Decimal("0.20"))
    change = payloads.TariffChange(now, Decimal("0.5"), rates, (threshold,),
                                   ((Decimal("0.50"),), (Decimal("0.90"),)))
    assert answer(esme, authors[Role.SUPPLIER].tariff(eui(esme), change), clock).reason \
        is Reason.ACCEPTED
    esme.advance()
    before = esme.account.credit_gbp
    asyncio.run(clock.advance(3600))
    esme.advance()
    expected = Decimal(0)
    for k in range(2):
        t0, t1 = now + dt.timedelta(minutes=30 * k), now + dt.timedelta(minutes=30 * (k + 1))
        tier, _label, _rate = esme.tariff.tier_and_rate(t0)
        low, high = {1: (Decimal("0.10"), Decimal("0.50")),
                     2: (Decimal("0.20"), Decimal("0.90"))}[tier]
        a, b = esme.register_at(t0) - esme.register_at(month), esme.register_at(t1) - (
            esme.register_at(month))
        below = max(Decimal(0), min(b, threshold) - a)
        expected += below * low + (b - a - below) * high
    assert abs((before - esme.account.credit_gbp) - expected) < Decimal("0.000001")
    assert expected > hour * Decimal("0.10")  # the upper block was reached
