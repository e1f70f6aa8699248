"""Who bought in which month: buyers, repeat buyers and cohorts, one customer at a time.

A store reader hands over each customer's purchases in the period (the
month of each) and says whether their first purchase ever was one of
them; `Visits` adds the customers up. A purchase is a repeat when it was
not the customer's first ever, as repeat revenue counts it.
"""

from __future__ import annotations

from collections import defaultdict

from .calendar import months_between
from .facts import Cohort


class Visits:
    def __init__(self, last_month: str) -> None:
        self.last_month = last_month  # the period's; cohorts are followed up to it
        self.buyers: defaultdict[str, int] = defaultdict(int)
        # Customers whose first purchase ever was their only one that month.
        self._first_alone: defaultdict[str, int] = defaultdict(int)
        self._cohorts: defaultdict[str, int] = defaultdict(int)
        self._returned: defaultdict[str, defaultdict[str, int]] = defaultdict(
            lambda: defaultdict(int)
        )

    def add(self, months: list[str], first: str | None) -> None:
        """One customer: the month of each purchase in the period, one per purchase, and
        `first`, the month of their first purchase ever if it was in the period.

        Runs for every buyer, so it does as little as it can: plain counts.
        """
        distinct = set(months)
        buyers = self.buyers
        for month in distinct:
            buyers[month] += 1
        if first is not None:
            if months.count(first) == 1:
                self._first_alone[first] += 1
            self._cohorts[first] += 1
            returned = self._returned[first]
            for month in distinct:
                returned[month] += 1

    def repeat_buyers(self, month: str) -> int:
        """Buyers in `month` with a purchase that was not their first ever."""
        return self.buyers.get(month, 0) - self._first_alone.get(month, 0)

    def cohorts(self) -> list[Cohort]:
        found = []
        for month, customers in sorted(self._cohorts.items()):
            returned = [0] * (months_between(month, self.last_month) + 1)
            for later, count in self._returned[month].items():
                returned[months_between(month, later)] = count
            found.append(Cohort(month, customers, tuple(returned)))
        return found
