"""The usual wrong ways to encrypt `pwd`, each a ciphertext a conforming server refuses (5056).

The right scheme is `mockserver.crypto`'s; each mistake here starts from its key material and
gets one thing wrong, as client (or server) code is seen to.
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Callable
from dataclasses import dataclass

from Crypto.Cipher import AES
from Crypto.Util.Padding import pad, unpad

from mockserver import crypto


def _md5_hex(random: str) -> str:
    return hashlib.md5(random.encode("utf-8")).hexdigest()


def _swapped(key: bytes) -> bytes:
    return key[8:] + key[:8]


@dataclass(frozen=True, kw_only=True)
class Scheme:
    """An AES scheme keyed from `random`: a key, and an IV made from it (None for ECB)."""

    name: str
    key: Callable[[str], bytes]
    iv: Callable[[bytes], bytes | None]

    def _cipher(self, random: str):  # pycryptodome keeps its cipher types private
        key = self.key(random)
        iv = self.iv(key)
        return AES.new(key, AES.MODE_ECB) if iv is None else AES.new(key, AES.MODE_CBC, iv=iv)

    def encrypt(self, password: str, random: str) -> str:
        """Encrypt `password` as this scheme does and return the Base64 `pwd`."""
        data = self._cipher(random).encrypt(pad(password.encode("utf-8"), AES.block_size))
        return base64.b64encode(data).decode("ascii")

    def decrypt(self, pwd: str, random: str) -> str:
        """Read a `pwd` as a server with this scheme would; raise ValueError when it cannot."""
        raw = base64.b64decode(crypto.normalize_base64(pwd), validate=True)
        return unpad(self._cipher(random).decrypt(raw), AES.block_size).decode("utf-8")


LOWER_CASE_MD5 = Scheme(
    name="lower-case MD5",
    key=lambda random: _md5_hex(random)[8:24].encode("ascii"),
    iv=_swapped,
)
IV_NOT_SWAPPED = Scheme(
    name="IV not swapped", key=lambda random: crypto.derive(random).key, iv=lambda key: key
)
WHOLE_MD5_KEY = Scheme(
    name="whole MD5 as the key (AES-256)",
    key=lambda random: _md5_hex(random).upper().encode("ascii"),
    iv=lambda key: _swapped(key[8:24]),
)
ECB = Scheme(name="ECB", key=lambda random: crypto.derive(random).key, iv=lambda key: None)

WRONG_SCHEMES = (LOWER_CASE_MD5, IV_NOT_SWAPPED, WHOLE_MD5_KEY, ECB)
"""Ciphertexts made with these must be refused; the names are those of the conformance table."""
