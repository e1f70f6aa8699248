"""What the nightly run's result for one customer calls for, on one local day.

Pure: from the programme, the day and `LoyaltyService.run_daily_for`'s
`DailyRun`, the automatic emails due, each with its occasion key. The plan is
made once per night, so most customers cost a few dictionary look-ups.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any

from ..loyalty.ledger import EntryKind
from ..mail.reader import Occasion
from ..records.automation_sends import Automation

if TYPE_CHECKING:
    from ..programme import Programme
    from .results import DailyRun

Due = tuple[Automation, str, Occasion | None]  # email, occasion key, what it is about


@dataclass(frozen=True)
class DayPlan:
    today: date
    points_expiring: bool
    birthday: bool
    birthday_bonus: int | None  # None: the programme pays no birthday bonus
    win_back_after: timedelta | None
    # Today's holiday greetings: id -> the locales it goes to (empty: every one).
    greetings: Mapping[str, frozenset[str]]

    def due(self, result: DailyRun, now: datetime) -> list[Due]:
        found: list[Due] = []
        warning = result.expiry_warning
        if self.points_expiring and warning:
            found.append((Automation.POINTS_EXPIRING, warning.expires_on.isoformat(), None))
        if self.birthday and result.birthday:
            # With a bonus in the programme, the greeting comes with the bonus the
            # engine paid (a birthday given only days ago pays, and gets, nothing).
            if self.birthday_bonus is None:
                found.append((Automation.BIRTHDAY, str(self.today.year), None))
            elif EntryKind.BIRTHDAY in result.entries:
                occasion = Occasion(bonus_points=self.birthday_bonus)
                found.append((Automation.BIRTHDAY, str(self.today.year), occasion))
        since = result.last_purchase_at
        if self.win_back_after is not None and since and now - since >= self.win_back_after:
            # Once per lapse: a new purchase starts a new one.
            found.append((Automation.WIN_BACK, since.isoformat(), None))
        for greeting in self.greetings:
            occasion = Occasion(greeting=greeting)
            found.append((Automation.HOLIDAY, f"{greeting}:{self.today}", occasion))
        return found

    def greets(self, occasion: Occasion | None, locale: str) -> bool:
        """Whether a holiday greeting goes to a reader of `locale`."""
        locales = self.greetings.get(occasion.greeting or "") if occasion else None
        return locales is not None and (not locales or locale in locales)


def plan_of_day(programme: Programme, today: date) -> DayPlan:
    automations = programme.automations
    loyalty = programme.programme_file.loyalty

    def on(section: Any) -> bool:
        return section is not None and bool(section.enabled)

    holidays = automations.holidays
    greetings = {
        greeting.id: frozenset(greeting.locales)
        for greeting in (holidays.greetings if holidays and holidays.enabled else ())
        if greeting.falls_on(today)  # its date, or its holiday's date this year
    }
    win_back = automations.win_back
    return DayPlan(
        today=today,
        points_expiring=on(automations.points_expiring),
        birthday=on(automations.birthday),
        birthday_bonus=loyalty.birthday.points if loyalty.birthday else None,
        win_back_after=timedelta(days=win_back.after_days) if on(win_back) and win_back else None,
        greetings=greetings,
    )
