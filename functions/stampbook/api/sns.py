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

_ALGORITHMS = {"1": "SHA1", "2": "SHA256"}  # SignatureVersion -> hash

CertificateSource = Callable[[str], bytes]


class NotFromSns(Exception):
    """Unsigned, badly signed, from a foreign topic, or not an SNS message at all."""


def sns_url(url: str) -> str:
    """`url` if it is HTTPS on an SNS host; SNS certificates and confirmations live there only."""
    parts = urlsplit(url)
    if parts.scheme != "https" or not _SNS_HOST.match(parts.hostname or ""):
        raise NotFromSns("not an SNS address")
    return url


def _download(url: str) -> bytes:
    with urllib.request.urlopen(url, timeout=5) as answer:
        return bytes(answer.read())


class Certificates:
    """SNS signing certificates by URL, fetched once per process."""

    def __init__(self, fetch: CertificateSource = _download) -> None:
        self._fetch = fetch
        self._keys: dict[str, rsa.RSAPublicKey] = {}
        self._lock = threading.Lock()

    def key(self, url: str) -> rsa.RSAPublicKey:
        url = sns_url(url)
        if not urlsplit(url).path.endswith(".pem"):
            raise NotFromSns("the signing certificate is not a .pem")
        with self._lock:
            if url not in self._keys:
                from cryptography import x509
                from cryptography.hazmat.primitives.asymmetric import rsa

                public = x509.load_pem_x509_certificate(self._fetch(url)).public_key()
                if not isinstance(public, rsa.RSAPublicKey):
                    raise NotFromSns("the signing certificate has no RSA key")
                self._keys[url] = public
            return self._keys[url]


def verified_message(
    raw: bytes, topics: frozenset[str], certificates: Certificates
) -> dict[str, Any]:
    """The SNS message in `raw`, once its signature and topic check out."""
    try:
        message = json.loads(raw)
    except ValueError:
        raise NotFromSns("the body is not JSON") from None
    if not isinstance(message, dict) or message.get("Type") not in _SIGNED:
        raise NotFromSns("not an SNS message")
    if message.get("TopicArn") not in topics:
        raise NotFromSns("not a topic this service listens to")
    fields = _SIGNED[message["Type"]]
    if any(not isinstance(message.get(f, ""), str) for f in fields):
        raise NotFromSns("malformed SNS message")
    signed = "".join(f"{f}\n{message[f]}\n" for f in fields if f in message).encode()
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import padding

    algorithm = _ALGORITHMS.get(str(message.get("SignatureVersion")))
    if algorithm is None:
        raise NotFromSns("unknown signature version")
    try:
        signature = base64.b64decode(str(message.get("Signature", "")), validate=True)
        key = certificates.key(str(message.get("SigningCertURL", "")))
        key.verify(signature, signed, padding.PKCS1v15(), getattr(hashes, algorithm)())
    except (InvalidSignature, ValueError) as error:
        raise NotFromSns("the signature does not verify") from error
    return message
