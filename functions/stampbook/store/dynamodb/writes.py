"""What one commit writes to DynamoDB: a `TransactWriteItems` plan, and what its failures mean.

Concurrency is optimistic. Every customer's profile carries a version; a
commit reads the customer's partition, lets the engine decide, then writes
in one transaction that also moves the version on, on condition that it is
still the one read. A concurrent writer makes the condition fail, and the
whole read-decide-write runs again. The engine checked the balance on the
history it was given, and the version condition guarantees that history is
still current when the points are spent, so redemptions can never overdraw.

Each write in a plan has a role, so a cancelled transaction's reasons (one
per write, in order) say what happened: the request was finished meanwhile
(replay it), a unique name is taken (a conflict), or the customer changed
(retry).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import Enum
from typing import Any, TypeVar

from ...loyalty.history import History
from ...loyalty.ledger import Entry
from ..base import Change, Request
from .items import (
    Item,
    Read,
    attributes,
    certificate_from,
    certificate_item,
    customer_from,
    entry_from,
    entry_item,
    number,
    order_from,
    order_item,
    owed_item,
    owed_webhook_item,
    refund_from,
    refund_item,
)
from .table import (
    CERTIFICATE,
    CLAIM,
    ENTRY,
    ORDER,
    PK,
    PROFILE,
    REFUND,
    REQUEST,
    SK,
    claim_key,
    customer_key,
    request_key,
)

# One TransactWriteItems call holds at most this many writes.
MAX_WRITES = 100


class Role(Enum):
    REQUEST = "request"  # the idempotency record: fails if the request was finished
    CLAIM = "claim"  # a unique name: fails if another request took it
    CURRENT = "current"  # a version or state check: fails if the customer changed
    WRITE = "write"  # a plain write, no condition of its own


@dataclass(frozen=True)
class Partition:
    """One customer's partition as read: the history, its version, where things are."""

    history: History
    version: int
    certificate_keys: Mapping[str, str]  # certificate id -> sort key

    @classmethod
    def of(cls, customer_id: str, items: Iterable[Read]) -> Partition | None:
        """Assemble from the items of `sk >= LOYALTY#`; None if there is no profile."""
        entries, orders, refunds, certificates = [], [], [], []
        keys: dict[str, str] = {}
        profile: Read | None = None
        for item in items:
            sort_key = item[SK]["S"]
            if sort_key.startswith(ENTRY):
                entries.append(entry_from(item))
            elif sort_key.startswith(ORDER):
                orders.append(order_from(item))
            elif sort_key.startswith(REFUND):
                refunds.append(refund_from(item))
            elif sort_key.startswith(CERTIFICATE):
                certificate = certificate_from(item)
                certificates.append(certificate)
                keys[certificate.certificate_id] = sort_key
            elif sort_key == PROFILE:
                profile = item
        if profile is None:
            return None
        customer = customer_from(profile)
        history = History(
            customer_id,
            entries=tuple(entries),
            orders=tuple(orders),
            refunds=tuple(refunds),
            certificates=tuple(certificates),
            tier=customer.tier,
            birthday=customer.birthday,
            birthday_known_since=customer.birthday_set_at,
            referred_by=customer.referred_by,
        )
        return cls(history, number(profile, "version"), keys)


@dataclass
class Plan:
    """The writes of one transaction, each with the role that explains its failure."""

    table: str
    writes: list[dict[str, Any]] = field(default_factory=list)
    roles: list[tuple[Role, str]] = field(default_factory=list)  # (role, what it is about)

    def put(self, item: Item, role: Role = Role.WRITE, about: str = "") -> None:
        put: dict[str, Any] = {"TableName": self.table, "Item": item}
        if role is not Role.WRITE:
            put["ConditionExpression"] = "attribute_not_exists(pk)"
        self.writes.append({"Put": put})
        self.roles.append((role, about))

    def update(self, key: Item, role: Role, about: str, **expression: Any) -> None:
        self.writes.append({"Update": {"TableName": self.table, "Key": key, **expression}})
        self.roles.append((role, about))

    def check(self, key: Item, condition: str, role: Role, about: str) -> None:
        check = {"TableName": self.table, "Key": key, "ConditionExpression": condition}
        self.writes.append({"ConditionCheck": check})
        self.roles.append((role, about))

    def delete(self, key: Item, condition: str, values: Item, about: str) -> None:
        delete = {"TableName": self.table, "Key": key, "ConditionExpression": condition}
        self.writes.append({"Delete": {**delete, "ExpressionAttributeValues": values}})
        self.roles.append((Role.CURRENT, about))

    def claim(self, kind: str, name: str, owner: str) -> None:
        """Take `name` for `owner`; fails the transaction if anyone holds it already."""
        item = attributes(**{PK: claim_key(kind, name), SK: CLAIM}, customer_id=owner)
        self.put(item, Role.CLAIM, f"{kind.lower()} {name}")

    def __len__(self) -> int:
        return len(self.writes)


def key(partition: str, sort: str) -> Item:
    return attributes(**{PK: partition, SK: sort})


def profile_key(customer_id: str) -> Item:
    return key(customer_key(customer_id), PROFILE)


def new_entries(change: Change, readings: Mapping[str, Partition]) -> dict[str, list[Entry]]:
    """Per owner, the change's entries whose keys the owner's ledger does not hold yet.

    An entry's key names what it is for (`earn:ORDER-7`), so it exists at most
    once in a ledger; a second one is dropped, as the SQLite ledger ignores it.
    """
    owners: dict[str, list[Entry]] = {}
    seen: dict[str, set[str]] = {}
    for owner, entry in change.entries:
        keys = seen.setdefault(owner, {e.idempotency_key for e in readings[owner].history.entries})
        if entry.idempotency_key not in keys:
            keys.add(entry.idempotency_key)
            owners.setdefault(owner, []).append(entry)
    return owners


def plan_commit(
    table: str,
    customer_id: str,
    request: Request,
    change: Change,
    readings: Mapping[str, Partition],
) -> Plan:
    """Everything `change` writes, plus the request record and the version moves."""
    plan = Plan(table)
    plan.put(
        attributes(
            **{PK: request_key(request.key), SK: REQUEST},
            fingerprint=request.fingerprint,
            result=json.dumps(change.result, default=str),
            customer_id=customer_id,
            at=datetime.now(UTC).isoformat(),
        ),
        Role.REQUEST,
        request.key,
    )
    entries = new_entries(change, readings)
    for owner in [customer_id, *(o for o in entries if o != customer_id)]:
        reading = readings[owner]
        version = reading.version + 1
        for n, entry in enumerate(entries.get(owner, ())):
            sort = f"{ENTRY}{version:012d}#{n:04d}"
            plan.put({**key(customer_key(owner), sort), **entry_item(entry)})
        _move_version(plan, owner, reading.version, change if owner == customer_id else None)
    partition = customer_key(customer_id)
    if change.order is not None:
        plan.claim("ORDER", change.order.order_id, customer_id)
        plan.put({**attributes(**{PK: partition}), **order_item(change.order)})
    if change.refund is not None:
        plan.claim("REFUND", change.refund.refund_id, customer_id)
        plan.put({**attributes(**{PK: partition}), **refund_item(change.refund)})
    for certificate in change.certificates:
        plan.claim("CERTIFICATE", certificate.code, customer_id)
        plan.put({**attributes(**{PK: partition}), **certificate_item(certificate)})
    if change.owed is not None:
        plan.put(owed_item(change.owed))
    for owed in change.webhooks:
        plan.put(owed_webhook_item(owed))
    if change.redeemed_certificate is not None:
        certificate_id, at = change.redeemed_certificate
        held = readings[customer_id].certificate_keys.get(certificate_id)
        if held is not None:  # as in SQLite, an unknown certificate is left alone
            plan.update(
                key(partition, held),
                Role.CURRENT,
                f"certificate {certificate_id}",
                UpdateExpression="SET redeemed_at = :at",
                ConditionExpression="attribute_exists(pk) AND attribute_not_exists(redeemed_at)",
                ExpressionAttributeValues=attributes(**{":at": at.astimezone(UTC).isoformat()}),
            )
    return plan


def _move_version(plan: Plan, owner: str, read: int, change: Change | None) -> None:
    """Version `read` -> `read + 1`, failing if another writer moved it first; the tier too."""
    expression = "SET version = :next"
    values = attributes(**{":read": read, ":next": read + 1})
    if change is not None and change.quiet is not None:
        # Kept with the version it was found at: any later write moves the version
        # and so forgets it (see `DynamoStore.nightly_customers`).
        expression += ", quiet_until = :until, quiet_key = :quiet, quiet_version = :next"
        values[":until"] = {"S": change.quiet.until.astimezone(UTC).isoformat()}
        values[":quiet"] = {"S": change.quiet.key}
    if change is not None and change.tier_changed:
        if change.tier is None:
            expression += " REMOVE tier"
        else:
            expression += ", tier = :tier"
            values[":tier"] = {"S": change.tier}
    plan.update(
        profile_key(owner),
        Role.CURRENT,
        f"customer {owner}",
        UpdateExpression=expression,
        ConditionExpression="version = :read",
        ExpressionAttributeValues=values,
    )


T = TypeVar("T")


def each_condition(
    items: list[T], write: Callable[[list[T]], list[str] | None], rounds: int
) -> list[T]:
    """The items written by conditional writes together: `write` puts a list in one
    transaction and returns None, or each write's cancellation code (one per write, in
    order). Items whose condition failed are left out and the rest written again, up to
    `rounds` times; still cancelled by other writers, then one at a time."""
    waiting = items
    for _ in range(rounds):
        if not waiting:
            return []
        refused = write(waiting)
        if refused is None:
            return waiting
        waiting = [
            item
            for item, code in zip(waiting, refused, strict=False)
            if code != "ConditionalCheckFailed"
        ]
    return [item for item in waiting if write([item]) is None]


def cancellation_codes(cancelled: Any) -> list[str]:
    """Each write's code in a cancelled transaction (`None` for a write that was fine)."""
    reasons = cancelled.response.get("CancellationReasons", [])
    return [reason.get("Code", "None") for reason in reasons]
