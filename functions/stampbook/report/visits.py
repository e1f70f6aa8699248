"""Who bought in which month: buyers, repeat buyers and cohorts, one customer at a time.

A store reader hands over each customer's purchases in the period (the
month of each) and says whether their first purchase ever was one of
them; `Visits` adds the customers up. A purchase is a repeat when it was
not the customer's first ever, as repeat revenue counts it.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence
from functools import cached_property
from itertools import compress

from .calendar import months_between
from .facts import Cohort


class Visits:
    """Each buyer's months, kept as they come and counted once at the end: a million
    purchases make some hundred thousand customers' months, which `Counter` adds up
    in one call rather than one at a time. A customer's months are kept as text,
    `YYYY-MM` each once, comma-separated, as the store's summary holds them."""

    def __init__(self, last_month: str) -> None:
        self.last_month = last_month  # the period's; cohorts are followed up to it
        # The months of every buyer whose first purchase ever was before the period.
        self._bought: list[str] = []
        # The month of each first purchase ever that was its customer's only one that month.
        self._first_alone: list[str] = []
        # Per month of a first purchase ever: its customers' months (every other buyer).
        self._returned: defaultdict[str, list[str]] = defaultdict(list)

    def add(self, months: list[str], first: str | None) -> None:
        """One customer: the month of each purchase in the period, one per purchase, and
        `first`, the month of their first purchase ever if it was in the period."""
        bought = ",".join(set(months))
        if first is None:
            self._bought.append(bought)
        else:
            if months.count(first) == 1:
                self._first_alone.append(first)
            self._returned[first].append(bought)

    def add_first_timers(
        self, bought: Sequence[str], firsts: Sequence[str], alone: Sequence[bool]
    ) -> None:
        """Customers whose first purchase ever was in the period: each one's months, the
        month of that first purchase, and whether it was their only one that month."""
        self._first_alone.extend(compress(firsts, alone))
        returned = self._returned
        for first, months in zip(firsts, bought, strict=True):
            returned[first].append(months)

    @cached_property
    def _cohorts(self) -> dict[str, Counter[str]]:
        """Per month of a first purchase ever: how many of its customers bought in each
        month, each customer's months split once for these and for `buyers`."""
        return {month: _counted(bought) for month, bought in sorted(self._returned.items())}

    @cached_property
    def buyers(self) -> Counter[str]:
        """Customers who bought, per month."""
        counted = _counted(self._bought)
        for came in self._cohorts.values():
            counted.update(came)
        return counted

    @cached_property
    def _alone(self) -> Counter[str]:
        return Counter(self._first_alone)

    def repeat_buyers(self, month: str) -> int:
        """Buyers in `month` with a purchase that was not their first ever."""
        return self.buyers.get(month, 0) - self._alone.get(month, 0)

    def cohorts(self) -> list[Cohort]:
        found = []
        for month, came in self._cohorts.items():  # everyone came in their first month
            returned = [0] * (months_between(month, self.last_month) + 1)
            for later, count in came.items():
                returned[months_between(month, later)] = count
            found.append(Cohort(month, came[month], tuple(returned)))
        return found


def _counted(bought: list[str]) -> Counter[str]:
    """How many of the customers' months texts name each month: split in one go."""
    return Counter(",".join(bought).split(",")) if bought else Counter()
