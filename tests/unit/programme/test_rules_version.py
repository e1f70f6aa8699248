"""The rules version changes exactly when the rules the engine runs change."""

from __future__ import annotations

from pathlib import Path

from stampbook.programme import load_programme

from .conftest import edit


def test_rules_version_is_stable_for_the_same_files(campaigns: Path) -> None:
    first = load_programme(campaigns).rules_version
    assert first == load_programme(campaigns).rules_version
    assert len(first) == 12
    assert int(first, 16) >= 0


def test_editing_texts_outside_the_rules_keeps_the_version(campaigns: Path) -> None:
    before = load_programme(campaigns).rules_version
    edit(campaigns, "program.yaml", "legal_name: Fix-It Corner EOOD", "legal_name: Fix-It Ltd")
    edit(campaigns, "newsletters/spring.yaml", "Spring check-up,", "Spring tune-up,")
    assert load_programme(campaigns).rules_version == before


def test_changing_a_number_in_the_rules_changes_the_version(campaigns: Path) -> None:
    before = load_programme(campaigns).rules_version
    edit(campaigns, "program.yaml", "    points: 40\n", "    points: 45\n")
    after_reward = load_programme(campaigns).rules_version
    edit(campaigns, "program.yaml", "    days: 30\n", "    days: 14\n")
    after_pending = load_programme(campaigns).rules_version
    assert len({before, after_reward, after_pending}) == 3


def test_writing_the_same_amount_differently_keeps_the_version(campaigns: Path) -> None:
    before = load_programme(campaigns).rules_version
    edit(campaigns, "program.yaml", "    over: 50\n", "    over: 50.00\n")
    # 50 and 50.00 are the same amount of money: the rules did not change.
    assert load_programme(campaigns).rules_version == before
