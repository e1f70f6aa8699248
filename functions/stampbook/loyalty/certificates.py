"""Gift certificates: spend X within N months, get a certificate worth Y.

Spend counts once the order can no longer be returned (after the pending
days), so buying to get a certificate and returning the goods earns nothing.
Each certificate records the spend it used up, order by order, oldest first;
that spend never counts again, and what is left over counts towards the
next certificate while it is still inside the window.

A certificate once issued stays the customer's. If spend it used is
refunded later (a goodwill return after the window), the shortfall is made
good first from the spend towards the next certificate: buying, collecting
a certificate and returning the goods never earns a certificate for free.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..programme.rules import CertificateRule
from .calendar import months_before
from .history import Certificate, History
from .orders import qualifying_spend, remaining_lines
from .rules import Rules


def _used(rule: CertificateRule, history: History) -> dict[str, Decimal]:
    used: dict[str, Decimal] = {}
    for certificate in history.certificates:
        if certificate.rule_id == rule.id:
            for order_id, amount in certificate.consumed:
                used[order_id] = used.get(order_id, Decimal(0)) + amount
    return used


def _net_spend(rules: Rules, history: History, order_id: str) -> Decimal:
    order = history.order(order_id)
    if order is None:
        return Decimal(0)
    lines = remaining_lines(order, history.refunds_of(order_id))
    return qualifying_spend(lines, rules.loyalty.earning)


def shortfall(rules: Rules, rule: CertificateRule, history: History) -> Decimal:
    """Spend used by certificates and refunded since, not yet made good."""
    used = _used(rule, history)
    refunded = sum(
        (max(amount - _net_spend(rules, history, oid), Decimal(0)) for oid, amount in used.items()),
        Decimal(0),
    )
    settled = sum((c.settled for c in history.certificates if c.rule_id == rule.id), Decimal(0))
    return max(refunded - settled, Decimal(0))


def _unused_spend(
    rules: Rules, rule: CertificateRule, history: History, now: datetime
) -> list[tuple[str, Decimal]]:
    """(order id, spend not yet used by this rule), oldest order first."""
    used = _used(rule, history)
    since = months_before(now, rule.within_months)
    final_before = now - timedelta(days=rules.loyalty.pending.days)
    unused = []
    for order in sorted(history.orders, key=lambda o: (o.placed_at, o.order_id)):
        if not since < order.placed_at <= final_before:
            continue
        lines = remaining_lines(order, history.refunds_of(order.order_id))
        left = qualifying_spend(lines, rules.loyalty.earning) - used.get(order.order_id, 0)
        if left > 0:
            unused.append((order.order_id, left))
    return unused


def certificates_due(
    rules: Rules, history: History, now: datetime, new_code: Callable[[], str]
) -> tuple[Certificate, ...]:
    issued: list[Certificate] = []
    for rule in rules.loyalty.certificates:
        unused = _unused_spend(rules, rule, history, now)
        owed = shortfall(rules, rule, history)
        count = sum(1 for c in history.certificates if c.rule_id == rule.id)
        while sum(amount for _, amount in unused) >= rule.spend + owed:
            consumed, unused = _take(unused, rule.spend + owed)
            settled, owed = owed, Decimal(0)
            count += 1
            issued.append(
                Certificate(
                    certificate_id=f"{history.customer_id}:{rule.id}:{count}",
                    code=new_code(),
                    rule_id=rule.id,
                    value=rule.value,
                    currency=rules.currency,
                    issued_at=now,
                    expires_at=now + timedelta(days=rule.valid_days),
                    consumed=consumed,
                    settled=settled,
                )
            )
    return tuple(issued)


def _take(
    unused: list[tuple[str, Decimal]], amount: Decimal
) -> tuple[tuple[tuple[str, Decimal], ...], list[tuple[str, Decimal]]]:
    """Use up `amount` of spend, oldest first; return what was used and what is left."""
    consumed = []
    left = list(unused)
    while amount > 0:
        order_id, available = left[0]
        used = min(available, amount)
        consumed.append((order_id, used))
        amount -= used
        if used == available:
            left.pop(0)
        else:
            left[0] = (order_id, available - used)
    return tuple(consumed), left
