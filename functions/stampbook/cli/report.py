"""`stampbook report`: the owner's monthly page, in the terminal, as HTML or as JSON."""

from __future__ import annotations

import re
import sys
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import TYPE_CHECKING

import click
from rich.console import Console

from ..config import Settings, SettingsError, utc_now
from ..programme import ProgrammeInvalid, load_programme

if TYPE_CHECKING:
    from ..programme import Programme
    from ..programme.text import LocalizedText
    from ..report.layout import Names
    from ..report.words import ReportWords


def _day(value: str | None, name: str) -> datetime | None:
    if value is None:
        return None
    try:
        return datetime.combine(date.fromisoformat(value), time(), tzinfo=UTC)
    except ValueError:
        raise click.BadParameter(
            f"{value!r} is not a date like 2026-03-01", param_hint=name
        ) from None


def _point_value(value: str | None) -> Decimal | None:
    if value is None:
        return None
    try:
        amount = Decimal(value)
    except InvalidOperation:
        raise click.BadParameter(
            f"{value!r} is not an amount", param_hint="--point-value"
        ) from None
    if not amount.is_finite() or amount < 0:
        raise click.BadParameter("must be zero or more", param_hint="--point-value")
    return amount


@click.command()
@click.option("--from", "start", metavar="DATE", help="first day (UTC); default: the beginning")
@click.option("--to", "end", metavar="DATE", help="last day, included (UTC); default: today")
@click.option("--html", "html_file", type=click.Path(path_type=Path, dir_okay=False))
@click.option("--format", "output", type=click.Choice(["text", "json"]), default="text")
@click.option("--point-value", metavar="AMOUNT", help="money one point costs the shop")
@click.option(
    "--locale", metavar="LANG", help="the report's language; default: the programme's own"
)
@click.option("--campaigns", type=click.Path(path_type=Path, file_okay=False), default=None)
@click.option("--db", type=click.Path(path_type=Path, dir_okay=False), default=None)
def report(
    start: str | None,
    end: str | None,
    html_file: Path | None,
    output: str,
    point_value: str | None,
    locale: str | None,
    campaigns: Path | None,
    db: Path | None,
) -> None:
    """Who comes back, who drifts away, why they leave, and what the programme costs."""
    from ..report.as_json import report_json
    from ..report.build import build_report
    from ..report.facts import Period
    from ..report.html import report_html
    from ..report.sqlite_reader import SqliteReport
    from ..report.terminal import print_report
    from ..report.words import UnknownLanguage, report_words

    first, last = _day(start, "--from"), _day(end, "--to")
    value = _point_value(point_value)
    try:
        settings = Settings.from_env(campaigns=campaigns, database=db)
        programme = load_programme(settings.campaigns)
    except (SettingsError, ProgrammeInvalid) as refused:
        click.echo(f"refused: {refused}", err=True)
        sys.exit(1)
    programme_file = programme.programme_file
    try:
        words = report_words(
            locale or programme_file.locales.default,
            programme_file.currency,
            programme.root,
            programme_file.money,
        )
    except UnknownLanguage as unknown:
        raise click.BadParameter(str(unknown), param_hint="--locale") from None
    if settings.store != "sqlite":
        click.echo("refused: the report reads the SQLite store only, for now", err=True)
        sys.exit(1)
    if not settings.database.exists():
        click.echo(f"refused: there is no customer file at {settings.database}", err=True)
        sys.exit(1)
    # The period ends after its last day: by default, today included.
    today = (settings.now or utc_now()).astimezone(UTC).date()
    period_end = (last or datetime.combine(today, time(), tzinfo=UTC)) + timedelta(days=1)
    if first is not None and first >= period_end:
        raise click.BadParameter("must be before --to", param_hint="--from")
    threshold = programme_file.loyalty.free_shipping
    over = threshold.over if threshold else None
    reader = SqliteReport(settings.database)
    try:
        facts = reader.facts(Period(first, period_end), programme_file.currency, over)
        result = build_report(facts, reader.contacts, free_shipping_over=over, point_value=value)
    finally:
        reader.close()
    if html_file is not None:
        html_file.parent.mkdir(parents=True, exist_ok=True)
        html_file.write_text(report_html(result, words, names(programme, words)), "utf-8")
    if output == "json":
        click.echo(report_json(result))
    else:
        print_report(result, Console(), words, names(programme, words))
        if html_file is not None:
            click.echo(f"written: {html_file}")


def names(programme: Programme, words: ReportWords) -> Names:
    """The business's and the newsletters' names in the report's language."""
    from ..report.layout import Names

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


COMMANDS = (report,)
