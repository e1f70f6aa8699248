"""How often a caller may ask: request rates per IP and per address, and mail holds.

Counted in the store, so a limit holds across every Lambda instance and
every process. Keys carry an HMAC of who asked (keyed from the signing
keys, `Keyring.limits_key`), never the address or IP itself: the limits
table is not one more copy of the customer file, and an erased address
cannot be looked for in it. Every row says when it may go (`until`): the
nightly run deletes spent rows on SQLite, DynamoDB's TTL on the table does.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from datetime import datetime

from ..records.owed_emails import OwedEmail
from ..store.base import Store


class Limited(Exception):
    """Too many requests; try again in `retry_after` seconds."""

    def __init__(self, retry_after: int) -> None:
        super().__init__(f"retry after {retry_after} s")
        self.retry_after = retry_after


@dataclass(frozen=True)
class Rate:
    """At most `limit` requests in any `window` seconds.

    A sliding window, estimated from two fixed ones: the last window's count
    weighs as much as it still overlaps the sliding one. Fixed windows alone
    let twice the limit through across a window's edge.
    """

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


def who(text: str, key: bytes) -> str:
    """A short, stable stand-in for an address or IP in a key."""
    return hmac.new(key, text.encode(), hashlib.sha256).hexdigest()[:32]


def count(store: Store, rate: Rate, caller: str, now: datetime, key: bytes) -> None:
    """Count one request by `caller`; raises `Limited` once over the rate."""
    second = int(now.timestamp())
    window, into = divmod(second, rate.window)
    name = f"{rate.name}:{who(caller, key)}"
    # Kept through the next window too, which still weighs it.
    hits = store.count_hit(f"{name}:{window}", (window + 2) * rate.window)
    before = store.hits(f"{name}:{window - 1}", second)
    if hits + before * (rate.window - into) / rate.window > rate.limit:
        raise Limited(max(1, rate.window - into))


def once_per(
    store: Store,
    what: str,
    caller: str,
    seconds: int,
    now: datetime,
    key: bytes,
    owed: OwedEmail | None = None,
) -> bool:
    """True the first time `what` happens for `caller` in `seconds`; then False until they pass.

    `owed`, the email this rations, is owed in the same write when it is True.
    """
    second = int(now.timestamp())
    return store.hold(f"{what}:{who(caller, key)}", second, second + seconds, owed)
