"""The command table `stampbook --help` lists is the commands themselves, and stays cheap."""

from __future__ import annotations

import os
import subprocess
import sys
from importlib import import_module

import click
from click.testing import CliRunner

from stampbook.cli.main import COMMANDS, main
from tests.support.paths import PACKAGE

CLI = PACKAGE / "cli"


def _defined() -> dict[str, tuple[str, click.Command]]:
    """Every command each module of `stampbook.cli` defines, by name."""
    found = {}
    for path in sorted(CLI.glob("*.py")):
        if path.stem in ("__init__", "main"):
            continue
        module = import_module(f"stampbook.cli.{path.stem}")
        for command in getattr(module, "COMMANDS", ()):
            assert command.name is not None
            found[command.name] = (path.stem, command)
    return found


def test_every_command_defined_is_in_the_table_with_its_own_help() -> None:
    table = {
        name: (module, (command.help or "").split("\n\n")[0].replace("\n", " "))
        for name, (module, command) in _defined().items()
    }
    assert table == COMMANDS


def test_help_lists_every_command_without_importing_one() -> None:
    code = (
        "import sys; from click.testing import CliRunner; from stampbook.cli import main;"
        "out = CliRunner().invoke(main, ['--help']).output;"
        "print(out); print(sorted(m for m in sys.modules if m.startswith('stampbook.')))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "PYTHONPATH": str(CLI.parents[1])},  # this checkout's package
    )
    *help_lines, imported = result.stdout.rstrip().splitlines()
    listing = help_lines[help_lines.index("Commands:") + 1 :]
    listed = [line.split()[0] for line in listing if line.strip()]
    assert listed == sorted(COMMANDS)
    assert eval(imported) == ["stampbook.cli", "stampbook.cli.main"]


def test_a_command_runs_once_asked_for() -> None:
    result = CliRunner().invoke(main, ["check", "--help"])
    assert result.exit_code == 0
    assert "--format [text|json]" in result.output
    assert CliRunner().invoke(main, ["no-such-command"]).exit_code == 2
