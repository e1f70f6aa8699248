"""Every store backend runs the very same contract tests."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from stampbook.loyalty.rules import Rules
from stampbook.programme import load_programme
from stampbook.records.customers import Customer
from stampbook.store.base import Store
from stampbook.store.dynamodb.store import DynamoStore
from tests.support.backends import Backend, fresh_table
from tests.support.paths import EXAMPLE as EXAMPLE  # and importable from here, as before

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


@pytest.fixture(params=["sqlite", "dynamodb"])
def backend(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Backend]:
    """A fresh, empty store: a new SQLite file, or a new DynamoDB table of its own."""
    if request.param == "sqlite":
        yield Backend("sqlite", str(tmp_path / "stampbook.db"))
        return
    with fresh_table(request.getfixturevalue("dynamodb_local")) as backend:
        yield backend


@pytest.fixture
def store(backend: Backend) -> Iterator[Store]:
    opened = backend.open()
    yield opened
    opened.close()


@pytest.fixture
def tables(dynamodb_local: str) -> Iterator[DynamoStore]:
    """The DynamoDB adapter alone, on a fresh table: for what only it promises."""
    with fresh_table(dynamodb_local) as backend:
        store = backend.open_dynamodb()
        yield store
        store.close()


@pytest.fixture(scope="session")
def rules() -> Rules:
    return Rules.of(load_programme(EXAMPLE))


def customer(customer_id: str = "c1", email: str = "anna@example.com") -> Customer:
    return Customer(customer_id=customer_id, email=email, created_at=T0, name="Anna")
