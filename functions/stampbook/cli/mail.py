"""The owner's email commands: `stampbook preview` and `stampbook send-test`."""

from __future__ import annotations

import sys
from datetime import UTC, datetime
from pathlib import Path

import click

from ..config import Settings, SettingsError
from ..programme import ProgrammeInvalid, load_programme
from ..records.customers import InvalidEmail
from ..store.base import StoreError

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
    thank_you, your_points, already_subscribed, certificate_issued, points_expiring, birthday,
    holiday (or holiday:GREETING-ID), win_back, feedback_request. Personal
    values come from the customer given with --as, or from a sample reader;
    the signed links are placeholders.
    """
    # Rendering pulls in Jinja, MJML and Babel: only for this command.
    from ..bootstrap import build
    from ..mail.problems import TemplateProblem
    from ..mail.strings import StringsProblem
    from ..services.preview import customer_reader, write_previews

    try:
        settings = Settings.from_env(campaigns=campaigns, database=db)
        moment = settings.now or datetime.now(UTC)
        if email is None:
            programme, reader = load_programme(settings.campaigns), None
        else:
            app = build(settings)
            try:
                programme = app.programme
                reader = customer_reader(app.loyalty, programme, email, moment)
            finally:
                app.store.close()
        written = write_previews(programme, name, locales, reader, out, moment.date())
    except ProgrammeInvalid as invalid:
        click.echo(str(invalid), err=True)
        click.echo("\nfix these first: `stampbook check`", err=True)
        sys.exit(1)
    except (TemplateProblem, StringsProblem, SettingsError, StoreError, InvalidEmail) as problem:
        click.echo(f"cannot preview: {problem}", err=True)
        sys.exit(1)
    for html, text, subject in written:
        click.echo(f"{html.name.split('.')[-2]}: {subject}", err=True)
        click.echo(str(html))
        click.echo(str(text))


@click.command("send-test")
@click.argument("name")
@click.option("--to", "address", required=True, help="Where the copy goes.")
@click.option("--locale", default=None, help="Its language (default: the programme's).")
@click.option("--campaigns", type=click.Path(path_type=Path, file_okay=False), default=None)
@click.option("--db", type=click.Path(path_type=Path, dir_okay=False), default=None)
def send_test(
    name: str, address: str, locale: str | None, campaigns: Path | None, db: Path | None
) -> None:
    """Send one real copy of NAME (an issue or a one-off email) to ADDRESS.

    It goes through the configured transport (STAMPBOOK_MAIL: the outbox
    folder, SMTP or SES) with signed links, for a sample reader.
    """
    from ..bootstrap import open_keyring, open_transport, programme_of
    from ..mail.address import AddressError
    from ..mail.envelope import prepare
    from ..mail.message import Recipient
    from ..mail.problems import TemplateProblem
    from ..mail.reader import sample_reader
    from ..mail.render import Renderer
    from ..mail.transports.base import DeliveryError
    from ..services.preview import draft_for

    try:
        settings = Settings.from_env(campaigns=campaigns, database=db)
        today = (settings.now or datetime.now(UTC)).date()
        programme = programme_of(settings)
        programme_file = programme.programme_file
        language = locale or programme_file.locales.default
        if language not in programme_file.locales.available:
            raise TemplateProblem(
                f"{language} is not offered; the programme has "
                f"{', '.join(programme_file.locales.available)}"
            )
        renderer = Renderer(programme)
        person = sample_reader(programme_file, language, today)
        draft, marketing = draft_for(renderer, name, language, person, today)
        keyring = open_keyring(settings)
        prepared = prepare(programme_file, draft, marketing, settings.mail, keyring, language)
        values = renderer.personal_values(person, language)
        recipient = Recipient(address, "send-test", person.name, values)
        transport = open_transport(settings)
        try:
            message = prepared.message(recipient, transport.accepts_8bit())
            accepted = transport.send(message)
        finally:
            transport.close()
    except ProgrammeInvalid as invalid:
        click.echo(str(invalid), err=True)
        sys.exit(1)
    except (TemplateProblem, SettingsError, AddressError, DeliveryError) as problem:
        click.echo(f"not sent: {problem}", err=True)
        sys.exit(1)
    click.echo(
        f"sent {name} ({language}) to {message.to} via {settings.mail.transport}: "
        f"{accepted.provider_id}"
    )


COMMANDS = (preview, send_test)
