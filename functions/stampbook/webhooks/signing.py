"""Signing as the Standard Webhooks specification says (standardwebhooks.com).

Three headers go with each delivery: `webhook-id` (the message's id, the
same on every try, so a receiver drops what it has seen), `webhook-timestamp`
(Unix seconds of this try, so a receiver refuses an old one replayed) and
`webhook-signature`: `v1,` and the base64 of HMAC-SHA256, keyed with the
secret's bytes (the base64 after `whsec_`), of `<id>.<timestamp>.<body>`.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac

from ..records.webhooks import SECRET_PREFIX


class BadSecret(ValueError):
    """Not a `whsec_` secret with base64 after it."""


def secret_bytes(secret: str) -> bytes:
    if not secret.startswith(SECRET_PREFIX):
        raise BadSecret(f"a secret starts with {SECRET_PREFIX}")
    try:
        key = base64.b64decode(secret.removeprefix(SECRET_PREFIX), validate=True)
    except binascii.Error:
        raise BadSecret("the secret after whsec_ is not base64") from None
    if len(key) < 24:
        raise BadSecret("the secret is shorter than 24 bytes")
    return key


def signature(secret: str, message_id: str, timestamp: int, body: str) -> str:
    signed = f"{message_id}.{timestamp}.{body}".encode()
    mac = hmac.new(secret_bytes(secret), signed, hashlib.sha256).digest()
    return "v1," + base64.b64encode(mac).decode()


def signed_headers(
    secrets: str | tuple[str, ...], message_id: str, timestamp: int, body: str
) -> dict[str, str]:
    """The three headers; with several secrets (a rotation under way), one signature each,
    space-separated, as the specification allows: a receiver accepts any that it can check."""
    keys = (secrets,) if isinstance(secrets, str) else secrets
    return {
        "webhook-id": message_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": " ".join(signature(k, message_id, timestamp, body) for k in keys),
    }
