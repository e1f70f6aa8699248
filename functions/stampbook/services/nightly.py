"""The nightly run split into shards, so a large customer file outgrows no single Lambda.

On AWS the schedule walks the customer ids once, in order, and cuts them into
runs of `CUSTOMERS_PER_SHARD` (`plan_shards`); it queues one message per run
on the send queue (`queue_shards`), so the number of shards grows with the
file. Each is taken by the queue's consumer, which runs the same
per-customer step as `stampbook daily` for the customers of its run whom the
store does not find quiet (`run_shard`; see `loyalty.quiet`). The runs are
half-open and the first and last are open-ended, so a customer who joins
between the schedule and the shard still falls in one. The step is recorded
per customer and day (`daily:<customer>:<day>` in the store), so a shard
delivered twice, retried after a failure or run beside another changes
nobody twice. A message in the form queued before the runs were named by
ids (shard k of n, no `first` or `stop`), met by a deploy during the night,
takes everyone if it is shard 0 and nobody otherwise; on AWS, that shard 0
cuts the night again into runs of ids and queues them, as the schedule now
does, rather than one invocation taking the whole file. Locally, and where no
queue is set, `LoyaltyService.run_daily` still goes through everyone in one
process.
"""

from __future__ import annotations

import json
from typing import Any

from ..metrics import Metric, count
from ..records.customers import EVERYONE, CustomerRange
from ..store.base import Store
from .loyalty import LoyaltyService

# A first night visits everyone: about 5 ms a customer on DynamoDB Local (three
# requests each), so 2 000 make a shard of about 10 s, well inside a minute even
# where each request takes a few milliseconds more. A quiet night is a tenth of it.
CUSTOMERS_PER_SHARD = 2_000
KIND = "nightly"


def plan_shards(store: Store, per_shard: int | None = None) -> list[CustomerRange]:
    """The customer file cut into runs of `per_shard` ids (`CUSTOMERS_PER_SHARD`), in
    order; at least one."""
    per_shard = per_shard or CUSTOMERS_PER_SHARD
    cuts: list[str] = []
    for n, customer_id in enumerate(store.customer_ids()):
        if n and n % per_shard == 0:
            cuts.append(customer_id)
    starts: list[str | None] = [None, *cuts]
    stops: list[str | None] = [*cuts, None]
    return [CustomerRange(first, stop) for first, stop in zip(starts, stops, strict=True)]


def queue_shards(queue: Any, queue_url: str, shards: list[CustomerRange]) -> int:
    """One message per shard on the queue; returns how many."""
    for first in range(0, len(shards), 10):  # SQS takes ten to a request
        entries = [
            {"Id": str(n), "MessageBody": shard_message(n, shards)}
            for n in range(first, min(first + 10, len(shards)))
        ]
        queue.send_message_batch(QueueUrl=queue_url, Entries=entries)
    return len(shards)


def shard_message(n: int, shards: list[CustomerRange]) -> str:
    within = shards[n]
    return json.dumps(
        {
            "kind": KIND,
            "shard": n,
            "shards": len(shards),
            "first": within.first,
            "stop": within.stop,
        }
    )


def shard_of_message(message: dict[str, Any]) -> CustomerRange | None:
    """The run of customers a queue message names; None if it names none."""
    if queued_in_the_old_form(message):
        return _shard_of_old_message(message)
    first, stop = message.get("first"), message.get("stop")
    if not all(end is None or (isinstance(end, str) and end) for end in (first, stop)):
        return None
    if "first" not in message or "stop" not in message:
        return None
    if first is not None and stop is not None and first >= stop:
        return None
    return CustomerRange(first, stop)


def queued_in_the_old_form(message: dict[str, Any]) -> bool:
    """A shard message queued before shards were runs of ids: no `first`, no `stop`."""
    return "first" not in message and "stop" not in message


def _shard_of_old_message(message: dict[str, Any]) -> CustomerRange | None:
    """A message queued before shards were runs of ids (`shard` k of `shards` n, no
    `first` or `stop`), met by a deploy during the nightly run: shard 0 takes everyone
    and the others nothing, so those n messages still visit each customer once that night."""
    shard, shards = message.get("shard"), message.get("shards")
    if type(shard) is not int or type(shards) is not int:  # a bool is no shard number
        return None
    first_of_them = shard == 0 and shards > 0
    return EVERYONE if first_of_them else None


def run_shard(loyalty: LoyaltyService, within: CustomerRange) -> int:
    """The nightly step for every customer `within` the shard who has something due
    (the store's query leaves out those found quiet); returns how many it visited."""
    visited = 0
    with loyalty.night():
        for customer_id, key in loyalty.nightly_customers(loyalty.clock(), within):
            if key is not None:
                loyalty.run_daily_for(customer_id, key)
                visited += 1
    count(Metric.NIGHTLY_CUSTOMERS_VISITED, visited)
    return visited
