"""Every command of `stampbook`, and every option of each, is named in the owner's guide."""

from __future__ import annotations

import re
from collections.abc import Iterator

import click

from stampbook.cli.main import COMMANDS, main
from tests.support.paths import ROOT

OWNERS_GUIDE = ROOT / "docs" / "pages" / "owner"


def commands(command: click.Command, context: click.Context) -> Iterator[tuple[str, click.Command]]:
    """`stampbook customers import` and its command, for the group and everything under it.

    Asks the group for its commands as `stampbook --help` does, so the lazily
    registered ones (imported only when asked for) are found too.
    """
    yield context.command_path, command
    if isinstance(command, click.Group):
        for name in command.list_commands(context):
            sub = command.get_command(context, name)
            assert sub is not None, f"{context.command_path} lists {name} but has no such command"
            yield from commands(sub, click.Context(sub, parent=context, info_name=name))


def every_command() -> dict[str, click.Command]:
    return dict(commands(main, click.Context(main, info_name="stampbook")))


def owners_guide() -> str:
    return "\n".join(page.read_text("utf-8") for page in sorted(OWNERS_GUIDE.glob("*.md")))


def named(words: str, text: str) -> bool:
    """`words` in `text` as a whole: `stampbook send` is not in `stampbook send-due`."""
    return re.search(rf"(?<![\w-]){re.escape(words)}(?![\w-])", text) is not None


def test_the_walk_finds_every_registered_command_and_the_groups_subcommands() -> None:
    found = every_command()
    assert {path.split()[1] for path in found if " " in path} == set(COMMANDS)
    assert "stampbook customers import" in found  # inside a group
    assert "stampbook site publish" in found


def test_every_command_and_subcommand_is_in_the_owners_guide() -> None:
    guide = owners_guide()
    assert sorted(path for path in every_command() if not named(path, guide)) == []


def test_every_option_of_every_command_is_in_the_owners_guide() -> None:
    guide = owners_guide()
    missing = [
        f"{path} {option}"
        for path, command in every_command().items()
        for parameter in command.params
        if isinstance(parameter, click.Option)
        for option in parameter.opts
        if not named(option, guide)
    ]
    assert missing == []


def test_a_command_is_named_only_as_a_whole() -> None:
    assert named("stampbook send", "run `stampbook send ISSUE`")
    assert not named("stampbook send", "run `stampbook send-due` from cron")
    assert not named("--to", "give --token")
