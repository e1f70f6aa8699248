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
from operator import attrgetter
from typing import TypeVar

from .customers import DAY
from .facts import Buyer, Contact, to_money

DRIFT_FACTOR = Decimal(2)
_US = timedelta(microseconds=1)
_DAY_US = DAY // _US
_ZERO = Decimal(0)  # a figure rounded to nothing is shown as 0
_Ranked = TypeVar("_Ranked", int, datetime)


# Not frozen, unlike the report around it: a list of tens of thousands is made four
# times as fast, and nothing changes a drifter once listed.
@dataclass(slots=True)
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
    found = [
        buyer
        for buyer in buyers
        if buyer.orders > 1
        and buyer.last != buyer.first
        and (now - buyer.last) * ((buyer.orders - 1) * below) > (buyer.last - buyer.first) * above
    ]
    # Most revenue first, equals by customer id: two stable sorts by one field each
    # rather than a key tuple built for every drifter.
    found.sort(key=attrgetter("customer_id"))
    found.sort(key=attrgetter("revenue"), reverse=True)
    score = _rfm(buyers)
    people = contacts(buyer.customer_id for buyer in found)
    nobody = Contact("", "", None)
    tenths = _Tenths()
    listed = []
    for buyer in found:
        contact = people.get(buyer.customer_id, nobody)
        # Both above zero for a drifter. The figures are rounded half up as `ratio` rounds
        # them, but in whole numbers: the list can run to tens of thousands.
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
                tenths[(20 * since + _DAY_US) // (2 * _DAY_US)],
                tenths[(20 * span + gaps * _DAY_US) // (2 * gaps * _DAY_US)],
                Decimal((200 * since * gaps + span) // (2 * span)).scaleb(-2) or _ZERO,
                score(buyer),
            )
        )
    return listed


class _Tenths(dict[int, Decimal]):
    """Tenths as decimals, each made once: drifters' days since and usual days repeat."""

    def __missing__(self, tenths: int) -> Decimal:
        made = self[tenths] = Decimal(tenths).scaleb(-1) or _ZERO
        return made


def quintile_cuts(ordered: list[_Ranked]) -> list[_Ranked]:
    """The values a score passes on its way up: the last of each of the lowest four fifths
    of `ordered` (ascending, not empty). A value of `ordered` scores 1 + the number of
    cuts below it (`bisect_left`): 1 for the lowest fifth .. 5 for the highest, ties
    alike, as 1 + 5 * (values below it) // (all the values) would."""
    count = len(ordered)
    return [ordered[-(-step * count // 5) - 1] for step in range(1, 5)]


def _rfm(buyers: list[Buyer]) -> Callable[[Buyer], str]:
    if not buyers:
        return lambda buyer: ""
    # Moments compare as they are: the last purchases need no conversion to be ranked.
    lasts = quintile_cuts(sorted(map(attrgetter("last"), buyers)))
    orders = quintile_cuts(sorted(map(attrgetter("orders"), buyers)))
    revenues = quintile_cuts(sorted(map(attrgetter("revenue"), buyers)))

    def score(buyer: Buyer) -> str:
        recency = 1 + bisect_left(lasts, buyer.last)
        frequency = 1 + bisect_left(orders, buyer.orders)
        money = 1 + bisect_left(revenues, buyer.revenue)
        return f"{recency}-{frequency}-{money}"

    return score
