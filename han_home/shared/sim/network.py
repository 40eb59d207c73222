"""The virtual home's network identity: its coordinator and its extended PAN id."""

from __future__ import annotations

import zigpy.types as t

COORDINATOR_NWK = t.NWK(0x0000)
COORDINATOR_IEEE = t.EUI64.convert("00:1b:c5:0c:60:00:00:01")
EXTENDED_PAN_ID = t.ExtendedPanId.convert("00:1b:c5:0c:60:00:00:01")
