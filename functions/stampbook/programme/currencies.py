"""Which currencies are in use today, and which one an owner meant by another word.

An owner writes the currency as they say it: `LEV` or `leva` for the
Bulgarian lev (BGN), `DRAM` for the Armenian dram (AMD), `EURO`, or a code
that was withdrawn (`RUR`, the rouble of the 1990s). CLDR, through babel,
knows every code with the years each country used it and every currency's
English name; the guesses below come from that, not from a list of our own.
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from functools import cache
from typing import TYPE_CHECKING

from babel.core import get_global
from babel.numbers import get_currency_name, list_currencies

if TYPE_CHECKING:
    from babel import Locale

# CLDR's territory for codes no country pays with: gold, test codes, "no currency".
_NO_COUNTRY = "ZZ"


@cache
def currencies_in_use() -> frozenset[str]:
    """ISO 4217 codes some country pays with today (legal tender, not withdrawn)."""
    return frozenset(
        code
        for territory, spans in get_global("territory_currencies").items()
        if territory != _NO_COUNTRY
        for code, _start, end, tender in spans
        if end is None and tender
    )


def currency_name(code: str) -> str:
    return str(get_currency_name(code, locale="en"))


@cache
def _successors() -> dict[str, str]:
    """Withdrawn code -> the currency its country pays with today.

    An ISO 4217 code starts with its country's code (`RU`R, `BG`L); a code
    with no such country (`SUR`, the Soviet rouble) counts if one country used it.
    """
    today: dict[str, str] = {}
    users: dict[str, set[str]] = defaultdict(set)
    for territory, spans in get_global("territory_currencies").items():
        for code, _start, end, tender in spans:
            if end is None and tender:
                today.setdefault(territory, code)
            users[code].add(territory)
    found = {}
    for code in set(list_currencies()) - currencies_in_use():
        country = code[:2] if code[:2] in today else None
        if country is None and len(users[code]) == 1:
            country = next(iter(users[code]))
        if country in today and country != _NO_COUNTRY:
            found[code] = today[country]
    return found


@cache
def _by_word() -> dict[str, frozenset[str]]:
    """`lev`, `leva`, `bulgarian lev` -> the currencies in use whose English name it is."""
    found: dict[str, set[str]] = defaultdict(set)
    for code in currencies_in_use():
        for count in (1, 2):
            name = str(get_currency_name(code, count=count, locale="en")).casefold()
            found[name].add(code)
            found[name.split()[-1]].add(code)
    return {word: frozenset(codes) for word, codes in found.items()}


def meant_currency(typed: str) -> str | None:
    """The code in use the owner probably meant by `typed`, if exactly one fits."""
    text = typed.strip()
    code = text.upper()
    if code in currencies_in_use():
        return code
    if code in list_currencies():
        return _successors().get(code)
    codes = _by_word().get(text.casefold(), frozenset())
    return next(iter(codes)) if len(codes) == 1 else None


def meant_currency_hint(typed: str) -> str:
    """`did you mean 'BGN' (Bulgarian Lev)?`, or nothing when no currency stands out."""
    meant = meant_currency(typed)
    return f"did you mean '{meant}' ({currency_name(meant)})?" if meant else ""


def written_money(
    amount: Decimal, currency: str, locale: Locale, decimals: int | None, sign: str | None
) -> str:
    """`amount` the locale's way with the owner's decimals and sign (`money` in
    program.yaml): `12 500 ֏` in Russian for a flower shop that takes whole
    drams, where CLDR alone writes `12 500,00 AMD`."""
    import copy

    from babel.numbers import format_currency, get_currency_symbol

    if decimals is None and sign is None:
        return str(format_currency(amount, currency, locale=locale))
    pattern = copy.copy(locale.currency_formats["standard"])
    if decimals is not None:
        pattern.frac_prec = (decimals, decimals)
    text = str(pattern.apply(amount, locale, currency=currency, currency_digits=decimals is None))
    if sign is not None:
        text = text.replace(get_currency_symbol(currency, locale), sign, 1)
    return text
