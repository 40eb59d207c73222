"""The display's steady memory (issue 7 part 6): code it seldom needs is loaded on first
use, not at start. Each probe runs in a fresh interpreter (other tests in this process
load these modules for their own reasons)."""

from __future__ import annotations

import json
import subprocess
import sys

PKI_MODULES = ("cryptography.x509", "han_home.shared.security.pki",
               "han_home.shared.sim.meter_authority")


def _probe(code: str) -> dict[str, object]:
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr
    result: dict[str, object] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def test_a_virtual_meter_gets_its_certificate_when_first_asked() -> None:
    got = _probe(
        "import json, sys, datetime as dt\n"
        "from han_home.shared.han.clock import ManualClock\n"
        "from han_home.shared.sim.home import HomeOptions, VirtualHome\n"
        "home = VirtualHome(HomeOptions(seed=7, clock=ManualClock("
        "dt.datetime(2026, 10, 24, tzinfo=dt.UTC))))\n"
        f"names = {PKI_MODULES!r}\n"
        "before = [n for n in names if n in sys.modules]\n"
        "cert = home.esme.authority.signer.cert\n"
        "print(json.dumps({'before': before, 'after': [n for n in names if n in sys.modules],"
        " 'same': home.esme.authority is home.esme.authority,"
        " 'holder': cert.subject.rfc4514_string(),"
        " 'meter': f'{home.esme.model} {home.esme.ieee}'}))\n"
    )
    assert got["before"] == []  # built, commissioned and reporting without the PKI
    assert got["after"] == list(PKI_MODULES)
    assert got["same"] is True  # manufactured once
    assert f"CN={got['meter']}" in str(got["holder"])  # its own certificate, as before


def test_zigpy_clusters_no_virtual_device_carries_wait_until_asked() -> None:
    got = _probe(
        "import json, datetime as dt\n"
        "from han_home.shared.han.deferred_imports import (UNUSED_BY_VIRTUAL_HOME,"
        " defer_zigpy_clusters, is_loaded)\n"
        "first = defer_zigpy_clusters()\n"
        "from han_home.shared.han.clock import ManualClock\n"
        "from han_home.shared.han.setup import RadioOptions, build_gateway\n"
        "from han_home.shared.sim.home import HomeOptions, VirtualHome\n"
        "import zigpy.zcl.clusters as clusters\n"
        "from zigpy.zcl import Cluster\n"
        "home = VirtualHome(HomeOptions(seed=7, clock=ManualClock("
        "dt.datetime(2026, 10, 24, tzinfo=dt.UTC))))\n"
        "loaded = [n for n in UNUSED_BY_VIRTUAL_HOME if is_loaded('zigpy.zcl.clusters.' + n)]\n"
        "se = 0x0702 in Cluster._registry and 0x0000 in Cluster._registry\n"
        "color = clusters.lighting.Color\n"  # asked for: loaded and registered then
        "print(json.dumps({'first': first, 'again': defer_zigpy_clusters(), 'loaded': loaded,"
        " 'se': se, 'color': Cluster._registry.get(0x0300) is color,"
        " 'now': is_loaded('zigpy.zcl.clusters.lighting')}))\n"
    )
    assert got == {"first": True, "again": False, "loaded": [], "se": True, "color": True,
                   "now": True}


def test_sources_pyside_scanned_before_the_lighter_check_are_not_kept() -> None:
    got = _probe(
        "import json, linecache\n"
        "from PySide6 import QtCore\n"
        "import colorsys\n"  # scanned by PySide6's own check: its lines land in linecache
        "before = any(k.endswith('colorsys.py') for k in linecache.cache)\n"
        "from han_home.shared.ui.pyside_imports import lighten_pyside_import_scan\n"
        "hooked = lighten_pyside_import_scan()\n"
        "import wave\n"  # scanned by the lighter check: nothing cached
        "kept = sorted(k for k, v in linecache.cache.items() if v[1] is not None)\n"
        "print(json.dumps({'before': before, 'hooked': hooked, 'kept': kept}))\n"
    )
    assert got["hooked"] is True
    assert got["before"] is True  # what the clean-up is for (PySide6's check caches lines)
    assert got["kept"] == []


def test_zigpys_device_database_waits_until_a_database_is_configured() -> None:
    got = _probe(
        "import json\n"
        "from han_home.shared.han.deferred_imports import is_loaded\n"
        "import han_home.shared.han.gateway, han_home.shared.sim.radio, zigpy.application\n"
        "before = is_loaded('zigpy.appdb')\n"
        "import zigpy.appdb\n"
        "listener = zigpy.appdb.PersistingListener\n"  # used: the real module, loaded now
        "print(json.dumps({'before': before, 'after': is_loaded('zigpy.appdb'),"
        " 'real': listener.__module__}))\n"
    )
    assert got == {"before": False, "after": True, "real": "zigpy.appdb"}


def test_zigpys_online_firmware_providers_wait_until_a_configuration_names_one() -> None:
    """zigpy.ota.providers builds an SSL context with the system's CA store when it is
    imported (~2 MiB): a gateway on the virtual home, started and commissioned, never
    loads it; asked for, it is the real module."""
    got = _probe(
        "import asyncio, json, datetime as dt\n"
        "from han_home.shared.han.clock import ManualClock\n"
        "from han_home.shared.han.deferred_imports import is_loaded\n"
        "from han_home.shared.han.setup import RadioOptions, build_gateway\n"
        "async def main():\n"
        "    clock = ManualClock(dt.datetime(2026, 10, 24, tzinfo=dt.UTC))\n"
        "    gateway = build_gateway(RadioOptions(sim_seed=7, sim_clock=clock))\n"
        "    gateway.config.gas_profile_prime_from = clock.now()\n"
        "    await gateway.start()\n"
        "    done = await clock.run(gateway.commission_expected(), within=300)\n"
        "    await gateway.stop()\n"
        "    return done\n"
        "done = asyncio.run(main())\n"
        "before = is_loaded('zigpy.ota.providers')\n"
        "import zigpy.ota\n"
        "tradfri = zigpy.ota.providers.Tradfri\n"
        "print(json.dumps({'done': bool(done), 'before': before,"
        " 'after': is_loaded('zigpy.ota.providers'), 'real': tradfri.__module__}))\n"
    )
    assert got == {"done": True, "before": False, "after": True, "real": "zigpy.ota.providers"}
