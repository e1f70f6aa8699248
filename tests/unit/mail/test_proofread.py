"""Every owner's text is filled in once before anyone gets it, and a mistake
is reported at its own line of the YAML, with the name meant."""

from __future__ import annotations

import shutil
import tempfile
from datetime import date
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from stampbook.mail.proofread import proofread
from stampbook.programme import ProgrammeInvalid, load_programme
from tests.support.paths import EXAMPLE

TODAY = date(2026, 12, 3)
AUTOMATIONS = "automations.yaml"
WINTER = "newsletters/2026-12-winter-lots.yaml"


@pytest.fixture
def campaigns(tmp_path: Path) -> Path:
    copy = tmp_path / "campaigns"
    shutil.copytree(EXAMPLE, copy)
    return copy


def _edit(campaigns: Path, file: str, old: str, new: str) -> int:
    """Replace `old` (once) in `file`; the 1-based line it was on."""
    path = campaigns / file
    text = path.read_text("utf-8")
    assert text.count(old) == 1, old
    path.write_text(text.replace(old, new), "utf-8")
    return text[: text.index(old)].count("\n") + 1


def _column(campaigns: Path, file: str, line: int, name: str) -> int:
    return (campaigns / file).read_text("utf-8").splitlines()[line - 1].index(name) + 1


def _said(campaigns: Path) -> list[str]:
    return [
        f"{p.where} {p.message} | {p.hint}" for p in proofread(load_programme(campaigns), TODAY)
    ]


def test_the_example_programme_has_nothing_to_say(campaigns: Path) -> None:
    assert _said(campaigns) == []


def test_a_misspelt_name_in_an_automatic_email_is_found_at_its_column(campaigns: Path) -> None:
    old = "en: You earned {{ points_earned }} points."
    line = _edit(campaigns, AUTOMATIONS, old, old.replace("points_earned", "point_earned"))
    column = _column(campaigns, AUTOMATIONS, line, "point_earned")
    assert _said(campaigns) == [
        f"campaigns/{AUTOMATIONS}:{line}:{column} 'point_earned' is not a value this email has"
        " | did you mean 'points_earned'?"
    ]


def test_a_value_another_kind_of_email_has_is_not_one_this_email_has(campaigns: Path) -> None:
    # A warning that points expire is not about an order: it has no order number.
    old = "en: Visit us before {{ expires_on }} to keep your points."
    line = _edit(campaigns, AUTOMATIONS, old, "en: Your order {{ order_number }} awaits.")
    column = _column(campaigns, AUTOMATIONS, line, "order_number")
    assert _said(campaigns) == [
        f"campaigns/{AUTOMATIONS}:{line}:{column} 'order_number' is not a value this email has"
        " | it has: name, points, pending_points, tier, expiring_points, expires_on, expiry,"
        " certificates, business"
    ]


def test_a_misspelt_part_of_a_value_is_found(campaigns: Path) -> None:
    old = "en: Your {{ certificate.value }} certificate"
    line = _edit(campaigns, AUTOMATIONS, old, "en: Your {{ certificate.valeu }} certificate")
    column = _column(campaigns, AUTOMATIONS, line, "valeu")
    assert _said(campaigns) == [
        f"campaigns/{AUTOMATIONS}:{line}:{column} 'valeu' is not a value this email has"
        " | did you mean 'certificate.value'?"
    ]


def test_a_name_in_a_newsletter_subject_is_found_in_its_file(campaigns: Path) -> None:
    old = "en: The winter lots are roasting"
    line = _edit(campaigns, WINTER, old, "en: The winter lots are roasting, {{ nam }}")
    column = _column(campaigns, WINTER, line, "nam ")
    assert _said(campaigns) == [
        f"campaigns/{WINTER}:{line}:{column} 'nam' is not a value this email has"
        " | did you mean 'name'?"
    ]


def test_a_broken_tag_deep_in_a_block_is_at_its_own_line_not_the_blocks_first(
    campaigns: Path,
) -> None:
    old = "bright with blackcurrant;"
    line = _edit(campaigns, WINTER, old, "bright with {{ name }; blackcurrant;")
    (said,) = _said(campaigns)
    assert said.startswith(f"campaigns/{WINTER}:{line}:9 ")
    assert "unexpected '}'" in said


def test_an_unknown_filter_is_reported_in_every_language_it_is_written_in(
    campaigns: Path,
) -> None:
    ru = _edit(
        campaigns, AUTOMATIONS, "ru: С днём рождения, {{ name }}!", "ru: Ура, {{ name | shout }}!"
    )
    en = _edit(
        campaigns, AUTOMATIONS, "en: Happy birthday, {{ name }}!", "en: Hey, {{ name | shout }}!"
    )
    said = _said(campaigns)
    assert [s.split(" ", 1)[0] for s in said] == [
        f"campaigns/{AUTOMATIONS}:{ru}:9",  # where the text starts: Jinja names no column
        f"campaigns/{AUTOMATIONS}:{en}:9",
    ]
    assert all("No filter named 'shout'" in s for s in said)


def test_a_holiday_greeting_is_proofread(campaigns: Path) -> None:
    old = "en: Thank you for being with us this year."
    line = _edit(campaigns, AUTOMATIONS, old, "en: Thank you, {{ nmae }}.")
    column = _column(campaigns, AUTOMATIONS, line, "nmae")
    assert _said(campaigns) == [
        f"campaigns/{AUTOMATIONS}:{line}:{column} 'nmae' is not a value this email has"
        " | did you mean 'name'?"
    ]


def test_a_broken_template_of_the_owners_own_is_reported_at_its_line(campaigns: Path) -> None:
    folder = campaigns / "templates" / "email"
    folder.mkdir(parents=True)
    (folder / "confirm.mjml.j2").write_text("<mjml>\n<mj-body>{{ links.nowhere }}</mj-body>\n")
    assert _said(campaigns) == [
        "campaigns/templates/email/confirm.mjml.j2:2:1 'dict object' has no attribute 'nowhere' | "
    ]


# What an owner's slip inside a text looks like: half a tag, a filter, a name.
TEMPLATE_NOISE = st.lists(
    st.sampled_from(["{{", "}}", "{%", "%}", "{#", "|", ".", " ", "name", "nam", "(", "x"]),
    max_size=5,
).map("".join)
TEXT_FILES = [AUTOMATIONS, WINTER]


@st.composite
def mutated_text(draw: st.DrawFn) -> tuple[str, int, str]:
    """A file, one of its lines holding an owner's text, and that line with noise in it."""
    file = draw(st.sampled_from(TEXT_FILES))
    lines = (EXAMPLE / file).read_text("utf-8").splitlines()
    texts = [n for n, line in enumerate(lines) if line.strip().startswith(("ru:", "en:"))]
    at = draw(st.sampled_from(texts))
    line = lines[at]
    cut = draw(st.integers(line.index(":") + 2, len(line)))
    return file, at, line[:cut] + draw(TEMPLATE_NOISE) + line[cut:]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mutated_text())
def test_a_slip_in_any_text_is_found_at_a_place_in_its_file_or_fills_in(
    change: tuple[str, int, str],
) -> None:
    file, at, line = change
    with tempfile.TemporaryDirectory() as folder:
        campaigns = Path(folder) / "campaigns"
        shutil.copytree(EXAMPLE, campaigns)
        path = campaigns / file
        lines = path.read_text("utf-8").splitlines()
        lines[at] = line
        path.write_text("\n".join(lines) + "\n", "utf-8")
        try:
            problems = proofread(load_programme(campaigns), TODAY)
        except ProgrammeInvalid as invalid:  # the slip broke the YAML itself
            problems = list(invalid.problems)
        for problem in problems:
            assert problem.file == f"campaigns/{file}"
            assert 1 <= problem.line <= len(lines)
            assert 1 <= problem.column <= len(lines[problem.line - 1]) + 1
            assert problem.message
