"""On AWS: a till purchase owes its thank-you and says so on the send queue (a real SQS API,
moto's server on 127.0.0.1); the queue's Lambda sends it once, and the 5-minute schedule
sends one whose message was lost. Each Lambda builds its app from the environment."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import boto3
import pytest
from chalice.test import Client

from app import app
from stampbook.api.context import use
from stampbook.api.queue import OWED_EMAILS
from stampbook.records.customers import Customer
from stampbook.records.integrations import issue_key
from stampbook.store.sqlite import SqliteStore
from tests.support.outbox import outbox

from .conftest import NOW
from .test_send_queue_sqs import REGION, on_aws
from .test_till import purchase


@dataclass
class Aws:
    lambdas: Client
    queue: Any
    queue_url: str
    key: str
    folder: Path

    def till(self, order_id: str) -> dict[str, Any]:
        headers = {"Content-Type": "application/json", "Authorization": f"Bearer {self.key}"}
        body = json.dumps(purchase(order_id))
        answer = self.lambdas.http.post("/till/purchases", headers=headers, body=body)
        assert answer.status_code == 200, answer.body
        result: dict[str, Any] = json.loads(answer.body)
        return result

    def messages(self) -> list[dict[str, Any]]:
        received: list[dict[str, Any]] = []
        while found := self.queue.receive_message(
            QueueUrl=self.queue_url, MaxNumberOfMessages=10
        ).get("Messages"):
            received += found
        return received

    def invoke(self, function: str, event: dict[str, Any]) -> Any:
        use(None)  # a fresh Lambda: its app built from the environment
        return self.lambdas.lambda_.invoke(function, event).payload

    def subjects(self) -> list[str]:
        return [str(m["Subject"]) for m in outbox(self.folder / "outbox")]


@pytest.fixture
def aws(sqs: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Aws]:
    store = SqliteStore(tmp_path / "stampbook.db")
    store.add_customer(Customer("c1", "anna@example.com", NOW, name="Anna", locale="en"))
    record, key = issue_key("till", NOW)
    store.add_integration_key(record)
    store.close()
    queue: Any = boto3.client("sqs", region_name=REGION)
    queue_url = queue.create_queue(QueueName="stampbook-sends")["QueueUrl"]
    on_aws(monkeypatch, tmp_path, queue_url)
    use(None)
    try:
        with Client(app) as lambdas:
            yield Aws(lambdas, queue, queue_url, key, tmp_path)
    finally:
        use(None)


def test_the_queue_lambda_sends_what_a_till_purchase_owes_once(aws: Aws) -> None:
    aws.till("T-1")
    aws.till("T-1")  # the till retried: nothing more is owed
    assert aws.subjects() == []  # the till had its answer before anything was sent
    received = aws.messages()
    assert [m["Body"] for m in received] == [OWED_EMAILS] * 2
    event = {
        "Records": [
            {"messageId": m["MessageId"], "receiptHandle": m["ReceiptHandle"], "body": m["Body"]}
            for m in received
        ]
    }
    assert aws.invoke("send_batches", event) == {"batchItemFailures": []}
    assert aws.subjects() == ["Thank you for your order!"]
    assert aws.invoke("send_batches", event) == {"batchItemFailures": []}  # delivered again
    assert aws.subjects() == ["Thank you for your order!"]


def test_the_schedule_sends_what_is_owed_when_the_message_was_lost(aws: Aws) -> None:
    aws.till("T-2")
    assert len(aws.messages()) == 1  # read, and never handed to the queue's Lambda
    assert aws.subjects() == []
    tick = aws.lambdas.events.generate_cw_event("Scheduled Event", "aws.events", {}, [])
    assert aws.invoke("scheduled_newsletters", tick) == {}  # no newsletter due
    assert aws.subjects() == ["Thank you for your order!"]
