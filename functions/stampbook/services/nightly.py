"""The nightly run split into shards, so a large customer file outgrows no single Lambda.

On AWS the schedule queues one message per shard on the send queue
(`queue_shards`); each is taken by the queue's consumer, which runs the same
per-customer step as `stampbook daily` for the customers of its shard whom
the store does not find quiet (`run_shard`; see `loyalty.quiet`). A
customer belongs to one shard, by a hash of their id. The step is recorded
per customer and day (`daily:<customer>:<day>` in the store), so a shard
delivered twice, retried after a failure or run beside another changes
nobody twice. Locally, and where no queue is set, `LoyaltyService.run_daily`
still goes through everyone in one process.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from .loyalty import LoyaltyService

# Shards per night: a hundred thousand customers make about 6 000 a shard, a
# few seconds each even at the 720 µs of CPU a customer costs on DynamoDB.
SHARDS = 16
KIND = "nightly"


def shard_of(customer_id: str, shards: int) -> int:
    digest = hashlib.blake2b(customer_id.encode(), digest_size=4).digest()
    return int.from_bytes(digest, "big") % shards


def queue_shards(queue: Any, queue_url: str, shards: int = SHARDS) -> int:
    """One message per shard on the queue; returns how many."""
    for first in range(0, shards, 10):  # SQS takes ten to a request
        entries = [
            {"Id": str(n), "MessageBody": shard_message(n, shards)}
            for n in range(first, min(first + 10, shards))
        ]
        queue.send_message_batch(QueueUrl=queue_url, Entries=entries)
    return shards


def shard_message(shard: int, shards: int) -> str:
    return json.dumps({"kind": KIND, "shard": shard, "shards": shards})


def run_shard(loyalty: LoyaltyService, shard: int, shards: int) -> int:
    """The nightly step for every customer of `shard` who has something due (the
    store's query leaves out those found quiet); returns how many it visited."""
    if not 0 <= shard < shards:
        raise ValueError(f"shard {shard} of {shards} does not exist")
    visited = 0

    def mine(customer_id: str) -> bool:
        return shard_of(customer_id, shards) == shard

    with loyalty.night():
        for customer_id, key in loyalty.nightly_customers(loyalty.clock(), mine):
            if key is not None:
                loyalty.run_daily_for(customer_id, key)
                visited += 1
    return visited
