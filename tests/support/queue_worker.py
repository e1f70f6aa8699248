"""One send-queue worker: Lambda's part for the queue's function, played by a process.

    python -m tests.support.queue_worker QUEUE_URL [IDLE_POLLS [HOLDING]]

Pulls up to five messages at a time from the queue (the event source's batch
size in `app.py`), hands them to the app's `send_batches` function as an SQS
event, and deletes the ones it did not report as failed, as Lambda's event
source does with `ReportBatchItemFailures`. A message it took and did not
delete (its process killed) comes back after the queue's visibility
timeout. Stops after IDLE_POLLS empty polls of a second (2 by default).
With a HOLDING file, it keeps there the bodies of the messages it has taken
and not yet deleted, one a line, so a test can kill a worker in the middle
of its work and tell afterwards what it was holding.
"""

from __future__ import annotations

import sys
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import boto3

import app

BATCH = 5
CONTEXT = SimpleNamespace(
    function_name="stampbook-bench-SendBatches",
    aws_request_id="bench",
    memory_limit_in_mb=512,
    get_remaining_time_in_millis=lambda: 300_000,
)


def main(queue_url: str, idle_polls: int = 2, holding: Path | None = None) -> None:
    sqs: Any = boto3.client("sqs")
    empty = 0
    while empty < idle_polls:
        got = sqs.receive_message(
            QueueUrl=queue_url, MaxNumberOfMessages=BATCH, WaitTimeSeconds=1
        ).get("Messages", [])
        if not got:
            empty += 1
            continue
        empty = 0
        event = {
            "Records": [
                {
                    "messageId": m["MessageId"],
                    "receiptHandle": m["ReceiptHandle"],
                    "body": m["Body"],
                    "eventSource": "aws:sqs",
                }
                for m in got
            ]
        }
        _hold(holding, [m["Body"] for m in got])
        answer = app.send_batches(event, CONTEXT)
        failed = {item["itemIdentifier"] for item in answer.get("batchItemFailures", [])}
        done = [m for m in got if m["MessageId"] not in failed]
        # Emptied before the delete: a worker killed with its file full deleted none of them.
        _hold(holding, [])
        if done:
            sqs.delete_message_batch(
                QueueUrl=queue_url,
                Entries=[
                    {"Id": str(n), "ReceiptHandle": m["ReceiptHandle"]} for n, m in enumerate(done)
                ],
            )


def _hold(holding: Path | None, bodies: list[str]) -> None:
    """Written whole and renamed into place, so a reader never sees half of it."""
    if holding is None:
        return
    writing = holding.with_name(holding.name + ".new")
    writing.write_text("".join(f"{body}\n" for body in bodies))
    writing.replace(holding)


if __name__ == "__main__":
    idle_polls = int(sys.argv[2]) if len(sys.argv) > 2 else 2
    main(sys.argv[1], idle_polls, Path(sys.argv[3]) if len(sys.argv) > 3 else None)
