"""Recording a till or web-shop export: many orders in batched durable transactions.

Each customer's orders go into one batch, in the order they were placed, so
a customer's history is read once and their tally written once per batch,
not once per order. Nothing the engine decides depends on the order in
which different customers are visited (a purchase looks at its own
customer only), so the outcomes are those of recording the file row by row.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import partial
from typing import TypeVar

from ..files.bulk import collector_paused
from ..files.rows import RowError
from ..loyalty.orders import Order
from ..store.base import Batch, Store
from .loyalty import LoyaltyService

T = TypeVar("T")


@dataclass
class Imported:
    recorded: int = 0
    replayed: int = 0  # in the customer file already: the first answer stands
    refused: list[tuple[str, Exception]] = field(default_factory=list)  # (order id, why)


def owners(
    store: Store, orders: list[tuple[str, Order]], rows: Mapping[str, int] | None = None
) -> tuple[list[tuple[str, Order]], list[RowError]]:
    """(customer id, order) for each order whose email is a customer's; the others as
    errors, at the row of the order's first line (`rows`: order id -> row)."""
    found = store.customer_ids_by_email(list(dict.fromkeys(email for email, _ in orders)))
    owned: list[tuple[str, Order]] = []
    errors: list[RowError] = []
    for email, order in orders:
        customer_id = found.get(email)
        if customer_id is None:
            errors.append(
                RowError(
                    (rows or {}).get(order.order_id, 0),
                    "email",
                    f"{email} (order {order.order_id}) is not a customer",
                )
            )
        else:
            owned.append((customer_id, order))
    return owned, errors


def record_orders(
    loyalty: LoyaltyService,
    owned: list[tuple[str, Order]],
    batch: int = 1000,
    progress: Callable[[int], None] | None = None,
) -> Imported:
    """Record `owned` (in the order placed) about `batch` orders to a transaction."""
    mine: dict[str, list[tuple[str, Order]]] = {}
    for item in owned:
        mine.setdefault(item[0], []).append(item)
    chunks = batches_of(list(mine.values()), batch)
    now = loyalty.clock()
    makers: list[Batch] = [partial(loyalty.purchase_items, chunk, now) for chunk in chunks]
    imported = Imported()
    with collector_paused():
        written = loyalty.store.commit_batches(makers)
        for chunk, outcomes in zip(chunks, written, strict=True):
            for (_, order), outcome in zip(chunk, outcomes, strict=True):
                if isinstance(outcome, Exception):
                    imported.refused.append((order.order_id, outcome))
                elif outcome.replayed:
                    imported.replayed += 1
                else:
                    imported.recorded += 1
            if progress is not None:
                progress(len(chunk))
    return imported


def batches_of(runs: list[list[T]], size: int) -> list[list[T]]:
    """Customers' runs of orders in batches of about `size`, cut between customers.

    A run longer than `size` is cut into pieces of `size`: the store decides
    each piece once the one before is written.
    """
    batches: list[list[T]] = []
    current: list[T] = []
    for run in runs:
        if current and len(current) + len(run) > size:
            batches.append(current)
            current = []
        while len(run) > size:
            batches.append(run[:size])
            run = run[size:]
        current.extend(run)
    if current:
        batches.append(current)
    return batches
