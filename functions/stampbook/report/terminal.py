"""The report in the terminal: each section as a rich table."""

from __future__ import annotations

from rich.console import Console
from rich.table import Table

from .build import Report
from .layout import period_words, sections


def print_report(report: Report, console: Console) -> None:
    console.print(f"[bold]The owner's report[/bold]: {period_words(report)}")
    for section in sections(report):
        table = Table(title=section.title, show_header=section.show_header, title_justify="left")
        for column in section.columns:
            table.add_column(column)
        for row in section.rows:
            table.add_row(*row)
        console.print(table)
