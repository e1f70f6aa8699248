"""One site build loads the programme once; an edited campaigns folder is read again."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from stampbook.sitegen.programmes import site_programme

from .conftest import write_programme


def _unchanged(data: dict[str, Any]) -> None:
    pass


def test_the_programme_is_loaded_once_while_no_file_changes(tmp_path: Path) -> None:
    root = write_programme(tmp_path / "campaigns", _unchanged)
    assert site_programme(root) is site_programme(root)


def test_an_edited_file_is_read_again(tmp_path: Path) -> None:
    root = write_programme(tmp_path / "campaigns", _unchanged)
    before = site_programme(root)
    programme_file = root / "program.yaml"
    programme_file.write_text(
        programme_file.read_text("utf-8").replace("contact_email: ", "contact_email: new."), "utf-8"
    )
    after = site_programme(root)
    assert after is not before
    assert after.programme_file.business.contact_email.startswith("new.")


def test_a_new_file_is_read_too(tmp_path: Path) -> None:
    root = write_programme(tmp_path / "campaigns", _unchanged)
    before = site_programme(root)
    letter = Path(__file__).parents[3] / "campaigns" / "newsletters" / "2026-12-winter-lots.yaml"
    (root / "newsletters").mkdir()
    (root / "newsletters" / letter.name).write_text(letter.read_text("utf-8"), "utf-8")
    assert [n.slug for n in site_programme(root).newsletters] == ["2026-12-winter-lots"]
    assert before.newsletters == ()
