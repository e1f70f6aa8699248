"""Keys for the till and the web shop: one per integration, stored hashed, revocable.

The key is shown once, when issued; the store keeps only its SHA-256. A
slow password hash would add nothing here: the secret is 256 random bits,
not something a person chose, so there is nothing to guess.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime

PREFIX = "sbk"


class KeyRefused(Exception):
    """Missing, malformed, unknown or revoked; callers learn no more than that."""


@dataclass(frozen=True)
class IntegrationKey:
    key_id: str
    name: str  # e.g. "till at the café", "web shop"
    secret_hash: str
    created_at: datetime
    revoked_at: datetime | None = None


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def issue_key(name: str, now: datetime) -> tuple[IntegrationKey, str]:
    """A new key record and the key itself (`sbk_<id>_<secret>`), to show once."""
    key_id = secrets.token_hex(6)
    secret = secrets.token_urlsafe(32)
    return IntegrationKey(key_id, name, _digest(secret), now), f"{PREFIX}_{key_id}_{secret}"


def key_id_of(token: str) -> str:
    prefix, _, rest = token.partition("_")
    key_id, _, secret = rest.partition("_")
    if prefix != PREFIX or not key_id or not secret:
        raise KeyRefused("not an integration key")
    return key_id


def verify_key(token: str, record: IntegrationKey | None) -> IntegrationKey:
    key_id = key_id_of(token)
    secret = token.split("_", 2)[2]
    if record is None or record.key_id != key_id or record.revoked_at is not None:
        raise KeyRefused("unknown or revoked key")
    if not hmac.compare_digest(_digest(secret), record.secret_hash):
        raise KeyRefused("unknown or revoked key")
    return record
