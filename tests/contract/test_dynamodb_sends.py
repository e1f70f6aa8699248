"""A campaign's send records on DynamoDB: spread over partitions, and the ones written
before they were still sent once each."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from stampbook.store.base import StoreError
from stampbook.store.dynamodb.sends import SHARDS, Shards, pending_record
from stampbook.store.dynamodb.store import DynamoStore
from stampbook.store.sends import CampaignState, SendStatus, Settled

AT = datetime(2026, 12, 3, 7, 0, tzinfo=UTC)
SLUG = "2026-12-winter-lots"


def _partitions(store: DynamoStore) -> dict[str, int]:
    """Send records per partition key, read straight from the table."""
    found: dict[str, int] = {}
    for page in store.client.get_paginator("scan").paginate(TableName=store.table):
        for item in page["Items"]:
            if item["sk"]["S"].startswith("SEND#"):
                found[item["pk"]["S"]] = found.get(item["pk"]["S"], 0) + 1
    return found


def _send_everyone(store: DynamoStore, expected: int) -> set[str]:
    store.start_sending(SLUG, AT)
    sent: set[str] = set()
    while claimed := store.claim_sends(SLUG, "w1", 50, 100.0, 160.0):
        settled = [Settled(c.customer_id, SendStatus.SENT, at=AT) for c in claimed]
        store.settle_sends(SLUG, "w1", settled)
        assert not {c.customer_id for c in claimed} & sent  # nobody twice
        sent |= {c.customer_id for c in claimed}
    campaign = store.campaign(SLUG)
    assert campaign is not None
    assert (campaign.state, campaign.sent, len(sent)) == (
        CampaignState.FINISHED,
        expected,
        expected,
    )
    return sent


def test_an_audience_is_spread_over_every_partition_and_sent_once_each(
    tables: DynamoStore,
) -> None:
    tables.move_campaign(SLUG, CampaignState.DRAFT, AT, only_from={CampaignState.DRAFT})
    assert tables.add_sends(SLUG, [(f"c{n}", "ru") for n in range(400)]) == 400
    spread = _partitions(tables)
    assert set(spread) == {f"CAMPAIGN#{SLUG}#{n}" for n in range(SHARDS)}
    assert max(spread.values()) < 3 * 400 / SHARDS  # none carries the campaign alone
    assert tables.claims_outstanding(SLUG) == 0.0  # pending, in every shard
    assert _send_everyone(tables, 400) == {f"c{n}" for n in range(400)}
    assert tables.claims_outstanding(SLUG) is None


def test_a_campaign_written_in_one_partition_is_still_sent(tables: DynamoStore) -> None:
    tables.move_campaign(SLUG, CampaignState.DRAFT, AT, only_from={CampaignState.DRAFT})
    unsharded = Shards(SLUG, 1)  # as records were written before they were spread
    for n in range(120):
        tables.client.put_item(
            TableName=tables.table, Item=pending_record(unsharded, f"c{n}", "ru")
        )
    assert set(_partitions(tables)) == {f"CAMPAIGN#{SLUG}"}
    assert len(_send_everyone(tables, 120)) == 120


def test_records_for_a_campaign_that_does_not_exist_are_refused(tables: DynamoStore) -> None:
    with pytest.raises(StoreError, match="no campaign"):
        tables.add_sends(SLUG, [("c1", "ru")])
    assert _partitions(tables) == {}
