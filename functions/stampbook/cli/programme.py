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

from ..config import PROGRAMME_FOLDER, SettingsError, fixed_now, project_root, utc_now
from ..programme import Programme, ProgrammeInvalid, load_programme
from ..programme.declared import Declared
from ..programme.problems import Problem
from ..programme.schema import SCHEMA_DIR, write_schemas

DEFAULT_CAMPAIGNS = Path(PROGRAMME_FOLDER)


def _project_campaigns() -> Path:
    """./campaigns, or the campaigns of the project the current folder is in."""
    root = project_root()
    if root is None or root == Path.cwd().resolve():
        return DEFAULT_CAMPAIGNS
    return root / PROGRAMME_FOLDER


campaigns_argument = click.argument(
    "campaigns",
    type=click.Path(path_type=Path, file_okay=False),
    default=_project_campaigns,
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
    the first customer. An issue Gmail would clip is a warning, not an error.
    """
    from ..mail.clipping import clipping_notes
    from ..mail.proofread import proofread
    from ..mail.render import Renderer

    today = _now().date()
    warnings: list[Problem] = []
    try:
        programme = load_programme(campaigns, today=today)
        renderer = Renderer(programme)
        problems = proofread(programme, today, renderer)
        if not problems:
            warnings = clipping_notes(programme, today, renderer)
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
            "warnings": [warning.as_json() for warning in warnings],
            "stale_schemas": stale,
        }
        click.echo(json.dumps(report, ensure_ascii=False, indent=2))
        return
    click.echo(f"{campaigns}: valid (rules version {programme.rules_version})")
    for warning in warnings:
        # Not an error: the owner may send anyway, knowing what Gmail readers will miss.
        click.echo(str(warning), err=True)
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
    """Create DIRECTORY, a new business's project, from the example coffee roastery.

    Its programme to edit in campaigns/, a .gitignore and a README; inside it
    every command finds the programme and the customer file by itself.
    """
    if directory.exists() and any(directory.iterdir()):
        click.echo(f"{directory} is not empty; choose a new folder", err=True)
        sys.exit(1)
    example = resources.files("stampbook") / "scaffold" / "campaigns"
    with resources.as_file(example) as source:
        shutil.copytree(source, directory / PROGRAMME_FOLDER, dirs_exist_ok=True)
    # The customer file, the outbox and the signing keys live in data/, the
    # built site in build/: none of them belongs in version control.
    (directory / ".gitignore").write_text("data/\nbuild/\n", encoding="utf-8")
    (directory / "README.md").write_text(_OWNERS_README.format(name=directory.name), "utf-8")
    click.echo(
        f"created {directory}: edit campaigns/program.yaml, then `cd {directory}` and run "
        "`stampbook check`"
    )


_OWNERS_README = """# {name}

The loyalty programme and newsletters of {name}, run by Stampbook.
Every command below works from this folder (or any folder inside it).

    stampbook check                      # the programme: every mistake, with its line
    stampbook show                       # the rules, tiers, rewards and greetings, in words
    stampbook preview welcome            # an email as customers get it (files in preview/)
    stampbook customers import FILE.csv  # your customers (see campaigns/import-examples/)
    stampbook purchase EMAIL AMOUNT --category ID   # a sale at the counter
    stampbook serve                      # the website and the API on http://127.0.0.1:8000/
    stampbook report --html report.html  # how the programme is doing

- `campaigns/` holds the programme (`program.yaml`), the automatic emails
  (`automations.yaml`) and one file per newsletter (`newsletters/`).
- `data/` is made on first use: the customer file, the outbox and the keys
  that sign the links in emails. Back it up; never share it.
"""


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
