"""Who bought in which month: buyers, repeat buyers and cohorts, one customer at a time.

A store reader hands over each customer's purchases in the period (the
month of each) and says whether their first purchase ever was one of
them; `Visits` adds the customers up. A purchase is a repeat when it was
not the customer's first ever, as repeat revenue counts it.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Collection
from functools import cached_property

from .calendar import months_between
from .facts import Cohort


class Visits:
    """Each buyer's months, kept as they come and counted once at the end: a million
    purchases make some hundred thousand customers' months, which `Counter` adds up
    in one call rather than one at a time."""

    def __init__(self, last_month: str) -> None:
        self.last_month = last_month  # the period's; cohorts are followed up to it
        self._months: list[str] = []  # every buyer's months, once each
        # The month of each first purchase ever that was its customer's only one that month.
        self._first_alone: list[str] = []
        # Per month of a first purchase ever: its customers' months, once each.
        self._returned: defaultdict[str, list[str]] = defaultdict(list)

    def add(self, months: list[str], first: str | None) -> None:
        """One customer: the month of each purchase in the period, one per purchase, and
        `first`, the month of their first purchase ever if it was in the period."""
        self.add_months(set(months), first, first is not None and months.count(first) == 1)

    def add_months(self, distinct: Collection[str], first: str | None, first_alone: bool) -> None:
        """One customer: the months they bought in during the period, each once; `first`,
        the month of their first purchase ever if it was in the period; and whether that
        purchase was their only one that month."""
        self._months.extend(distinct)
        if first is not None:
            if first_alone:
                self._first_alone.append(first)
            self._returned[first].extend(distinct)

    @cached_property
    def buyers(self) -> Counter[str]:
        """Customers who bought, per month."""
        return Counter(self._months)

    @cached_property
    def _alone(self) -> Counter[str]:
        return Counter(self._first_alone)

    def repeat_buyers(self, month: str) -> int:
        """Buyers in `month` with a purchase that was not their first ever."""
        return self.buyers.get(month, 0) - self._alone.get(month, 0)

    def cohorts(self) -> list[Cohort]:
        found = []
        for month, months in sorted(self._returned.items()):
            came = Counter(months)  # everyone came in their first month
            returned = [0] * (months_between(month, self.last_month) + 1)
            for later, count in came.items():
                returned[months_between(month, later)] = count
            found.append(Cohort(month, came[month], tuple(returned)))
        return found
