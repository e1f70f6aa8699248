"""Amazon SNS messages: is this really from SNS, for our topic?

SNS signs each message with a key whose certificate it publishes under
`sns.<region>.amazonaws.com`. We rebuild the signed text exactly as the SNS
documentation prescribes, fetch the certificate only from such a host (never
from wherever a message points), and check the signature with it. The
topic must be one we expect; anything else is refused before it is read.
"""

from __future__ import annotations

import base64
import json
import re
import threading
import time
import urllib.request
from collections.abc import Callable
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

if TYPE_CHECKING:  # cryptography loads when the first SNS message arrives, not at start
    from cryptography.hazmat.primitives.asymmetric import rsa

_SNS_HOST = re.compile(r"^sns\.[a-z0-9-]+\.amazonaws\.com(\.cn)?$")

# The fields SNS signs, in order, for each message type.
_SIGNED = {
    "Notification": ("Message", "MessageId", "Subject", "Timestamp", "TopicArn", "Type"),
    "SubscriptionConfirmation": (
        "Message",
        "MessageId",
        "SubscribeURL",
        "Timestamp",
        "Token",
        "TopicArn",
        "Type",
    ),
}
_SIGNED["UnsubscribeConfirmation"] = _SIGNED["SubscriptionConfirmation"]

# SignatureVersion 2 (SHA-256) only: version 1 signs with SHA-1, and our topic
# is created with version 2 (the deploy template sets it).
SIGNATURE_VERSION = "2"
# A certificate that could not be fetched is not asked for again for a while:
# a flood of forged messages naming it must not become a flood of requests.
RETRY_FAILED_FETCH_SECONDS = 60.0

CertificateSource = Callable[[str], bytes]


class NotFromSns(Exception):
    """Unsigned, badly signed, from a foreign topic, or not an SNS message at all."""


def sns_url(url: str) -> str:
    """`url` if it is HTTPS on an SNS host; SNS certificates and confirmations live there only."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        raise NotFromSns("not an SNS address") from None
    if parts.scheme != "https" or not _SNS_HOST.match(parts.hostname or ""):
        raise NotFromSns("not an SNS address")
    if port not in (None, 443) or parts.username is not None:
        raise NotFromSns("not an SNS address")
    return url


def _download(url: str) -> bytes:
    with urllib.request.urlopen(url, timeout=5) as answer:
        return bytes(answer.read())


class Certificates:
    """SNS signing certificates by URL, fetched once per process."""

    def __init__(
        self, fetch: CertificateSource = _download, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self._fetch = fetch
        self._clock = clock
        self._keys: dict[str, rsa.RSAPublicKey] = {}
        self._failed: dict[str, float] = {}  # url -> when a fetch may be tried again
        self._lock = threading.Lock()

    def key(self, url: str) -> rsa.RSAPublicKey:
        url = sns_url(url)
        if not urlsplit(url).path.endswith(".pem"):
            raise NotFromSns("the signing certificate is not a .pem")
        with self._lock:
            if url not in self._keys:
                if self._clock() < self._failed.get(url, 0.0):
                    raise NotFromSns("the signing certificate could not be fetched lately")
                try:
                    self._keys[url] = self._load(url)
                except Exception:
                    self._failed[url] = self._clock() + RETRY_FAILED_FETCH_SECONDS
                    raise
            return self._keys[url]

    def _load(self, url: str) -> rsa.RSAPublicKey:
        from cryptography import x509
        from cryptography.hazmat.primitives.asymmetric import rsa

        try:
            public = x509.load_pem_x509_certificate(self._fetch(url)).public_key()
        except (OSError, ValueError) as error:
            raise NotFromSns("the signing certificate could not be read") from error
        if not isinstance(public, rsa.RSAPublicKey):
            raise NotFromSns("the signing certificate has no RSA key")
        return public


def verified_message(
    raw: bytes, topics: frozenset[str], certificates: Certificates
) -> dict[str, Any]:
    """The SNS message in `raw`, once its signature and topic check out."""
    try:
        parsed = json.loads(raw)
    except ValueError:
        raise NotFromSns("the body is not JSON") from None
    if not isinstance(parsed, dict):
        raise NotFromSns("not an SNS message")
    message: dict[str, Any] = parsed
    kind = message.get("Type")
    if not isinstance(kind, str) or kind not in _SIGNED:
        raise NotFromSns("not an SNS message")
    if not isinstance(message.get("TopicArn"), str) or message["TopicArn"] not in topics:
        raise NotFromSns("not a topic this service listens to")
    fields = _SIGNED[message["Type"]]
    if any(not isinstance(message.get(f, ""), str) for f in fields):
        raise NotFromSns("malformed SNS message")
    signed = "".join(f"{f}\n{message[f]}\n" for f in fields if f in message).encode()
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import padding

    if message.get("SignatureVersion") != SIGNATURE_VERSION:
        raise NotFromSns("only signature version 2 is accepted")
    try:
        signature = base64.b64decode(str(message.get("Signature", "")), validate=True)
        if not signature:
            raise NotFromSns("the message is not signed")  # before any certificate is fetched
        key = certificates.key(str(message.get("SigningCertURL", "")))
        key.verify(signature, signed, padding.PKCS1v15(), hashes.SHA256())
    except (InvalidSignature, ValueError) as error:
        raise NotFromSns("the signature does not verify") from error
    return message
