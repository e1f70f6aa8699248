"""The points ledger: append-only entries; every balance is derived from them.

An entry's `available_at` says when its points count as available. Points
earned by a purchase wait out the return window (`available_at` in the
future: pending); a refund inside the window is clawed back with the same
`available_at`, so it cancels the pending points and never touches what the
customer can spend. Everything else is available at once.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from enum import StrEnum


class EntryKind(StrEnum):
    EARN = "earn"  # points for a purchase
    CLAWBACK = "clawback"  # points taken back for a refund
    REDEEM = "redeem"  # points spent on a reward
    BIRTHDAY = "birthday"
    REFERRAL = "referral"
    ADJUST = "adjust"  # goodwill credit or correction by the owner, with a reason
    EXPIRE = "expire"  # points lost after the inactivity period


@dataclass(frozen=True, slots=True)
class Entry:
    kind: EntryKind
    points: int
    at: datetime
    available_at: datetime
    idempotency_key: str
    rules_version: str
    order_id: str | None = None
    amount: Decimal | None = None
    currency: str | None = None
    reward_id: str | None = None
    certificate_id: str | None = None
    reason: str | None = None
    # The tier multiplier a purchase earned at, so its refund takes back exactly.
    multiplier: Decimal | None = None


@dataclass(frozen=True, slots=True)
class Balance:
    total: int
    available: int
    pending: int

    @classmethod
    def of(cls, entries: Iterable[Entry], now: datetime) -> Balance:
        available = pending = 0
        for entry in entries:
            if entry.available_at <= now:
                available += entry.points
            else:
                pending += entry.points
        return cls(available + pending, available, pending)
