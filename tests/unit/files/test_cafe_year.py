"""The demo's year of café customers: the same every run, with every habit the report counts."""

from __future__ import annotations

import csv
import json
from collections import defaultdict
from datetime import datetime
from pathlib import Path

from stampbook.files.cafe_year import keep_answers, write_year
from tests.support.demo_commands import stampbook
from tests.support.paths import ROOT as REPOSITORY

EXAMPLES = REPOSITORY / "campaigns" / "import-examples"


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as file:
        return list(csv.DictReader(file))


def _visits(folder: Path) -> dict[str, list[datetime]]:
    """Each customer's visit days, in order."""
    days: dict[str, set[datetime]] = defaultdict(set)
    for row in _rows(folder / "purchases.csv"):
        days[row["email"]].add(datetime.strptime(row["placed_at"], "%Y-%m-%d %H:%M"))
    return {email: sorted(moments) for email, moments in days.items()}


def test_the_same_seed_writes_the_same_year(tmp_path: Path) -> None:
    write_year(tmp_path / "a")
    write_year(tmp_path / "b")
    write_year(tmp_path / "c", seed=1)
    for name in ("customers.csv", "purchases.csv", "refunds.txt", "answers.csv"):
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()
    assert (tmp_path / "a" / "purchases.csv").read_bytes() != (
        tmp_path / "c" / "purchases.csv"
    ).read_bytes()


def test_the_year_has_regulars_one_time_visitors_and_those_who_drift_away(
    tmp_path: Path,
) -> None:
    write_year(tmp_path)
    customers = _rows(tmp_path / "customers.csv")
    visits = _visits(tmp_path)
    assert len(customers) == 300
    assert set(visits) == {row["email"] for row in customers}  # everyone came at least once
    once = [e for e, v in visits.items() if len(v) == 1]
    regulars = [e for e, v in visits.items() if len(v) >= 40]
    year_end = max(v[-1] for v in visits.values())
    # Came at least ten times, then not in the last two months.
    drifted = [e for e, v in visits.items() if len(v) >= 10 and (year_end - v[-1]).days > 60]
    assert 60 <= len(once) <= 140
    assert len(regulars) >= 20
    assert len(drifted) >= 10
    assert len(_rows(tmp_path / "answers.csv")) >= 20
    assert (tmp_path / "refunds.txt").read_text().count("\n") >= 5


def test_the_example_customers_and_orders_are_left_as_they_are(tmp_path: Path) -> None:
    write_year(tmp_path)
    examples = {row["email"] for row in _rows(EXAMPLES / "customers.csv")}
    example_orders = {row["order_id"] for row in _rows(EXAMPLES / "purchases.csv")}
    assert not examples & {row["email"] for row in _rows(tmp_path / "customers.csv")}
    assert not example_orders & {row["order_id"] for row in _rows(tmp_path / "purchases.csv")}


def test_the_answers_are_kept_once_and_reach_the_report(tmp_path: Path) -> None:
    year, db = tmp_path / "year", tmp_path / "demo.db"
    write_year(year, customers=40)
    stampbook("customers", "import", str(year / "customers.csv"), "--confirmed-at", "x", db=db)
    stampbook("purchases", "import", str(year / "purchases.csv"), db=db)
    answers = _rows(year / "answers.csv")
    assert answers
    assert keep_answers(year, db) == len(answers)
    assert keep_answers(year, db) == 0  # a second run keeps nothing twice
    report = json.loads(stampbook("report", "--format", "json", db=db))
    assert report["customers"]["active"] == 40
    assert sum(report["leaving"]["answers"].values()) == len(answers)
