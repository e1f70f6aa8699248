"""Benchmark: a newsletter through the send queue with 1, 2 and 4 worker processes.

DynamoDB Local holds the customer file, moto's server plays SQS, and the
messages go to the outbox (the transport is not what is measured). For each
number of workers: a fresh table of `READERS` confirmed subscribers,
`stampbook send --now` queues the batches, and the workers (each a process
playing Lambda, `tests/support/queue_worker.py`) send them; printed, the sends per second
from the workers' start (a Python process each) to the campaign finished. DynamoDB Local is
one Java process on this machine, shared by every worker: the figures say
how the work divides, not what AWS would do. Nothing asserted.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import boto3

from stampbook.records.customers import Customer
from stampbook.store.dynamodb.store import DynamoStore
from stampbook.store.sends import CampaignState
from tests.support import dynamodb_local, moto_server
from tests.support.paths import EXAMPLE, FUNCTIONS
from tests.support.people import ISSUE, JOINED, add_subscribers
from tests.support.processes import this_package

READERS = int(os.environ.get("STAMPBOOK_BENCH_READERS", "2000"))
WORKERS = (1, 2, 4)


def _subscribers(store: DynamoStore) -> None:
    people = [
        Customer(f"c{n:05}", f"reader{n:05}@example.com", JOINED, locale="ru")
        for n in range(READERS)
    ]
    add_subscribers(store, people)


def _one_run(workers: int, dynamodb: str, environment: dict[str, str], folder: Path) -> None:
    store = DynamoStore(f"bench-{uuid.uuid4().hex}", endpoint_url=dynamodb)
    store.create_table()
    _subscribers(store)
    sqs: Any = boto3.client("sqs")
    queue_url = sqs.create_queue(QueueName=f"sends-{uuid.uuid4().hex[:8]}")["QueueUrl"]
    env = {
        **environment,
        "STAMPBOOK_TABLE": store.table,
        "STAMPBOOK_SEND_QUEUE_URL": queue_url,
        "STAMPBOOK_OUTBOX": str(folder / f"outbox-{workers}"),
    }
    subprocess.run(
        [sys.executable, "-m", "stampbook", "send", ISSUE, "--now"],
        env=env,
        check=True,
        capture_output=True,
    )
    start = time.perf_counter()
    running = [
        subprocess.Popen(
            [sys.executable, "-m", "tests.support.queue_worker", queue_url],
            env={**env, "PYTHONPATH": f"{FUNCTIONS}{os.pathsep}{FUNCTIONS.parent}"},
            cwd=FUNCTIONS.parent,
        )
        for _ in range(workers)
    ]
    # Timed to the campaign's end, not the workers': they poll twice more before stopping.
    while (campaign := store.campaign(ISSUE)) is not None and campaign.state is not (
        CampaignState.FINISHED
    ):
        if all(worker.poll() is not None for worker in running):
            break
        time.sleep(0.05)
    elapsed = time.perf_counter() - start
    for worker in running:
        worker.wait()
    assert campaign is not None
    state = "finished" if campaign.state is CampaignState.FINISHED else campaign.state.value
    rate = campaign.sent / elapsed
    print(
        f"{workers} worker process(es), {READERS:,} readers   {rate:8.0f} sends/s"
        f"   ({campaign.sent} sent in {elapsed:.1f} s; {state})"
    )
    store.delete_table()
    store.close()


def main() -> None:
    with (
        dynamodb_local.running() as dynamodb,
        moto_server.running() as moto,
        tempfile.TemporaryDirectory() as folder,
    ):
        environment = {
            **os.environ,
            **this_package(),
            **moto_server.CREDENTIALS,
            "AWS_ENDPOINT_URL_SQS": moto,
            "STAMPBOOK_STORE": "dynamodb",
            "STAMPBOOK_DYNAMODB_ENDPOINT": dynamodb,
            "STAMPBOOK_CAMPAIGNS": str(EXAMPLE),
            "STAMPBOOK_MAIL": "outbox",
            "STAMPBOOK_SIGNING_KEYS": "k1:" + "s" * 43,
            "STAMPBOOK_SEND_RATE": "0",
            "STAMPBOOK_SEND_BATCH": "50",
            "STAMPBOOK_NOW": datetime(2026, 11, 23, 15, 0, tzinfo=UTC).isoformat(),
        }
        os.environ.update({**moto_server.CREDENTIALS, "AWS_ENDPOINT_URL_SQS": moto})
        for workers in WORKERS:
            _one_run(workers, dynamodb, environment, Path(folder))


if __name__ == "__main__":
    main()
