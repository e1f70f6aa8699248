"""Every broken programme in the corpus fails with exactly the located problems expected."""

from __future__ import annotations

from pathlib import Path

import pytest

from stampbook.programme import ProgrammeInvalid, load_programme
from stampbook.programme.problems import format_key_path

from .broken_cases import CASES, Broken
from .conftest import edit


def break_programme(campaigns: Path, case: Broken) -> None:
    edit(campaigns, case.file, case.find, case.replace)
    for file, find, replace in case.also:
        edit(campaigns, file, find, replace)


def test_the_corpus_is_large_enough() -> None:
    assert len(CASES) >= 25
    assert len({case.name for case in CASES}) == len(CASES)


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_broken_programme_is_reported_where_it_is_wrong(campaigns: Path, case: Broken) -> None:
    break_programme(campaigns, case)
    with pytest.raises(ProgrammeInvalid) as failure:
        load_programme(campaigns)
    shown = tuple(
        (
            problem.where.removeprefix(f"{campaigns.parent}/"),
            format_key_path(problem.path),
            problem.message,
        )
        for problem in failure.value.problems
    )
    assert shown == case.expected
    if case.hint:
        assert failure.value.problems[0].hint == case.hint


def test_all_problems_in_a_file_are_reported_together(campaigns: Path) -> None:
    edit(campaigns, "program.yaml", "    per: 1\n", "    per: -1\n")
    edit(campaigns, "program.yaml", "    points: 40\n", "    points: many\n")
    edit(campaigns, "newsletters/spring.yaml", "    reward: screen-clean", "    reward: nope")
    with pytest.raises(ProgrammeInvalid) as failure:
        load_programme(campaigns)
    paths = [format_key_path(problem.path) for problem in failure.value.problems]
    assert paths == ["blocks[1].reward", "loyalty.earning.per", "rewards[0].points"]


def test_a_missing_programme_file_says_how_to_start(tmp_path: Path) -> None:
    with pytest.raises(ProgrammeInvalid) as failure:
        load_programme(tmp_path)
    (problem,) = failure.value.problems
    assert problem.message == f"no program.yaml in {tmp_path}"
    assert "stampbook init" in problem.hint


def test_an_empty_file_is_an_error_not_a_crash(campaigns: Path) -> None:
    (campaigns / "automations.yaml").write_text("# nothing yet\n", encoding="utf-8")
    with pytest.raises(ProgrammeInvalid) as failure:
        load_programme(campaigns)
    (problem,) = failure.value.problems
    assert (problem.where, problem.message) == (
        f"{campaigns.name}/automations.yaml:1:1",
        "the file is empty",
    )


def test_a_file_that_is_not_utf8_is_reported(campaigns: Path) -> None:
    (campaigns / "program.yaml").write_bytes("currency: руб".encode("cp1251"))
    with pytest.raises(ProgrammeInvalid) as failure:
        load_programme(campaigns)
    assert failure.value.problems[0].message.startswith("not UTF-8 text")
    assert failure.value.problems[0].hint == "save it as UTF-8"
