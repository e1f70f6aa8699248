"""The customer file as the owner opens it in a spreadsheet: no cell runs as a formula."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime

import pytest

from stampbook.files.customers import ExportRow, as_text, write_customers
from stampbook.records.customers import Customer

JOINED = datetime(2026, 11, 1, 12, tzinfo=UTC)


def exported(customer: Customer, points: int = 0) -> dict[str, str]:
    stream = io.StringIO()
    write_customers(stream, [ExportRow(customer, "confirmed", points, 0)])
    stream.seek(0)
    (row,) = csv.DictReader(stream)
    return row


@pytest.mark.parametrize(
    "name",
    ['=HYPERLINK("http://evil.example","click")', "+7 999", "-1+1", "@SUM(A1)", "\tTab"],
)
def test_a_name_a_spreadsheet_would_run_is_kept_as_text(name: str) -> None:
    row = exported(Customer("c1", "vera@example.com", JOINED, name=name))
    assert row["name"] == f"'{name}"


def test_ordinary_cells_and_numbers_are_left_as_they_are() -> None:
    customer = Customer(
        "c1", "vera@example.com", JOINED, name="Вера", interests=("espresso",), source="till"
    )
    row = exported(customer, points=-5)  # a negative balance is a number, not a formula
    assert (row["email"], row["name"], row["interests"], row["source"]) == (
        "vera@example.com",
        "Вера",
        "espresso",
        "till",
    )
    assert row["points_available"] == "-5"


def test_only_the_cells_that_start_a_formula_change() -> None:
    assert as_text("a=b") == "a=b"
    assert as_text("") == ""
    assert as_text("=1") == "'=1"
