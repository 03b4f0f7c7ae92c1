"""Encryption at rest of personal free text: Fernet keys from the environment.

Columns typed `EncryptedText` or `EncryptedJSON` hold `fernet:<token>`; the token is
AES-128-CBC with HMAC-SHA256 (Fernet), under the newest of ENCOMPASS_DATA_KEYS and
readable with any of them, so keys rotate without downtime: add a new key in front, run
`encompass keys rotate`, then drop the old key. A value without the prefix is plaintext
written before encryption was switched on; it is read as is and encrypted by the next
`encompass keys rotate` (records/key_rotation.py).

Encrypted columns are never used in a WHERE clause: the ciphertext is randomised.
"""

from __future__ import annotations

import json
from typing import Any

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from sqlalchemy import Text
from sqlalchemy.types import TypeDecorator

from encompass.errors import EncompassError

PREFIX = "fernet:"


class CryptoError(EncompassError, RuntimeError):
    """No usable key, or a value that none of the keys can read."""


class _Keyring:
    """The process's data keys: set by create_app from ENCOMPASS_DATA_KEYS.

    One per process (column types cannot see the app): the app created last sets it,
    which is the only app in a web or worker process.
    """

    def __init__(self) -> None:
        self.fernet: MultiFernet | None = None
        self.fingerprint = ""

    def configure(self, keys: str | None) -> None:
        self.fernet = MultiFernet(parse_keys(keys)) if keys else None
        self.fingerprint = keys or ""

    def require(self) -> MultiFernet:
        if self.fernet is None:
            raise CryptoError("ENCOMPASS_DATA_KEYS is not set: personal data cannot be stored")
        return self.fernet


keyring = _Keyring()


def parse_keys(raw: str) -> list[Fernet]:
    """ENCOMPASS_DATA_KEYS: comma-separated url-safe base64 32-byte keys, newest first."""
    keys = [k.strip() for k in raw.split(",") if k.strip()]
    if not keys:
        raise ValueError("ENCOMPASS_DATA_KEYS has no keys")
    try:
        return [Fernet(k) for k in keys]
    except (ValueError, TypeError):
        raise ValueError(
            "ENCOMPASS_DATA_KEYS must be Fernet keys (url-safe base64 of 32 bytes), "
            "comma-separated, newest first: `encompass keys generate` makes one"
        ) from None


def generate_key() -> str:
    return Fernet.generate_key().decode()


def encrypt(plaintext: str) -> str:
    return PREFIX + keyring.require().encrypt(plaintext.encode()).decode()


def decrypt(stored: str) -> str:
    if not stored.startswith(PREFIX):
        return stored  # plaintext from before encryption; `keys rotate` encrypts it
    try:
        return keyring.require().decrypt(stored[len(PREFIX) :].encode()).decode()
    except InvalidToken:
        raise CryptoError(
            "a stored value cannot be decrypted with any key in ENCOMPASS_DATA_KEYS "
            "(was a key removed before `encompass keys rotate` ran?)"
        ) from None


def reencrypt(stored: str) -> str:
    """The same value under the newest key (plaintext is encrypted)."""
    if not stored.startswith(PREFIX):
        return encrypt(stored)
    try:
        token = keyring.require().rotate(stored[len(PREFIX) :].encode())
    except InvalidToken:
        raise CryptoError("a stored value cannot be decrypted with any data key") from None
    return PREFIX + token.decode()


def key_index(stored: str) -> int | None:
    """Which of ENCOMPASS_DATA_KEYS (0: the newest) decrypts a stored value; -1 for
    plaintext from before encryption; None when no key does (the value is lost)."""
    if not stored.startswith(PREFIX):
        return -1
    keyring.require()
    token = stored[len(PREFIX) :].encode()
    for index, key in enumerate(parse_keys(keyring.fingerprint)):
        try:
            key.decrypt(token)
        except InvalidToken:
            continue
        return index
    return None


class StoredToken(str):
    """A value already in its stored form (rotate_all writes these): bound unchanged."""


class EncryptedText(TypeDecorator[str]):
    """A str column stored encrypted; "" and None are stored as they are (nothing to hide)."""

    impl = Text
    cache_ok = True

    def process_bind_param(self, value: str | None, dialect: Any) -> str | None:
        if value is None or value == "" or isinstance(value, StoredToken):
            return value
        return encrypt(value)

    def process_result_value(self, value: str | None, dialect: Any) -> str | None:
        if value is None or value == "":
            return value
        return decrypt(value)


class EncryptedJSON(TypeDecorator[Any]):
    """A JSON value (list or dict) stored encrypted as text."""

    impl = Text
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Any) -> str | None:
        if value is None:
            return None
        if isinstance(value, StoredToken):
            return str(value)
        return encrypt(json.dumps(value, separators=(",", ":"), sort_keys=True))

    def process_result_value(self, value: str | None, dialect: Any) -> Any:
        if value is None or value == "":
            return None
        return json.loads(decrypt(value))
