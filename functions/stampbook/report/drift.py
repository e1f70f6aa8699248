"""Drifting away: customers whose silence is well past their own usual interval.

A customer who bought at least twice has a usual interval: the time from
their first to their last purchase divided by the gaps between. They are
drifting when the time since their last purchase is more than `factor`
times that (twice, by default). Each also gets an RFM score, 1 to 5 for
how recently, how often and how much they bought compared with every
other buyer, so the owner sees at a glance whom the shop risks losing.
The list comes best customers first: those are worth a personal note.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import TypeVar

from .customers import DAY
from .facts import Buyer, Contact, to_money
from .numbers import HUNDREDTH, TENTH, ratio

DRIFT_FACTOR = Decimal(2)
_US = timedelta(microseconds=1)
_DAY_US = DAY // _US
_Ranked = TypeVar("_Ranked", int, datetime)


@dataclass(frozen=True)
class Drifter:
    customer_id: str
    email: str
    name: str
    consent: str | None  # may they get a win-back email? only if "confirmed"
    orders: int
    revenue: Decimal
    last_purchase: datetime
    days_since: Decimal
    usual_days: Decimal
    overdue: Decimal  # days_since / usual_days
    rfm: str  # e.g. "1-4-5": recency, frequency, money, 5 best


def drifting(
    buyers: list[Buyer],
    now: datetime,
    contacts: Callable[[Iterable[str]], dict[str, Contact]],
    factor: Decimal = DRIFT_FACTOR,
) -> list[Drifter]:
    # Overdue by `factor` of their usual gap: since * (orders - 1) > factor * span, in
    # exact whole microseconds (a time span times a whole number stays exact).
    above, below = factor.as_integer_ratio()
    found = sorted(
        (
            buyer
            for buyer in buyers
            if buyer.orders > 1
            and buyer.last != buyer.first
            and (now - buyer.last) * ((buyer.orders - 1) * below)
            > (buyer.last - buyer.first) * above
        ),
        key=lambda buyer: (-buyer.revenue, buyer.customer_id),
    )
    score = _rfm(buyers)
    people = contacts(buyer.customer_id for buyer in found)
    nobody = Contact("", "", None)
    listed = []
    for buyer in found:
        contact = people.get(buyer.customer_id, nobody)
        since, span = (now - buyer.last) // _US, (buyer.last - buyer.first) // _US
        gaps = buyer.orders - 1
        listed.append(
            Drifter(
                buyer.customer_id,
                contact.email,
                contact.name,
                contact.consent,
                buyer.orders,
                to_money(buyer.revenue),
                buyer.last,
                ratio(since, _DAY_US, TENTH) or Decimal(0),
                ratio(span, gaps * _DAY_US, TENTH) or Decimal(0),
                ratio(since * gaps, span, HUNDREDTH) or Decimal(0),
                score(buyer),
            )
        )
    return listed


def quintile(value: _Ranked, ordered: list[_Ranked]) -> int:
    """1 for the lowest fifth of `ordered` (ascending) .. 5 for the highest; ties score alike."""
    return 1 + 5 * bisect_left(ordered, value) // len(ordered)


def _rfm(buyers: list[Buyer]) -> Callable[[Buyer], str]:
    # Moments compare as they are: the last purchases need no conversion to be ranked.
    lasts = sorted(buyer.last for buyer in buyers)
    orders = sorted(buyer.orders for buyer in buyers)
    revenues = sorted(buyer.revenue for buyer in buyers)

    def score(buyer: Buyer) -> str:
        recency = quintile(buyer.last, lasts)
        frequency = quintile(buyer.orders, orders)
        money = quintile(buyer.revenue, revenues)
        return f"{recency}-{frequency}-{money}"

    return score
