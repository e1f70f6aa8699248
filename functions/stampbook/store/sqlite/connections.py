"""This process's connections to a database file, and the write transaction.

Apart from the store so the import workers (`apart.py`) use the same ones
without reaching into the store's module.
"""

from __future__ import annotations

import sqlite3
import threading
from collections import Counter

from ..base import IdempotencyConflict, StoreUnavailable

# Connections this process opened per database file and has not closed (a
# thread that ended without closing keeps its count): forking import
# workers is safe only while none is open (apart.py).
OPENED: Counter[str] = Counter()
OPENED_LOCK = threading.Lock()


class WriteTransaction:
    """`BEGIN IMMEDIATE` ... `COMMIT`, or `ROLLBACK` on any error; driver errors translated."""

    def __init__(self, db: sqlite3.Connection) -> None:
        self.db = db

    def __enter__(self) -> sqlite3.Connection:
        try:
            self.db.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as error:
            raise StoreUnavailable(f"the database is busy: {error}") from error
        return self.db

    def __exit__(self, kind: object, error: object, trace: object) -> None:
        if kind is None:
            self.db.execute("COMMIT")
        else:
            self.db.execute("ROLLBACK")
            if isinstance(error, sqlite3.IntegrityError):
                raise IdempotencyConflict(f"already recorded: {error}") from error
            if isinstance(error, sqlite3.OperationalError):
                raise StoreUnavailable(str(error)) from error
