"""`stampbook check` reports every mistake it can read in one run, a key written twice included."""

from __future__ import annotations

import shutil
from pathlib import Path

from click.testing import CliRunner

from stampbook.cli.main import main
from tests.unit.programme.conftest import FIXTURE, edit


def test_a_key_written_twice_does_not_hide_the_other_mistakes(tmp_path: Path) -> None:
    campaigns = tmp_path / "campaigns"
    shutil.copytree(FIXTURE, campaigns)
    edit(campaigns, "program.yaml", "currency: EUR\n", "currency: EUR\ncurrency: LEV\n")
    edit(campaigns, "program.yaml", "  available: [bg, en]", "  available: [bg, en, am]")
    edit(campaigns, "newsletters/spring.yaml", "reward: screen-clean", "reward: screen-cleen")
    edit(campaigns, "automations.yaml", "name: Liberation Day", "name: Liberation")

    result = CliRunner().invoke(main, ["check", str(campaigns)])

    assert result.exit_code == 1
    lines = result.stderr.splitlines()
    assert [line.split(": ", 1)[0] for line in lines if line.startswith("campaigns/")] == [
        "campaigns/automations.yaml:20:37",
        "campaigns/newsletters/spring.yaml:14:13",
        "campaigns/program.yaml:10:1",
        "campaigns/program.yaml:13:23",
    ]
    assert "    hint: 'am' is Amharic; Armenian is 'hy'" in lines
    assert "    hint: did you mean 'Liberation Day'?" in lines
    assert lines[-1] == f"4 errors in {campaigns}"
