"""Money, numbers and dates as a reader of one language expects them.

`1 250,00 ₽` for a Russian reader, `1 250,00 €` for a Bulgarian one,
`RUB 1,250.00` for an English one: the currency is the programme's, the way
it is written is the reader's. Babel holds the CLDR data.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from functools import cached_property
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # these load when something is first formatted, not with this module
    from babel import Locale

    from ..programme.business import ProgrammeFile


# CLDR asks for a space between a currency code written in letters and the
# digits ("RUB 1,250.00"); Babel leaves it out ("RUB1,250.00").
_CODE_AGAINST_DIGIT = re.compile(r"(?<=[A-Z]{3})(?=[\d-])|(?<=\d)(?=[A-Z]{3})")


_REMEMBERED = 100_000  # formatted values kept per formatter


class UnknownLanguage(ValueError):
    """A locale code that CLDR does not know, so nothing can be formatted for it."""


def reader_locale(wanted: str | None, programme_file: ProgrammeFile) -> str:
    """The reader's own language if the programme offers it, else the programme's default."""
    if wanted and wanted in programme_file.locales.available:
        return wanted
    return programme_file.locales.default


@dataclass(frozen=True)
class Formatter:
    """Formats for one locale, in one currency."""

    locale: str
    currency: str
    # The owner's way with the currency (`money` in program.yaml): decimal
    # places (0 for whole drams) and a sign for every language; None: CLDR's.
    decimals: int | None = None
    sign: str | None = None
    # A bulletin formats the same few thousand numbers and dates for every
    # reader; Babel takes ~40 µs each, a dictionary look-up well under one.
    _seen: dict[Hashable, str] = field(default_factory=dict, compare=False, repr=False)

    def _once(self, key: Hashable, make: Callable[[], str]) -> str:
        found = self._seen.get(key)
        if found is None:
            if len(self._seen) >= _REMEMBERED:
                self._seen.clear()
            found = self._seen[key] = make()
        return found

    @cached_property
    def _babel(self) -> Locale:
        from babel import Locale, UnknownLocaleError

        try:
            return Locale.parse(self.locale)
        except (UnknownLocaleError, ValueError) as error:
            raise UnknownLanguage(f"unknown language {self.locale!r}") from error

    def money(self, amount: Decimal) -> str:
        def make() -> str:
            from ..programme.currencies import written_money

            text = written_money(amount, self.currency, self._babel, self.decimals, self.sign)
            return _CODE_AGAINST_DIGIT.sub("\u00a0", text)

        # str(amount) in the key: 5 and 5.00 are equal but are written differently.
        return self._once(("money", str(amount)), make)

    @classmethod
    def of(cls, locale: str, programme_file: ProgrammeFile) -> Formatter:
        """A formatter for `locale` in the programme's currency, written the owner's way."""
        money = programme_file.money
        return cls(locale, programme_file.currency, money.decimals, money.sign)

    def number(self, value: int | Decimal) -> str:
        def make() -> str:
            from babel.numbers import format_decimal

            return format_decimal(value, locale=self._babel)

        return self._once(("number", str(value)), make)

    def date(self, day: date) -> str:
        def make() -> str:
            from babel.dates import format_date

            return format_date(day, "long", locale=self._babel)

        return self._once(day, make)

    def plural_form(self, count: int | Decimal) -> str:
        """The CLDR plural category of `count` here: one, few, many or other."""
        return str(self._babel.plural_form(count))

    def plural_forms(self) -> frozenset[str]:
        """Every category this language distinguishes (always with `other`)."""
        return frozenset(self._babel.plural_form.tags | {"other"})
