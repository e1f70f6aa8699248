"""The embedded store: one SQLite file, no server, no account.

`store.py` is the adapter; the other modules are its parts (schema, history
reads, campaign sends, automatic emails, imports decided apart).
"""

from .store import SqliteStore

__all__ = ["SqliteStore"]
