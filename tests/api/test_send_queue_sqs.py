"""`stampbook send` on AWS: batches queued on a real SQS API (moto's server on 127.0.0.1),
read back and handed to the send queue's Lambda, as the event source would."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

import boto3
import pytest
from chalice.test import Client
from click.testing import CliRunner

from app import app
from stampbook.api.context import use
from stampbook.bootstrap import build
from stampbook.cli.main import main
from stampbook.config import Settings
from stampbook.store.sends import CampaignState, SendStore
from tests.support.paths import EXAMPLE
from tests.support.people import ISSUE, customer_file

REGION = "eu-central-1"


def on_aws(monkeypatch: pytest.MonkeyPatch, folder: Path, queue_url: str, **more: str) -> None:
    """The functions' settings, with the send queue, as the stack gives them."""
    for name, value in {
        "STAMPBOOK_CAMPAIGNS": str(EXAMPLE),
        "STAMPBOOK_DB": str(folder / "stampbook.db"),
        "STAMPBOOK_NOW": "2026-11-23T18:00:00+03:00",
        "STAMPBOOK_SIGNING_KEYS": "k1:" + "s" * 43,
        "STAMPBOOK_OUTBOX": str(folder / "outbox"),
        "STAMPBOOK_SEND_QUEUE_URL": queue_url,
        **more,
    }.items():
        monkeypatch.setenv(name, value)


def test_send_queues_batches_and_the_lambda_sends_each_once(
    sqs: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    people = customer_file(tmp_path, 45)
    people.store.close()
    client: Any = boto3.client("sqs", region_name=REGION)
    queue_url = client.create_queue(QueueName="stampbook-sends")["QueueUrl"]
    on_aws(monkeypatch, tmp_path, queue_url, STAMPBOOK_SEND_RATE="0", STAMPBOOK_SEND_BATCH="10")

    result = CliRunner().invoke(main, ["send", ISSUE, "--now"])
    assert result.exit_code == 0, result.stderr
    assert result.stdout.strip() == f"{ISSUE}: 45 people, 5 batches queued for the senders"
    assert not (tmp_path / "outbox").exists()  # nothing sent by the command itself

    received: list[dict[str, Any]] = []
    while answer := client.receive_message(QueueUrl=queue_url, MaxNumberOfMessages=10).get(
        "Messages"
    ):
        received += answer
    assert len(received) == 5
    event = {
        "Records": [
            {"messageId": m["MessageId"], "receiptHandle": m["ReceiptHandle"], "body": m["Body"]}
            for m in received
        ]
    }
    use(None)  # the Lambda builds its app from the environment, as on AWS
    try:
        with Client(app) as lambdas:
            answer = lambdas.lambda_.invoke("send_batches", event).payload
    finally:
        use(None)
    assert answer == {"batchItemFailures": []}
    store = build(Settings.from_env()).store
    assert isinstance(store, SendStore)
    campaign = store.campaign(ISSUE)
    assert campaign is not None
    assert (campaign.state, campaign.sent) == (CampaignState.FINISHED, 45)
    index = (tmp_path / "outbox" / "index.jsonl").read_text().splitlines()
    copies = Counter(json.loads(line)["to"] for line in index)
    assert len(copies) == 45
    assert set(copies.values()) == {1}


def test_the_schedule_queues_a_newsletter_once_its_send_time_has_come(
    sqs: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    customer_file(tmp_path, 12).store.close()
    client: Any = boto3.client("sqs", region_name=REGION)
    queue_url = client.create_queue(QueueName="stampbook-sends")["QueueUrl"]
    on_aws(monkeypatch, tmp_path, queue_url, STAMPBOOK_SEND_BATCH="5")
    assert CliRunner().invoke(main, ["send", ISSUE]).exit_code == 0  # scheduled for December

    def tick() -> Any:
        use(None)  # the Lambda builds its app from the environment, as on AWS
        try:
            with Client(app) as lambdas:
                event = lambdas.events.generate_cw_event("Scheduled Event", "aws.events", {}, [])
                return lambdas.lambda_.invoke("scheduled_newsletters", event).payload
        finally:
            use(None)

    assert tick() == {}  # November: not yet
    assert "Messages" not in client.receive_message(QueueUrl=queue_url)
    monkeypatch.setenv("STAMPBOOK_NOW", "2026-12-03T10:01:00+03:00")
    assert tick() == {ISSUE: 3}  # 12 people in batches of 5
    assert tick() == {}  # started already: not queued again
    received = 0
    while answer := client.receive_message(QueueUrl=queue_url, MaxNumberOfMessages=10).get(
        "Messages"
    ):
        received += len(answer)
    assert received == 3
