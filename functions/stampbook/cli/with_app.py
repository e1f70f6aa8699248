"""Commands that work on the customer file: the app built from the settings, once.

`--campaigns` and `--db` override the environment; a refusal (a broken
programme, a store or loyalty refusal, a bad setting) is one line, exit 1.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from functools import wraps
from pathlib import Path
from typing import Any, TypeVar

import click

from ..bootstrap import App, build
from ..config import Settings, SettingsError
from ..loyalty.errors import LoyaltyError
from ..programme import ProgrammeInvalid
from ..records.customers import InvalidEmail
from ..store.base import StoreError

F = TypeVar("F", bound=Callable[..., Any])


def with_app(command: F) -> F:
    """Build the app from `--campaigns` / `--db`; refusals become messages, not tracebacks."""

    @click.option("--campaigns", type=click.Path(path_type=Path, file_okay=False), default=None)
    @click.option("--db", type=click.Path(path_type=Path, dir_okay=False), default=None)
    @wraps(command)
    def wrapper(campaigns: Path | None, db: Path | None, **kwargs: Any) -> Any:
        try:
            app = build(Settings.from_env(campaigns=campaigns, database=db))
            return command(app, **kwargs)
        except ProgrammeInvalid as invalid:
            click.echo(str(invalid), err=True)
            click.echo("\nfix these first: `stampbook check`", err=True)
        except (LoyaltyError, StoreError, InvalidEmail, SettingsError) as refused:
            click.echo(f"refused: {refused}", err=True)
        sys.exit(1)

    return wrapper  # type: ignore[return-value]


def emails_can_be_made(app: App) -> None:
    """Refuse before anyone is touched if an email of the programme cannot be made.

    `check` says the same; this is for the owner who edited a text and ran
    `send` or `daily` straight away.
    """
    from ..mail.proofread import proofread

    problems = proofread(app.programme, app.loyalty.clock().date())
    if problems:
        raise ProgrammeInvalid(problems)
