"""Calendar months as the report names them, `YYYY-MM` (UTC), and the steps between them."""

from __future__ import annotations

from datetime import datetime, timedelta

_JUST_BEFORE = timedelta(microseconds=1)


def month_of(moment: datetime) -> str:
    return f"{moment.year:04}-{moment.month:02}"


def last_month(end: datetime) -> str:
    """The month of the period's last moment: `end` itself is not in the period."""
    return month_of(end - _JUST_BEFORE)


def months_between(first: str, later: str) -> int:
    """How many months `later` comes after `first`: 0 for the same month."""
    return _index(later) - _index(first)


def month_after(month: str, steps: int) -> str:
    index = _index(month) + steps
    return f"{index // 12:04}-{index % 12 + 1:02}"


def every_month(first: str, last: str) -> list[str]:
    """From `first` to `last`, both included; empty when `last` comes first."""
    return [month_after(first, step) for step in range(months_between(first, last) + 1)]


def _index(month: str) -> int:
    year, number = month.split("-")
    return int(year) * 12 + int(number) - 1
