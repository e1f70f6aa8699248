"""A customer's state kept outside the engine, the way the store keeps it.

The engine only decides; these helpers apply what it decides to a `History`
with `dataclasses.replace`. An entry whose idempotency key is already in the
ledger is skipped, as are an order, a refund or a certificate already stored
under the same id: that is how the store makes every request safe to repeat.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from decimal import Decimal
from functools import cache
from typing import TypeVar
from zoneinfo import ZoneInfo

from stampbook.loyalty.daily import DailyOutcome, run_daily
from stampbook.loyalty.history import Certificate, History
from stampbook.loyalty.ledger import Balance, Entry
from stampbook.loyalty.orders import Order, OrderLine, Refund
from stampbook.loyalty.purchases import PurchaseOutcome, record_purchase, record_refund
from stampbook.loyalty.rules import Rules
from stampbook.loyalty.spending import adjust, redeem
from stampbook.programme import load_programme
from tests.support.paths import EXAMPLE

T = TypeVar("T")

CAMPAIGNS = EXAMPLE
MSK = ZoneInfo("Europe/Moscow")


@cache
def example_rules() -> Rules:
    """The rules of the example programme (Copper Cezve) in `campaigns/`."""
    return Rules.of(load_programme(CAMPAIGNS))


def msk(year: int, month: int, day: int, hour: int = 12, minute: int = 0) -> datetime:
    """A moment on the business's wall clock (Moscow)."""
    return datetime(year, month, day, hour, minute, tzinfo=MSK)


def rub(amount: str | int) -> Decimal:
    return Decimal(amount)


def purchase(
    order_id: str,
    placed_at: datetime,
    *lines: tuple[str, str | int],
    shipping: str | int = 0,
    tax: str | int = 0,
) -> Order:
    """An order in roubles; lines are (category, amount) and get ids `<order>-1`, `<order>-2`..."""
    return Order(
        order_id=order_id,
        placed_at=placed_at,
        currency="RUB",
        lines=tuple(
            OrderLine(f"{order_id}-{n}", category, rub(amount))
            for n, (category, amount) in enumerate(lines, start=1)
        ),
        shipping=rub(shipping),
        tax=rub(tax),
    )


def _new_only(stored: tuple[T, ...], items: Iterable[T], key: Callable[[T], str]) -> tuple[T, ...]:
    """`stored` plus the items whose key is not stored yet (nor earlier among `items`)."""
    known = {key(item) for item in stored}
    fresh = []
    for item in items:
        if key(item) not in known:
            known.add(key(item))
            fresh.append(item)
    return (*stored, *fresh)


def add_entries(history: History, entries: Iterable[Entry]) -> History:
    """Append entries whose idempotency key is not in the ledger yet."""
    added = _new_only(history.entries, entries, lambda entry: entry.idempotency_key)
    return replace(history, entries=added)


def apply_purchase(history: History, order: Order, outcome: PurchaseOutcome) -> History:
    if history.order(order.order_id) is None:
        history = replace(history, orders=(*history.orders, order))
    return replace(add_entries(history, outcome.entries), tier=outcome.tier)


def apply_refund(history: History, refund: Refund, entries: Iterable[Entry]) -> History:
    if all(known.refund_id != refund.refund_id for known in history.refunds):
        history = replace(history, refunds=(*history.refunds, refund))
    return add_entries(history, entries)


def add_certificates(history: History, certificates: Iterable[Certificate]) -> History:
    added = _new_only(history.certificates, certificates, lambda c: c.certificate_id)
    return replace(history, certificates=added)


def apply_daily(history: History, outcome: DailyOutcome) -> History:
    history = add_certificates(add_entries(history, outcome.entries), outcome.certificates)
    return replace(history, tier=outcome.tier)


@dataclass
class Customer:
    """One customer's state and the engine calls that change it."""

    history: History
    rules: Rules = field(default_factory=example_rules)
    codes_issued: int = 0

    @classmethod
    def sign_up(
        cls,
        customer_id: str,
        *,
        birthday: date | None = None,
        birthday_known_since: datetime | None = None,
        referred_by: str | None = None,
    ) -> Customer:
        return cls(
            History(
                customer_id,
                birthday=birthday,
                birthday_known_since=birthday_known_since,
                referred_by=referred_by,
            )
        )

    def new_code(self) -> str:
        self.codes_issued += 1
        return f"CODE-{self.codes_issued:04d}"

    def balance(self, now: datetime) -> Balance:
        return self.history.balance(now)

    @property
    def tier(self) -> str | None:
        return self.history.tier

    @property
    def certificates(self) -> tuple[Certificate, ...]:
        return self.history.certificates

    def buy(self, order: Order, now: datetime | None = None) -> PurchaseOutcome:
        outcome = record_purchase(self.rules, self.history, order, now or order.placed_at)
        self.history = apply_purchase(self.history, order, outcome)
        return outcome

    def refund(self, refund: Refund) -> tuple[Entry, ...]:
        entries = record_refund(self.rules, self.history, refund, refund.refunded_at)
        self.history = apply_refund(self.history, refund, entries)
        return entries

    def redeem(self, reward_id: str, now: datetime, key: str) -> Entry:
        entry = redeem(self.rules, self.history, reward_id, now, key)
        self.history = add_entries(self.history, [entry])
        return entry

    def adjust(self, points: int, reason: str, now: datetime, key: str) -> Entry:
        entry = adjust(self.rules, self.history, points, reason, now, key)
        self.history = add_entries(self.history, [entry])
        return entry

    def daily(self, now: datetime) -> DailyOutcome:
        outcome = run_daily(self.rules, self.history, now, self.new_code)
        self.history = apply_daily(self.history, outcome)
        return outcome


def refund_of(
    refund_id: str, order_id: str, at: datetime, lines: dict[str, str | int], tax: str | int = 0
) -> Refund:
    """A refund in roubles: line id -> amount."""
    return Refund(
        refund_id,
        order_id,
        at,
        {line_id: rub(amount) for line_id, amount in lines.items()},
        rub(tax),
    )
