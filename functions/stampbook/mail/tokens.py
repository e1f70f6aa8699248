"""Signed links: HMAC-SHA256 tokens bound to a purpose, a subject and an expiry.

A link in an email lets its holder act for one customer (unsubscribe, see
their points) or one order (leave feedback) until it expires. The token says
which key signed it, what it is for, whom it is about and until when; the
signature covers all of it, so changing any part is detected.

    <key id>.<purpose letter>.<expiry, base 36 Unix seconds>.<subject, base64url>.<MAC>

The MAC is the first 16 bytes of HMAC-SHA256 (128 bits, as RFC 2104 allows):
short enough for a comfortable URL, far beyond guessing.

Keys rotate: the first key listed signs; every listed key verifies, so links
already sent keep working while an old key is still listed.
"""

from __future__ import annotations

import base64
import binascii
import hmac
import os
import secrets
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum
from hashlib import sha256
from pathlib import Path


class Purpose(StrEnum):
    UNSUBSCRIBE = "unsubscribe"
    CONFIRM = "confirm"
    PREFERENCES = "preferences"
    POINTS = "points"  # a magic link to the customer's own points page
    FEEDBACK = "feedback"  # about an order, not a customer


# How long a link works. Unsubscribe and preferences links must outlive the
# email by months (mailbox providers expect an unsubscribe link to work for at
# least 60 days). A link to someone's points only shows them (it changes
# nothing): it lives as long as newsletters are read, 90 days unless the
# owner says otherwise (`links.member_page_days`); what changes anything needs
# its own link, with its own purpose.
LIFETIMES: dict[Purpose, timedelta] = {
    Purpose.UNSUBSCRIBE: timedelta(days=365),
    Purpose.PREFERENCES: timedelta(days=365),
    Purpose.CONFIRM: timedelta(days=7),
    Purpose.POINTS: timedelta(days=90),
    Purpose.FEEDBACK: timedelta(days=60),
}

_LETTER = {
    Purpose.UNSUBSCRIBE: "u",
    Purpose.CONFIRM: "c",
    Purpose.PREFERENCES: "p",
    Purpose.POINTS: "m",
    Purpose.FEEDBACK: "f",
}
_PURPOSE = {letter: purpose for purpose, letter in _LETTER.items()}
_MAC_BYTES = 16
_MIN_SECRET_BYTES = 16
_KEY_ID_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_")


class TokenError(ValueError):
    """A link token that cannot be accepted."""


class TamperedToken(TokenError):
    """Malformed, or its signature does not match its content."""


class ExpiredToken(TokenError):
    pass


class WrongPurpose(TokenError):
    """A genuine token, made for something else (an unsubscribe token used to confirm)."""


class UnknownKey(TokenError):
    """Signed with a key that is no longer (or never was) listed."""


class KeySettingsError(ValueError):
    """The signing keys as configured cannot be used."""


@dataclass(frozen=True)
class SigningKey:
    id: str
    secret: bytes = field(repr=False)

    def __post_init__(self) -> None:
        if not self.id or not set(self.id) <= _KEY_ID_CHARS:
            raise KeySettingsError(f"key id {self.id!r}: use letters, digits, '-' and '_'")
        if len(self.secret) < _MIN_SECRET_BYTES:
            raise KeySettingsError(
                f"key {self.id!r} is {len(self.secret)} bytes; use at least {_MIN_SECRET_BYTES}"
            )


@dataclass(frozen=True, slots=True)
class Claim:
    """What a verified token says."""

    purpose: Purpose
    subject: str
    expires: datetime


class Keyring:
    """Signs with the newest key (the first), verifies with any listed one."""

    def __init__(self, keys: Sequence[SigningKey]) -> None:
        if not keys:
            raise KeySettingsError("no signing keys given")
        ids = [key.id for key in keys]
        if len(set(ids)) != len(ids):
            raise KeySettingsError(f"duplicate signing key ids in {ids}")
        self._newest = _Mac(keys[0].secret)
        self._newest_id = keys[0].id
        self._by_id = {key.id: _Mac(key.secret) for key in keys}

    def limits_key(self) -> bytes:
        """The key that names callers in the limits table: derived from the
        newest signing key, so the table cannot be tested against an address
        by anyone without the keys (a copy of the database alone is not enough)."""
        return self._newest(b"stampbook limits")

    def sign(
        self,
        purpose: Purpose,
        subject: str,
        now: datetime,
        lifetime: timedelta | None = None,
    ) -> str:
        expires = int((now + (lifetime or LIFETIMES[purpose])).timestamp())
        return self.sign_until(purpose, subject, expires)

    def sign_until(self, purpose: Purpose, subject: str, expires: int) -> str:
        """Sign with an expiry in Unix seconds."""
        return self.seal(self.head(purpose, expires) + token_subject(subject))

    # A campaign signs the same purpose and expiry for many people: it makes
    # the head once (per second) and seals head + subject per person.

    def head(self, purpose: Purpose, expires: int) -> str:
        return f"{self._newest_id}.{_LETTER[purpose]}.{_base36(expires)}."

    def seal(self, body: str) -> str:
        return f"{body}.{_b64(self._newest(body.encode()))}"

    def verify(self, token: str, purpose: Purpose, now: datetime) -> Claim:
        body, _, mac_text = token.rpartition(".")
        fields = body.split(".")
        if len(fields) != 4:
            raise TamperedToken("not a link token")
        key_id, letter, expiry_text, subject_text = fields
        mac = self._by_id.get(key_id)
        if mac is None:
            raise UnknownKey(f"signed with unknown key {key_id!r}")
        if not hmac.compare_digest(_unb64(mac_text), mac(body.encode())):
            raise TamperedToken("the signature does not match")
        # From here on the content is genuine: it was made by one of our keys.
        found = _PURPOSE.get(letter)
        if found is None:
            raise TamperedToken(f"unknown purpose {letter!r}")
        if found is not purpose:
            raise WrongPurpose(f"a {found} link, not a {purpose} link")
        expires = datetime.fromtimestamp(int(expiry_text, 36), tz=now.tzinfo)
        if now >= expires:
            raise ExpiredToken(f"expired at {expires.isoformat()}")
        return Claim(found, _unb64(subject_text).decode(), expires)


def token_subject(subject: str) -> str:
    """The subject as it is written in a token."""
    if not subject:
        raise ValueError("a token needs a subject")
    return _b64(subject.encode())


class _Mac:
    """HMAC-SHA256 (RFC 2104) with the keyed inner and outer states made once.

    hmac.digest() derives them from the key on every call, which costs more
    than the hashing itself for a short token; copying a prepared state does not.
    """

    def __init__(self, secret: bytes) -> None:
        block = sha256().block_size
        key = (sha256(secret).digest() if len(secret) > block else secret).ljust(block, b"\0")
        self._inner = sha256(bytes(byte ^ 0x36 for byte in key))
        self._outer = sha256(bytes(byte ^ 0x5C for byte in key))

    def __call__(self, data: bytes) -> bytes:
        inner = self._inner.copy()
        inner.update(data)
        outer = self._outer.copy()
        outer.update(inner.digest())
        return outer.digest()[:_MAC_BYTES]


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    try:
        data = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except (binascii.Error, ValueError):
        raise TamperedToken("not a link token") from None
    if _b64(data) != text:  # spare bits set or stray characters: one token, one spelling
        raise TamperedToken("not a link token")
    return data


_DIGITS36 = "0123456789abcdefghijklmnopqrstuvwxyz"


def _base36(number: int) -> str:
    if number <= 0:
        raise ValueError("an expiry before 1970")
    out = ""
    while number:
        number, digit = divmod(number, 36)
        out = _DIGITS36[digit] + out
    return out


# -- keys from settings ---------------------------------------------------------


def parse_keys(text: str) -> list[SigningKey]:
    """`id:secret,id:secret`, newest first; secrets in base64url (e.g. 32 random bytes)."""
    keys = []
    for item in text.split(","):
        key_id, sep, secret_text = item.strip().partition(":")
        if not sep:
            raise KeySettingsError(f"signing key {item.strip()!r}: write it as id:secret")
        try:
            secret = base64.urlsafe_b64decode(secret_text + "=" * (-len(secret_text) % 4))
        except (binascii.Error, ValueError):
            raise KeySettingsError(f"signing key {key_id!r}: the secret is not base64") from None
        keys.append(SigningKey(key_id, secret))
    return keys


def new_key_text(key_id: str = "k1") -> str:
    return f"{key_id}:{_b64(secrets.token_bytes(32))}"


KEPT_AFTER_ROTATION = 1  # earlier keys kept to verify with: the one just retired


def rotated_keys(text: str | None) -> str:
    """A new key first, to sign with; the newest one before it kept, to verify its links.

    Its links live at most a year (unsubscribe, preferences): rotate no more
    often than that, or links made two keys ago stop working.
    """
    keys = [item.strip() for item in text.split(",")] if text else []
    ids = {key.id for key in parse_keys(text)} if text else set()
    number = 1
    while f"k{number}" in ids:
        number += 1
    return ",".join([new_key_text(f"k{number}"), *keys[:KEPT_AFTER_ROTATION]])


def rotate_local_keys(path: Path) -> str:
    """`rotated_keys` for the key file; written whole, then renamed into place."""
    text = rotated_keys(path.read_text().strip() if path.exists() else None)
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        os.write(fd, (text + "\n").encode())
        os.fsync(fd)
    finally:
        os.close(fd)
    temporary.replace(path)
    return text


def local_keyring(path: Path) -> Keyring:
    """The embedded default: a key file made on first use, readable by its owner only.

    Made by linking a finished temporary file into place, so two processes
    starting at once agree on one key and nobody reads a half-written file.
    """
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
        fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            os.write(fd, (new_key_text() + "\n").encode())
            os.fsync(fd)
        finally:
            os.close(fd)
        try:
            os.link(temporary, path)
        except FileExistsError:
            pass  # another process made it first; use theirs
        finally:
            temporary.unlink()
    return Keyring(parse_keys(path.read_text().strip()))
