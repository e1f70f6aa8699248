"""Greetings on a country's holiday: each year on the day its calendar says, movable
feasts included, from the calendar to the nightly run's emails and `stampbook show`."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from click.testing import CliRunner

from stampbook.cli.main import main
from stampbook.programme import load_programme
from stampbook.programme.automations import CountryHoliday, HolidayGreeting
from stampbook.services.automation_calendar import plan_of_day
from tests.support.shop import EXAMPLE, Shop
from tests.unit.programme.conftest import FIXTURE

MOSCOW = ZoneInfo("Europe/Moscow")


def greeting(country: str, name: str) -> HolidayGreeting:
    return HolidayGreeting.model_validate(
        {"id": "g", "holiday": {"country": country, "name": name}, "subject": "S", "body": "B"}
    )


@pytest.mark.parametrize(
    ("country", "name", "days"),
    [
        # Bulgaria's calendar lists Easter itself (Sunday and Monday: greeted on Sunday).
        ("BG", "Easter", [date(2027, 5, 2), date(2028, 4, 16), date(2029, 4, 8)]),
        ("BG", "великден", [date(2027, 5, 2), date(2028, 4, 16), date(2029, 4, 8)]),
        # Russia's lists days off only; Orthodox Easter is offered for every country.
        ("RU", "Orthodox Easter", [date(2027, 5, 2), date(2028, 4, 16), date(2029, 4, 8)]),
        ("AM", "Western Easter", [date(2027, 3, 28), date(2028, 4, 16), date(2029, 4, 1)]),
        ("AM", "Teacher's Day", [date(2027, 10, 5), date(2028, 10, 5), date(2029, 10, 5)]),
        ("BG", "Liberation Day", [date(2027, 3, 3), date(2028, 3, 3), date(2029, 3, 3)]),
    ],
)
def test_a_country_holiday_falls_on_its_own_day_each_year(
    country: str, name: str, days: list[date]
) -> None:
    holiday = greeting(country, name)
    for day in days:
        assert holiday.falls_on(day), day
        assert holiday.days(day.year) == (day,)
        assert holiday.next_day(date(day.year, 1, 1)) == day


def test_a_holiday_of_two_days_is_greeted_once() -> None:
    easter = greeting("BG", "Easter")
    assert not easter.falls_on(date(2027, 5, 3))  # Easter Monday
    assert easter.next_day(date(2027, 5, 3)) == date(2028, 4, 16)


def test_a_name_the_calendar_lacks_never_falls() -> None:
    assert greeting("RU", "Easter").days(2027) == ()
    assert greeting("QQ", "Easter").days(2027) == ()
    assert CountryHoliday(country="BG", name="Easter").days(2027) == (date(2027, 5, 2),)


def test_dated_greetings_come_every_year_or_once() -> None:
    yearly = HolidayGreeting.model_validate(
        {"id": "y", "date": "12-31", "subject": "S", "body": "B"}
    )
    once = HolidayGreeting.model_validate(
        {"id": "o", "date": "2027-05-02", "subject": "S", "body": "B"}
    )
    assert yearly.next_day(date(2027, 12, 31)) == date(2027, 12, 31)
    assert yearly.next_day(date(2028, 1, 1)) == date(2028, 12, 31)
    assert once.falls_on(date(2027, 5, 2))
    assert not once.falls_on(date(2028, 5, 2))
    assert once.next_day(date(2027, 5, 3)) is None


def test_the_nightly_plan_has_orthodox_easter_on_its_day_each_year() -> None:
    example = load_programme(EXAMPLE)
    for easter in (date(2027, 5, 2), date(2028, 4, 16), date(2030, 4, 28)):
        assert plan_of_day(example, easter).greetings == {"orthodox-easter": frozenset()}
    assert plan_of_day(example, date(2027, 5, 3)).greetings == {}
    assert plan_of_day(example, date(2027, 3, 28)).greetings == {}  # the Western one


def test_the_nightly_run_sends_the_easter_greeting_on_easter(tmp_path: Path) -> None:
    shop = Shop(tmp_path, datetime(2028, 4, 15, 0, 30, tzinfo=MOSCOW))
    shop.customer("anna", "ru")
    shop.customer("eve", "en")
    for day in (date(2028, 4, 15), date(2028, 4, 16), date(2028, 4, 16), date(2028, 4, 17)):
        shop.now = datetime(day.year, day.month, day.day, 0, 30, tzinfo=MOSCOW)
        shop.app.loyalty.run_daily()
        shop.deliver()
    assert shop.subjects("anna@example.com") == ["Христос воскресе!"]
    assert shop.subjects("eve@example.com") == ["Happy Easter!"]
    assert shop.sent("anna") == [("holiday", "orthodox-easter:2028-04-16")]


def show(campaigns: Path, now: str) -> str:
    result = CliRunner().invoke(main, ["show", str(campaigns)], env={"STAMPBOOK_NOW": now})
    assert result.exit_code == 0, result.output
    return result.stdout


def test_show_lists_when_each_greeting_goes_next() -> None:
    before = show(EXAMPLE, "2027-04-20T12:00+03:00")
    assert "Orthodox Easter (RU)" in before
    assert "2027-05-02" in before
    assert "every 12-31" in before
    after = show(EXAMPLE, "2027-05-03T12:00+03:00")
    assert "2028-04-16" in after
    assert "2027-05-02" not in after


def test_show_marks_a_one_off_greeting_that_has_passed() -> None:
    rows = [line for line in show(FIXTURE, "2027-06-01T12:00+03:00").splitlines() if "│" in line]
    [easter] = [row for row in rows if "easter-2027" in row]
    assert "once, 2027-05-02" in easter
    assert "passed" in easter
    [liberation] = [row for row in rows if "liberation-day" in row]
    assert "Liberation Day (BG)" in liberation
    assert "2028-03-03" in liberation


def test_show_refuses_a_clock_it_cannot_read_in_one_line() -> None:
    result = CliRunner().invoke(main, ["show", str(EXAMPLE)], env={"STAMPBOOK_NOW": "soon"})
    assert result.exit_code == 1
    assert result.stderr.startswith("refused: STAMPBOOK_NOW='soon'")
    assert result.stderr.count("\n") == 1
