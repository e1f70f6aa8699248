"""The report in the terminal: each section as a rich table, in the owner's language.

A table whose cells are wider than the terminal (the drifting customers' eight
columns in an 80-column window) is not squeezed into it: squeezed, rich breaks every cell,
a sum of money over three lines and an address cut short. It is shown a row
at a time instead, the row's first cell as its heading and each other cell
under its column's name, as `psql` shows wide rows in its expanded mode.
"""

from __future__ import annotations

from rich.cells import cell_len
from rich.console import Console, Group, RenderableType
from rich.markup import escape
from rich.padding import Padding
from rich.table import Table
from rich.text import Text

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
        console.print(_fitted(section, console))
        if section.after:
            console.print(escape(section.after))


def _fitted(section: Section, console: Console) -> RenderableType:
    """The section as a table where its cells and its columns' names' words fit the
    terminal's width unbroken, else a row at a time."""
    rows = _cells(section)
    if not section.show_header or len(section.columns) < 3:
        return _table(section, rows)  # a name and a figure, or two: they wrap well enough
    widths = _widths(section, rows, console.width)
    return _row_by_row(section, rows) if widths is None else _table(section, rows, widths)


def _widths(section: Section, rows: list[list[str]], room: int) -> list[int] | None:
    """Each column's width: at least its widest cell and its name's longest word (the
    name wraps between its words), the room left going to the names that would wrap,
    the shortest first; None where the least is wider than `room`: a cell broken over
    lines is misread, and a name cut short leaves its figures unexplained."""
    widest = [
        max((Text.from_markup(cells[n]).cell_len for cells in rows), default=0)
        for n in range(len(section.columns))
    ]
    least = [
        max(widest[n], *map(cell_len, name.split() or [""]))
        for n, name in enumerate(section.columns)
    ]
    most = [max(widest[n], cell_len(name)) for n, name in enumerate(section.columns)]
    # A box table's borders, and a space either side of every cell.
    spare = room - (sum(least) + 3 * len(least) + 1)
    if spare < 0:
        return None
    for n in sorted(range(len(least)), key=lambda n: most[n] - least[n]):
        given = min(most[n] - least[n], spare)
        least[n] += given
        spare -= given
    return least


def _table(section: Section, rows: list[list[str]], widths: list[int] | None = None) -> Table:
    table = Table(title=section.title, show_header=section.show_header, title_justify="left")
    for n, column in enumerate(section.columns):
        table.add_column(column, width=None if widths is None else widths[n])
    for cells in rows:
        table.add_row(*cells)
    return table


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


def _row_by_row(section: Section, rows: list[list[str]]) -> Group:
    parts: list[RenderableType] = [Text(section.title, style="italic")]
    for cells in rows:
        fields = Table.grid(padding=(0, 2))
        fields.add_column(style="dim", no_wrap=True)
        fields.add_column()
        for column, cell in zip(section.columns[1:], cells[1:], strict=True):
            fields.add_row(escape(column), cell)
        parts.append(Padding(Group(f"[bold]{cells[0]}[/bold]", fields), (0, 0, 1, 2)))
    return Group(*parts)
