"""Checks that need more than one value: references, uniqueness, languages, money.

Each check takes loaded models and the source maps of their files and
returns problems; none of them stops the others, so the owner sees everything.
"""

from __future__ import annotations

import datetime as dt
import difflib
import zoneinfo
from collections.abc import Callable, Collection, Iterable, Iterator, Sequence
from decimal import Decimal
from typing import Any

from babel.numbers import list_currencies

from ..records.money_units import decimal_places
from .automations import Automations, CountryHoliday
from .business import ProgrammeFile
from .calendars import countries, country_name, holiday_names, meant_country
from .currencies import currencies_in_use, currency_name, meant_currency_hint
from .declared import Declared
from .explain import closest
from .languages import has_words, language_hint, language_name, languages_with_words
from .newsletter import Newsletter, RewardBlock
from .problems import KeyPath, Problem
from .text import LocalizedText
from .walk import walk
from .yamlsource import SourceMap


def _duplicates(
    items: Sequence[Any], key: Callable[[Any], str], path: KeyPath, source: SourceMap, what: str
) -> Iterator[Problem]:
    seen: dict[str, int] = {}
    for index, item in enumerate(items):
        name = key(item)
        if name in seen:
            yield source.problem(
                (*path, index, "id"),
                f"duplicate {what} id '{name}' (also {what} #{seen[name] + 1})",
                "give each one its own id",
            )
        seen.setdefault(name, index)


def _unknown(
    value: str, known: Iterable[str], path: KeyPath, source: SourceMap, what: str
) -> Iterator[Problem]:
    choices = list(known)
    if value not in choices:
        listed = ", ".join(choices) if choices else "none are declared in program.yaml"
        yield source.problem(
            path,
            f"unknown {what} '{value}'",
            closest(value, choices) or f"the {what}s are: {listed}",
        )


def check_programme_file(programme_file: ProgrammeFile, source: SourceMap) -> list[Problem]:
    problems: list[Problem] = []
    problems += _check_languages(programme_file, source)
    problems += _check_currency(programme_file, source)
    problems += _check_catalogues(programme_file, source)
    problems += _check_tiers(programme_file, source)
    problems += _check_categories(programme_file, source)
    try:
        zoneinfo.ZoneInfo(programme_file.business.timezone)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        zone = programme_file.business.timezone
        problems.append(
            source.problem(
                ("business", "timezone"),
                f"unknown time zone '{zone}'",
                closest(zone, sorted(zoneinfo.available_timezones()))
                or "use an IANA name such as `Europe/Moscow`, `Europe/Sofia` or `Asia/Yerevan`",
            )
        )
    problems += check_texts(programme_file, known_locales(programme_file), source)
    return problems


def known_locales(programme_file: ProgrammeFile) -> list[str]:
    """The declared locales Stampbook speaks; another is reported once, not per text."""
    return [code for code in programme_file.locales.available if has_words(code)]


def _check_languages(programme_file: ProgrammeFile, source: SourceMap) -> Iterator[Problem]:
    locales = programme_file.locales
    for index, code in enumerate(locales.available):
        if not has_words(code):
            name = language_name(code)
            yield source.problem(
                ("locales", "available", index),
                f"Stampbook has no words in {name} ('{code}')"
                if name
                else f"unknown language code '{code}'",
                language_hint(code),
            )
    seen: set[str] = set()
    for index, code in enumerate(locales.available):
        if code in seen:
            yield source.problem(("locales", "available", index), f"'{code}' is listed twice")
        seen.add(code)
    yield from _unknown(
        locales.default, locales.available, ("locales", "default"), source, "locale"
    )
    wanted = programme_file.report.locale
    if wanted is not None and not has_words(wanted):
        yield source.problem(
            ("report", "locale"),
            f"the report is not written in '{wanted}'",
            closest(wanted, list(languages_with_words()))
            or f"the report's languages are: {', '.join(sorted(languages_with_words()))}",
        )


def _check_currency(programme_file: ProgrammeFile, source: SourceMap) -> Iterator[Problem]:
    code = programme_file.currency
    in_use = currencies_in_use()
    if code not in in_use:
        withdrawn = code in list_currencies()
        yield source.problem(
            ("currency",),
            f"'{code}' ({currency_name(code)}) is not a currency in use today"
            if withdrawn
            else f"unknown currency '{code}'",
            _currency_hint(code, in_use),
        )
        return
    digits = programme_file.decimals
    for path, value, field in walk(programme_file):
        extra = field.json_schema_extra if field else None
        if not (
            isinstance(value, Decimal)
            and isinstance(extra, dict)
            and extra.get("x-stampbook-money")
        ):
            continue
        if decimal_places(value) > digits:
            yield source.problem(
                path,
                f"{value} has more decimals than {programme_file.currency} allows ({digits})",
                f"round it to {digits} decimal place(s)" if digits else "use a whole amount",
            )


def _check_catalogues(programme_file: ProgrammeFile, source: SourceMap) -> Iterator[Problem]:
    yield from _duplicates(programme_file.rewards, lambda r: r.id, ("rewards",), source, "reward")
    yield from _duplicates(
        programme_file.interests, lambda r: r.id, ("interests",), source, "interest"
    )
    yield from _duplicates(
        programme_file.categories, lambda r: r.id, ("categories",), source, "category"
    )
    certificates = programme_file.loyalty.certificates
    yield from _duplicates(
        certificates, lambda r: r.id, ("loyalty", "certificates"), source, "certificate"
    )


def _check_tiers(programme_file: ProgrammeFile, source: SourceMap) -> Iterator[Problem]:
    tiers = programme_file.loyalty.tiers
    if tiers is None:
        return
    path = ("loyalty", "tiers", "levels")
    yield from _duplicates(tiers.levels, lambda t: t.id, path, source, "tier")
    for index in range(1, len(tiers.levels)):
        lower, higher = tiers.levels[index - 1], tiers.levels[index]
        if higher.min_spend <= lower.min_spend:
            yield source.problem(
                (*path, index, "min_spend"),
                f"tier '{higher.id}' starts at {higher.min_spend}, which is not above "
                f"'{lower.id}' ({lower.min_spend}); tiers would overlap",
                "list tiers from the lowest min_spend to the highest, each strictly higher",
            )


def _check_categories(programme_file: ProgrammeFile, source: SourceMap) -> Iterator[Problem]:
    known = [category.id for category in programme_file.categories]
    earning = programme_file.loyalty.earning
    base = ("loyalty", "earning")
    excluded = earning.exclude.categories
    for index, category in enumerate(excluded):
        yield from _unknown(
            category, known, (*base, "exclude", "categories", index), source, "category"
        )
    for index, bonus in enumerate(earning.category_bonuses):
        where = (*base, "category_bonuses", index, "category")
        yield from _unknown(bonus.category, known, where, source, "category")
        if bonus.category in excluded:
            yield source.problem(
                where,
                f"category '{bonus.category}' earns no points (it is excluded) "
                "but also has a bonus",
                "remove it from exclude.categories or drop the bonus",
            )
    shops = programme_file.shops
    if shops is not None:
        yield from _unknown(
            shops.default_category, known, ("shops", "default_category"), source, "category"
        )
        for index, rule in enumerate(shops.categories):
            row = ("shops", "categories", index, "category")
            yield from _unknown(rule.category, known, row, source, "category")


def _currency_hint(typed: str, in_use: Iterable[str]) -> str:
    if meant := meant_currency_hint(typed):
        return meant
    # Prefer codes of the same country (the first two letters) as the suggestion.
    codes = sorted(in_use)
    near = [c for c in codes if c[:2] == typed[:2].upper()]
    return (
        closest(typed, near)
        or closest(typed, codes)
        or "use an ISO 4217 code such as `RUB`, `EUR`, `AMD`, `USD`"
    )


def check_texts(
    model: Any,
    locales: Sequence[str],
    source: SourceMap,
    skip: KeyPath | None = None,
    unspoken: Collection[str] = (),
) -> list[Problem]:
    """Every per-language text has each required locale and no unknown one
    (but texts in an `unspoken` language: program.yaml reports that one)."""
    problems: list[Problem] = []
    for path, value, _ in walk(model):
        if skip is not None and path[: len(skip)] == skip:
            continue
        if isinstance(value, LocalizedText):
            problems += _check_text(value, locales, path, source, unspoken)
    return problems


def _check_text(
    text: LocalizedText,
    locales: Sequence[str],
    path: KeyPath,
    source: SourceMap,
    unspoken: Collection[str],
) -> list[Problem]:
    problems: list[Problem] = []
    missing = text.missing(locales)
    if missing:
        problems.append(
            source.problem(
                path,
                f"missing translation for {', '.join(repr(m) for m in missing)}",
                f"add `{missing[0]}:` with the text in that language, "
                "or write one plain text for every language",
            )
        )
    for locale in text.locales:
        if locale not in locales and locale not in unspoken:
            problems.append(
                source.problem(
                    (*path, locale),
                    f"'{locale}' is not one of the languages here ({', '.join(locales)})",
                    closest(locale, list(locales)) or "declare it under locales.available",
                    at_key=True,
                )
            )
    return problems


def check_newsletter(letter: Newsletter, declared: Declared, source: SourceMap) -> list[Problem]:
    problems = check_texts(letter, declared.locales, source, unspoken=declared.unspoken)
    audience = letter.audience
    for index, tier in enumerate(audience.tiers):
        problems += _unknown(tier, declared.tiers, ("audience", "tiers", index), source, "tier")
    for index, locale in enumerate(audience.locales):
        where: KeyPath = ("audience", "locales", index)
        if locale not in declared.unspoken:
            problems += _unknown(locale, declared.locales, where, source, "locale")
    for index, interest in enumerate(audience.interests):
        where = ("audience", "interests", index)
        problems += _unknown(interest, declared.interests, where, source, "interest")
    for index, block in enumerate(letter.blocks):
        if isinstance(block, RewardBlock):
            where = ("blocks", index, "reward")
            problems += _unknown(block.reward, declared.rewards, where, source, "reward")
    return problems


def check_automations(
    automations: Automations, declared: Declared, source: SourceMap, today: dt.date
) -> list[Problem]:
    """`today` says which years' holiday calendars a named holiday must be in."""
    locales = declared.locales
    unspoken = declared.unspoken
    problems = check_texts(automations, locales, source, skip=("holidays",), unspoken=unspoken)
    if automations.holidays:
        greetings = automations.holidays.greetings
        problems += _duplicates(
            greetings, lambda g: g.id, ("holidays", "greetings"), source, "greeting"
        )
        for index, greeting in enumerate(greetings):
            path = ("holidays", "greetings", index)
            if greeting.holiday is not None:
                years = range(today.year, today.year + 2)
                problems += _check_holiday(greeting.holiday, years, (*path, "holiday"), source)
            for number, locale in enumerate(greeting.locales):
                if locale not in unspoken:
                    where = (*path, "locales", number)
                    problems += _unknown(locale, locales, where, source, "locale")
            wanted = [loc for loc in greeting.locales if loc in locales] or list(locales)
            problems += check_texts(greeting, wanted, _Shifted(source, path), unspoken=unspoken)
    needs = (
        ("points_expiring", automations.points_expiring, declared.has_expiry, "loyalty.expiry"),
        (
            "certificate_issued",
            automations.certificate_issued,
            declared.has_certificates,
            "loyalty.certificates",
        ),
    )
    for name, email, has_rule, rule_path in needs:
        if email is not None and email.enabled and not has_rule:
            problems.append(
                source.problem(
                    (name,),
                    f"'{name}' is on but program.yaml has no {rule_path}",
                    f"add {rule_path} to program.yaml or set `enabled: false`",
                )
            )
    return problems


def _check_holiday(
    holiday: CountryHoliday, years: range, path: KeyPath, source: SourceMap
) -> Iterator[Problem]:
    code, name = holiday.country, holiday.name
    if code not in countries():
        meant = meant_country(code)
        yield source.problem(
            (*path, "country"),
            f"no holiday calendar for '{code}'",
            f"did you mean '{meant}' ({country_name(meant)})?"
            if meant
            else closest(code, list(countries()))
            or "use the country's two-letter ISO 3166 code, e.g. `BG`, `AM`, `RU`",
        )
        return
    if any(holiday.days(year) for year in years):
        return
    country = f"{country_name(code)} ({code})"
    in_english = ", ".join(holiday_names(code, years, own_language=False))
    yield source.problem(
        (*path, "name"),
        f"no holiday '{name}' in the calendar of {country}",
        _meant_holiday(name, holiday_names(code, years))
        or f"the holidays of {country} are: {in_english}",
    )


def _meant_holiday(typed: str, names: list[str]) -> str:
    """Names that contain what was typed (`Easter`: `Orthodox Easter`), else a close one."""
    wanted = typed.strip().casefold()
    containing = [name for name in names if wanted and wanted in name.casefold()][:3]
    if containing:
        return "did you mean " + " or ".join(f"'{name}'" for name in containing) + "?"
    by_case = {name.casefold(): name for name in names}
    found = difflib.get_close_matches(wanted, list(by_case), n=1, cutoff=0.6)
    return f"did you mean '{by_case[found[0]]}'?" if found else ""


class _Shifted(SourceMap):
    """A source map seen from inside one of its values (paths are relative)."""

    def __init__(self, source: SourceMap, prefix: KeyPath) -> None:
        super().__init__(source.file, source.values, source.keys)
        self.prefix = prefix

    def problem(
        self, path: KeyPath, message: str, hint: str = "", *, at_key: bool = False
    ) -> Problem:
        return super().problem((*self.prefix, *path), message, hint, at_key=at_key)
