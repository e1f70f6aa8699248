"""The store backends under contract, described so a spawned process can open one too."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from stampbook.store.base import Store
from stampbook.store.dynamodb.store import DynamoStore
from stampbook.store.sqlite import SqliteStore

# Small pages, so every DynamoDB query in the suite really follows LastEvaluatedKey.
PAGE_SIZE = 25


@dataclass(frozen=True)
class Backend:
    kind: str  # "sqlite" or "dynamodb"
    location: str  # the SQLite file, or the DynamoDB table
    endpoint: str | None = None  # DynamoDB Local's URL

    def open(self) -> Store:
        if self.kind == "sqlite":
            return SqliteStore(self.location)
        return self.open_dynamodb()

    def open_dynamodb(self) -> DynamoStore:
        return DynamoStore(self.location, endpoint_url=self.endpoint, page_size=PAGE_SIZE)


@contextmanager
def fresh_table(endpoint: str) -> Iterator[Backend]:
    """A DynamoDB table of a test's own, dropped afterwards."""
    backend = Backend("dynamodb", f"stampbook-{uuid.uuid4().hex}", endpoint)
    tables = backend.open_dynamodb()
    tables.create_table()
    try:
        yield backend
    finally:
        tables.delete_table()
        tables.close()
