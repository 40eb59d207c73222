"""A whole virtual home from a seed: meters, display, neighbours, their labels and tariff."""

from __future__ import annotations

import asyncio
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any

from crccheck.crc import CrcX25

from han_home.shared.energy.premises import make_mpan, make_mprn
from han_home.shared.energy.supplier_tariff import SupplierTariff
from han_home.shared.han.clock import Clock
from han_home.shared.sim.air import VirtualAir
from han_home.shared.sim.clock import SimClock
from han_home.shared.sim.device import DeviceLabel, VirtualDevice
from han_home.shared.sim.meters import (
    ElectricityMeter,
    GasMeter,
    InHomeDisplay,
    PrepaymentAccount,
    SupplierMessage,
)
from han_home.shared.sim.tariff import EsmeTariff

OUI = (0x00, 0x1B, 0xC5)  # an IEEE-registered OUI-24 (seed IM.5: EUI-64 identities)

DEFAULT_MESSAGES = (
    SupplierMessage(20 * 60, "Your new tariff starts on 1 December. Unit rates fall by 2%."),
    SupplierMessage(
        26 * 3600,
        "Diolch am dalu’n brydlon. Cysylltwch â ni os oes angen help arnoch chi gyda’ch bil.",
    ),
)


def make_install_code(rng: random.Random) -> bytes:
    """16 random bytes plus their CRC-16/X.25, little-endian: an 18-byte install code."""
    body = bytes(rng.getrandbits(8) for _ in range(16))
    crc = CrcX25.calc(body)
    return body + crc.to_bytes(2, "little")


def make_eui64(rng: random.Random) -> str:
    tail = [rng.getrandbits(8) for _ in range(5)]
    return ":".join(f"{b:02x}" for b in (*OUI, *tail))


LAYOUTS = ("house", "flats")
FLATS_NEIGHBOURS = 3  # a shared meter cupboard: three other flats' meters beside ours


def give_premises(seed: int, home: str, esme: VirtualDevice, gsme: VirtualDevice) -> None:
    """The home's MPAN core and MPRN in its meters' SiteID, and their case serials. Drawn
    from their own seed so the devices' EUI-64s and install codes stay as they were."""
    rng = random.Random(f"premises:{seed}:{home}")
    esme.site_id, gsme.site_id = make_mpan(rng), make_mprn(rng)
    year = 19 + rng.randrange(7)
    esme.serial = f"{year}L{rng.randrange(10**7):07d}"  # maker's letter, seven digits
    gsme.serial = f"G4K{rng.randrange(10**8):08d}"


@dataclass
class HomeOptions:
    seed: int = 7
    start: datetime | None = None
    speed: float = 1.0
    prepayment: bool = True
    neighbours: int = 2
    # house: the neighbours' meters are further away than ours; flats: several homes'
    # meters side by side in one cupboard, at signal strengths like our own
    layout: str = "house"
    loss_rate: float = 0.0
    meter_rate_factor: Decimal = Decimal(1)
    messages: tuple[SupplierMessage, ...] = DEFAULT_MESSAGES
    tariff: SupplierTariff = field(default_factory=SupplierTariff)
    # the home's time; by default a SimClock from `start` at `speed` (tests: ManualClock)
    clock: Clock | None = None


class VirtualHome:
    """The home's own devices plus neighbours in radio range, all on one virtual air."""

    def __init__(self, options: HomeOptions | None = None) -> None:
        self.options = options or HomeOptions()
        opts = self.options
        self.clock: Clock = opts.clock or SimClock(opts.start, opts.speed)
        self.air = VirtualAir(self.clock, seed=opts.seed, loss_rate=opts.loss_rate)
        rng = random.Random(opts.seed)
        self.tariff = opts.tariff
        self.esme = ElectricityMeter(
            self.air,
            make_eui64(rng),
            make_install_code(rng),
            "home",
            seed=opts.seed,
            tariff=EsmeTariff(self.tariff.electricity),
            prepayment=PrepaymentAccount() if opts.prepayment else None,
            messages=opts.messages,
            meter_rate_factor=opts.meter_rate_factor,
        )
        self.gsme = GasMeter(
            self.air,
            make_eui64(rng),
            make_install_code(rng),
            "home",
            seed=opts.seed,
            cv_mj_per_m3=self.tariff.gas_cv,
        )
        self.ihd = InHomeDisplay(self.air, make_eui64(rng), make_install_code(rng), "home")
        self.own: list[VirtualDevice] = [self.esme, self.gsme, self.ihd]
        give_premises(opts.seed, "home", self.esme, self.gsme)
        self.neighbours: list[VirtualDevice] = []
        flats = opts.layout == "flats"
        for n in range(max(opts.neighbours, FLATS_NEIGHBOURS) if flats else opts.neighbours):
            nrng = random.Random(f"neighbour:{opts.seed}:{n}")
            home = f"neighbour-{n + 1}"
            esme = ElectricityMeter(
                self.air,
                make_eui64(nrng),
                make_install_code(nrng),
                home,
                seed=opts.seed + 100 + n,
                tariff=EsmeTariff(self.tariff.electricity),
                prepayment=None,
                messages=(),
            )
            esme.lqi, esme.rssi = 90 - 20 * n, -82 - 5 * n  # further away than our own meters
            gsme = GasMeter(
                self.air, make_eui64(nrng), make_install_code(nrng), home, seed=opts.seed + 200 + n
            )
            gsme.lqi, gsme.rssi = 70 - 15 * n, -88 - 4 * n
            if flats:  # the next meter along the cupboard's wall: as loud as our own
                esme.lqi, esme.rssi = 210 - 8 * n, -58 - 2 * n
                gsme.lqi, gsme.rssi = 168 - 6 * n, -69 - 2 * n
            give_premises(opts.seed, home, esme, gsme)
            self.neighbours += [esme, gsme]
        self.gsme.lqi, self.gsme.rssi = 160, -71
        self.ihd.lqi, self.ihd.rssi = 230, -48
        for device in (*self.own, *self.neighbours):
            self.air.add(device)
        self._tasks: list[asyncio.Task[None]] = []

    def labels(self) -> list[DeviceLabel]:
        """The labels on the boxes of this home's own devices (never the neighbours')."""
        return [device.label for device in self.own]

    def neighbour_labels(self) -> list[DeviceLabel]:
        """The labels of the neighbours' meters (a training job can mix them up with ours)."""
        return [device.label for device in self.neighbours]

    def premises(self) -> tuple[str, str]:
        """(MPAN core, MPRN) of this home."""
        return self.esme.site_id, self.gsme.site_id

    def meters(self) -> list[VirtualDevice]:
        return [self.esme, self.gsme]

    def start(self) -> None:
        if self._tasks:
            return
        loop = asyncio.get_running_loop()
        self._tasks = [loop.create_task(d.run()) for d in (*self.own, *self.neighbours)]

    async def stop(self) -> None:
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        self._tasks = []
        for device in (*self.own, *self.neighbours):
            device.left_network()

    # ---- as a radio's surroundings (shared/han/radios.py RadioSurroundings) -----
    def radio_config(self) -> dict[str, Any]:
        return {"sim_air": self.air}

    def watch_radio(self, lost: Callable[[], None]) -> None:
        self.air.on_radio_lost = lost

    # ---- appliances (a known truth for the display's insights) --------------------
    def switch_appliance(self, name: str, watts: int | None) -> None:
        """Switch a named load on (watts) or off (None) now, on the electricity meter."""
        self.esme.advance()  # the meter's values up to now, before the load changes
        ts = int(self.air.clock.now().timestamp())
        if watts is None:
            self.esme.appliances.switch_off(name, ts)
        else:
            self.esme.appliances.switch_on(name, watts, ts)

    # ---- fault injection -----------------------------------------------------
    def unplug_radio(self) -> None:
        self.air.unplug()

    def plug_radio(self) -> None:
        self.air.plug()
