"""Fixtures of the service tests that run on every store."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.support.backends import fresh_table


@pytest.fixture(params=["sqlite", "dynamodb"])
def shop_store(request: pytest.FixtureRequest) -> Iterator[dict[str, str]]:
    """A `Shop`'s store: its SQLite file, or a table of its own on DynamoDB Local."""
    if request.param == "sqlite":
        yield {}
        return
    endpoint = request.getfixturevalue("dynamodb_local")
    with fresh_table(endpoint) as backend:
        yield {"store": "dynamodb", "table": backend.location, "dynamodb_endpoint": endpoint}
