"""A receiver's check of a delivery, written from the Standard Webhooks specification
(standardwebhooks.com) and independent of Stampbook's own signing code, which it tests."""

from __future__ import annotations

import base64
import hashlib
import hmac
import time

from tests.support.webhook_receiver import Received

TOLERANCE_SECONDS = 5 * 60  # the specification's suggested window against replays


def verified(received: Received, secret: str) -> bool:
    """HMAC-SHA256 keyed with the base64 after `whsec_`, over `id.timestamp.body`, sent as
    `v1,<base64>` (one of several, space-separated), with a timestamp near our clock."""
    message_id = received.headers["webhook-id"]
    timestamp = received.headers["webhook-timestamp"]
    if abs(time.time() - int(timestamp)) > TOLERANCE_SECONDS:
        return False
    key = base64.b64decode(secret.split("_", 1)[1])
    content = f"{message_id}.{timestamp}.{received.body}".encode()
    expected = base64.b64encode(hmac.new(key, content, hashlib.sha256).digest()).decode()
    given = [s.split(",", 1) for s in received.headers["webhook-signature"].split(" ")]
    return any(v == "v1" and hmac.compare_digest(sig, expected) for v, sig in given)
