"""A reader's summary shows a certificates row only where the programme gives certificates:
elsewhere the row could only ever say "—", in emails and on the points page alike."""

from __future__ import annotations

import shutil
from datetime import UTC, datetime
from pathlib import Path

import pytest

from stampbook.mail.reader import sample_reader
from stampbook.mail.render import Renderer
from stampbook.programme import Programme, load_programme
from stampbook.sitegen.pages import site_files
from tests.unit.programme.conftest import FIXTURE, edit

from .conftest import TODAY, shown

NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)
CERTIFICATE_RULE = (
    "  certificates:\n    - id: big-spender\n      spend: 300\n      within_months: 6\n"
    "      value: 25.50\n      valid_days: 60\n"
)


@pytest.fixture
def with_certificates() -> Programme:
    return load_programme(FIXTURE)


@pytest.fixture
def without_certificates(tmp_path: Path) -> Programme:
    campaigns = tmp_path / "campaigns"
    shutil.copytree(FIXTURE, campaigns)
    edit(campaigns, "program.yaml", CERTIFICATE_RULE, "")
    return load_programme(campaigns)


def newsletter_text(programme: Programme) -> str:
    issue = programme.newsletter("spring-check-up")
    assert issue is not None
    return shown(Renderer(programme).newsletter(issue, "en").text)


def win_back_text(programme: Programme) -> str:
    reader = sample_reader(programme.programme_file, "en", TODAY)
    return shown(Renderer(programme).email("win_back", "en", reader).text)


def test_a_programme_with_certificates_shows_them(with_certificates: Programme) -> None:
    assert "Certificates: <certificates>" in newsletter_text(with_certificates)
    assert "Certificates: " in win_back_text(with_certificates)


def test_a_programme_without_certificates_has_no_such_row(
    without_certificates: Programme,
) -> None:
    for text in (newsletter_text(without_certificates), win_back_text(without_certificates)):
        assert "Certificates" not in text
        assert "Tier: " in text  # the rest of the summary stays


def points_page(programme: Programme) -> str:
    return site_files(programme, "en", "/", NOW).pages["points.md"]


def test_the_points_page_asks_for_certificates_only_where_there_are_some(
    with_certificates: Programme, without_certificates: Programme
) -> None:
    assert 'data-sb-list="certificates"' in points_page(with_certificates)
    assert 'data-sb-list="certificates"' not in points_page(without_certificates)
    assert 'data-sb-shown="tier"' in points_page(without_certificates)
