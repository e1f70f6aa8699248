"""Reading CSV rows with errors named by row number and column."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import TextIO
from zoneinfo import ZoneInfo


@dataclass(frozen=True, slots=True)
class RowError:
    row: int  # as a spreadsheet shows it: the header is row 1
    column: str
    message: str

    def __str__(self) -> str:
        return f"row {self.row}, column {self.column}: {self.message}"


class BadValue(ValueError):
    pass


class CsvRows:
    """Rows of a CSV file as dicts, with the header checked against what we need."""

    def __init__(self, stream: TextIO, required: tuple[str, ...], optional: tuple[str, ...]):
        sample = stream.read(4096)
        stream.seek(0)
        dialect = csv.Sniffer().sniff(sample, delimiters=",;\t") if sample else csv.excel
        self.reader = csv.DictReader(stream, dialect=dialect)
        header = [name.strip().lower() for name in self.reader.fieldnames or []]
        self.reader.fieldnames = header
        missing = [name for name in required if name not in header]
        unknown = [name for name in header if name not in required + optional]
        self.header_errors = [RowError(1, name, "this column is required") for name in missing] + [
            RowError(1, name, f"unknown column; expected {', '.join(required + optional)}")
            for name in unknown
        ]

    def __iter__(self) -> Iterator[tuple[int, dict[str, str]]]:
        for number, row in enumerate(self.reader, start=2):
            yield number, {k: (v or "").strip() for k, v in row.items() if k is not None}

    def values(self, columns: tuple[str, ...]) -> Iterator[tuple[int, list[str]]]:
        """Each row's values of `columns`, in that order ("" where absent), for long files.

        Numbered as `__iter__` numbers them: blank lines are skipped, not counted.
        """
        header = self.reader.fieldnames or []
        places = [header.index(column) if column in header else None for column in columns]
        number = 1
        for row in self.reader.reader:
            if not row:
                continue
            number += 1
            width = len(row)
            yield (
                number,
                [
                    row[place].strip() if place is not None and place < width else ""
                    for place in places
                ],
            )


def open_csv(path: Path) -> TextIO:
    # utf-8-sig: spreadsheets on Windows put a byte-order mark first.
    return path.open(encoding="utf-8-sig", newline="")


def parse_amount(text: str, digits: int) -> Decimal:
    """`1250.50`, `1250,50` or `1 250,50` -> Decimal; never a float."""
    cleaned = text.replace("\u00a0", "").replace(" ", "")
    if cleaned.count(",") == 1 and "." not in cleaned:
        cleaned = cleaned.replace(",", ".")
    try:
        amount = Decimal(cleaned)
    except InvalidOperation:
        raise BadValue(f"{text!r} is not an amount") from None
    if not amount.is_finite():
        raise BadValue(f"{text!r} is not an amount")
    exponent = amount.as_tuple().exponent
    if isinstance(exponent, int) and -exponent > digits:
        if digits == 0:  # a currency the business takes in whole units (`money.decimals`)
            raise BadValue(f"{text!r} is not a whole amount; this programme uses no decimals")
        raise BadValue(f"{text!r} has more than {digits} decimals")
    return amount


def parse_time(text: str, zone: ZoneInfo) -> datetime:
    """ISO date or date-time; without an offset, the programme's time zone is meant."""
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise BadValue(f"{text!r} is not a date and time like 2026-03-02 14:05") from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=zone)
    return moment.astimezone(UTC)


def parse_date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise BadValue(f"{text!r} is not a date like 1990-05-17") from None
