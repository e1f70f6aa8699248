"""Every store backend runs the very same contract tests."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from stampbook.customers import Customer
from stampbook.loyalty.rules import Rules
from stampbook.program import load_programme
from stampbook.store.base import Store
from stampbook.store.sqlite import SqliteStore

EXAMPLE = Path(__file__).parents[2] / "campaigns"
T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


@pytest.fixture(params=["sqlite"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    backend = SqliteStore(tmp_path / "stampbook.db")
    yield backend
    backend.close()


@pytest.fixture(scope="session")
def rules() -> Rules:
    return Rules.of(load_programme(EXAMPLE))


def customer(customer_id: str = "c1", email: str = "anna@example.com") -> Customer:
    return Customer(customer_id=customer_id, email=email, created_at=T0, name="Anna")
