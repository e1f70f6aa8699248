"""One send-queue worker: Lambda's part for the queue's function, played by a process.

    python -m tests.support.queue_worker QUEUE_URL [IDLE_POLLS]

Pulls up to five messages at a time from the queue (the event source's batch
size in `app.py`), hands them to the app's `send_batches` function as an SQS
event, and deletes the ones it did not report as failed, as Lambda's event
source does with `ReportBatchItemFailures`. A message it took and did not
delete (its process killed) comes back after the queue's visibility
timeout. Stops after IDLE_POLLS empty polls of a second (2 by default).
"""

from __future__ import annotations

import sys
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


def main(queue_url: str, idle_polls: int = 2) -> None:
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
        answer = app.send_batches(event, CONTEXT)
        failed = {item["itemIdentifier"] for item in answer.get("batchItemFailures", [])}
        done = [m for m in got if m["MessageId"] not in failed]
        if done:
            sqs.delete_message_batch(
                QueueUrl=queue_url,
                Entries=[
                    {"Id": str(n), "ReceiptHandle": m["ReceiptHandle"]} for n, m in enumerate(done)
                ],
            )


if __name__ == "__main__":
    main(sys.argv[1], *(int(n) for n in sys.argv[2:3]))
