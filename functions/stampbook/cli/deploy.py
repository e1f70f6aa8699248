"""`stampbook package` and `stampbook deploy`: going live on AWS."""

from __future__ import annotations

import time
from pathlib import Path

import click

from ..deploy.bundle import Package, PackagingError, package
from ..deploy.stage import Stage, StageError

stage_option = click.option(
    "--stage", default="prod", show_default=True, help="Which deployment: names every resource."
)
campaigns_option = click.option(
    "--campaigns",
    type=click.Path(path_type=Path, file_okay=False),
    default=Path("campaigns"),
    show_default=True,
    help="The owner's programme, shipped with the functions.",
)
out_option = click.option(
    "--out",
    type=click.Path(path_type=Path, file_okay=False),
    help="Where deployment.zip and template.json go (default: build/deploy/STAGE).",
)
wheelhouse_option = click.option(
    "--wheelhouse",
    type=click.Path(path_type=Path, file_okay=False),
    default=Path("build/wheelhouse"),
    show_default=True,
    help="Linux wheels of the dependencies, downloaded from PyPI once and kept.",
)
offline_option = click.option(
    "--offline", is_flag=True, help="Use the wheelhouse as it is; download nothing."
)


def _stage(name: str) -> Stage:
    try:
        return Stage(name)
    except StageError as error:
        raise click.BadParameter(str(error), param_hint="--stage") from None


def _package(
    stage: Stage, campaigns: Path, out: Path | None, wheelhouse: Path, offline: bool
) -> Package:
    try:
        built = package(
            stage,
            campaigns=campaigns,
            out=out or Path("build/deploy") / stage.name,
            wheelhouse=wheelhouse,
            constraints=Path("requirements.lock"),
            download=not offline,
        )
    except PackagingError as error:
        raise click.ClickException(str(error)) from error
    size = built.bundle.stat().st_size / 1_000_000
    click.echo(f"bundle:   {built.bundle} ({size:.1f} MB)")
    click.echo(f"template: {built.template}")
    return built


@click.command("package")
@stage_option
@campaigns_option
@out_option
@wheelhouse_option
@offline_option
@click.option("--fetch-only", is_flag=True, help="Only fill the wheelhouse (for offline builds).")
def package_command(
    stage: str,
    campaigns: Path,
    out: Path | None,
    wheelhouse: Path,
    offline: bool,
    fetch_only: bool,
) -> None:
    """Build the Lambda bundle and the stage's SAM template (functions, table, queue, mail)."""
    if fetch_only:
        from ..deploy.bundle import fetch_wheels

        try:
            fetch_wheels(wheelhouse, Path("requirements.lock"))
        except PackagingError as error:
            raise click.ClickException(str(error)) from error
        click.echo(f"wheelhouse: {wheelhouse}")
        return
    _package(_stage(stage), campaigns, out, wheelhouse, offline)


@click.command()
@stage_option
@campaigns_option
@out_option
@wheelhouse_option
@offline_option
@click.option("--bucket", required=True, help="An S3 bucket for the bundle and the template.")
@click.option("--mail-domain", help="The domain verified in SES (needed the first time).")
@click.option(
    "--signing-keys",
    envvar="STAMPBOOK_SIGNING_KEYS",
    help="id:secret[,...] to sign links with, stored in SSM (default: a new key, once).",
)
@click.option("--site-origins", help="Website origins allowed to call the API.")
@click.option("--api-url", help="The API's public address, if not the site's /api/.")
def deploy(
    stage: str,
    campaigns: Path,
    out: Path | None,
    wheelhouse: Path,
    offline: bool,
    bucket: str,
    mail_domain: str | None,
    signing_keys: str | None,
    site_origins: str | None,
    api_url: str | None,
) -> None:
    """Package, upload and create or update the stack `stampbook-STAGE` by change set."""
    import boto3
    from botocore.exceptions import BotoCoreError, ClientError

    from ..deploy.secrets import first_keys, parameter_name
    from ..deploy.stack import DeployError, change_stack, check_credentials, outputs, upload
    from ..mail.tokens import KeySettingsError

    chosen = _stage(stage)
    session = boto3.Session()
    parameters = {
        name: value
        for name, value in {
            "MailDomain": mail_domain,
            "SiteOrigins": site_origins,
            "ApiUrl": api_url,
        }.items()
        if value is not None
    }
    try:
        check_credentials(session)
        built = _package(chosen, campaigns, out, wheelhouse, offline)
        keys = parameter_name(chosen.name)
        if first_keys(session.client("ssm"), keys, signing_keys):
            click.echo(f"signing keys stored in SSM: {keys}")
        uploaded = upload(built, chosen, bucket, session.client("s3"))
        click.echo(f"uploaded: s3://{bucket}/{uploaded.code_key}")
        cloudformation = session.client("cloudformation")
        state = change_stack(
            cloudformation,
            chosen,
            uploaded.template_url,
            parameters,
            change_set=f"stampbook-{int(time.time())}",
        )
        told = outputs(cloudformation, chosen)
    except (DeployError, KeySettingsError, BotoCoreError, ClientError) as error:
        raise click.ClickException(f"deploy refused: {error}") from error
    click.echo(f"stack {chosen.stack}: {state}")
    for name in ("EndpointURL", "SiteAddress", "SiteBucket", "SiteDistribution"):
        if name in told:
            click.echo(f"  {name}: {told[name]}")


COMMANDS = (package_command, deploy)
