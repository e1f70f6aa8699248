"""The send queue's Lambda, through Chalice's test client with a generated SQS event."""

from __future__ import annotations

import json
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
from chalice.test import Client

from app import app
from stampbook.api.context import use
from stampbook.bootstrap import App
from stampbook.services.campaigns import Campaigns
from stampbook.store.sends import CampaignState, SendStatus, SendStore, Settled
from tests.support.people import ISSUE, NOW, customer_file


@pytest.fixture
def wired(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[App]:
    monkeypatch.setenv("STAMPBOOK_SEND_RATE", "0")
    monkeypatch.setenv("STAMPBOOK_SEND_BATCH", "10")
    built = customer_file(tmp_path, 25)
    use(built)
    yield built
    use(None)


def test_each_message_sends_one_batch_and_failures_come_back_alone(
    wired: App, tmp_path: Path
) -> None:
    assert isinstance(wired.store, SendStore)
    Campaigns(wired.programme, wired.loyalty, wired.settings.mail, wired.store).start(
        ISSUE, ignore_send_at=True
    )
    # A campaign whose issue file was removed after it started cannot be sent.
    wired.store.move_campaign(
        "removed-issue", CampaignState.SENDING, NOW, only_from={CampaignState.DRAFT}
    )
    bodies = [json.dumps({"campaign": ISSUE})] * 3
    bodies += [json.dumps({"campaign": "removed-issue"}), "not json"]
    with Client(app) as client:
        event = client.events.generate_sqs_event(bodies, queue_name="stampbook-sends")
        answer = client.lambda_.invoke("send_batches", event).payload
    failing = event["Records"][3]["messageId"]
    assert answer == {"batchItemFailures": [{"itemIdentifier": failing}]}
    campaign = wired.store.campaign(ISSUE)
    assert campaign is not None
    assert (campaign.state, campaign.sent) == (CampaignState.FINISHED, 25)
    index = (tmp_path / "outbox" / "index.jsonl").read_text().splitlines()
    assert set(Counter(json.loads(line)["to"] for line in index).values()) == {1}

    # Delivered again (SQS is at least once): nothing left to claim, nothing sent twice.
    with Client(app) as client:
        again = client.lambda_.invoke("send_batches", event).payload
    assert again == {"batchItemFailures": [{"itemIdentifier": failing}]}
    assert len((tmp_path / "outbox" / "index.jsonl").read_text().splitlines()) == 25


def test_a_message_that_finds_records_still_claimed_comes_back_until_it_can_take_them(
    wired: App, tmp_path: Path
) -> None:
    assert isinstance(wired.store, SendStore)
    Campaigns(wired.programme, wired.loyalty, wired.settings.mail, wired.store).start(
        ISSUE, ignore_send_at=True
    )
    # A worker claimed everything and died: its lease runs to a minute from now.
    now = time.time()
    held = wired.store.claim_sends(ISSUE, "gone", 100, now, now + 60)
    assert len(held) == 25
    body = [json.dumps({"campaign": ISSUE})]
    with Client(app) as client:
        event = client.events.generate_sqs_event(body, queue_name="stampbook-sends")
        answer = client.lambda_.invoke("send_batches", event).payload
    # Not deleted: offered again after the visibility timeout, when the lease is over.
    assert answer == {"batchItemFailures": [{"itemIdentifier": event["Records"][0]["messageId"]}]}
    assert not (tmp_path / "outbox").exists()

    wired.store.settle_sends(  # the lease ran out: the records are anyone's again
        ISSUE, "gone", [Settled(r.customer_id, SendStatus.PENDING) for r in held]
    )
    with Client(app) as client:
        for _ in range(3):
            answer = client.lambda_.invoke("send_batches", event).payload
    assert answer == {"batchItemFailures": []}
    campaign = wired.store.campaign(ISSUE)
    assert campaign is not None
    assert (campaign.state, campaign.sent) == (CampaignState.FINISHED, 25)
