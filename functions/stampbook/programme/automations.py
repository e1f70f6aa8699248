"""`automations.yaml`: the emails Stampbook sends by itself, and their texts."""

from __future__ import annotations

import re
from typing import Annotated

from pydantic import AfterValidator, Field

from .fields import Days, LocaleRef, OwnerModel, Slug
from .text import LocalizedText

_YEARLY = re.compile(r"^(\d{2})-(\d{2})$")
_ONCE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
_DAYS_IN_MONTH = (31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


def _holiday_date(value: str) -> str:
    found = _YEARLY.match(value) or _ONCE.match(value)
    if not found:
        raise ValueError("a holiday date is MM-DD (every year) or YYYY-MM-DD (once)")
    month, day = int(found.groups()[-2]), int(found.groups()[-1])
    if not 1 <= month <= 12 or not 1 <= day <= _DAYS_IN_MONTH[month - 1]:
        raise ValueError(f"'{value}' is not a real date")
    return value


HolidayDate = Annotated[str, AfterValidator(_holiday_date)]


class AutomatedEmail(OwnerModel):
    enabled: bool = True
    subject: LocalizedText
    body: LocalizedText  # Markdown


class WinBack(AutomatedEmail):
    after_days: Days  # days without a purchase before we say we miss them


class HolidayGreeting(OwnerModel):
    id: Slug
    date: HolidayDate
    locales: tuple[LocaleRef, ...] = ()  # empty: every locale of the programme
    subject: LocalizedText
    body: LocalizedText


class Holidays(OwnerModel):
    enabled: bool = True
    greetings: tuple[HolidayGreeting, ...] = Field(min_length=1)


class Automations(OwnerModel):
    welcome: AutomatedEmail | None = None
    thank_you: AutomatedEmail | None = None
    certificate_issued: AutomatedEmail | None = None
    points_expiring: AutomatedEmail | None = None
    birthday: AutomatedEmail | None = None
    holidays: Holidays | None = None
    win_back: WinBack | None = None
    feedback_request: AutomatedEmail | None = None
