"""`stampbook site build` and `stampbook site serve`: the customer-facing website."""

from __future__ import annotations

import functools
import tempfile
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import TYPE_CHECKING

import click

from ..programme import ProgrammeInvalid

if TYPE_CHECKING:
    from ..config import Settings

config_option = click.option(
    "--config",
    "config_file",
    type=click.Path(path_type=Path, dir_okay=False, exists=True),
    default=None,
    help="An MkDocs configuration of your own (default: Stampbook's).",
)
campaigns_option = click.option(
    "--campaigns",
    type=click.Path(path_type=Path, file_okay=False, exists=True),
    help="The owner's folder (default: the project's campaigns/).",
)
api_option = click.option("--api-url", help="Where the forms send (default: extra.api_url).")
out_option = click.option(
    "--out",
    type=click.Path(path_type=Path, file_okay=False),
    help="Build into this folder (default: the project's build/site).",
)


@click.group()
def site() -> None:
    """The customer-facing website: terms, rewards, archive and forms, in every language."""


def _build(
    config_file: Path | None,
    campaigns: Path | None,
    api_url: str | None,
    out: Path | None = None,
) -> Path:
    from ..config import Settings, SettingsError, in_project
    from ..sitegen.build import SITE_CONFIG, build_site
    from ..sitegen.settings import SiteSettingsError
    from ..store.base import StoreError

    try:
        # The project's programme, customer file and output folder, found from
        # the current folder.
        settings = Settings.from_env(campaigns=campaigns)
        out = out or in_project("build/site")
        with tempfile.TemporaryDirectory(prefix="stampbook-sent-") as folder:
            sent = _sent(settings, Path(folder))
            built = build_site(
                config_file or SITE_CONFIG,
                settings.campaigns,
                api_url,
                site_dir=out.resolve(),
                sent=sent,
            )
    except (ProgrammeInvalid, SiteSettingsError, SettingsError, StoreError) as error:
        raise click.ClickException(str(error)) from error
    for each in built:
        click.echo(f"{each.locale}: {each.folder}")
    return built[0].folder


def _sent(settings: Settings, folder: Path) -> Path | None:
    """The issues the customer file says were sent, written into `folder` for the
    archive; None (the archive goes by the calendar) where there is no customer file."""
    from ..bootstrap import open_store
    from ..programme import load_programme
    from ..sitegen.archive import export_sent
    from ..store.sends import SendStore

    if settings.store == "sqlite" and not settings.database.is_file():
        click.echo(
            f"archive: no customer file at {settings.database}; public issues are listed"
            " by their send time",
            err=True,
        )
        return None
    store = open_store(settings)
    try:
        if not isinstance(store, SendStore):
            return None
        count = export_sent(store, load_programme(settings.campaigns), folder)
    finally:
        store.close()
    click.echo(f"archive: {count} sent issue{'' if count == 1 else 's'} from the customer file")
    return folder


@site.command("build")
@config_option
@campaigns_option
@api_option
@out_option
def build_command(
    config_file: Path | None, campaigns: Path | None, api_url: str | None, out: Path | None
) -> None:
    """Build the site in every language of program.yaml (strict: warnings fail)."""
    _build(config_file, campaigns, api_url, out)


@site.command("serve")
@config_option
@campaigns_option
@api_option
@click.option("--port", default=8001, show_default=True, help="Port on 127.0.0.1.")
def serve_command(
    config_file: Path | None, campaigns: Path | None, api_url: str | None, port: int
) -> None:
    """Build the site, then serve its pages alone on http://127.0.0.1:PORT/.

    The forms need the API beside them: `stampbook serve` serves both.
    """
    root = _build(config_file, campaigns, api_url)
    handler = functools.partial(SimpleHTTPRequestHandler, directory=str(root))
    # Loopback only, as `stampbook serve`.
    server = ThreadingHTTPServer(("127.0.0.1", port), handler)
    click.echo(f"Site on http://127.0.0.1:{port}/")
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        click.echo("stopped")
    finally:
        server.server_close()


@site.command("publish")
@click.argument("bucket")
@click.option(
    "--site",
    "folder",
    type=click.Path(path_type=Path, file_okay=False),
    default=Path("build/site"),
    show_default=True,
    help="The built site (`stampbook site build`).",
)
@click.option("--prefix", default="", help="A folder in the bucket to publish under.")
@click.option("--delete", is_flag=True, help="Also delete files the built site no longer has.")
@click.option("--distribution", help="A CloudFront distribution id whose cache to refresh.")
def publish_command(
    bucket: str, folder: Path, prefix: str, delete: bool, distribution: str | None
) -> None:
    """Upload the built site to an S3 bucket: changed files only, with types and cache headers."""
    import boto3
    from botocore.exceptions import BotoCoreError, ClientError

    from ..deploy.publish import PublishError, publish

    session = boto3.Session()
    try:
        done = publish(
            folder,
            bucket,
            session.client("s3"),
            prefix=prefix,
            delete=delete,
            cloudfront=session.client("cloudfront") if distribution else None,
            distribution=distribution,
        )
    except (PublishError, BotoCoreError, ClientError) as error:
        raise click.ClickException(f"publish refused: {error}") from error
    click.echo(
        f"s3://{bucket}/{prefix}: {len(done.uploaded)} uploaded, "
        f"{len(done.deleted)} deleted, {done.unchanged} unchanged"
    )
    if done.invalidation:
        click.echo(f"CloudFront invalidation {done.invalidation} for {distribution}")


COMMANDS = (site,)
