"""`stampbook store`: set up the database the settings point at."""

from __future__ import annotations

import json
import sys

import click

from ..bootstrap import open_dynamodb, open_store
from ..config import Settings, SettingsError
from ..store.base import StoreError
from ..store.dynamodb.table import cloudformation_resource


@click.group()
def store() -> None:
    """The database: SQLite (STAMPBOOK_DB) or DynamoDB (STAMPBOOK_STORE=dynamodb)."""


@store.command("init")
def init_store() -> None:
    """Create the database, or the DynamoDB table and its index, if missing.

    For DynamoDB: STAMPBOOK_TABLE names the table, STAMPBOOK_DYNAMODB_ENDPOINT
    points at DynamoDB Local; the region and credentials are the usual AWS ones.
    On AWS the deploy template creates the table (`stampbook store template`).
    """
    try:
        settings = Settings.from_env()
        if settings.store == "dynamodb":
            tables = open_dynamodb(settings)
            created = tables.create_table()
            tables.close()
            where = settings.dynamodb_endpoint or "AWS"
            state = "created" if created else "already exists"
            click.echo(f"table {settings.table} {state} ({where})")
            return
        open_store(settings).close()  # opening SQLite creates and migrates the file
        click.echo(f"SQLite database ready at {settings.database}")
    except (StoreError, SettingsError) as refused:
        click.echo(f"refused: {refused}", err=True)
        sys.exit(1)


@store.command("template")
@click.option("--table", default="stampbook", show_default=True, help="The table's name.")
def template(table: str) -> None:
    """Print the DynamoDB table as a CloudFormation resource, for the deploy template."""
    resources = {"Resources": {"StampbookTable": cloudformation_resource(table)}}
    click.echo(json.dumps(resources, indent=2))


COMMANDS = (store,)
