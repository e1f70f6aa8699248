"""Every command, given what an owner mistypes, answers in a line and never with a traceback.

Each command of the command line (groups walked to their commands) is run
with an option that does not exist, and with every argument it requires
set to something that names nothing: an address that is no one's, an issue
or reward that does not exist, a file that is not there. Whatever it says,
it exits with 1 or 2 (or 0 where nothing was wrong), in a few lines, and
no exception leaves it.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from stampbook.cli.main import main
from tests.support.paths import EXAMPLE

# What names nothing, for each kind of argument the commands take.
NOTHING = {
    "email": "nobody@example.com",
    "amount": "12,3.4",
    "file": "no-such-file.csv",
    "issue": "no-such-issue",
    "name": "no-such-email",
    "reward_id": "no-such-reward",
    "order_id": "no-such-order",
    "customer": "nobody@example.com",
    "key_id": "no-such-key",
    "provider": "no-such-provider",
    "directory": "a-new-business",
    "bucket": "no-such-bucket",
    "url": "ftp://nowhere",
    "endpoint_id": "ep_nothing",
}
# Commands that would serve until stopped, or reach AWS, when given nothing wrong.
NOT_RUN_BARE = {"serve", "site serve", "site publish", "deploy", "package", "store init"}


def _commands() -> Iterator[tuple[str, list[str]]]:
    context = click.Context(main)

    def walk(command: click.Command, path: list[str]) -> Iterator[tuple[str, list[str]]]:
        if isinstance(command, click.Group):
            for name in command.list_commands(context):
                found = command.get_command(context, name)
                assert found is not None
                yield from walk(found, [*path, name])
        else:
            required = [
                str(p.name) for p in command.params if isinstance(p, click.Argument) and p.required
            ]
            yield " ".join(path), required

    return walk(main, [])


COMMANDS = sorted(_commands())
# Those given arguments to get wrong, or that do nothing lasting without any.
GIVEN = [(name, required) for name, required in COMMANDS if required or name not in NOT_RUN_BARE]


@pytest.fixture
def desk(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    shutil.copytree(EXAMPLE, tmp_path / "campaigns")
    monkeypatch.chdir(tmp_path)
    for name, value in {
        "STAMPBOOK_DB": str(tmp_path / "data" / "stampbook.db"),
        "STAMPBOOK_OUTBOX": str(tmp_path / "data" / "outbox"),
        "STAMPBOOK_SIGNING_KEY_FILE": str(tmp_path / "data" / "keys"),
        "STAMPBOOK_NOW": "2026-11-23T18:00:00+03:00",
        # No AWS account here: nothing may reach one.
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_DEFAULT_REGION": "eu-central-1",
        "AWS_EC2_METADATA_DISABLED": "true",
        "AWS_ENDPOINT_URL": "http://127.0.0.1:9",
    }.items():
        monkeypatch.setenv(name, value)
    return tmp_path


def _answered(args: list[str]) -> tuple[int, str]:
    result = CliRunner().invoke(main, args)
    said = result.stdout + result.stderr
    # Only click's own exit leaves a command: no other exception, no traceback.
    assert result.exception is None or isinstance(result.exception, SystemExit), (
        f"stampbook {' '.join(args)} raised {result.exception!r}"
    )
    assert "Traceback" not in said
    return result.exit_code, said


def test_every_command_is_walked() -> None:
    names = [name for name, _ in COMMANDS]
    assert len(names) >= 30
    assert {"purchase", "customers import", "site build", "keys rotate"} <= set(names)


@pytest.mark.parametrize(("name", "required"), COMMANDS, ids=[name for name, _ in COMMANDS])
def test_an_option_that_does_not_exist_is_a_usage_error(
    desk: Path, name: str, required: list[str]
) -> None:
    code, said = _answered([*name.split(), "--no-such-option"])
    assert code == 2
    assert "No such option '--no-such-option'" in said


@pytest.mark.parametrize(("name", "required"), GIVEN, ids=[name for name, _ in GIVEN])
def test_arguments_that_name_nothing_are_refused_in_a_few_lines(
    desk: Path, name: str, required: list[str]
) -> None:
    code, said = _answered([*name.split(), *(NOTHING[argument] for argument in required)])
    assert code in (0, 1, 2)
    if code:
        assert said.strip()
        assert len(said.strip().splitlines()) <= 6, said


@pytest.mark.parametrize("command", ["pause", "resume", "cancel", "send"])
def test_an_issue_that_does_not_exist_is_named_as_such(desk: Path, command: str) -> None:
    code, said = _answered([command, "no-such-issue"])
    assert code == 1
    assert "no newsletter 'no-such-issue' in newsletters/; there are: 2026-12-winter-lots" in said


def test_a_counter_amount_that_is_no_amount_is_refused(desk: Path) -> None:
    code, said = _answered(["purchase", "nobody@example.com", "12,3.4", "--category", "beans"])
    assert code == 2
    assert "'12,3.4' is not an amount" in said
