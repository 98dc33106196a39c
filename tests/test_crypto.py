"""The password scheme, checked against the document's vector, itself and openssl."""

from __future__ import annotations

import base64
import shutil
import subprocess
import textwrap

import pytest
from Crypto.Cipher import AES
from Crypto.Util.Padding import pad
from hypothesis import given
from hypothesis import strategies as st

from mockserver import crypto

VECTOR_RANDOM = "j1acpdj2bmtqZXVb"
VECTOR_PLAINTEXT = "china1234"
VECTOR_CIPHERTEXT = "lkZMvj0KDSJXlp66jBieHA=="


def test_derive_gives_the_documents_key_and_iv():
    material = crypto.derive(VECTOR_RANDOM)
    assert material.key == b"89A049614445CCA8"
    assert material.iv == b"4445CCA889A04961"


def test_encrypt_gives_the_documents_ciphertext():
    assert crypto.encrypt(VECTOR_PLAINTEXT, VECTOR_RANDOM) == VECTOR_CIPHERTEXT


def test_decrypt_gives_the_documents_plaintext():
    assert crypto.decrypt(VECTOR_CIPHERTEXT, VECTOR_RANDOM) == VECTOR_PLAINTEXT


@given(plaintext=st.text(), random=st.text(min_size=1))
def test_decrypt_undoes_encrypt_for_any_unicode_text(plaintext, random):
    assert crypto.decrypt(crypto.encrypt(plaintext, random), random) == plaintext


def _openssl(*args: str, data: bytes) -> bytes:
    openssl = shutil.which("openssl")
    if openssl is None:
        pytest.skip("openssl is not installed: apt-get install openssl")
    return subprocess.run(
        [openssl, "enc", "-aes-128-cbc", *args], input=data, capture_output=True, check=True
    ).stdout


@pytest.mark.parametrize(
    ("plaintext", "random"),
    [
        (VECTOR_PLAINTEXT, VECTOR_RANDOM),
        ("Passw0rd!", "123456"),
        ("exactly16bytes!!", "r"),
        ("密码🔑 mixed", "随机数"),
    ],
)
def test_encrypt_agrees_with_openssl(plaintext, random):
    material = crypto.derive(random)
    hex_args = ("-K", material.key.hex(), "-iv", material.iv.hex(), "-base64", "-A")
    theirs = _openssl(*hex_args, data=plaintext.encode()).decode().strip()
    assert crypto.encrypt(plaintext, random) == theirs
    assert _openssl("-d", *hex_args, data=(theirs + "\n").encode()).decode() == plaintext
    assert crypto.decrypt(theirs, random) == plaintext


@pytest.mark.parametrize(
    ("sent", "how"),
    [
        (VECTOR_CIPHERTEXT + "\n", "Android Base64.DEFAULT: trailing newline"),
        (VECTOR_CIPHERTEXT + "\r\n", "CRLF"),
        ("lkZMvj0KDSJX\nlp66jBieHA==", "line break inside"),
        ("  " + VECTOR_CIPHERTEXT + " ", "spaces around"),
        ("\tlkZMvj0KDSJXlp66jBieHA==", "tab before"),
    ],
)
def test_decrypt_tolerates_whitespace_that_clients_add(sent, how):
    assert crypto.decrypt(sent, VECTOR_RANDOM) == VECTOR_PLAINTEXT, how


def test_decrypt_reads_a_space_as_the_plus_a_client_forgot_to_encode():
    random = "plus"
    plaintext = next(
        text for text in (f"secret{n}" for n in range(1000)) if "+" in crypto.encrypt(text, random)
    )
    ciphertext = crypto.encrypt(plaintext, random)
    assert crypto.decrypt(ciphertext.replace("+", " "), random) == plaintext


def test_decrypt_reads_a_leading_space_as_a_plus():
    random = "lead"
    plaintext = next(
        text
        for text in (f"secret{n}" for n in range(10_000))
        if crypto.encrypt(text, random).startswith("+")
    )
    ciphertext = crypto.encrypt(plaintext, random)
    assert crypto.decrypt(" " + ciphertext[1:], random) == plaintext


def test_decrypt_tolerates_76_column_wrapping_of_long_ciphertexts():
    plaintext = "a long password " * 8
    wrapped = "\n".join(textwrap.wrap(crypto.encrypt(plaintext, "r"), 76)) + "\n"
    assert "\n" in wrapped.strip()
    assert crypto.decrypt(wrapped, "r") == plaintext


def _encrypt_bytes(raw: bytes, random: str) -> str:
    material = crypto.derive(random)
    cipher = AES.new(material.key, AES.MODE_CBC, iv=material.iv)
    return base64.b64encode(cipher.encrypt(raw)).decode()


@pytest.mark.parametrize(
    ("ciphertext", "random", "error"),
    [
        ("not base64!", VECTOR_RANDOM, crypto.NotBase64Error),
        ("china1234", VECTOR_RANDOM, crypto.NotBase64Error),
        ("lkZMvj0KDSJXlp66jBieHA=", VECTOR_RANDOM, crypto.NotBase64Error),
        ("", VECTOR_RANDOM, crypto.BadLengthError),
        ("YWJj", VECTOR_RANDOM, crypto.BadLengthError),
        (VECTOR_CIPHERTEXT, "another-random", crypto.BadPaddingError),
        (_encrypt_bytes(b"no padding here!", VECTOR_RANDOM), VECTOR_RANDOM, crypto.BadPaddingError),
        (_encrypt_bytes(pad(b"\xff\xfe", 16), VECTOR_RANDOM), VECTOR_RANDOM, crypto.NotUtf8Error),
    ],
)
def test_decrypt_refuses_with_a_specific_error(ciphertext, random, error):
    with pytest.raises(error):
        crypto.decrypt(ciphertext, random)


def test_decrypt_errors_are_value_errors_with_a_reason():
    with pytest.raises(crypto.DecryptError, match="padding"):
        crypto.decrypt(VECTOR_CIPHERTEXT, "another-random")
