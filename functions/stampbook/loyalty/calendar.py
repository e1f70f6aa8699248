"""Date arithmetic the programme's rules speak in: months back, days ahead."""

from __future__ import annotations

import calendar
from datetime import date, datetime, tzinfo
from functools import lru_cache


def months_before(moment: datetime, months: int) -> datetime:
    """The same day and time `months` calendar months earlier (31 March - 1 month = 28/29 Feb)."""
    # The zone and fold are part of the key: equal moments may be other wall-clock times.
    return _months_before(moment, moment.tzinfo, moment.fold, months)


# Every purchase asks where its tier window starts, and an import asks it
# for the same moment a thousand times over.
@lru_cache(maxsize=1024)
def _months_before(moment: datetime, zone: tzinfo | None, fold: int, months: int) -> datetime:
    month_index = moment.year * 12 + moment.month - 1 - months
    year, month = divmod(month_index, 12)
    day = min(moment.day, calendar.monthrange(year, month + 1)[1])
    return moment.replace(year=year, month=month + 1, day=day)


def birthday_in(year: int, birthday: date) -> date:
    """This year's birthday; 29 February is celebrated on 28 February in other years."""
    if birthday.month == 2 and birthday.day == 29 and not calendar.isleap(year):
        return date(year, 2, 28)
    return birthday.replace(year=year)
