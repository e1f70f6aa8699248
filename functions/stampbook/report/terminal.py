"""The report in the terminal: each section as a rich table, in the owner's language."""

from __future__ import annotations

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from .build import Report
from .layout import period_words, sections, title
from .section import Names
from .words import ReportWords


def print_report(
    report: Report, console: Console, words: ReportWords, names: Names | None = None
) -> None:
    names = names or Names()
    console.print(f"[bold]{escape(title(words, names))}[/bold]")
    console.print(escape(period_words(report, words)))
    for section in sections(report, words, names):
        if section.lead:
            console.print(escape(section.lead))
        for line in section.said:
            console.print(f"• {escape(line)}")
        if not section.rows and section.empty:
            console.print(f"[bold]{escape(section.title)}[/bold]: {escape(section.empty)}")
            continue
        table = Table(title=section.title, show_header=section.show_header, title_justify="left")
        for column in section.columns:
            table.add_column(column)
        for n, row in enumerate(section.rows):
            cells = [escape(cell) for cell in row]
            for said in (section.notes.get(n), section.remarks.get(n)):
                if said:
                    cells[-1] += f" [dim]{escape(said)}[/dim]"
            table.add_row(*cells)
        console.print(table)
        if section.after:
            console.print(escape(section.after))
