"""`stampbook keys`: integration keys for the till and the web shop, and rotating
the keys that sign links in emails."""

from __future__ import annotations

import click

from ..bootstrap import App
from ..records.integrations import issue_key
from ..records.shops import is_shop_key
from .with_app import with_app


@click.group()
def keys() -> None:
    """Keys for tills and web shops; rotating the keys that sign links."""


@keys.command("add")
@click.argument("name")
@with_app
def add_key(app: App, name: str) -> None:
    """Issue a key for NAME (e.g. "till at the café"); it is shown only this once."""
    record, token = issue_key(name.strip() or "unnamed", app.loyalty.clock())
    app.store.add_integration_key(record)
    click.echo(f"key {record.key_id} for {record.name}:")
    click.echo(token)
    click.echo("Store it in the till's settings now: Stampbook keeps only its hash.", err=True)


@keys.command("list")
@with_app
def list_keys(app: App) -> None:
    """Every key with its name, when it was issued, and whether it was revoked."""
    for record in app.store.integration_keys():
        if is_shop_key(record):
            continue  # `stampbook shops list` shows them
        state = f"revoked {record.revoked_at:%Y-%m-%d}" if record.revoked_at else "active"
        click.echo(f"{record.key_id}  {record.created_at:%Y-%m-%d}  {state:<18} {record.name}")


@keys.command("revoke")
@click.argument("key_id")
@with_app
def revoke_key(app: App, key_id: str) -> None:
    """Stop accepting a key at once (a till stolen, a shop closed)."""
    if not app.store.revoke_integration_key(key_id, app.loyalty.clock()):
        raise click.ClickException(f"no active key {key_id}")
    click.echo(f"key {key_id} revoked")


@keys.command("rotate")
@click.option(
    "--stage", help="Rotate a stage's keys in SSM (on AWS); without it, this machine's key file."
)
def rotate(stage: str | None) -> None:
    """Sign links with a new key from now on; the one before still verifies its links."""
    from ..config import Settings, SettingsError
    from ..mail.tokens import KeySettingsError, parse_keys, rotate_local_keys

    try:
        if stage:
            import boto3
            from botocore.exceptions import BotoCoreError, ClientError

            from ..deploy.secrets import parameter_name
            from ..deploy.secrets import rotate as rotate_in_ssm
            from ..deploy.stage import Stage, StageError

            try:
                text = rotate_in_ssm(boto3.client("ssm"), parameter_name(Stage(stage).name))
            except (StageError, BotoCoreError, ClientError) as error:
                raise click.ClickException(f"rotate refused: {error}") from error
            where = f"{parameter_name(stage)} (functions read it within 5 minutes)"
        else:
            mail = Settings.from_env().mail
            if mail.signing_keys or mail.signing_keys_parameter:
                raise click.ClickException(
                    "the keys come from STAMPBOOK_SIGNING_KEYS(_PARAMETER): rotate them there"
                )
            text = rotate_local_keys(mail.key_file)
            where = str(mail.key_file)
    except (KeySettingsError, SettingsError) as error:
        raise click.ClickException(f"rotate refused: {error}") from error
    new, *kept = (key.id for key in parse_keys(text))
    click.echo(
        f"{where}: {new} signs from now on" + (f"; {kept[0]} still verifies" if kept else "")
    )


COMMANDS = (keys,)
