"""`stampbook report`: the owner's monthly page, in the terminal, as HTML or as JSON."""

from __future__ import annotations

import sys
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal, InvalidOperation
from pathlib import Path

import click
from rich.console import Console

from ..config import Settings, SettingsError, utc_now
from ..programme import ProgrammeInvalid, load_programme


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
@click.option(
    "--email",
    is_flag=True,
    help="also email it to program.yaml's report.send_to (the figures, the page attached)",
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
    email: bool,
    campaigns: Path | None,
    db: Path | None,
) -> None:
    """Who comes back, who drifts away, why they leave, and what the programme costs."""
    from ..bootstrap import open_report_reader
    from ..report.as_json import report_json
    from ..report.facts import Period
    from ..report.html import report_html
    from ..report.owner import owner_report
    from ..report.terminal import print_report
    from ..report.words import UnknownLanguage

    first, last = _day(start, "--from"), _day(end, "--to")
    value = _point_value(point_value)
    try:
        settings = Settings.from_env(campaigns=campaigns, database=db)
        programme = load_programme(settings.campaigns)
    except (SettingsError, ProgrammeInvalid) as refused:
        click.echo(f"refused: {refused}", err=True)
        sys.exit(1)
    send_to = programme.programme_file.report.send_to
    if email and send_to is None:
        click.echo("refused: nowhere to email it; set report.send_to in program.yaml", err=True)
        sys.exit(1)
    # The period ends after its last day: by default, today included.
    now = settings.now or utc_now()
    today = now.astimezone(UTC).date()
    period_end = (last or datetime.combine(today, time(), tzinfo=UTC)) + timedelta(days=1)
    if first is not None and first >= period_end:
        raise click.BadParameter("must be before --to", param_hint="--from")
    try:
        reader = open_report_reader(settings)
    except SettingsError as refused:
        click.echo(f"refused: {refused}", err=True)
        sys.exit(1)
    try:
        made = owner_report(
            programme, reader, Period(first, period_end), locale=locale, point_value=value
        )
    except UnknownLanguage as unknown:
        raise click.BadParameter(str(unknown), param_hint="--locale") from None
    finally:
        reader.close()
    result, words, names = made.report, made.words, made.names
    if html_file is not None:
        html_file.parent.mkdir(parents=True, exist_ok=True)
        html_file.write_text(report_html(result, words, names), "utf-8")
    if output == "json":
        click.echo(report_json(result))
    else:
        print_report(result, Console(), words, names)
        if html_file is not None:
            click.echo(f"written: {html_file}")
    if email and send_to is not None:
        from ..bootstrap import open_transport
        from ..mail.transports.base import DeliveryError
        from ..report.by_email import report_email

        message = report_email(made, programme.programme_file, send_to, now)
        transport = open_transport(settings)
        try:
            transport.send(message)
        except DeliveryError as failed:
            click.echo(f"not sent: {failed}", err=True)
            sys.exit(1)
        finally:
            transport.close()
        click.echo(f"emailed to {send_to}", err=output == "json")


COMMANDS = (report,)
