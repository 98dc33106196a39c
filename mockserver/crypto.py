"""The password scheme of userPwdReset: AES-128-CBC, PKCS#7, key and IV derived from `random`.

key = characters 8..24 of the upper-case hex MD5 of `random` (16 ASCII bytes);
iv  = the key's two 8-byte halves swapped; the ciphertext travels as Base64.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import re
from dataclasses import dataclass

from Crypto.Cipher import AES
from Crypto.Util.Padding import pad, unpad


class DecryptError(ValueError):
    """A `pwd` that cannot be turned back into a password; the message says why."""


class NotBase64Error(DecryptError):
    """The ciphertext is not Base64."""


class BadLengthError(DecryptError):
    """The decoded ciphertext is empty or not a whole number of 16-byte blocks."""


class BadPaddingError(DecryptError):
    """The plaintext's PKCS#7 padding is wrong: almost always a wrong key, IV or `random`."""


class NotUtf8Error(DecryptError):
    """The decrypted bytes are not UTF-8 text."""


@dataclass(frozen=True, kw_only=True)
class KeyMaterial:
    """The AES key and IV that one `random` value stands for."""

    key: bytes
    iv: bytes


def derive(random: str) -> KeyMaterial:
    """Derive the AES key and IV from `random` as the document prescribes."""
    digest = hashlib.md5(random.encode("utf-8")).hexdigest().upper()
    key = digest[8:24].encode("ascii")
    return KeyMaterial(key=key, iv=key[8:] + key[:8])


def encrypt(plaintext: str, random: str) -> str:
    """Encrypt `plaintext` for `random` and return the Base64 text a client sends as `pwd`."""
    material = derive(random)
    cipher = AES.new(material.key, AES.MODE_CBC, iv=material.iv)
    ciphertext = cipher.encrypt(pad(plaintext.encode("utf-8"), AES.block_size))
    return base64.b64encode(ciphertext).decode("ascii")


_WHITESPACE = re.compile(r"[\t\n\r\f\v]")
_BASE64 = re.compile(r"[A-Za-z0-9+/]*={0,2}")


def normalize_base64(text: str) -> str:
    """Undo what sloppy clients do to Base64: line breaks, and a space where a `+` was.

    Android's Base64.DEFAULT wraps at 76 columns and appends a newline; a `+` that a client
    forgot to percent-encode arrives as a space, even at either end. Only when reading every
    space as `+` leaves no valid Base64 length are spaces around the text dropped instead.
    """
    text = _WHITESPACE.sub("", text)
    plussed = text.replace(" ", "+")
    if len(plussed) % 4:
        return text.strip(" ").replace(" ", "+")
    return plussed


def decrypt(ciphertext: str, random: str) -> str:
    """Decrypt a `pwd` value sent with `random`; raise a DecryptError subclass saying why not."""
    text = normalize_base64(ciphertext)
    if not _BASE64.fullmatch(text):
        raise NotBase64Error("pwd is not Base64: it has characters outside A-Z a-z 0-9 + / =")
    try:
        raw = base64.b64decode(text, validate=True)
    except binascii.Error as error:
        raise NotBase64Error(f"pwd is not Base64: {error}") from None
    if not raw or len(raw) % AES.block_size:
        raise BadLengthError(
            f"pwd decodes to {len(raw)} bytes; AES-CBC needs a non-zero multiple of 16"
        )
    material = derive(random)
    cipher = AES.new(material.key, AES.MODE_CBC, iv=material.iv)
    try:
        padded = unpad(cipher.decrypt(raw), AES.block_size)
    except ValueError:
        raise BadPaddingError(
            "pwd has wrong PKCS#7 padding after decryption: key, IV or random do not match"
        ) from None
    try:
        return padded.decode("utf-8")
    except UnicodeDecodeError:
        raise NotUtf8Error("pwd decrypts to bytes that are not UTF-8") from None
