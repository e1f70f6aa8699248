"""What the engine knows of one customer: their ledger, orders, certificates."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING

from .ledger import Balance, Entry, EntryKind
from .orders import Order, Refund

if TYPE_CHECKING:
    from .tier_spend import TierSpend


@dataclass(frozen=True, slots=True)
class Certificate:
    certificate_id: str
    code: str
    rule_id: str
    value: Decimal
    currency: str
    issued_at: datetime
    expires_at: datetime
    # The spend this certificate used up, per order, so it is never counted twice.
    consumed: tuple[tuple[str, Decimal], ...]
    redeemed_at: datetime | None = None
    # Spend refunded after an earlier certificate had used it, made good by
    # this certificate's spend (see loyalty.certificates).
    settled: Decimal = Decimal(0)

    def usable(self, now: datetime) -> bool:
        return self.redeemed_at is None and now < self.expires_at


@dataclass(frozen=True)
class History:
    customer_id: str
    entries: tuple[Entry, ...] = ()
    orders: tuple[Order, ...] = ()
    refunds: tuple[Refund, ...] = ()
    certificates: tuple[Certificate, ...] = ()
    tier: str | None = None
    birthday: date | None = None
    birthday_known_since: datetime | None = None
    referred_by: str | None = None
    # The tier-spend tally, where the store keeps one. When it is given, the
    # store may leave out the orders and refunds it was counted from.
    tier_spend: TierSpend | None = None

    def balance(self, now: datetime) -> Balance:
        return Balance.of(self.entries, now)

    def order(self, order_id: str) -> Order | None:
        return next((order for order in self.orders if order.order_id == order_id), None)

    def refunds_of(self, order_id: str) -> list[Refund]:
        return [refund for refund in self.refunds if refund.order_id == order_id]

    def entries_of(self, kind: EntryKind, order_id: str | None = None) -> Iterator[Entry]:
        for entry in self.entries:
            if entry.kind == kind and (order_id is None or entry.order_id == order_id):
                yield entry

    def has_key(self, key: str) -> bool:
        return any(entry.idempotency_key == key for entry in self.entries)
