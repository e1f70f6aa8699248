"""Where a customer stands at a moment: points, tier, last order, certificates to use.

What the till's look-up and the emails show, without the history behind
it: a store answers from its indexes, so a regular of many years is looked
up as fast as a newcomer. `Standing.of` says what it must equal.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from .daily import last_activity
from .history import Certificate, History
from .ledger import Balance


@dataclass(frozen=True)
class Standing:
    balance: Balance
    tier: str | None
    last_order_at: datetime | None  # the inactivity that expires points counts from here
    certificates: tuple[Certificate, ...]  # the usable ones, oldest first

    @classmethod
    def of(cls, history: History, now: datetime) -> Standing:
        return cls(
            history.balance(now),
            history.tier,
            last_activity(history),
            tuple(c for c in history.certificates if c.usable(now)),
        )
