"""Every setting the code reads is on the settings page, and the page lists nothing else."""

from __future__ import annotations

import re
from pathlib import Path

from tests.support.paths import FUNCTIONS, ROOT

SETTINGS_PAGE = ROOT / "docs" / "pages" / "operator" / "settings.md"
SETTING = re.compile(r"STAMPBOOK_[A-Z0-9_]+")
# One table row per setting: | `STAMPBOOK_X` | default | what it does |
ROW = re.compile(r"^\| `(STAMPBOOK_[A-Z0-9_]+)` \|(.*)\|\s*$", re.MULTILINE)
NOT_SOURCE = {"__pycache__", "vendor"}


def settings_named_in(folder: Path) -> set[str]:
    """Every `STAMPBOOK_*` name in the text files under `folder`."""
    names: set[str] = set()
    for path in folder.rglob("*"):
        if not path.is_file() or NOT_SOURCE & set(path.relative_to(folder).parts):
            continue
        try:
            text = path.read_text("utf-8")
        except UnicodeDecodeError:
            continue
        names.update(SETTING.findall(text))
    return names


def documented_rows(page: str) -> list[tuple[str, list[str]]]:
    """(setting, [default, meaning]) for each row of the page's tables."""
    return [
        (name, [cell.strip() for cell in rest.split(" | ")]) for name, rest in ROW.findall(page)
    ]


def test_every_setting_the_code_reads_is_on_the_settings_page() -> None:
    read = settings_named_in(FUNCTIONS)
    assert len(read) >= 30  # the source was read: the package reads about thirty
    documented = {name for name, _ in documented_rows(SETTINGS_PAGE.read_text("utf-8"))}
    assert sorted(read - documented) == []


def test_the_settings_page_lists_only_settings_something_reads() -> None:
    read = settings_named_in(FUNCTIONS) | settings_named_in(ROOT / "tests" / "bench")
    documented = {name for name, _ in documented_rows(SETTINGS_PAGE.read_text("utf-8"))}
    assert sorted(documented - read) == []


def test_each_setting_has_one_row_with_a_default_and_a_meaning() -> None:
    rows = documented_rows(SETTINGS_PAGE.read_text("utf-8"))
    names = [name for name, _ in rows]
    assert sorted(name for name in set(names) if names.count(name) > 1) == []
    incomplete = [name for name, cells in rows if len(cells) != 2 or not all(cells)]
    assert incomplete == []


def test_the_rows_are_read_as_the_page_writes_them() -> None:
    page = (
        "| setting | default | what it does |\n|---|---|---|\n"
        "| `STAMPBOOK_DB` | `data/stampbook.db` | the SQLite file |\n"
        "| `STAMPBOOK_NOW` | unset | a fixed moment; `STAMPBOOK_DB` is not a row here |\n"
        "Prose naming `STAMPBOOK_TABLE` is not a row either.\n"
    )
    assert documented_rows(page) == [
        ("STAMPBOOK_DB", ["`data/stampbook.db`", "the SQLite file"]),
        ("STAMPBOOK_NOW", ["unset", "a fixed moment; `STAMPBOOK_DB` is not a row here"]),
    ]
