"""`stampbook show` tells the owner what the engine does, in the words the engine means."""

from __future__ import annotations

import shutil
from pathlib import Path

from click.testing import CliRunner

from stampbook.cli.main import main
from tests.unit.programme.conftest import EXAMPLE, FIXTURE, edit

NOW = {"STAMPBOOK_NOW": "2027-01-15T12:00+02:00"}


def show(campaigns: Path) -> list[str]:
    result = CliRunner().invoke(main, ["show", str(campaigns)], env=NOW)
    assert result.exit_code == 0, result.output
    return [line.strip(" •") for line in result.stdout.splitlines()]


def test_show_says_what_earns_no_points() -> None:
    fixture = show(FIXTURE)
    assert "no points on shipping, tax and parts" in fixture
    example = show(EXAMPLE)  # tax is not excluded there
    assert "no points on shipping and gift-cards" in example
    assert "tax earns points too" in example


def test_show_says_shipping_earns_points_when_it_does(tmp_path: Path) -> None:
    campaigns = tmp_path / "campaigns"
    shutil.copytree(FIXTURE, campaigns)
    edit(campaigns, "program.yaml", "    exclude:\n", "    exclude:\n      shipping: false\n")
    lines = show(campaigns)
    assert "no points on tax and parts" in lines
    assert "shipping earns points too" in lines


def test_one_point_is_one_point(tmp_path: Path) -> None:
    campaigns = tmp_path / "campaigns"
    shutil.copytree(FIXTURE, campaigns)
    edit(campaigns, "program.yaml", "    points: 50", "    points: 1")
    lines = show(campaigns)
    assert "1 point per 1,00\xa0€ spent, rounded nearest" in lines
    assert "birthday bonus: 1 point" in lines
    assert "referral: 100 points to the referrer, 0 points to the new customer" in lines


def test_thresholds_are_shown_as_the_engine_applies_them() -> None:
    # The engine gives free shipping and certificates at exactly the amount.
    text = "\n".join(show(FIXTURE))
    assert "free shipping on orders of 50,00\xa0€ or more" in text
    assert "spend 300,00\xa0€ or more within 6 months" in text


def test_show_says_how_many_referral_bonuses_a_month() -> None:
    assert (
        "referral: 300 points to the referrer, 150 points to the new customer, "
        "at most 5 a month to one referrer"
    ) in " ".join(show(EXAMPLE))  # the console wraps the line
