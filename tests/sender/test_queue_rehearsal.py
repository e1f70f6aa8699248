"""A newsletter sent and a nightly run done as on AWS, by four queue workers, one killed.

DynamoDB Local holds the customer file, moto's server plays SQS, a real SMTP
server in its own process receives the mail. `stampbook send --now` queues
the batches; four processes play the queue's Lambda (`tests/support/
queue_worker.py`: receive, invoke `send_batches` with the SQS event, delete
what did not fail). One is killed with SIGKILL once mail is flowing: the
message it held comes back after the queue's visibility timeout (and again,
while the records it had claimed are still under their lease), and once
their lease is out another worker finishes them.
Everyone gets the newsletter; a second copy is possible only for what the
killed worker had sent but not yet recorded (at most `SETTLE_EVERY` + 1).

Then the nightly schedule's 16 shard messages go through the same workers,
one killed again, on a night that is everyone's birthday: every customer
gets the birthday bonus exactly once, and the greeting once (or is held out
of it), but those the killed worker had claimed (a batch, claimed in one
write) and not yet marked. Once their claims lapse, the next run (here
`stampbook daily`; on AWS the shard's message, back after the queue's
visibility timeout, longer than a claim) sends those it had not sent; a
second copy only of what it had sent since its last mark (`MARKED_EVERY`).

`STAMPBOOK_REHEARSAL_READERS` runs it larger (20 000 takes some minutes).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import boto3
import pytest

from stampbook.loyalty.ledger import EntryKind
from stampbook.records.automation_sends import Automation, AutomationSend, EmailStatus
from stampbook.records.customers import Customer
from stampbook.services.automations import CLAIM_SECONDS, EMAILS_PER_BATCH, MARKED_EVERY
from stampbook.services.nightly import SHARDS, queue_shards
from stampbook.store.dynamodb.store import DynamoStore
from stampbook.store.sends import CampaignState
from tests.sender.conftest import lines
from tests.support import moto_server
from tests.support.backends import fresh_table
from tests.support.dynamodb_local import LOCAL_ENVIRONMENT
from tests.support.paths import EXAMPLE, FUNCTIONS, ROOT
from tests.support.people import ISSUE, JOINED, add_subscribers, address
from tests.support.processes import this_package

READERS = int(os.environ.get("STAMPBOOK_REHEARSAL_READERS", "400"))
BATCH = 40
NOW = datetime(2026, 11, 23, 15, 0, tzinfo=UTC)
BIRTHDAY = date(1990, 11, 23)  # the day NOW falls on in the shop's town
WORKERS = 4
SETTLE_EVERY = 5
VISIBILITY_SECONDS = 3  # a killed worker's message comes back after this
# And the records it claimed may be taken over after this: later than the message
# comes back (which then finds them still held, and comes back again), and long
# enough that a live worker's batch on a busy machine is sent well inside it.
LEASE_SECONDS = 10


@pytest.fixture
def sqs() -> Iterator[str]:
    with moto_server.running() as url:
        yield url


def test_four_queue_workers_one_killed_send_everyone_the_newsletter(
    tmp_path: Path, sink: tuple[int, Path], sqs: str, dynamodb_local: str
) -> None:
    port, log = sink
    with fresh_table(dynamodb_local) as backend:
        store = backend.open_dynamodb()
        people = [
            Customer(
                f"c{n:05}",
                address(n),
                JOINED,
                locale="ru",
                birthday=BIRTHDAY,
                birthday_set_at=JOINED,
            )
            for n in range(READERS)
        ]
        add_subscribers(store, people)
        # DynamoDB Local keeps tables apart by access key: the workers use the table's.
        aws = {**LOCAL_ENVIRONMENT, "AWS_ENDPOINT_URL_SQS": sqs}
        queues: Any = boto3.client(
            "sqs",
            endpoint_url=sqs,
            aws_access_key_id=aws["AWS_ACCESS_KEY_ID"],
            aws_secret_access_key=aws["AWS_SECRET_ACCESS_KEY"],
            region_name=aws["AWS_DEFAULT_REGION"],
        )
        queue_url = queues.create_queue(
            QueueName=f"sends-{uuid.uuid4().hex[:8]}",
            Attributes={"VisibilityTimeout": str(VISIBILITY_SECONDS)},
        )["QueueUrl"]
        environment = {
            **os.environ,
            **this_package(),
            **aws,
            "PYTHONPATH": f"{FUNCTIONS}{os.pathsep}{ROOT}",
            "STAMPBOOK_STORE": "dynamodb",
            "STAMPBOOK_TABLE": backend.location,
            "STAMPBOOK_DYNAMODB_ENDPOINT": dynamodb_local,
            "STAMPBOOK_CAMPAIGNS": str(EXAMPLE),
            "STAMPBOOK_NOW": NOW.isoformat(),
            "STAMPBOOK_SIGNING_KEYS": "k1:" + "s" * 43,
            "STAMPBOOK_MAIL": "smtp",
            "STAMPBOOK_SMTP_HOST": "127.0.0.1",
            "STAMPBOOK_SMTP_PORT": str(port),
            "STAMPBOOK_SMTP_SECURITY": "none",
            "STAMPBOOK_SEND_QUEUE_URL": queue_url,
            "STAMPBOOK_SEND_RATE": "0",
            "STAMPBOOK_SEND_BATCH": str(BATCH),
            "STAMPBOOK_SEND_LEASE": str(LEASE_SECONDS),
            "STAMPBOOK_SEND_SETTLE_EVERY": str(SETTLE_EVERY),
        }
        queued = subprocess.run(
            [sys.executable, "-m", "stampbook", "send", ISSUE, "--now"],
            env=environment,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert queued.returncode == 0, queued.stderr
        assert f"{-(-READERS // BATCH)} batches queued" in queued.stdout

        _work_with_one_killed(queue_url, environment, log, READERS // 4)
        copies = Counter(log.read_text().split())
        assert set(copies) == {address(n) for n in range(READERS)}  # nobody skipped
        assert sum(count - 1 for count in copies.values()) <= SETTLE_EVERY + 1
        campaign = store.campaign(ISSUE)
        assert campaign is not None
        assert campaign.state is CampaignState.FINISHED
        assert (campaign.audience, campaign.sent, campaign.skipped, campaign.failed) == (
            READERS,
            READERS,
            0,
            0,
        )

        # The nightly run in shards through the same queue, a worker killed again.
        assert queue_shards(queues, queue_url) == SHARDS
        _work_with_one_killed(queue_url, environment, log, lines(log) + READERS // 4)
        greetings = Counter(log.read_text().split()) - copies
        sending = 0
        for n, person in enumerate(people):
            history = store.history(person.customer_id)
            assert [e.kind for e in history.entries].count(EntryKind.BIRTHDAY) == 1, n
            greeting = _birthday_greeting(store, person.customer_id)
            got = greetings[address(n)]
            if greeting.status is EmailStatus.SENT:
                assert got == 1, n
            elif greeting.status is EmailStatus.HELD_OUT:
                assert got == 0, n
            else:  # claimed by the killed worker, and not marked
                assert greeting.status is EmailStatus.SENDING
                sending += 1
        assert sending <= EMAILS_PER_BATCH

        # Later the same day, once those claims have lapsed: the next run finishes them.
        later = NOW + timedelta(seconds=CLAIM_SECONDS + 60)
        done = subprocess.run(
            [sys.executable, "-m", "stampbook", "daily"],
            env={**environment, "STAMPBOOK_NOW": later.isoformat()},
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert done.returncode == 0, done.stderr
        greetings = Counter(log.read_text().split()) - copies
        for n, person in enumerate(people):
            greeting = _birthday_greeting(store, person.customer_id)
            if greeting.status is EmailStatus.SENT:
                assert greetings[address(n)] >= 1, n
            else:
                assert greeting.status is EmailStatus.HELD_OUT, n
                assert greetings[address(n)] == 0, n
        assert sum(count - 1 for count in greetings.values()) <= MARKED_EVERY
        store.close()


def _birthday_greeting(store: DynamoStore, customer_id: str) -> AutomationSend:
    [greeting] = [
        r for r in store.automation_sends(customer_id) if r.key.automation is Automation.BIRTHDAY
    ]
    return greeting


def _work_with_one_killed(
    queue_url: str, environment: dict[str, str], log: Path, kill_at: int
) -> None:
    """Four workers on the queue until it is empty; one killed once `kill_at` messages
    have reached the SMTP server."""
    # Idle long enough for the killed worker's message to come back.
    idle_polls = str(VISIBILITY_SECONDS + LEASE_SECONDS + 2)
    workers = [
        subprocess.Popen(
            [sys.executable, "-m", "tests.support.queue_worker", queue_url, idle_polls],
            env=environment,
            cwd=ROOT,
            stderr=subprocess.DEVNULL,
        )
        for _ in range(WORKERS)
    ]
    deadline = time.monotonic() + 120 + READERS / 20
    while lines(log) < kill_at and time.monotonic() < deadline:
        time.sleep(0.01)
    killed = workers[0]
    assert killed.poll() is None, "the worker finished before it could be killed"
    os.kill(killed.pid, signal.SIGKILL)
    for worker in workers:
        worker.wait(timeout=180 + READERS / 10)
