"""Gmail clips an email whose HTML passes 102 KB as sent: `check` says so, at the issue's text."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

from click.testing import CliRunner

from stampbook.cli.main import main
from stampbook.mail.clipping import GMAIL_CLIPS_AT, HtmlSize, html_size, said_of
from stampbook.mail.render import Renderer
from stampbook.programme import load_programme
from tests.support.long_issue import LONG_ISSUE, write_long_issue
from tests.support.paths import EXAMPLE
from tests.unit.mail.conftest import TODAY


def _copy(tmp_path: Path) -> Path:
    campaigns = tmp_path / "campaigns"
    shutil.copytree(EXAMPLE, campaigns)
    return campaigns


def _check(campaigns: Path, *options: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, ["check", str(campaigns), *options])
    return result.exit_code, result.stdout, result.stderr


def test_a_long_russian_issue_is_a_warning_at_its_text_naming_language_and_size(
    tmp_path: Path,
) -> None:
    campaigns = _copy(tmp_path)
    write_long_issue(campaigns)

    code, out, err = _check(campaigns)

    assert code == 0  # a warning: the owner may send anyway
    assert out == f"{campaigns}: valid (rules version {out.split('version ')[1]}"
    first, hint = err.splitlines()
    # Line 14 is the Russian text's `|`, in the issue's second block.
    where = f"campaigns/newsletters/{LONG_ISSUE}.yaml:14:11: blocks[1].markdown.ru: "
    assert first.startswith(where + "warning: Gmail would clip this issue in ru (Russian): ")
    size, over = (float(n) for n in re.findall(r"(\d+\.\d) KB", first))
    assert 140 < size < 170
    assert round(size - over, 1) == 102.0
    assert f"{over} KB over the 102 KB Gmail shows" in first
    assert "unsubscribe link and your postal address" in first
    assert hint.startswith("    hint: move the long article to your website and link to it")
    assert "images are not counted, the text and markup are" in hint


def test_the_json_report_carries_the_warning_beside_no_errors(tmp_path: Path) -> None:
    campaigns = _copy(tmp_path)
    write_long_issue(campaigns)

    code, out, _ = _check(campaigns, "--format", "json")

    report = json.loads(out)
    assert (code, report["valid"], report["errors"]) == (0, True, [])
    [warning] = report["warnings"]
    assert (warning["line"], warning["path"]) == (14, "blocks[1].markdown.ru")
    assert warning["message"].startswith("warning: Gmail would clip this issue in ru (Russian)")


def test_the_example_issues_are_far_from_the_limit(tmp_path: Path) -> None:
    code, _, err = _check(_copy(tmp_path))
    assert (code, err) == (0, "")
    programme = load_programme(EXAMPLE)
    renderer = Renderer(programme)
    for newsletter in programme.newsletters:
        for locale in ("ru", "en"):
            draft = renderer.newsletter(newsletter, locale)
            assert html_size(programme, renderer, draft, locale, TODAY).measured < 25_000


def test_the_size_is_the_part_as_ses_gets_it_not_the_html_written(tmp_path: Path) -> None:
    campaigns = _copy(tmp_path)
    write_long_issue(campaigns, paragraphs=80)
    programme = load_programme(campaigns)
    renderer = Renderer(programme)
    newsletter = next(n for n in programme.newsletters if n.slug == LONG_ISSUE)
    draft = renderer.newsletter(newsletter, "ru")
    size = html_size(programme, renderer, draft, "ru", TODAY)
    values = dict.fromkeys(draft.slots(), "x")
    written = len(draft.fill_html(values).encode())
    # Base64 for Russian text: a third more than the UTF-8, which 8bit sends as it is.
    assert 1.3 * written < size.seven_bit < 1.4 * written
    assert written < size.eight_bit < 1.02 * written
    # Under the limit in 8bit, past it in base64: the larger counts (a relay may re-encode).
    assert size.measured == size.seven_bit > GMAIL_CLIPS_AT > size.eight_bit


def test_within_a_tenth_of_the_limit_is_a_note_and_below_it_nothing(tmp_path: Path) -> None:
    campaigns = _copy(tmp_path)
    write_long_issue(campaigns)
    programme = load_programme(campaigns)
    newsletter = next(n for n in programme.newsletters if n.slug == LONG_ISSUE)

    def said(measured: int) -> str:
        found = said_of(programme, newsletter, HtmlSize("ru", measured, measured // 2))
        return found.message if found else ""

    assert said(91_799) == ""
    assert said(91_800).startswith("note: this issue in ru (Russian) is close to being clipped")
    assert "10.2 KB under the 102 KB Gmail shows" in said(91_800)
    assert said(102_000).startswith("note: ")  # at the limit, not past it
    assert said(102_001).startswith("warning: ")
    assert "0.0 KB over" in said(102_001)
