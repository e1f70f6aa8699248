"""The programme's own commands: `stampbook check`, `show`, `schema` and `init`."""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import sys
from importlib import resources
from pathlib import Path
from zoneinfo import ZoneInfo

import click
from rich.console import Console

from ..config import SettingsError, fixed_now, utc_now
from ..programme import Programme, ProgrammeInvalid, load_programme
from ..programme.declared import Declared
from ..programme.schema import SCHEMA_DIR, write_schemas

DEFAULT_CAMPAIGNS = Path("campaigns")

campaigns_argument = click.argument(
    "campaigns",
    type=click.Path(path_type=Path, file_okay=False),
    default=DEFAULT_CAMPAIGNS,
    required=False,
)


@click.command()
@campaigns_argument
@click.option(
    "--format", "output", type=click.Choice(["text", "json"]), default="text", show_default=True
)
def check(campaigns: Path, output: str) -> None:
    """Check the programme in CAMPAIGNS (default: ./campaigns); exit 1 if it has errors.

    Every email is also made once, in every language, with sample values: a
    text that names a value its email does not have is an error here, not at
    the first customer.
    """
    from ..mail.proofread import proofread

    try:
        programme = load_programme(campaigns, today=_now().date())
        problems = proofread(programme, _now().date())
    except ProgrammeInvalid as invalid:
        problems = list(invalid.problems)
    if problems:
        if output == "json":
            report = {"valid": False, "errors": [problem.as_json() for problem in problems]}
            click.echo(json.dumps(report, ensure_ascii=False, indent=2))
        else:
            for problem in problems:
                click.echo(str(problem), err=True)
            count = len(problems)
            click.echo(f"\n{count} error{'s' if count != 1 else ''} in {campaigns}", err=True)
        sys.exit(1)
    stale = _stale_schemas(campaigns, programme)
    if output == "json":
        report = {
            "valid": True,
            "rules_version": programme.rules_version,
            "errors": [],
            "stale_schemas": stale,
        }
        click.echo(json.dumps(report, indent=2))
        return
    click.echo(f"{campaigns}: valid (rules version {programme.rules_version})")
    if stale:
        # Not an error: the files are right, only the editor's hints lag behind.
        click.echo(
            f"note: {', '.join(stale)} out of date (a new reward, tier or language?); "
            "run `stampbook schema` so editors know",
            err=True,
        )


@click.command()
@campaigns_argument
def show(campaigns: Path) -> None:
    """Print what the programme in CAMPAIGNS contains."""
    from ..programme.summary import print_summary

    programme = _load_or_exit(campaigns)
    zone = ZoneInfo(programme.programme_file.business.timezone)
    print_summary(programme, Console(), _now().astimezone(zone).date())


@click.command()
@campaigns_argument
@click.option("--check", "only_check", is_flag=True, help="Exit 1 if the schemas are out of date.")
def schema(campaigns: Path, only_check: bool) -> None:
    """Write JSON Schemas into CAMPAIGNS/schemas so editors can autocomplete the YAML."""

    programme = _load_or_exit(campaigns)
    declared = Declared.from_programme_file(programme.programme_file)
    folder = campaigns / SCHEMA_DIR
    if only_check:
        stale = _stale_schemas(campaigns, programme, required=True)
        if stale:
            click.echo(f"out of date: {', '.join(stale)}; run `stampbook schema`", err=True)
            sys.exit(1)
        click.echo("schemas are up to date")
        return
    changed = write_schemas(folder, declared)
    for path in changed:
        click.echo(f"wrote {path}")
    if not changed:
        click.echo("schemas are up to date")


@click.command()
@click.argument("directory", type=click.Path(path_type=Path, file_okay=False))
def init(directory: Path) -> None:
    """Create DIRECTORY with an example programme to edit (a coffee roastery)."""
    if directory.exists() and any(directory.iterdir()):
        click.echo(f"{directory} is not empty; choose a new folder", err=True)
        sys.exit(1)
    example = resources.files("stampbook") / "scaffold" / "campaigns"
    with resources.as_file(example) as source:
        shutil.copytree(source, directory, dirs_exist_ok=True)
    click.echo(f"created {directory}; edit the YAML files, then run `stampbook check {directory}`")


def _stale_schemas(campaigns: Path, programme: Programme, *, required: bool = False) -> list[str]:
    """Schema files in CAMPAIGNS/schemas that are missing or no longer match the programme.

    Without `required`, a programme that keeps no schemas at all has none stale.
    """
    from ..programme.schema import render_schemas

    folder = campaigns / SCHEMA_DIR
    if not folder.is_dir() and not required:
        return []
    rendered = render_schemas(Declared.from_programme_file(programme.programme_file))
    return [
        name
        for name, text in rendered.items()
        if not (folder / name).is_file() or (folder / name).read_text("utf-8") != text
    ]


def _now() -> dt.datetime:
    """STAMPBOOK_NOW if set (what will `show` say on 1 January?), else the clock."""
    try:
        return fixed_now(os.environ.get("STAMPBOOK_NOW")) or utc_now()
    except SettingsError as error:
        click.echo(f"refused: {error}", err=True)
        sys.exit(1)


def _load_or_exit(campaigns: Path) -> Programme:
    try:
        return load_programme(campaigns, today=_now().date())
    except ProgrammeInvalid as invalid:
        for problem in invalid.problems:
            click.echo(str(problem), err=True)
        click.echo(f"\nfix these first: `stampbook check {campaigns}`", err=True)
        sys.exit(1)


COMMANDS = (check, show, schema, init)
