"""What only the SQLite adapter promises: its file survives and migrates once."""

from __future__ import annotations

from pathlib import Path

from stampbook.store.sqlite import SqliteStore
from stampbook.store.sqlite_schema import MIGRATIONS

from .conftest import customer


def test_reopening_a_database_keeps_everything_and_migrates_once(tmp_path: Path) -> None:
    path = tmp_path / "shop.db"
    first = SqliteStore(path)
    first.add_customer(customer())
    first.close()
    again = SqliteStore(path)
    assert again.customer("c1") == customer()
    versions = [row[0] for row in again._db().execute("SELECT version FROM schema_migrations")]
    assert versions == list(range(1, len(MIGRATIONS) + 1))
    again.close()
