"""The owner's report from a programme and a store's reader: what the command and the
monthly email both make, in the language and with the point value the owner chose."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Protocol

from .build import Report, build_report
from .facts import Contact, Facts, Period
from .holdout_reader import HOLDOUT_DAYS
from .section import Names
from .words import ReportWords, report_words

if TYPE_CHECKING:
    from ..programme import Programme
    from ..programme.text import LocalizedText


class ReportReader(Protocol):
    """What a store gives the report: the facts of a period, and who drifting customers are."""

    def facts(
        self,
        period: Period,
        currency: str,
        free_shipping_over: Decimal | None,
        holdout_days: int = HOLDOUT_DAYS,
    ) -> Facts: ...

    def contacts(self, customer_ids: Iterable[str]) -> dict[str, Contact]: ...

    def close(self) -> None: ...


@dataclass(frozen=True)
class OwnerReport:
    report: Report
    words: ReportWords
    names: Names


def owner_report(
    programme: Programme,
    reader: ReportReader,
    period: Period,
    *,
    locale: str | None = None,
    point_value: Decimal | None = None,
) -> OwnerReport:
    """The report of `period`, in `locale` (else the owner's `report.locale`, else the
    programme's default language); UnknownLanguage for a language with no words."""
    programme_file = programme.programme_file
    settings = programme_file.report
    words = report_words(
        locale or settings.locale or programme_file.locales.default,
        programme_file.currency,
        programme.root,
        programme_file.money,
    )
    threshold = programme_file.loyalty.free_shipping
    over = threshold.over if threshold else None
    facts = reader.facts(period, programme_file.currency, over, settings.holdout_days)
    report = build_report(
        facts,
        reader.contacts,
        free_shipping_over=over,
        point_value=point_value if point_value is not None else settings.point_value,
    )
    return OwnerReport(report, words, names_of(programme, words))


def month_before(now: datetime) -> Period:
    """The calendar month (UTC) before the one `now` is in: what the 1st's email covers."""
    this_month = now.astimezone(UTC).replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    last = (
        this_month.replace(year=this_month.year - 1, month=12)
        if this_month.month == 1
        else (this_month.replace(month=this_month.month - 1))
    )
    return Period(last, this_month)


def names_of(programme: Programme, words: ReportWords) -> Names:
    """The business's and the newsletters' names in the report's language."""
    default = programme.programme_file.locales.default
    language = words.locale

    def text(localized: LocalizedText) -> str:
        return localized.get(language, default)

    return Names(
        text(programme.programme_file.business.name),
        {n.slug: _no_placeholders(text(n.subject)) for n in programme.newsletters},
    )


def _no_placeholders(subject: str) -> str:
    """A subject as the owner reads it: `{{ name }}, join us` as `…, join us`."""
    return re.sub(r"\{\{.*?\}\}", "…", subject)
