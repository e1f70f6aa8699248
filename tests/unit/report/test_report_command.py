"""`stampbook report` in the programme's language, or another one the owner asks for."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from email import message_from_bytes
from email.message import EmailMessage
from email.policy import default
from pathlib import Path

import pytest

from tests.support.report_dataset import generate

CAMPAIGNS = Path(__file__).resolve().parents[3] / "campaigns"  # a Russian programme


@pytest.fixture(scope="module")
def customer_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("command") / "shop.db"
    generate(path, customers=60, orders=400)
    return path


def _report(
    customer_file: Path, *options: str, columns: int = 200
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "stampbook",
            "report",
            "--db",
            str(customer_file),
            "--campaigns",
            str(CAMPAIGNS),
            "--to",
            "2025-12-31",
            *options,
        ],
        capture_output=True,
        text=True,
        env={"COLUMNS": str(columns), "PATH": "/usr/bin:/bin"},
    )


def test_the_report_is_in_the_programmes_language_by_default(customer_file: Path) -> None:
    done = _report(customer_file)
    assert done.returncode == 0, done.stderr
    assert "Медная турка: отчёт владельца" in done.stdout
    assert "доля повторных покупателей" in done.stdout
    assert "did_not_fit" not in done.stdout


def test_another_language_on_request_and_the_page_says_which(
    customer_file: Path, tmp_path: Path
) -> None:
    page = tmp_path / "report.html"
    done = _report(customer_file, "--locale", "bg", "--html", str(page))
    assert done.returncode == 0, done.stderr
    assert "Медная турка: отчет на собственика" in done.stdout
    html = page.read_text("utf-8")
    assert '<html lang="bg">' in html
    assert "Оборот по месеци" in html


def test_in_a_narrow_terminal_no_figure_and_no_column_name_is_broken(
    customer_file: Path,
) -> None:
    """At 80 columns the drifting customers' eight columns cannot fit: they are shown a
    customer at a time, each figure whole on its line under its column's name, and no
    line is wider than the terminal. At 200 columns the same list is a table."""
    listed = json.loads(_report(customer_file, "--format", "json").stdout)["drifting"]
    assert len(listed) > 3
    narrow = _report(customer_file, columns=80)
    assert narrow.returncode == 0, narrow.stderr
    lines = narrow.stdout.splitlines()
    assert max(map(len, lines)) <= 80
    assert not re.search(r"\w…", narrow.stdout)  # no name or figure cut short
    for drifter in listed[:3]:
        heading = next(n for n, line in enumerate(lines) if drifter["email"] in line)
        spent = lines[heading + 3].split()  # under the name: emails, orders, spent
        assert (spent[0], spent[-1]) == ("потратил", "₽"), lines[heading : heading + 9]
        assert lines[heading + 2].split() == ["заказов", str(drifter["orders"])]
    wide = _report(customer_file, columns=200).stdout.splitlines()
    first = listed[0]
    row = next(line for line in wide if first["email"] in line)
    assert f" {first['orders']} " in row  # one line of a table, the figures beside the name
    assert "₽" in row


def test_an_unknown_language_is_refused_in_one_line(customer_file: Path) -> None:
    done = _report(customer_file, "--locale", "xx")
    assert done.returncode == 2
    assert "--locale" in done.stderr
    assert "Traceback" not in done.stderr


def _with_report_settings(tmp_path: Path, settings: str) -> Path:
    """The example programme with its `report:` section replaced by `settings`."""
    campaigns = tmp_path / "campaigns"
    shutil.copytree(CAMPAIGNS, campaigns)
    program = campaigns / "program.yaml"
    text = program.read_text("utf-8")
    section = re.compile(r"^report:\n(?:  .*\n)+", re.MULTILINE)
    assert section.search(text), "the example has a report section"
    program.write_text(section.sub(settings.lstrip("\n"), text), "utf-8")
    return campaigns


def _email_report(
    customer_file: Path, campaigns: Path, folder: Path, *period: str
) -> subprocess.CompletedProcess[str]:
    """`stampbook report --email` up to 30 November 2025, into FOLDER/outbox."""
    return subprocess.run(
        [
            *(sys.executable, "-m", "stampbook", "report", "--email"),
            *("--db", str(customer_file), "--campaigns", str(campaigns)),
            *(*period, "--to", "2025-11-30"),
        ],
        capture_output=True,
        text=True,
        env={
            "PATH": "/usr/bin:/bin",
            "STAMPBOOK_MAIL": "outbox",
            "STAMPBOOK_OUTBOX": str(folder / "outbox"),
            "STAMPBOOK_SIGNING_KEY_FILE": str(folder / "keys"),
        },
    )


def test_the_report_is_emailed_to_the_owner_with_the_page_attached(
    customer_file: Path, tmp_path: Path
) -> None:
    campaigns = _with_report_settings(
        tmp_path, "\nreport:\n  send_to: owner@mednaya-turka.example\n  locale: en\n"
    )
    outbox = tmp_path / "outbox"
    done = _email_report(customer_file, campaigns, tmp_path, "--from", "2025-11-01")
    assert done.returncode == 0, done.stderr
    assert "emailed to owner@mednaya-turka.example" in done.stdout
    [sent] = [
        message_from_bytes(path.read_bytes(), policy=default) for path in outbox.glob("*.eml")
    ]
    assert sent["To"] == "owner@mednaya-turka.example"
    assert sent["From"] == "Copper Cezve <hello@mednaya-turka.example>"  # in the report's language
    assert sent["Subject"] == "Copper Cezve: the owner's report, November 2025"
    assert isinstance(sent, EmailMessage)
    text = sent.get_body(("plain",))
    assert text is not None
    assert "Revenue: " in text.get_content()
    [page] = list(sent.iter_attachments())
    assert page.get_filename() == "report-2025-11.html"
    html = page.get_content()
    assert '<html lang="en">' in html
    assert "<svg" in html


@pytest.mark.parametrize(
    ("locale", "subject"),
    [
        ("en", "Copper Cezve: the owner's report, from the first record to November 30, 2025"),
        ("ru", "Медная турка: отчёт владельца, с первой записи по 30 ноября 2025\u202fг."),
    ],
)
def test_a_report_since_the_beginning_is_named_so_in_the_middle_of_its_subject(
    customer_file: Path, tmp_path: Path, locale: str, subject: str
) -> None:
    campaigns = _with_report_settings(
        tmp_path, f"\nreport:\n  send_to: owner@mednaya-turka.example\n  locale: {locale}\n"
    )
    done = _email_report(customer_file, campaigns, tmp_path)
    assert done.returncode == 0, done.stderr
    [path] = (tmp_path / "outbox").glob("*.eml")
    # (A subject too long for the header's first line is folded before it; unfolded, the
    # space that folding leaves is not part of it.)
    assert message_from_bytes(path.read_bytes(), policy=default)["Subject"].strip() == subject


def test_emailing_the_report_needs_an_address_and_a_language_it_is_written_in(
    customer_file: Path, tmp_path: Path
) -> None:
    nowhere = _with_report_settings(tmp_path / "nowhere", "report:\n  locale: en\n")
    done = subprocess.run(
        [
            *(sys.executable, "-m", "stampbook", "report", "--email"),
            *("--db", str(customer_file), "--campaigns", str(nowhere)),
        ],
        capture_output=True,
        text=True,
        env={"PATH": "/usr/bin:/bin"},
    )
    assert done.returncode == 1
    assert "report.send_to" in done.stderr
    campaigns = _with_report_settings(tmp_path, "report:\n  locale: de\n")
    checked = subprocess.run(
        [sys.executable, "-m", "stampbook", "check", str(campaigns)],
        capture_output=True,
        text=True,
        env={"PATH": "/usr/bin:/bin"},
    )
    assert checked.returncode == 1
    assert "program.yaml:" in checked.stdout + checked.stderr
    assert "the report is not written in 'de'" in checked.stdout + checked.stderr
