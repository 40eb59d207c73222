"""Mutual TLS over a real socket with Python's ssl and the project's certificates."""

from __future__ import annotations

import asyncio
import ssl

import pytest
from cryptography.hazmat.primitives import serialization

from han_home.shared.security import pki, tls
from han_home.shared.security.chain import ChainError, RevocationLists
from han_home.shared.security.keystore import KeyStore
from han_home.shared.security.profiles import CaKind, DeviceType, Role, parse_eui64
from han_home.shared.security.reasons import Reason

PASS = b"tls test passphrase"
GATEWAY = parse_eui64("00:1B:C5:0C:60:00:00:01")


@pytest.fixture
def files(tmp_path):
    """The real hierarchy's files (now-dated: OpenSSL checks validity by the real clock)."""
    h = pki.make_hierarchy()
    keys = KeyStore(tmp_path / "keys", PASS)
    anchors = tmp_path / "anchors.pem"
    anchors.write_bytes(h.root.cert.public_bytes(serialization.Encoding.PEM))

    def holder(name, role, ca=None, **kw):
        key = pki.new_key()
        ca = ca or h.ca_for(role)
        cert = pki.issue(ca, role, name, key.public_key(), **kw)
        return (tls.write_chain(tmp_path / f"{name}.pem", cert, ca.cert),
                keys.save(name, key), cert)

    return h, anchors, holder


async def _exchange(server_ctx, client_ctx, on_server):
    results = {}

    async def handle(reader, writer):
        try:
            results["server"] = on_server(writer.get_extra_info("ssl_object"))
            writer.write(b"ok\n")
            await writer.drain()
        except ChainError as exc:
            results["server"] = exc.reason
        finally:
            writer.close()

    server = await asyncio.start_server(handle, "127.0.0.1", 0, ssl=server_ctx)
    port = server.sockets[0].getsockname()[1]
    try:
        reader, writer = await asyncio.open_connection("127.0.0.1", port, ssl=client_ctx)
        results["client_ssl"] = writer.get_extra_info("ssl_object")
        results["line"] = await reader.read(10)
        writer.close()
        await asyncio.sleep(0.05)
    finally:
        server.close()
        await server.wait_closed()
    return results


async def test_a_technician_reaches_the_gateway_and_both_sides_know_who(files):
    h, anchors, holder = files
    gw_chain, gw_key, _ = holder("gateway", Role.DEVICE, eui64=GATEWAY,
                                 device_type=DeviceType.GATEWAY)
    tech_chain, tech_key, _ = holder("technician", Role.TECHNICIAN)
    cas = [ca.cert for ca in h.cas.values()]
    crls = RevocationLists()
    results = await _exchange(
        tls.server_context(gw_chain, gw_key, PASS, anchors),
        tls.client_context(tech_chain, tech_key, PASS, anchors),
        lambda obj: tls.peer_chain(obj, [h.root.cert], cas, crls=crls).role)
    assert results["server"] is Role.TECHNICIAN and results["line"] == b"ok\n"
    assert results["client_ssl"].version() == "TLSv1.3"
    gateway = tls.peer_chain(results["client_ssl"], [h.root.cert], cas, expect_eui64=GATEWAY)
    assert gateway.role is Role.DEVICE and gateway.eui64 == GATEWAY


async def test_project_rules_beyond_openssl(files):
    """OpenSSL accepts the chain; the project's profile and CRLs still refuse."""
    h, anchors, holder = files
    gw_chain, gw_key, _ = holder("gateway", Role.DEVICE, eui64=GATEWAY,
                                 device_type=DeviceType.GATEWAY)
    fake_chain, fake_key, _ = holder("fake-operator", Role.NETWORK_OPERATOR,
                                     ca=h.cas[CaKind.SUPPLIER], unchecked=True)
    tech_chain, tech_key, tech = holder("technician", Role.TECHNICIAN)
    cas = [ca.cert for ca in h.cas.values()]
    installer = h.cas[CaKind.INSTALLER]
    crls = RevocationLists()
    crls.add(pki.make_crl(installer, [pki.Revocation(tech.serial_number,
                                                     tech.not_valid_before_utc)], 1),
             installer.cert)
    server_ctx = tls.server_context(gw_chain, gw_key, PASS, anchors)
    check = lambda obj: tls.peer_chain(obj, [h.root.cert], cas, crls=crls).role  # noqa: E731
    wrong_kind = await _exchange(server_ctx, tls.client_context(fake_chain, fake_key, PASS,
                                                                anchors), check)
    assert wrong_kind["server"] is Reason.WRONG_CA_KIND
    revoked = await _exchange(server_ctx, tls.client_context(tech_chain, tech_key, PASS,
                                                             anchors), check)
    assert revoked["server"] is Reason.REVOKED


async def test_a_client_from_another_hierarchy_fails_the_handshake(files, tmp_path):
    h, anchors, holder = files
    gw_chain, gw_key, _ = holder("gateway", Role.DEVICE, eui64=GATEWAY,
                                 device_type=DeviceType.GATEWAY)
    other = pki.make_hierarchy()
    key = pki.new_key()
    cert = pki.issue(other.ca_for(Role.TECHNICIAN), Role.TECHNICIAN, "stranger",
                     key.public_key())
    chain_path = tls.write_chain(tmp_path / "stranger.pem", cert,
                                 other.ca_for(Role.TECHNICIAN).cert)
    key_path = KeyStore(tmp_path / "other-keys", PASS).save("stranger", key)
    other_anchors = tmp_path / "other-anchors.pem"
    other_anchors.write_bytes(h.root.cert.public_bytes(serialization.Encoding.PEM))
    reached: list[object] = []
    with pytest.raises((ssl.SSLError, ConnectionError, asyncio.IncompleteReadError)):
        results = await _exchange(
            tls.server_context(gw_chain, gw_key, PASS, anchors),
            tls.client_context(chain_path, key_path, PASS, other_anchors),
            reached.append)
        if results.get("line") == b"":
            raise ConnectionError("closed by the server")
    assert not reached  # the server's handler never ran: OpenSSL refused the client
