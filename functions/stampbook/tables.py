"""Tables for the owner's terminal: whole where they fit, else a row at a time.

Squeezed into a window narrower than its cells, a rich table breaks every
cell: a sum of money over three lines, an address or a newsletter's slug
(what the owner types next) cut short, a column's name reduced to "п…". A
table here is shown as a table only where each cell, and each word of each
column's name, fits whole; otherwise a row at a time, the row's first cell
as its heading and each other cell under its column's name, as `psql` shows
wide rows in its expanded mode.
"""

from __future__ import annotations

from rich.cells import cell_len
from rich.console import Group, JustifyMethod, RenderableType
from rich.markup import escape
from rich.padding import Padding
from rich.table import Table
from rich.text import Text


def fitted(
    title: str,
    columns: list[str],
    rows: list[list[str]],
    width: int,
    *,
    show_header: bool = True,
    title_justify: JustifyMethod = "left",
) -> RenderableType:
    """`rows` (rich markup) under `columns`, in a terminal `width` cells wide.

    A table of one or two columns, or without a header, is always a table: a
    name and a figure wrap well enough.
    """
    widths = None
    if show_header and len(columns) > 2:
        widths = _widths(columns, rows, width)
        if widths is None:
            return _row_by_row(title, columns, rows)
    table = Table(title=title, show_header=show_header, title_justify=title_justify)
    for n, column in enumerate(columns):
        table.add_column(column, width=None if widths is None else widths[n])
    for cells in rows:
        table.add_row(*cells)
    return table


def _widths(columns: list[str], rows: list[list[str]], room: int) -> list[int] | None:
    """Each column's width: at least its widest cell and its name's longest word (the
    name wraps between its words), the room left going to the names that would wrap,
    the shortest first; None where the least is wider than `room`."""
    widest = [
        max((Text.from_markup(cells[n]).cell_len for cells in rows), default=0)
        for n in range(len(columns))
    ]
    least = [max(widest[n], *map(cell_len, name.split() or [""])) for n, name in enumerate(columns)]
    most = [max(widest[n], cell_len(name)) for n, name in enumerate(columns)]
    # A box table's borders, and a space either side of every cell.
    spare = room - (sum(least) + 3 * len(least) + 1)
    if spare < 0:
        return None
    for n in sorted(range(len(least)), key=lambda n: most[n] - least[n]):
        given = min(most[n] - least[n], spare)
        least[n] += given
        spare -= given
    return least


def _row_by_row(title: str, columns: list[str], rows: list[list[str]]) -> Group:
    parts: list[RenderableType] = [Text(title, style="italic")]
    for cells in rows:
        fields = Table.grid(padding=(0, 2))
        fields.add_column(style="dim", no_wrap=True)
        fields.add_column()
        for column, cell in zip(columns[1:], cells[1:], strict=True):
            if cell:  # an empty cell says nothing on a line of its own
                fields.add_row(escape(column), cell)
        parts.append(Padding(Group(f"[bold]{cells[0]}[/bold]", fields), (0, 0, 1, 2)))
    return Group(*parts)
