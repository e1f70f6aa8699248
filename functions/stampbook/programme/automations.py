"""`automations.yaml`: the emails Stampbook sends by itself, and their texts."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Annotated, Any

from pydantic import AfterValidator, ConfigDict, Field, model_validator

from .calendars import UnknownCountry, holiday_days
from .fields import Days, Holdout, LocaleRef, OwnerModel, Slug
from .text import LocalizedText

_YEARLY = re.compile(r"^(\d{2})-(\d{2})$")
_ONCE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
# A leap year's, so that 02-29 is a real day (and is then refused for coming so rarely).
_A_LEAP_YEAR = 2028


def _holiday_date(value: str) -> str:
    once, yearly = _ONCE.match(value), _YEARLY.match(value)
    if not (once or yearly):
        raise ValueError("a holiday date is MM-DD (every year) or YYYY-MM-DD (once)")
    try:
        dt.date.fromisoformat(value if once else f"{_A_LEAP_YEAR}-{value}")
    except ValueError:
        raise ValueError(f"'{value}' is not a real date") from None
    if yearly and value == "02-29":
        raise ValueError(
            "'02-29' comes only in leap years; greet on 02-28 or 03-01, "
            "or give the year (YYYY-02-29) for one leap day"
        )
    return value


HolidayDate = Annotated[
    str,
    AfterValidator(_holiday_date),
    Field(json_schema_extra={"pattern": r"^(\d{4}-)?\d{2}-\d{2}$"}),
]


class CountryHoliday(OwnerModel):
    """A holiday of a country's calendar, on its date each year: `{country: BG, name: Easter}`.

    `country` is the two-letter ISO 3166 code; `name` is the holiday's name in
    English or in the country's language; `Orthodox Easter` and `Western Easter`
    can be named for any country. `stampbook check` lists the names.
    """

    # The pattern is only the editor's: `check` says more about `Bulgaria` or `bg`.
    country: str = Field(min_length=1, json_schema_extra={"pattern": "^[A-Z]{2}$"})
    name: str = Field(min_length=1)

    def days(self, year: int) -> tuple[dt.date, ...]:
        """When it begins in `year`; none for a country or name the calendars lack."""
        try:
            return holiday_days(self.country, self.name, year)
        except UnknownCountry:
            return ()


class AutomatedEmail(OwnerModel):
    enabled: bool = True
    subject: LocalizedText
    body: LocalizedText  # Markdown


class Promotion(AutomatedEmail):
    """An email that only invites (a greeting, an offer): one that may be held out from a few
    to measure what it brings. Those that tell a customer something they need (a
    certificate, points about to expire, a thank-you with the points earned) may not."""

    holdout: Holdout = Decimal(0)


class WinBack(Promotion):
    after_days: Days  # days without a purchase before we say we miss them


def _date_or_holiday(schema: dict[str, Any]) -> None:
    """For editors: one of `date` and `holiday`, and neither written out empty."""
    schema["oneOf"] = [{"required": ["date"]}, {"required": ["holiday"]}]
    for key in ("date", "holiday"):
        field = schema["properties"][key]
        field |= next(kind for kind in field.pop("anyOf") if kind.get("type") != "null")
        field.pop("default", None)


class HolidayGreeting(OwnerModel):
    """A greeting on a `date`, or on a country's `holiday` wherever it falls that year."""

    model_config = OwnerModel.model_config | ConfigDict(json_schema_extra=_date_or_holiday)

    id: Slug
    date: HolidayDate | None = None
    holiday: CountryHoliday | None = None
    locales: tuple[LocaleRef, ...] = ()  # empty: every locale of the programme
    subject: LocalizedText
    body: LocalizedText

    @model_validator(mode="after")
    def _one_day(self) -> HolidayGreeting:
        if self.date is None and self.holiday is None:
            raise ValueError(
                "a greeting needs a `date` (MM-DD or YYYY-MM-DD) "
                "or a `holiday` (e.g. `{country: BG, name: Easter}`)"
            )
        if self.date is not None and self.holiday is not None:
            raise ValueError("a greeting has either a `date` or a `holiday`, not both")
        return self

    def days(self, year: int) -> tuple[dt.date, ...]:
        """The days it goes out in `year` (none, for a one-off date of another year)."""
        if self.holiday is not None:
            return self.holiday.days(year)
        if self.date is None:  # pragma: no cover - the validator requires one
            return ()
        if _ONCE.match(self.date):
            day = dt.date.fromisoformat(self.date)
            return (day,) if day.year == year else ()
        return (dt.date.fromisoformat(f"{year}-{self.date}"),)

    def falls_on(self, day: dt.date) -> bool:
        return day in self.days(day.year)

    def next_day(self, today: dt.date) -> dt.date | None:
        """The next day it goes out, `today` included; None once a one-off has passed."""
        for year in range(today.year, today.year + 3):
            later = [day for day in self.days(year) if day >= today]
            if later:
                return later[0]
        return None


class Holidays(OwnerModel):
    enabled: bool = True
    holdout: Holdout = Decimal(0)  # of each greeting's audience
    greetings: tuple[HolidayGreeting, ...] = Field(min_length=1)


class Automations(OwnerModel):
    welcome: AutomatedEmail | None = None
    thank_you: AutomatedEmail | None = None
    certificate_issued: AutomatedEmail | None = None
    points_expiring: AutomatedEmail | None = None
    birthday: Promotion | None = None
    holidays: Holidays | None = None
    win_back: WinBack | None = None
    feedback_request: AutomatedEmail | None = None
