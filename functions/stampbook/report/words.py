"""The report's words and figures in the owner's language.

The texts live in `templates/report/locales/<lang>.yaml` (the owner may
override any in `campaigns/templates/report/locales/`); money, numbers,
percentages, months and dates are written the reader's way by Babel:
`32 970,50 ₽` and `ноябрь 2026` for a Russian reader.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from functools import cached_property
from pathlib import Path

from ..mail.locale import Formatter, UnknownLanguage
from ..mail.render import BUILTIN_TEMPLATES, OWNER_TEMPLATES
from ..mail.strings import Strings
from ..programme.business import MoneySettings

REPORT_LOCALES = BUILTIN_TEMPLATES / "report" / "locales"
WHOLE = Decimal(1)

__all__ = ["REPORT_LOCALES", "ReportWords", "UnknownLanguage", "report_words"]


def report_words(
    locale: str,
    currency: str,
    campaigns: Path | None = None,
    money: MoneySettings | None = None,
) -> ReportWords:
    """The report's words in `locale`; raises UnknownLanguage for a code CLDR does not know.
    `money`: the owner's way with the currency (whole drams, a sign), if any."""
    money = money or MoneySettings()
    formatter = Formatter(locale, currency, money.decimals, money.sign)
    formatter.plural_form(1)  # fails now, with a clear error, for an unknown language
    owner = campaigns / OWNER_TEMPLATES if campaigns else None
    folders = [owner / "report" / "locales", owner / "locales"] if owner else []
    # The emails' words give the shared ones, such as `1 point / 5 points`.
    strings = Strings.load([*folders, REPORT_LOCALES, BUILTIN_TEMPLATES / "locales"], formatter)
    return ReportWords(strings)


@dataclass(frozen=True)
class ReportWords:
    strings: Strings

    @property
    def locale(self) -> str:
        return self.strings.formatter.locale

    @property
    def language(self) -> str:
        """For `<html lang>`: `pt-BR` for `pt_BR`."""
        return self.locale.replace("_", "-")

    def __call__(self, key: str, count: int | Decimal | None = None, **values: object) -> str:
        return self.strings(f"report.{key}", count, **values)

    # -- figures --------------------------------------------------------------

    def money(self, amount: Decimal) -> str:
        return self.strings.formatter.money(amount)

    def points(self, count: int) -> str:
        """`1 балл`, `2 296 баллов`."""
        return self.strings.points(count)

    def number(self, value: int | Decimal) -> str:
        return self.strings.formatter.number(value)

    def compact(self, value: int | Decimal) -> str:
        """A short number for a chart's axis: `12 тыс.`, `1,5 млн`."""
        from babel.numbers import format_compact_decimal

        if -10_000 < value < 10_000:
            return self.number(value)
        return format_compact_decimal(value, locale=self.locale, fraction_digits=1)

    def percent(self, share: Decimal, places: int = 0) -> str:
        """`0.4` as `40 %` (the locale's way), to `places` decimals of a per cent."""
        from babel.numbers import format_percent

        step = Decimal(1).scaleb(-places - 2)
        return format_percent(
            share.quantize(step, rounding=ROUND_HALF_UP),
            locale=self.locale,
            decimal_quantization=False,
        )

    def currency_symbol(self) -> str:
        from babel.numbers import get_currency_symbol

        return get_currency_symbol(self.strings.formatter.currency, locale=self.locale)

    def month(self, month: str) -> str:
        """`2026-11` as `November 2026` / `ноябрь 2026`."""
        from babel.dates import format_date

        return format_date(_first_day(month), "LLLL y", locale=self.locale)

    def month_short(self, month: str) -> str:
        """`2026-11` as `Nov` / `нояб.`, for a chart's axis."""
        from babel.dates import format_date

        return format_date(_first_day(month), "LLL", locale=self.locale)

    def year(self, month: str) -> str:
        return month[:4]

    def day(self, moment: datetime | date) -> str:
        from babel.dates import format_date

        day = moment.date() if isinstance(moment, datetime) else moment
        return format_date(day, "medium", locale=self.locale)

    def long_day(self, moment: datetime | date) -> str:
        day = moment.date() if isinstance(moment, datetime) else moment
        return self.strings.formatter.date(day)

    @cached_property
    def dash(self) -> str:
        return self("none")


def _first_day(month: str) -> date:
    year, number = month.split("-")
    return date(int(year), int(number), 1)
