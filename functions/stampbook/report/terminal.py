"""The report in the terminal: each section as a rich table, in the owner's language
(a row at a time where the table is wider than the window: see `stampbook.tables`)."""

from __future__ import annotations

from rich.console import Console
from rich.markup import escape

from ..tables import fitted
from .build import Report
from .layout import period_words, sections, title
from .section import Names, Section
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
        console.print(
            fitted(
                section.title,
                section.columns,
                _cells(section),
                console.width,
                show_header=section.show_header,
            )
        )
        if section.after:
            console.print(escape(section.after))


def _cells(section: Section) -> list[list[str]]:
    """Each row's cells as markup, a row's warning and remark dimmed after its last."""
    rows = []
    for n, row in enumerate(section.rows):
        cells = [escape(cell) for cell in row]
        for said in (section.notes.get(n), section.remarks.get(n)):
            if said:
                cells[-1] += f" [dim]{escape(said)}[/dim]"
        rows.append(cells)
    return rows
