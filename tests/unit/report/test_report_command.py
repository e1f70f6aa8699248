"""`stampbook report` in the programme's language, or another one the owner asks for."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.report_dataset import generate

CAMPAIGNS = Path(__file__).resolve().parents[3] / "campaigns"  # a Russian programme


@pytest.fixture(scope="module")
def customer_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("command") / "shop.db"
    generate(path, customers=60, orders=400)
    return path


def _report(customer_file: Path, *options: str) -> subprocess.CompletedProcess[str]:
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
        env={"COLUMNS": "200", "PATH": "/usr/bin:/bin"},
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


def test_an_unknown_language_is_refused_in_one_line(customer_file: Path) -> None:
    done = _report(customer_file, "--locale", "xx")
    assert done.returncode == 2
    assert "--locale" in done.stderr
    assert "Traceback" not in done.stderr
