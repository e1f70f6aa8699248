"""Whatever the owner types, loading ends in a programme or in located problems, never a crash."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from stampbook.programme import Problem, ProgrammeInvalid, load_programme
from tests.support.paths import FIXTURE

FILES = ["program.yaml", "automations.yaml", "newsletters/spring.yaml"]
NOISE = st.text(alphabet=":- \n\t'\"{}[]#&*!|>%@`,?0123456789abcxyzабв.", max_size=6)


@st.composite
def mutated(draw: st.DrawFn) -> tuple[str, str]:
    file = draw(st.sampled_from(FILES))
    lines = (FIXTURE / file).read_text("utf-8").splitlines(keepends=True)
    for _ in range(draw(st.integers(1, 3))):
        at = draw(st.integers(0, len(lines) - 1))
        kind = draw(st.sampled_from(["delete", "duplicate", "indent", "dedent", "noise", "value"]))
        line = lines[at]
        if kind == "delete" and len(lines) > 1:
            del lines[at]
        elif kind == "duplicate":
            lines.insert(at, line)
        elif kind == "indent":
            lines[at] = " " * draw(st.integers(1, 3)) + line
        elif kind == "dedent":
            lines[at] = line[draw(st.integers(1, 4)) :]
        elif kind == "noise":
            cut = draw(st.integers(0, len(line)))
            lines[at] = line[:cut] + draw(NOISE) + line[cut:]
        elif kind == "value" and ":" in line:
            key = line.split(":", 1)[0]
            value = draw(st.one_of(NOISE, st.integers(-(10**6), 10**6).map(str), st.just("")))
            lines[at] = f"{key}: {value}\n"
    return file, "".join(lines)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mutated())
def test_mutated_programmes_load_or_fail_with_located_problems(change: tuple[str, str]) -> None:
    file, text = change
    with tempfile.TemporaryDirectory() as folder:
        campaigns = Path(folder) / "campaigns"
        shutil.copytree(FIXTURE, campaigns)
        (campaigns / file).write_text(text, encoding="utf-8")
        problems = located_problems(campaigns)
        for problem in problems:
            shown = problem.file.removeprefix("campaigns/")
            assert shown in FILES
            lines = (campaigns / shown).read_text("utf-8").count("\n") + 1
            assert 1 <= problem.line <= lines + 1
            assert problem.column >= 1
            assert problem.message


def located_problems(campaigns: Path) -> tuple[Problem, ...]:
    """No problems if the mutation left a valid programme; any other exception fails the test."""
    try:
        load_programme(campaigns)
    except ProgrammeInvalid as invalid:
        assert invalid.problems, "an invalid programme must say why"  # noqa: PT017
        return invalid.problems
    return ()
