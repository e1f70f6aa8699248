"""The nightly run on AWS: the schedule queues one message per shard on a real SQS API
(moto's server on 127.0.0.1), and the queue's Lambda runs each shard, however often."""

from __future__ import annotations

import json
import logging
from collections import Counter
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import boto3
import pytest
from chalice.test import Client

from app import app
from stampbook.api.context import use
from stampbook.bootstrap import build
from stampbook.config import Settings
from stampbook.loyalty.ledger import EntryKind
from stampbook.records.customers import EVERYONE, Customer, CustomerRange
from stampbook.services import nightly

from .test_send_queue_sqs import REGION, on_aws

PEOPLE = 60
BIRTHDAY = date(1990, 11, 23)  # STAMPBOOK_NOW's day in Moscow


def _lambda(name: str, event: dict[str, Any] | None = None) -> Any:
    use(None)  # the Lambda builds its app from the environment, as on AWS
    try:
        with Client(app) as lambdas:
            sent = event or lambdas.events.generate_cw_event(
                "Scheduled Event", "aws.events", {}, []
            )
            return lambdas.lambda_.invoke(name, sent).payload
    finally:
        use(None)


def _people_born_today() -> None:
    shop = build(Settings.from_env())
    shop.store.add_customers(
        [
            Customer(
                f"c{n:03}",
                f"guest{n}@example.com",
                datetime(2025, 1, 10, tzinfo=UTC),
                birthday=BIRTHDAY,
                birthday_set_at=datetime(2025, 1, 10, tzinfo=UTC),
            )
            for n in range(PEOPLE)
        ]
    )
    shop.store.close()


def _birthday_bonuses() -> Counter[str]:
    store = build(Settings.from_env()).store
    try:
        return Counter(
            customer_id
            for n in range(PEOPLE)
            for customer_id in [f"c{n:03}"]
            for entry in store.history(customer_id).entries
            if entry.kind is EntryKind.BIRTHDAY
        )
    finally:
        store.close()


def _received(client: Any, queue_url: str) -> list[dict[str, Any]]:
    """Every message on the queue, in the order the shards were queued."""
    received: list[dict[str, Any]] = []
    while answer := client.receive_message(QueueUrl=queue_url, MaxNumberOfMessages=10).get(
        "Messages"
    ):
        received += answer
    return sorted(received, key=lambda m: json.loads(m["Body"])["shard"])


def _event(received: list[dict[str, Any]]) -> dict[str, Any]:
    """The queue's Lambda event for `received`."""
    return {
        "Records": [
            {"messageId": m["MessageId"], "receiptHandle": m["ReceiptHandle"], "body": m["Body"]}
            for m in received
        ]
    }


def test_every_customer_is_visited_once_a_night_by_the_shards(
    sqs: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    client: Any = boto3.client("sqs", region_name=REGION)
    queue_url = client.create_queue(QueueName="stampbook-sends")["QueueUrl"]
    on_aws(monkeypatch, tmp_path, queue_url)
    _people_born_today()
    monkeypatch.setattr(nightly, "CUSTOMERS_PER_SHARD", 7)  # 60 customers: 9 shards

    assert _lambda("nightly") == {"shards": 9}
    received = _received(client, queue_url)
    assert sorted(json.loads(m["Body"])["shard"] for m in received) == list(range(9))
    event = _event(received)
    # Each shard delivered twice, as SQS may: the second time changes nobody.
    for _ in range(2):
        assert _lambda("send_batches", event) == {"batchItemFailures": []}

    assert _birthday_bonuses() == Counter({f"c{n:03}": 1 for n in range(PEOPLE)})


def test_a_message_that_names_no_shard_is_dropped_not_retried(
    sqs: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    on_aws(monkeypatch, tmp_path, "http://127.0.0.1/unused")
    build(Settings.from_env()).store.close()
    event = {
        "Records": [
            {"messageId": "m1", "body": '{"kind": "nightly", "shard": 16, "shards": 16}'},
            {"messageId": "m2", "body": '{"kind": "nightly", "first": "c2", "stop": "c1"}'},
            {"messageId": "m3", "body": '{"kind": "nightly", "first": 7, "stop": null}'},
            {"messageId": "m4", "body": '{"kind": "nightly", "shard": "0", "shards": 16}'},
            {"messageId": "m5", "body": '{"kind": "nightly", "shard": 0, "first": null}'},
        ]
    }
    for record in event["Records"]:
        assert nightly.shard_of_message(json.loads(record["body"])) is None, record
    with caplog.at_level(logging.WARNING, logger="stampbook.queue"):
        assert _lambda("send_batches", event) == {"batchItemFailures": []}
    dropped = [r.getMessage() for r in caplog.records if "dropped" in r.getMessage()]
    assert [line.split()[2] for line in dropped] == ["m1", "m2", "m3", "m4", "m5"]


def test_a_shard_message_names_its_run_of_customers() -> None:
    shards = [CustomerRange(None, "c2"), CustomerRange("c2", "c5"), CustomerRange("c5", None)]
    messages = [json.loads(nightly.shard_message(n, shards)) for n in range(3)]
    assert [nightly.shard_of_message(message) for message in messages] == shards


def test_a_shard_queued_before_the_runs_were_named_by_ids_still_visits_everyone_once() -> None:
    # A deploy during the nightly run meets messages of the old form, shard k of n:
    # shard 0 takes everyone, so the n of them visit each customer once, not never.
    old = [{"kind": "nightly", "shard": n, "shards": 16} for n in range(16)]
    assert [nightly.shard_of_message(message) for message in old] == [EVERYONE] + [None] * 15
    assert nightly.shard_of_message({"kind": "nightly", "shard": 0, "shards": 0}) is None
    assert nightly.shard_of_message({"kind": "nightly", "shard": True, "shards": 2}) is None


def test_the_old_form_shards_met_by_a_deploy_visit_every_customer_once(
    sqs: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Shard 0 of the old form cuts the night again into runs of ids and queues them, as
    the schedule does now; the other fifteen are dropped; the runs visit everyone once."""
    client: Any = boto3.client("sqs", region_name=REGION)
    queue_url = client.create_queue(QueueName="stampbook-sends")["QueueUrl"]
    on_aws(monkeypatch, tmp_path, queue_url)
    _people_born_today()
    monkeypatch.setattr(nightly, "CUSTOMERS_PER_SHARD", 7)  # 60 customers: 9 shards
    event = {
        "Records": [
            {
                "messageId": f"m{n}",
                "body": json.dumps({"kind": "nightly", "shard": n, "shards": 16}),
            }
            for n in range(16)
        ]
    }
    assert _lambda("send_batches", event) == {"batchItemFailures": []}
    assert _birthday_bonuses() == Counter()  # nobody yet: the night was cut again
    received = _received(client, queue_url)
    store = build(Settings.from_env()).store
    try:
        cut = nightly.plan_shards(store, 7)
    finally:
        store.close()
    assert len(cut) == 9
    assert [nightly.shard_of_message(json.loads(m["Body"])) for m in received] == cut
    assert _lambda("send_batches", _event(received)) == {"batchItemFailures": []}
    assert _birthday_bonuses() == Counter({f"c{n:03}": 1 for n in range(PEOPLE)})
