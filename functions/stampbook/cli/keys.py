"""`stampbook keys`: integration keys for the till and the web shop."""

from __future__ import annotations

import click

from ..bootstrap import App
from ..records.integrations import issue_key
from .with_app import with_app


@click.group()
def keys() -> None:
    """Keys that let a till or a web shop record purchases through the API."""


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


COMMANDS = (keys,)
