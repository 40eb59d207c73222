"""``han-gateway run --wan HOST:PORT --wan-pki DIR`` on the virtual home.

The virtual meters' certificates come from this process's demo hierarchy, so the head-end
identities that can address them are written to DIR (han-pki's layout, keys encrypted
with the HAN_PKI_PASSPHRASE passphrase); the gateway gets its own device certificate and
listens with mutual TLS 1.3. Then, from another shell::

    han-headend --pki DIR --as supplier-hes --gateway HOST:PORT --meter EUI64 top-up --amount 5
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from han_home.shared.han.wan import WanEndpoint
from han_home.shared.security import tls
from han_home.shared.sim.demo_pki import demo_pki, export, give_gateway_identity


async def start_demo_wan(gateway: Any, host: str, port: int, folder: Path,
                         passphrase: bytes) -> tuple[WanEndpoint, int]:
    world = demo_pki()
    export(world, folder, passphrase)
    security = give_gateway_identity(gateway, world)
    me = security.identity
    chain, key, anchors = tls.write_identity(folder / "gateway", "gateway", me.cert, me.key,
                                             me.issuer, world.anchors, passphrase)
    wan = WanEndpoint(gateway, tls.server_context(chain, key, passphrase, anchors),
                      world.anchors, world.intermediates, tunnel=security.tunnel)
    return wan, await wan.start(host, port)
