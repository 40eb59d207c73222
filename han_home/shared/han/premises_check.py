"""The gateway's premises check: a meter of other premises is never admitted as this home's.

After the interview the gateway reads each meter's SiteID (Metering 0x0307: the MPAN core
of an electricity meter, the MPRN of a gas meter) and MeterSerialNumber (0x0308). When the
job named its premises and the SiteID differs, the meter is not configured (no bindings,
no reporting, no readings) and is told to leave without rejoining.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any

from han_home.shared.energy.premises import digits_only, same_site
from han_home.shared.han.registry import Role

LOGGER = logging.getLogger(__name__)
IDENTITY_ATTRIBUTES = ("site_id", "meter_serial_number")


def _text(value: Any) -> str | None:
    """An octet-string attribute as text (None when the meter did not give it)."""
    if value is None:
        return None
    raw = bytes(value) if isinstance(value, bytes | bytearray) else str(value).encode()
    text = raw.decode("ascii", errors="replace").strip().strip("\0")
    return text or None


async def read_identity(metering: Any) -> tuple[str | None, str | None]:
    """(SiteID, MeterSerialNumber) of a meter; None for each it does not support."""
    try:
        got, _failed = await metering.read_attributes(list(IDENTITY_ATTRIBUTES))
    except Exception as exc:  # an old meter may refuse the read: then nothing is known
        LOGGER.info("Reading the premises identity failed: %s", type(exc).__name__)
        return None, None
    return _text(got.get("site_id")), _text(got.get("meter_serial_number"))


@dataclass
class PremisesCheck:
    """The job's premises ids by meter kind; empty: no check (the display's own gateway)."""

    sites: dict[Role, str] = field(default_factory=dict)
    foreign: dict[str, str] = field(default_factory=dict)  # eui64 -> the SiteID it gave

    def expect(self, mpan: str | None, mprn: str | None) -> None:
        self.sites = {role: digits_only(site) for role, site in
                      ((Role.ELECTRICITY, mpan), (Role.GAS, mprn)) if site}
        self.foreign.clear()

    def belongs_elsewhere(self, eui64: str, role: Role, site_id: str | None) -> bool:
        """True when the job named this kind's premises and the meter gave another SiteID
        (a meter that gives none is left to the installer's guards, not sent away)."""
        expected = self.sites.get(role)
        if expected is None or site_id is None or same_site(site_id, expected):
            return False
        self.foreign[eui64] = site_id
        return True
