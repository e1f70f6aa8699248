"""Posting a signed payload to an endpoint: the standard library's `http.client`, a short
timeout, and one kept-alive connection per receiver for a round of deliveries.

A 2xx answer is delivered; anything else (another status, a refused
connection, a timeout, a TLS error) is a failure the courier tries again.
Redirects are not followed: a receiver that moved is given its new address
by the owner, not by whoever answers at the old one.
"""

from __future__ import annotations

import http.client
import ssl
from dataclasses import dataclass, field
from urllib.parse import urlsplit

TIMEOUT_SECONDS = 5.0
USER_AGENT = "Stampbook-Webhooks/1"
# Addresses plain http may go to: the owner's own machine (tests, a local tool).
LOCAL_HOSTS = ("127.0.0.1", "localhost", "::1")


class BadEndpointUrl(ValueError):
    """Not an address a webhook can be posted to."""


def endpoint_url(url: str) -> str:
    """`url` as given, if it is https (or http to this machine) with a host; else BadEndpointUrl."""
    try:
        parts = urlsplit(url.strip())
        parts.port  # noqa: B018 - a port that is not a number raises here
    except ValueError:
        raise BadEndpointUrl(f"{url!r} is not a URL") from None
    if parts.scheme not in ("https", "http") or not parts.hostname:
        raise BadEndpointUrl(f"{url!r}: give an https:// address")
    if parts.scheme == "http" and parts.hostname not in LOCAL_HOSTS:
        raise BadEndpointUrl(f"{url!r}: plain http only to this machine; use https://")
    if parts.fragment or parts.username or parts.password:
        raise BadEndpointUrl(f"{url!r}: no #fragment or user:password@ in a webhook address")
    return url.strip()


@dataclass(frozen=True)
class Answer:
    status: int | None  # None: no answer (refused, timed out, ...)
    detail: str = ""  # the error, or the first words of a refusal's body

    @property
    def delivered(self) -> bool:
        return self.status is not None and 200 <= self.status < 300


@dataclass
class Poster:
    """Posts to endpoints, keeping one connection per receiver open until `close`."""

    timeout: float = TIMEOUT_SECONDS
    _open: dict[tuple[str, str, int | None], http.client.HTTPConnection] = field(
        default_factory=dict
    )

    def post(self, url: str, headers: dict[str, str], body: str) -> Answer:
        parts = urlsplit(url)
        path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        sent = body.encode()
        all_headers = {
            **headers,
            "content-type": "application/json",
            "content-length": str(len(sent)),
            "user-agent": USER_AGENT,
        }
        receiver = (parts.scheme, parts.hostname or "", parts.port)
        # A kept connection the receiver closed meanwhile fails at once: try a fresh one.
        for fresh in (receiver not in self._open, True):
            connection = self._connection(receiver, fresh)
            try:
                connection.request("POST", path, body=sent, headers=all_headers)
                response = connection.getresponse()
                start = response.read(200).decode("utf-8", "replace")
                response.read()  # the rest, so the connection can be used again
            except (OSError, http.client.HTTPException) as failed:
                self._drop(receiver)
                # A timeout may have reached the receiver: the next round tries it again.
                if fresh or isinstance(failed, TimeoutError):
                    return Answer(None, _reason(failed))
                continue
            if response.will_close:
                self._drop(receiver)
            status = response.status
            return Answer(status, "" if 200 <= status < 300 else " ".join(start.split())[:120])
        raise AssertionError("unreachable")  # the fresh connection's try returns

    def close(self) -> None:
        for receiver in list(self._open):
            self._drop(receiver)

    def _connection(
        self, receiver: tuple[str, str, int | None], fresh: bool
    ) -> http.client.HTTPConnection:
        if fresh:
            self._drop(receiver)
        connection = self._open.get(receiver)
        if connection is None:
            scheme, host, port = receiver
            connection = (
                http.client.HTTPSConnection(
                    host, port, timeout=self.timeout, context=ssl.create_default_context()
                )
                if scheme == "https"
                else http.client.HTTPConnection(host, port, timeout=self.timeout)
            )
            self._open[receiver] = connection
        return connection

    def _drop(self, receiver: tuple[str, str, int | None]) -> None:
        connection = self._open.pop(receiver, None)
        if connection is not None:
            connection.close()


def _reason(failed: Exception) -> str:
    return f"{type(failed).__name__}: {failed}"[:200]
