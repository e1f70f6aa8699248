"""The owner's terminal tables: whole where each cell fits, else a row at a time."""

from __future__ import annotations

from io import StringIO

from rich.console import Console

from stampbook.tables import fitted

COLUMNS = ["slug", "subject", "send at", "held out"]
ROWS = [
    ["2027-01-regulars-cupping", "Приглашаем на каппинг для своих", "2027-01-08 12:00", ""],
    ["2026-12-winter-lots", "Зимние лоты уже в обжарке", "2026-12-03 10:00", "10%"],
]


def shown(width: int, rows: list[list[str]] = ROWS, columns: list[str] = COLUMNS) -> list[str]:
    out = StringIO()
    console = Console(file=out, width=width, color_system=None)
    console.print(fitted("Newsletters", columns, rows, console.width))
    return [line.rstrip() for line in out.getvalue().splitlines()]


def test_a_table_whose_cells_fit_is_a_table_with_every_cell_whole() -> None:
    lines = shown(100)
    assert max(map(len, lines)) <= 100
    row = next(line for line in lines if "2027-01-regulars-cupping" in line)
    assert "Приглашаем на каппинг для своих" in row
    assert "2027-01-08 12:00" in row


def test_a_table_too_wide_is_shown_a_row_at_a_time_with_each_cell_whole() -> None:
    lines = shown(60)
    assert max(map(len, lines)) <= 60
    assert not any("…" in line for line in lines)
    first = lines.index("  2027-01-regulars-cupping")
    assert lines[first + 1].split(maxsplit=1) == ["subject", "Приглашаем на каппинг для своих"]
    assert lines[first + 2].split() == ["send", "at", "2027-01-08", "12:00"]
    # The empty "held out" of the first row is left out; the second's is under its name.
    assert lines[first + 3] == ""
    assert lines[lines.index("  2026-12-winter-lots") + 3].split() == ["held", "out", "10%"]


def test_a_column_name_longer_than_its_cells_wraps_between_its_words() -> None:
    columns = ["month", "did not like the staff", "pushy selling", "other"]
    rows = [["November 2026", "1", "0", "2"]]
    lines = shown(60, rows, columns)
    assert max(map(len, lines)) <= 60
    assert any("November 2026" in line and " 1 " in line for line in lines)  # still a table
    assert not any("…" in line for line in lines)
    assert "staff" in "".join(lines)  # the name wrapped, whole


def test_two_columns_are_always_a_table() -> None:
    lines = shown(30, [["points owed", "117 619,50 ₽ at 0,50 ₽ a point"]], ["what", "figure"])
    assert lines[1].startswith("┏")
