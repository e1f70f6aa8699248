"""The SQLite reader on a generated customer file agrees with a plain second computation."""

from __future__ import annotations

import json
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest

from stampbook.report.build import build_report
from stampbook.report.facts import Period
from stampbook.report.sqlite_reader import SqliteReport

from ...report_check import pareto_and_drift
from ...report_dataset import END, generate


@pytest.fixture(scope="module")
def customer_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("report") / "shop.db"
    generate(path, customers=500, orders=5000)
    return path


def test_pareto_share_and_drift_list_match_a_second_computation(customer_file: Path) -> None:
    reader = SqliteReport(customer_file)
    try:
        report = build_report(reader.facts(Period(None, END), "RUB", None), reader.contacts)
    finally:
        reader.close()
    share, drifting = pareto_and_drift(customer_file, END)
    assert report.pareto.top_share == share
    assert [d.customer_id for d in report.drifting] == drifting
    assert drifting  # the dataset has customers who stopped buying
    assert all(d.email.endswith("@example.com") and d.consent for d in report.drifting)


def test_report_command_writes_json_and_html(customer_file: Path, tmp_path: Path) -> None:
    page = tmp_path / "report.html"
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "stampbook",
            "report",
            "--db",
            str(customer_file),
            "--to",
            "2025-12-31",
            "--format",
            "json",
            "--html",
            str(page),
            "--point-value",
            "0.5",
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    figures = json.loads(done.stdout)
    assert Decimal(figures["pareto"]["top_share"]) > Decimal("0.2")
    assert figures["cost"]["liability"] == str(
        figures["cost"]["points_outstanding"] * Decimal("0.5")
    )
    assert "<svg" in page.read_text(encoding="utf-8")


def test_report_refuses_a_bad_date_and_a_missing_file(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "stampbook", "report", "--db", str(tmp_path / "none.db")],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 1
    assert "no customer file" in done.stderr
    done = subprocess.run(
        [sys.executable, "-m", "stampbook", "report", "--from", "March"],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 2
    assert "not a date" in done.stderr
