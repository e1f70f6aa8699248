"""A newsletter sent, purchases rung up and a nightly run done as on AWS, by four queue
workers, one killed each time.

DynamoDB Local holds the customer file, moto's server plays SQS, the SES v2
emulator receives the mail through the SES API. `stampbook send --now`
queues the batches; four processes play the queue's Lambda (`tests/support/
queue_worker.py`: receive, invoke `send_batches` with the SQS event, delete
what did not fail), sending at the configured rate, which all of them
together must keep. Once mail is flowing, one holding a message (each keeps
what it holds in a file) is killed with SIGKILL: the message comes back
after the queue's visibility timeout (and again, while the records it had
claimed are still under their lease), and once their lease is out another
worker finishes them. Everyone gets the
newsletter; a second copy is possible only for what the killed worker had
sent but not yet recorded (at most `SETTLE_EVERY` + 1).

Then tills ring up purchases as API Gateway proxy events handed to the
API's Lambda handler (event JSON in, response out), each owing a thank-you
that the queue's workers send; and the nightly schedule cuts the customer
file into 16 shards (more for a file of over 32 000: at most
`CUSTOMERS_PER_SHARD` each) whose messages go
through the same workers, one killed again, on a night that is everyone's
birthday: every customer gets the birthday bonus exactly once, each buyer
one thank-you, and every reader the greeting once (or is held out of it),
but those the killed worker had claimed (a batch, claimed in one write) and
not yet marked; customers who never subscribed get the bonus and no email.
Once those claims lapse, the next run (here `stampbook daily`; on AWS the
shard's message, back after the queue's visibility timeout, longer than a
claim) sends those it had not sent; a second copy only of what it had sent
since its last mark (`MARKED_EVERY`).

`STAMPBOOK_REHEARSAL_READERS` and `STAMPBOOK_REHEARSAL_CUSTOMERS` run it
larger (20 000 readers among 50 000 customers takes some minutes). The
emulator keeps every message it accepts in memory, text and HTML, which at
that size is gigabytes: `STAMPBOOK_REHEARSAL_MAIL=smtp` has the workers send
to an SMTP server in its own process that keeps only the recipients.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from types import SimpleNamespace
from typing import Any, Protocol

import boto3
import pytest

from stampbook.api.context import use
from stampbook.loyalty.ledger import EntryKind
from stampbook.records.automation_sends import Automation, EmailStatus
from stampbook.records.customers import Customer
from stampbook.records.integrations import issue_key
from stampbook.services.automations import CLAIM_SECONDS, EMAILS_PER_BATCH, MARKED_EVERY
from stampbook.services.nightly import CUSTOMERS_PER_SHARD, plan_shards, queue_shards
from stampbook.store.sends import CampaignState
from tests.sender.conftest import lines
from tests.support import moto_server
from tests.support.backends import fresh_table
from tests.support.dynamodb_local import LOCAL_ENVIRONMENT
from tests.support.lambda_events import proxy_event
from tests.support.paths import EXAMPLE, FUNCTIONS, ROOT
from tests.support.people import ISSUE, JOINED, add_subscribers, address
from tests.support.processes import this_package
from tests.support.ses_emulator import SesEmulator, running

READERS = int(os.environ.get("STAMPBOOK_REHEARSAL_READERS", "400"))
# Those and more, who never subscribed: the nightly run goes over them all.
CUSTOMERS = max(READERS, int(os.environ.get("STAMPBOOK_REHEARSAL_CUSTOMERS", "0")))
MAIL = os.environ.get("STAMPBOOK_REHEARSAL_MAIL", "ses")
BATCH = 40
RATE = 100  # newsletters a second, for the four workers together
BUYERS = 12  # readers who buy at a till before the night
BIRTHDAY = date(1990, 11, 23)  # the day STAMPBOOK_NOW falls on in the shop's town
NOW = datetime(2026, 11, 23, 15, 0, tzinfo=UTC)
WORKERS = 4
SETTLE_EVERY = 5
VISIBILITY_SECONDS = 3  # a killed worker's message comes back after this
# And the records it claimed may be taken over after this: later than the message
# comes back (which then finds them still held, and comes back again), and long
# enough that a live worker's batch on a busy machine is sent well inside it.
LEASE_SECONDS = 10


class Mailbox(Protocol):
    """What the workers' mail server has accepted so far."""

    def count(self) -> int: ...
    def recipients(self) -> Counter[str]: ...


class SmtpLog:
    def __init__(self, log: Path) -> None:
        self.log = log

    def count(self) -> int:
        return lines(self.log)

    def recipients(self) -> Counter[str]:
        return Counter(self.log.read_text().split()) if self.log.exists() else Counter()


class SesStore:
    """The emulator's store, read a second at a time as it grows: message id -> (to, second)."""

    def __init__(self, emulator: SesEmulator) -> None:
        self.emulator = emulator
        self.seen: dict[str, tuple[str, int]] = {}
        self.since = 0

    def _read(self) -> None:
        for email in self.emulator.emails(since=self.since):
            [to] = email["destination"]["to"]
            self.seen[email["messageId"]] = (to.rpartition("<")[2].rstrip(">"), email["at"])
            self.since = max(self.since, email["at"])

    def count(self) -> int:
        self._read()
        return len(self.seen)

    def recipients(self) -> Counter[str]:
        self._read()
        return Counter(to for to, _ in self.seen.values())

    def per_second(self) -> Counter[int]:
        self._read()
        return Counter(second for _, second in self.seen.values())


@pytest.fixture
def sqs() -> Iterator[str]:
    with moto_server.running() as url:
        yield url


@pytest.fixture
def mail(tmp_path: Path, sink: tuple[int, Path]) -> Iterator[tuple[dict[str, str], Mailbox]]:
    """The workers' mail settings, and what their server has accepted."""
    if MAIL == "smtp":
        port, log = sink
        smtp = {
            "STAMPBOOK_MAIL": "smtp",
            "STAMPBOOK_SMTP_HOST": "127.0.0.1",
            "STAMPBOOK_SMTP_PORT": str(port),
            "STAMPBOOK_SMTP_SECURITY": "none",
        }
        yield smtp, SmtpLog(log)
        return
    with running(tmp_path / "ses.log") as emulator:
        ses = {"STAMPBOOK_MAIL": "ses", "STAMPBOOK_SES_ENDPOINT": emulator.url}
        yield ses, SesStore(emulator)


def test_four_queue_workers_one_killed_send_everyone_the_newsletter(
    tmp_path: Path,
    mail: tuple[dict[str, str], Mailbox],
    sqs: str,
    dynamodb_local: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    transport, mailbox = mail
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
            for n in range(CUSTOMERS)
        ]
        add_subscribers(store, people[:READERS])
        for first in range(READERS, CUSTOMERS, 1000):
            store.add_customers(people[first : first + 1000])
        till, till_key = issue_key("till", NOW)
        store.add_integration_key(till)
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
        settings = {
            **aws,
            **transport,
            "STAMPBOOK_STORE": "dynamodb",
            "STAMPBOOK_TABLE": backend.location,
            "STAMPBOOK_DYNAMODB_ENDPOINT": dynamodb_local,
            "STAMPBOOK_CAMPAIGNS": str(EXAMPLE),
            "STAMPBOOK_NOW": NOW.isoformat(),
            "STAMPBOOK_SIGNING_KEYS": "k1:" + "s" * 43,
            "STAMPBOOK_SEND_QUEUE_URL": queue_url,
            "STAMPBOOK_SEND_RATE": str(RATE),
            "STAMPBOOK_SEND_BATCH": str(BATCH),
            "STAMPBOOK_SEND_LEASE": str(LEASE_SECONDS),
            "STAMPBOOK_SEND_SETTLE_EVERY": str(SETTLE_EVERY),
        }
        environment = {
            **os.environ,
            **this_package(),
            **settings,
            "PYTHONPATH": f"{FUNCTIONS}{os.pathsep}{ROOT}",
        }
        queued = subprocess.run(
            [sys.executable, "-m", "stampbook", "send", ISSUE, "--now"],
            env=environment,
            capture_output=True,
            text=True,
            timeout=120 + CUSTOMERS / 100,  # the audience is read from every customer
        )
        assert queued.returncode == 0, queued.stderr
        assert f"{-(-READERS // BATCH)} batches queued" in queued.stdout

        _work_with_one_killed(queue_url, environment, mailbox, READERS // 4, _newsletter, tmp_path)
        copies = mailbox.recipients()
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
        if isinstance(mailbox, SesStore):  # the four workers together kept the rate
            assert max(mailbox.per_second().values()) <= RATE * 1.5

        # Tills ring up purchases through API Gateway, as Lambda hands them to the API.
        for name, value in settings.items():
            monkeypatch.setenv(name, value)
        for n in range(BUYERS):
            answer = _api_gateway("POST", "/till/purchases", _purchase(n), till_key)
            assert answer["statusCode"] == 200, answer
            assert json.loads(answer["body"])["points"] > 0
        again = _api_gateway("POST", "/till/purchases", _purchase(0), till_key)
        assert again["statusCode"] == 200  # a till's retry: the same answer, nothing owed twice

        # The nightly run in shards through the same queue, a worker killed again.
        # Sixteen shards, or more of the schedule's size for a larger file.
        per_shard = min(CUSTOMERS_PER_SHARD, -(-CUSTOMERS // 16))
        shards = plan_shards(store, per_shard)
        assert len(shards) == -(-CUSTOMERS // per_shard)
        assert queue_shards(queues, queue_url, shards) == len(shards)
        _work_with_one_killed(
            queue_url,
            environment,
            mailbox,
            mailbox.count() + READERS // 4,
            _nightly_shard,
            tmp_path,
        )
        held = 0
        for n, person in enumerate(people):
            history = store.history(person.customer_id)
            assert [e.kind for e in history.entries].count(EntryKind.BIRTHDAY) == 1, n
            if n < READERS:
                status = _sent(store, person.customer_id)[Automation.BIRTHDAY].status
                held += status is EmailStatus.SENDING  # claimed by the killed worker
        assert held <= EMAILS_PER_BATCH

        # Later the same day, once those claims have lapsed: the next run finishes them.
        later = NOW + timedelta(seconds=CLAIM_SECONDS + 60)
        done = subprocess.run(
            [sys.executable, "-m", "stampbook", "daily"],
            env={**environment, "STAMPBOOK_NOW": later.isoformat()},
            capture_output=True,
            text=True,
            timeout=300 + CUSTOMERS / 50,
        )
        assert done.returncode == 0, done.stderr
        after = mailbox.recipients() - copies
        owed = Counter[str]()
        for n, person in enumerate(people):
            if n >= READERS:  # never subscribed: the bonus, and no email
                assert address(n) not in after, n
                continue
            sent = _sent(store, person.customer_id)
            assert (Automation.THANK_YOU in sent) == (n < BUYERS), n
            for automation, record in sent.items():
                assert record.status in {EmailStatus.SENT, EmailStatus.HELD_OUT}, (n, automation)
                owed[address(n)] += record.status is EmailStatus.SENT
        assert all(after[a] >= owed[a] for a in owed)  # nobody skipped
        assert set(after) <= set(owed)  # and nobody held out sent one
        assert after.total() - owed.total() <= MARKED_EVERY  # the crash window
        store.close()


def _sent(store: Any, customer_id: str) -> dict[Automation, Any]:
    return {r.key.automation: r for r in store.automation_sends(customer_id)}


def _purchase(n: int) -> dict[str, Any]:
    return {
        "customer": {"email": address(n)},
        "order_id": f"till-{n}",
        "placed_at": NOW.isoformat(),
        "lines": [{"line_id": "1", "category": "beans", "amount": "1250.00"}],
    }


def _api_gateway(method: str, path: str, body: dict[str, Any], key: str) -> dict[str, Any]:
    """The API's Lambda handler given a REST API proxy event, as API Gateway invokes it."""
    from app import app

    event = proxy_event(method, path, body, {"Authorization": f"Bearer {key}"})
    context = SimpleNamespace(
        function_name="stampbook-rehearsal-APIHandler",
        aws_request_id=uuid.uuid4().hex,
        memory_limit_in_mb=512,
        get_remaining_time_in_millis=lambda: 30_000,
    )
    use(None)  # the handler builds its app from the environment, as on AWS
    try:
        answer: dict[str, Any] = app(event, context)
        return answer
    finally:
        use(None)


def _work_with_one_killed(
    queue_url: str,
    environment: dict[str, str],
    mailbox: Mailbox,
    kill_at: int,
    working_on: Callable[[dict[str, Any]], bool],
    folder: Path,
) -> None:
    """Four workers on the queue until it is empty; once `kill_at` messages have reached
    the mail server, one is killed while it holds a message `working_on` the part tested."""
    # Idle long enough for the killed worker's message to come back.
    idle_polls = str(VISIBILITY_SECONDS + LEASE_SECONDS + 2)
    command = [sys.executable, "-m", "tests.support.queue_worker", queue_url, idle_polls]
    holding = [folder / f"worker-{n}.holding" for n in range(WORKERS)]
    workers: list[subprocess.Popen[bytes]] = []
    try:
        for held in holding:
            held.unlink(missing_ok=True)
            workers.append(
                subprocess.Popen(
                    [*command, str(held)],
                    env=environment,
                    cwd=ROOT,
                    stderr=subprocess.DEVNULL,
                )
            )
        deadline = time.monotonic() + 120 + CUSTOMERS / 20
        while mailbox.count() < kill_at and time.monotonic() < deadline:
            time.sleep(0.05)
        reached = mailbox.count()
        assert reached >= kill_at, f"{reached} emails by the deadline, not {kill_at}"
        # Killed with nothing in hand (the queue drained, or between messages), a worker
        # leaves nothing behind, and what the test checks next would hold of nothing.
        while (busy := _busy(holding, working_on)) is None and time.monotonic() < deadline:
            time.sleep(0.01)
        assert busy is not None, "no worker held the work by the deadline"
        assert workers[busy].poll() is None, "the worker finished before it could be killed"
        os.kill(workers[busy].pid, signal.SIGKILL)
        workers[busy].wait()
        assert _holds(holding[busy], working_on), "the worker was killed after its work"
        for worker in workers:
            worker.wait(timeout=180 + CUSTOMERS / 10)
    finally:  # a failure above leaves no worker behind on the queue
        for worker in workers:
            if worker.poll() is None:
                os.kill(worker.pid, signal.SIGKILL)
                worker.wait()


def _busy(holding: list[Path], working_on: Callable[[dict[str, Any]], bool]) -> int | None:
    """The first worker holding a message of that work, if any does."""
    return next((n for n, held in enumerate(holding) if _holds(held, working_on)), None)


def _holds(holding: Path, working_on: Callable[[dict[str, Any]], bool]) -> bool:
    """Whether a worker's file lists a message it has taken, not deleted, of that work."""
    held = holding.read_text().splitlines() if holding.exists() else []
    return any(working_on(json.loads(body)) for body in held)


def _newsletter(message: dict[str, Any]) -> bool:
    return message.get("campaign") == ISSUE


def _nightly_shard(message: dict[str, Any]) -> bool:
    return message.get("kind") == "nightly"
