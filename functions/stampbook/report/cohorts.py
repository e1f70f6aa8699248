"""Who comes back: customers grouped by the month of their first purchase, month by month after.

A cohort's share in its k-th month is the part of its customers who
bought in that month (the first month is everyone, 100 %). The table is
read along a row (how one month's newcomers stayed) and down a column
(whether newcomers stay better lately).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from .facts import Cohort
from .numbers import ratio


@dataclass(frozen=True)
class CohortRow:
    month: str  # of the first purchase
    customers: int
    returned: tuple[int, ...]  # customers who bought k months later, from k = 0
    shares: tuple[Decimal, ...]  # returned / customers


def cohorts(found: list[Cohort]) -> tuple[CohortRow, ...]:
    return tuple(
        CohortRow(
            cohort.month,
            cohort.customers,
            cohort.returned,
            tuple(ratio(count, cohort.customers) or Decimal(0) for count in cohort.returned),
        )
        for cohort in found
        if cohort.customers
    )


def came_back_next_month(rows: tuple[CohortRow, ...]) -> tuple[int, int]:
    """Over every cohort that has a next month: customers who bought in it, and all of them."""
    followed = [row for row in rows if len(row.returned) > 1]
    return sum(row.returned[1] for row in followed), sum(row.customers for row in followed)
