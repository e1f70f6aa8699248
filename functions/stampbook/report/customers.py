"""Who comes back: customers, new, active, repeat-purchase rate, time between purchases."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from itertools import repeat
from operator import attrgetter, floordiv, sub, truediv
from statistics import median_low

from .facts import Buyer, Facts
from .numbers import HUNDREDTH, TENTH, ratio

DAY = timedelta(days=1)
_US = timedelta(microseconds=1)


@dataclass(frozen=True)
class CustomerFigures:
    total: int  # in the file at the period's end
    new: int  # joined in the period
    active: int  # bought in the period
    repeat: int  # bought more than once in the period
    repeat_rate: Decimal | None  # repeat / active
    orders_per_customer: Decimal | None  # orders / active
    # Every gap between two purchases of the same customer, averaged.
    days_between_purchases: Decimal | None
    # The typical customer's own average gap (the median over repeat buyers).
    median_customer_days_between: Decimal | None


def usual_gap(buyer: Buyer) -> timedelta | None:
    """A customer's own average time between purchases; None for one purchase."""
    if buyer.orders < 2:
        return None
    return (buyer.last - buyer.first) / (buyer.orders - 1)


def customer_figures(facts: Facts) -> CustomerFigures:
    buyers = facts.buyers
    repeaters = [buyer for buyer in buyers if buyer.orders > 1]
    orders = sum(map(attrgetter("orders"), buyers))
    # Each repeat buyer's time from first to last purchase, and the gaps between
    # (`map` over C functions: there can be some hundred thousand).
    lasts, firsts = map(attrgetter("last"), repeaters), map(attrgetter("first"), repeaters)
    spans = list(map(sub, lasts, firsts))
    between = list(map(sub, map(attrgetter("orders"), repeaters), repeat(1)))
    span = sum(spans, timedelta())
    gaps = sum(between)
    # Their own usual gaps (`usual_gap`) in microseconds, rounded to days once, after
    # choosing the median: rounding keeps the order.
    own = list(map(floordiv, map(truediv, spans, between), repeat(_US)))
    return CustomerFigures(
        total=facts.customers_total,
        new=facts.customers_new,
        active=len(buyers),
        repeat=len(repeaters),
        repeat_rate=ratio(len(repeaters), len(buyers)),
        orders_per_customer=ratio(orders, len(buyers), HUNDREDTH),
        days_between_purchases=_days(span / gaps) if gaps else None,
        median_customer_days_between=_days(median_low(own) * _US) if own else None,
    )


def _days(gap: timedelta | None) -> Decimal | None:
    if gap is None:
        return None
    return ratio(gap // _US, DAY // _US, TENTH)
