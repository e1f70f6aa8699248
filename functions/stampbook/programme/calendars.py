"""Countries' holiday calendars, for greetings that name a holiday instead of a date.

The dates come from the `holidays` package (the Open World Holidays
Framework), which keeps the public calendar of each country, movable feasts
included, and follows its laws as they change. Its own library is imported
on first use: code that never plans a greeting does not pay for it.

Two feasts many public calendars leave out, because they fall on a Sunday
(Russia's and Armenia's list days off), are offered for every country:
Orthodox Easter and Western Easter, by the same Easter reckoning the
`holidays` package uses for the countries that do list it.

A name is matched whatever its case, in English or in the country's own
language (`Easter` or `Великден` for BG). A holiday of several days
(Bulgaria's Easter is Sunday and Monday) is greeted on its first day.
"""

from __future__ import annotations

import datetime as dt
from functools import cache, lru_cache
from typing import Any

from babel import Locale
from babel.core import get_global

ENGLISH = "en_US"
ORTHODOX_EASTER = "Orthodox Easter"
WESTERN_EASTER = "Western Easter"


class UnknownCountry(LookupError):
    """No holiday calendar for this country code."""


def _feasts(year: int) -> dict[str, dt.date]:
    from dateutil.easter import EASTER_ORTHODOX, EASTER_WESTERN, easter

    return {
        ORTHODOX_EASTER: easter(year, EASTER_ORTHODOX),
        WESTERN_EASTER: easter(year, EASTER_WESTERN),
    }


@cache
def countries() -> dict[str, str]:
    """Two-letter ISO 3166 code -> the country's English name, for every calendar."""
    # The registry names every calendar without importing them all (a tenth of a second).
    from holidays.registry import COUNTRIES

    names, aliases = Locale("en").territories, get_global("territory_aliases")
    codes = {code for _, *codes in COUNTRIES.values() for code in codes if len(code) == 2}
    return {
        code: str(names.get(code) or names.get(next(iter(aliases.get(code, ())), ""), code))
        for code in sorted(codes)
    }


def country_name(code: str) -> str:
    return countries().get(code, code)


def meant_country(typed: str) -> str | None:
    """The code the owner meant by a name (`Bulgaria`), small letters or an alias (`UK`)."""
    known = countries()
    text = typed.strip()
    if text.upper() in known:
        return text.upper()
    for alias in get_global("territory_aliases").get(text.upper(), ()):
        if alias in known:
            return str(alias)
    by_name = {name.casefold(): code for code, name in known.items()}
    return by_name.get(text.casefold())


def _entity(country: str, year: int, language: str | None) -> Any:
    import holidays

    try:
        kind = type(holidays.country_holidays(country))
    except NotImplementedError:
        raise UnknownCountry(country) from None
    # Every category (public days off, but also Armenia's working-day holidays
    # such as Teachers' Day): a greeting is not a day off.
    return holidays.country_holidays(
        country,
        years=year,
        language=language or kind.default_language,
        observed=False,
        categories=kind.supported_categories,
    )


def _plain(name: str, entity: Any) -> str | None:
    """The holiday's own name: None for a substituted day off, `(estimated)` dropped."""
    substituted = getattr(entity, "substituted_label", None)
    if substituted and name.startswith(entity.tr(substituted).split("%s")[0]):
        return None
    estimated = getattr(entity, "estimated_label", None)
    if estimated:
        before, _, after = entity.tr(estimated).partition("%s")
        if name.startswith(before) and after and name.endswith(after):
            return name[len(before) : len(name) - len(after)]
    return name


# Days of one name this far apart are two occurrences (the Islamic year is
# shorter, so an Eid can come twice in one of ours); nearer, one holiday.
_SAME_OCCURRENCE = dt.timedelta(days=31)


@lru_cache(maxsize=512)
def calendar(
    country: str, year: int, language: str | None = ENGLISH
) -> dict[str, tuple[dt.date, ...]]:
    """The holidays of `country` in `year` by name, each with the first day of
    each occurrence (nearly always one).

    `language` None: the country's own language. Raises `UnknownCountry`.
    """
    entity = _entity(country, year, language)
    starts: dict[str, list[dt.date]] = {}
    last: dict[str, dt.date] = {}
    for day in sorted(entity):
        for name in entity.get_list(day):
            plain = _plain(name, entity)
            if plain is None:
                continue
            if plain not in last or day - last[plain] > _SAME_OCCURRENCE:
                starts.setdefault(plain, []).append(day)
            last[plain] = day
    if language == ENGLISH:
        for feast, day in _feasts(year).items():
            starts.setdefault(feast, [day])
    return {name: tuple(days) for name, days in starts.items()}


def holiday_names(country: str, years: range, *, own_language: bool = True) -> list[str]:
    """Every holiday name of `country` in `years`: in English, then in its own language."""
    names: dict[str, None] = {}
    for language in (ENGLISH, None) if own_language else (ENGLISH,):
        for year in years:
            names.update(dict.fromkeys(calendar(country, year, language)))
    return list(names)


def holiday_days(country: str, name: str, year: int) -> tuple[dt.date, ...]:
    """When holiday `name` of `country` begins in `year`: nearly always one day, or none."""
    wanted = name.strip().casefold()
    # Easter by the computus, the same in every country: no calendar to build
    # (a country's calendar costs tens of milliseconds on a cold start).
    for feast, day in _feasts(year).items():
        if feast.casefold() == wanted:
            return (day,)
    for language in (ENGLISH, None):
        for found, days in calendar(country, year, language).items():
            if found.casefold() == wanted:
                return days
    return ()
