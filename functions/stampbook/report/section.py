"""A titled table of the report in words, as the terminal, the page and the email show it."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Names:
    """What the programme calls things: the business, and each newsletter by its slug."""

    business: str = ""
    newsletters: Mapping[str, str] = field(default_factory=dict)


@dataclass
class Section:
    key: str  # names the section on the page
    title: str
    show_header: bool = True
    columns: list[str] = field(default_factory=list)
    rows: list[list[str]] = field(default_factory=list)
    lead: str = ""  # a sentence before the table
    empty: str = ""  # said instead of a table without rows
    notes: dict[int, str] = field(default_factory=dict)  # row -> a warning about its figure
    remarks: dict[int, str] = field(default_factory=dict)  # row -> how its figure was made
    after: str = ""  # a sentence after the table
    said: list[str] = field(default_factory=list)  # what the figures mean, a line each, first

    def add_column(self, name: str = "") -> None:
        self.columns.append(name)

    def add_row(self, *cells: str, note: str = "") -> None:
        if note:
            self.notes[len(self.rows)] = note
        self.rows.append(list(cells))
