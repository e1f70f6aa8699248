"""The owner's email commands: `stampbook preview`."""

from __future__ import annotations

import sys
from datetime import UTC, date, datetime
from pathlib import Path

import click

from .bootstrap import Settings, SettingsError, build
from .customers import InvalidEmail, normalise_email
from .mail.draft import LINK_SLOTS, Draft
from .mail.locale import reader_locale
from .mail.problems import TemplateProblem
from .mail.reader import (
    Reader,
    personal_values,
    reader_from_statement,
    sample_occasion,
    sample_reader,
)
from .mail.render import EMAILS, Renderer
from .mail.strings import StringsProblem
from .program import Programme, ProgrammeInvalid, load_programme
from .store.base import StoreError

DEFAULT_PREVIEW = Path("build/preview")


@click.command()
@click.argument("name")
@click.option(
    "--locale", "locales", multiple=True, help="Only this language (repeatable). Default: all."
)
@click.option("--as", "email", default=None, help="Personalise for this customer from the store.")
@click.option(
    "--out",
    type=click.Path(path_type=Path, file_okay=False),
    default=DEFAULT_PREVIEW,
    show_default=True,
)
@click.option("--campaigns", type=click.Path(path_type=Path, file_okay=False), default=None)
@click.option("--db", type=click.Path(path_type=Path, dir_okay=False), default=None)
def preview(
    name: str,
    locales: tuple[str, ...],
    email: str | None,
    out: Path,
    campaigns: Path | None,
    db: Path | None,
) -> None:
    """Write the HTML and text of NAME to a folder and print their paths.

    NAME is a newsletter issue (its slug) or a one-off email: confirm, welcome,
    thank_you, your_points, certificate_issued, points_expiring, birthday,
    holiday (or holiday:GREETING-ID), win_back, feedback_request. Personal
    values come from the customer given with --as, or from a sample reader;
    the signed links are placeholders.
    """
    try:
        settings = Settings.from_env(campaigns=campaigns, database=db)
        moment = settings.now or datetime.now(UTC)
        if email is None:
            programme, reader = load_programme(settings.campaigns), None
        else:
            programme, reader = _customer(settings, email, moment)
        written = _write_previews(programme, name, locales, reader, out, moment.date())
    except ProgrammeInvalid as invalid:
        click.echo(str(invalid), err=True)
        click.echo("\nfix these first: `stampbook check`", err=True)
        sys.exit(1)
    except (TemplateProblem, StringsProblem, SettingsError, StoreError, InvalidEmail) as problem:
        click.echo(f"cannot preview: {problem}", err=True)
        sys.exit(1)
    for path in written:
        click.echo(str(path))


def _customer(settings: Settings, email: str, moment: datetime) -> tuple[Programme, Reader]:
    app = build(settings)
    try:
        customer = app.store.customer_by_email(normalise_email(email))
        if customer is None:
            raise TemplateProblem(f"{email} is not in the customer file")
        statement = app.loyalty.statement(customer.customer_id)
    finally:
        app.store.close()
    return app.programme, reader_from_statement(customer, statement, app.programme.program, moment)


def _write_previews(
    programme: Programme,
    name: str,
    locales: tuple[str, ...],
    reader: Reader | None,
    out: Path,
    today: date,
) -> list[Path]:
    program = programme.program
    offered = program.locales.available
    unknown = [locale for locale in locales if locale not in offered]
    if unknown:
        raise TemplateProblem(
            f"{', '.join(unknown)} not offered; the programme has {', '.join(offered)}"
        )
    if not locales:
        # A customer is previewed in the language they would get; a sample in all.
        locales = (reader_locale(reader.locale, program),) if reader else offered
    email, _, greeting = name.partition(":")
    issue = programme.newsletter(name)
    if issue is None and email not in EMAILS:
        slugs = ", ".join(n.slug for n in programme.newsletters) or "none"
        raise TemplateProblem(
            f"{name!r} is neither a newsletter ({slugs}) nor an email ({', '.join(EMAILS)})"
        )
    if email == "holiday" and not greeting and programme.automations.holidays:
        greeting = programme.automations.holidays.greetings[0].id
    renderer = Renderer(programme)
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for locale in locales:
        person = reader or sample_reader(program, locale, today)
        if issue is not None:
            draft = renderer.newsletter(issue, locale)
        else:
            occasion = sample_occasion(program, greeting or None, today)
            draft = renderer.email(email, locale, person, occasion)
        values = {**personal_values(person, renderer.words(locale), program), **_links(programme)}
        written += _write(draft, values, out / f"{name.replace(':', '-')}.{locale}")
    return written


def _links(programme: Programme) -> dict[str, str]:
    """Stand-ins for the signed links, which only the message builder makes."""
    site = programme.program.business.site_url.rstrip("/")
    return {slot: f"{site}/preview/{slot.removesuffix('_url')}" for slot in LINK_SLOTS}


def _write(draft: Draft, values: dict[str, str], stem: Path) -> list[Path]:
    html, text = stem.with_suffix(stem.suffix + ".html"), stem.with_suffix(stem.suffix + ".txt")
    html.write_text(draft.fill_html(values), encoding="utf-8")
    text.write_text(draft.fill_text(values), encoding="utf-8")
    click.echo(f"{stem.suffix[1:]}: {draft.fill_subject(values)}", err=True)
    return [html, text]


COMMANDS = [preview]
