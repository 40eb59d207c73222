"""End-to-end sealing (SP.2): only the target's key opens it; tampering is detected."""

from __future__ import annotations

import os
import stat

import pytest

from han_home.shared.security import pki
from han_home.shared.security.keystore import KeyStore, KeyStoreError
from han_home.shared.security.sealing import Sealed, SealError, open_sealed, seal

AAD = b"HE\x01 header octets"
SECRET = b"new network key 0123456789abcdef"


def test_round_trip_and_fresh_per_message():
    key = pki.new_key()
    a, b = seal(key.public_key(), SECRET, AAD), seal(key.public_key(), SECRET, AAD)
    assert open_sealed(key, a, AAD) == SECRET == open_sealed(key, b, AAD)
    assert a.ephemeral != b.ephemeral and a.ciphertext != b.ciphertext
    assert SECRET not in a.to_bytes()
    assert len(a.ciphertext) == len(SECRET) + 16
    assert Sealed.from_bytes(a.to_bytes()) == a
    assert "ciphertext" not in repr(a)


def test_another_device_key_cannot_open_it():
    key, other = pki.new_key(), pki.new_key()
    sealed = seal(key.public_key(), SECRET, AAD)
    with pytest.raises(SealError):
        open_sealed(other, sealed, AAD)


@pytest.mark.parametrize("part", ["ephemeral", "nonce", "ciphertext", "tag"])
def test_tampering_with_any_part_is_detected(part):
    key = pki.new_key()
    s = seal(key.public_key(), SECRET, AAD)
    if part == "ephemeral":  # another valid point: a different shared secret
        s = Sealed(seal(key.public_key(), b"", b"").ephemeral, s.nonce, s.ciphertext)
    elif part == "nonce":
        s = Sealed(s.ephemeral, bytes([s.nonce[0] ^ 1]) + s.nonce[1:], s.ciphertext)
    elif part == "ciphertext":
        s = Sealed(s.ephemeral, s.nonce, bytes([s.ciphertext[0] ^ 1]) + s.ciphertext[1:])
    else:
        s = Sealed(s.ephemeral, s.nonce, s.ciphertext[:-1] + bytes([s.ciphertext[-1] ^ 1]))
    with pytest.raises(SealError):
        open_sealed(key, s, AAD)


def test_the_header_is_bound():
    key = pki.new_key()
    sealed = seal(key.public_key(), SECRET, AAD)
    with pytest.raises(SealError):
        open_sealed(key, sealed, AAD[:-1] + b"X")


def test_an_invalid_point_is_refused():
    key = pki.new_key()
    s = seal(key.public_key(), SECRET, AAD)
    with pytest.raises(SealError):
        open_sealed(key, Sealed(b"\x04" + b"\x01" * 64, s.nonce, s.ciphertext), AAD)
    with pytest.raises(SealError):
        Sealed.from_bytes(b"\x04" * 20)


def test_key_store_encrypts_at_rest_with_private_files(tmp_path):
    store = KeyStore(tmp_path / "keys", b"a long passphrase")
    key = pki.new_key()
    path = store.save("esme", key)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE((tmp_path / "keys").stat().st_mode) == 0o700
    text = path.read_text()
    assert text.startswith("-----BEGIN ENCRYPTED PRIVATE KEY-----")
    assert store.load("esme").private_numbers() == key.private_numbers()
    assert store.names() == ["esme"]
    with pytest.raises(KeyStoreError) as info:
        KeyStore(tmp_path / "keys", b"wrong passphrase").load("esme")
    assert "passphrase" in str(info.value) and "a long" not in str(info.value)
    with pytest.raises(KeyStoreError):
        store.load("../etc/passwd")
    with pytest.raises(KeyStoreError):
        KeyStore(tmp_path, b"")
    assert "passphrase" not in repr(store) and "a long" not in repr(store)
    assert not [p for p in os.listdir(tmp_path / "keys") if p.startswith(".")]
