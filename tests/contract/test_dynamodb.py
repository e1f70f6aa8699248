"""What only the DynamoDB adapter promises: its limits and a missing table, named."""

from __future__ import annotations

from dataclasses import replace

import pytest

from stampbook.loyalty.ledger import Entry, EntryKind
from stampbook.store.base import Change, CustomerExists, Request, StoreError, StoreUnavailable
from stampbook.store.dynamodb.store import ChangeTooLarge, DynamoStore

from .conftest import T0, customer


def test_a_change_too_big_for_one_transaction_is_refused_whole(tables: DynamoStore) -> None:
    tables.add_customer(customer())
    entries = tuple(
        ("c1", Entry(EntryKind.ADJUST, 1, T0, T0, f"e{n}", "v1", reason="test")) for n in range(99)
    )
    with pytest.raises(ChangeTooLarge, match="101 writes"):
        tables.commit("c1", Request("big", "f"), lambda h: Change({}, entries))
    assert tables.history("c1").entries == ()


def test_a_missing_table_says_how_to_create_it(dynamodb_local: str) -> None:
    store = DynamoStore("no-such-table", endpoint_url=dynamodb_local)
    with pytest.raises(StoreUnavailable, match="stampbook store init"):
        store.customer("c1")


def test_an_item_over_the_size_limit_is_refused_at_once(tables: DynamoStore) -> None:
    huge = replace(customer(), name="A" * 500_000)  # DynamoDB items hold at most 400 KB
    with pytest.raises(StoreError) as refused:
        tables.add_customer(huge)
    assert not isinstance(refused.value, CustomerExists | StoreUnavailable)
    assert tables.customer("c1") is None


def test_rate_counters_expire_by_the_tables_time_to_live(tables: DynamoStore) -> None:
    # Limits carry `until`; DynamoDB deletes them after it, so no sweep is needed.
    described = tables.client.describe_time_to_live(TableName=tables.table)
    assert described["TimeToLiveDescription"] == {
        "TimeToLiveStatus": "ENABLED",
        "AttributeName": "until",
    }
