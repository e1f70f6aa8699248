"""How often a caller may ask: request rates per IP and per address, and mail holds.

Counted in the store, so a limit holds across every Lambda instance and
every process. Keys carry a keyed hash of who asked, never the address or
IP itself: the limits table is not one more copy of the customer file.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime

from ..store.base import Store


class Limited(Exception):
    """Too many requests; try again in `retry_after` seconds."""

    def __init__(self, retry_after: int) -> None:
        super().__init__(f"retry after {retry_after} s")
        self.retry_after = retry_after


@dataclass(frozen=True)
class Rate:
    """At most `limit` requests per `window` seconds (fixed windows)."""

    name: str
    limit: int
    window: int


# Providers that deliver `an.na+x@` to `anna@`: dots and the tag both ignored.
_DOTS_IGNORED = frozenset({"gmail.com", "googlemail.com"})


def mailbox(address: str) -> str:
    """The mailbox an address reaches: `victim+1@` and `victim+2@` are one person.

    Limits on an address count its mailbox, so a list of plus-addresses cannot
    send one person ten confirmations.
    """
    local, _, domain = address.rpartition("@")
    local = local.split("+", 1)[0] or local
    if domain in _DOTS_IGNORED:
        local = local.replace(".", "") or local
    return f"{local}@{domain}"


def who(text: str) -> str:
    """A short, stable stand-in for an address or IP in a key."""
    return hashlib.sha256(f"stampbook-limit:{text}".encode()).hexdigest()[:32]


def count(store: Store, rate: Rate, caller: str, now: datetime) -> None:
    """Count one request by `caller`; raises `Limited` once over the rate."""
    second = int(now.timestamp())
    window = second // rate.window
    until = (window + 1) * rate.window
    hits = store.count_hit(f"{rate.name}:{who(caller)}:{window}", until)
    if hits > rate.limit:
        raise Limited(max(1, until - second))


def once_per(store: Store, what: str, caller: str, seconds: int, now: datetime) -> bool:
    """True the first time `what` happens for `caller` in `seconds`; then False until they pass."""
    second = int(now.timestamp())
    return store.hold(f"{what}:{who(caller)}", second, second + seconds)
