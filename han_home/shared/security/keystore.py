"""Private keys at rest: PKCS#8 PEM encrypted with a passphrase, files 0600, folder 0700.

``KeyStore(folder, passphrase)``: ``save(name, key)``, ``load(name)``, ``names()``. The
encryption is cryptography's ``BestAvailableEncryption`` (PKCS#8 / PBES2, AES-256-CBC with
a scrypt or PBKDF2 key). Neither the store nor its errors ever print a key or passphrase.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

from han_home.shared.private_files import write_atomic

_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,79}$")
SUFFIX = ".key.pem"


class KeyStoreError(Exception):
    """A key cannot be stored or read (wrong passphrase, missing, bad name)."""


class KeyStore:
    def __init__(self, folder: Path, passphrase: bytes) -> None:
        if not passphrase:
            raise KeyStoreError("a key store needs a passphrase")
        self.folder = Path(folder)
        self._passphrase = passphrase

    def __repr__(self) -> str:
        return f"KeyStore({str(self.folder)!r})"

    def path(self, name: str) -> Path:
        if not _NAME.match(name):
            raise KeyStoreError(f"not a key name: {name!r}")
        return self.folder / (name + SUFFIX)

    def save(self, name: str, key: ec.EllipticCurvePrivateKey) -> Path:
        path = self.path(name)
        self.folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        os.chmod(self.folder, 0o700)
        pem = key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.BestAvailableEncryption(self._passphrase),
        )
        write_atomic(path, pem)  # 0600, whole or not at all
        return path

    def load(self, name: str) -> ec.EllipticCurvePrivateKey:
        path = self.path(name)
        try:
            data = path.read_bytes()
        except OSError:
            raise KeyStoreError(f"no key {name!r} in {self.folder}") from None
        try:
            key = serialization.load_pem_private_key(data, self._passphrase)
        except (ValueError, TypeError):
            raise KeyStoreError(f"the key {name!r} does not open with this passphrase") from None
        if not isinstance(key, ec.EllipticCurvePrivateKey):
            raise KeyStoreError(f"the key {name!r} is not an EC key")
        return key

    def names(self) -> list[str]:
        return sorted(p.name[: -len(SUFFIX)] for p in self.folder.glob("*" + SUFFIX))
