"""On AWS: a till purchase owes its webhook deliveries and says so on the send queue (a real
SQS API, moto's server on 127.0.0.1); the queue's Lambda posts them, signed, to a receiver on
127.0.0.1 once, and the 5-minute schedule posts one whose message was lost."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from stampbook.api.queue import OWED_EMAILS, WEBHOOKS
from stampbook.records.webhooks import WebhookEndpoint
from stampbook.services.webhooks import Webhooks
from stampbook.store.sqlite import SqliteStore
from tests.support.standard_webhooks import verified
from tests.support.webhook_receiver import Receiver, webhook_receiver

from .conftest import NOW
from .test_owed_emails_sqs import Aws
from .test_owed_emails_sqs import aws as aws  # the fixture: a Lambda world on moto's SQS


def _endpoint(folder: Path, receiver: Receiver) -> WebhookEndpoint:
    store = SqliteStore(folder / "stampbook.db")
    try:
        return Webhooks(store, lambda: NOW).add(receiver.url, ["points.earned"])
    finally:
        store.close()


def _event(messages: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "Records": [
            {"messageId": m["MessageId"], "receiptHandle": m["ReceiptHandle"], "body": m["Body"]}
            for m in messages
        ]
    }


def test_the_queue_lambda_posts_what_a_till_purchase_owes_once(aws: Aws) -> None:
    with webhook_receiver() as receiver:
        endpoint = _endpoint(aws.folder, receiver)
        aws.till("W-1")
        aws.till("W-1")  # the till retried: nothing more is owed, nothing more said
        assert receiver.received == []  # the till had its answer before anything was posted
        received = aws.messages()
        assert sorted(m["Body"] for m in received) == sorted([OWED_EMAILS, OWED_EMAILS, WEBHOOKS])
        assert aws.invoke("send_batches", _event(received)) == {"batchItemFailures": []}
        assert aws.invoke("send_batches", _event(received)) == {"batchItemFailures": []}
    [points] = receiver.received
    assert verified(points, endpoint.secret)
    assert points.payload["type"] == "points.earned"
    assert points.payload["data"]["order_id"] == "W-1"


def test_the_schedule_posts_what_is_owed_when_the_message_was_lost(aws: Aws) -> None:
    with webhook_receiver() as receiver:
        _endpoint(aws.folder, receiver)
        aws.till("W-2")
        assert len(aws.messages()) == 2  # read, and never handed to the queue's Lambda
        tick = aws.lambdas.events.generate_cw_event("Scheduled Event", "aws.events", {}, [])
        assert aws.invoke("scheduled_newsletters", tick) == {}  # no newsletter due
    assert [r.payload["data"]["order_id"] for r in receiver.received] == ["W-2"]


def test_a_failed_try_wakes_the_queue_lambda_again_when_the_next_is_due(
    aws: Aws, monkeypatch: pytest.MonkeyPatch
) -> None:
    with webhook_receiver(answers=[503]) as receiver:
        _endpoint(aws.folder, receiver)
        aws.till("W-3")
        said = [m for m in aws.messages() if m["Body"] == WEBHOOKS]
        assert aws.invoke("send_batches", _event(said)) == {"batchItemFailures": []}
        assert len(receiver.received) == 1  # tried, and answered 503
        delayed = aws.queue.get_queue_attributes(
            QueueUrl=aws.queue_url, AttributeNames=["ApproximateNumberOfMessagesDelayed"]
        )["Attributes"]
        assert delayed["ApproximateNumberOfMessagesDelayed"] == "1"  # due in 5 s: not before
        monkeypatch.setenv("STAMPBOOK_NOW", "2026-11-23T18:00:10+03:00")
        again = aws.queue.receive_message(QueueUrl=aws.queue_url, WaitTimeSeconds=10)["Messages"]
        assert [m["Body"] for m in again] == [WEBHOOKS]
        assert aws.invoke("send_batches", _event(again)) == {"batchItemFailures": []}
    assert len(receiver.received) == 2
    assert len({r.headers["webhook-id"] for r in receiver.received}) == 1
