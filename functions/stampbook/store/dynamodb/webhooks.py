"""Outgoing webhooks in the DynamoDB table.

Each endpoint has a partition of its own (`WEBHOOK#<id>`): its record
(`ENDPOINT`, listed in the index under `WEBHOOK_ENDPOINTS`), the deliveries
owed to it (`OWED#<message id>`, listed under `WEBHOOKS_OWED` by when they
are due, as owed emails are) and its log (`ATTEMPT#<at>#...`, deleted by the
table's time to live). Removing an endpoint empties its partition.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Iterator
from contextlib import AbstractContextManager, suppress
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from ...records.webhooks import (
    EndpointState,
    Outcome,
    OwedWebhook,
    WebhookAttempt,
    WebhookEndpoint,
)
from .items import (
    Item,
    Read,
    attributes,
    maybe,
    number,
    owed_webhook_item,
    owed_webhook_key,
    owed_webhook_listing,
    text,
)
from .table import (
    EVERY_OWED_WEBHOOK,
    EVERY_WEBHOOK_ENDPOINT,
    EXPIRES,
    LISTING,
    LISTING_PK,
    LISTING_SK,
    PK,
    SK,
    WEBHOOK_ATTEMPT,
    WEBHOOK_ENDPOINT,
    sort_time,
    webhook_key,
)
from .writes import key

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient


LATEST_DUE = 10**12 - 1  # the largest due time the listing's 12 digits hold


class DynamoWebhookLog:
    """Mixed into `DynamoStore`, whose client and driver-error translation it uses."""

    client: DynamoDBClient
    table: str

    def _driver(self) -> AbstractContextManager[None]:
        raise NotImplementedError

    def _query(self, **arguments: Any) -> Iterator[Read]:
        raise NotImplementedError

    def _get(self, item_key: Item) -> Read | None:
        raise NotImplementedError

    def _get_many(self, item_keys: list[Item]) -> Iterator[Read]:
        raise NotImplementedError

    def _take_due(self, item_key: Item, due: int, until: int, listed: str) -> bool:
        raise NotImplementedError  # automations.py: owed emails are taken the same way

    def _due_items(self, listing: str, now: int, limit: int) -> list[Read]:
        raise NotImplementedError  # automations.py: owed emails are listed the same way

    # -- endpoints ------------------------------------------------------------

    def add_webhook_endpoint(self, endpoint: WebhookEndpoint) -> None:
        created = sort_time(endpoint.created_at)
        item = {
            **_endpoint_key(endpoint.endpoint_id),
            **attributes(
                endpoint_id=endpoint.endpoint_id,
                url=endpoint.url,
                events=json.dumps(list(endpoint.events)),
                secret=endpoint.secret,
                created_at=created,
                disable_after=endpoint.disable_after,
                state=endpoint.state.value,
                failures=endpoint.failures,
                disabled_at=sort_time(endpoint.disabled_at) if endpoint.disabled_at else None,
                note=endpoint.note,
                previous_secret=endpoint.previous_secret,
                previous_until=endpoint.previous_until,
                **{
                    LISTING_PK: EVERY_WEBHOOK_ENDPOINT,
                    LISTING_SK: f"{created}#{endpoint.endpoint_id}",
                },
            ),
        }
        with self._driver():
            self.client.put_item(TableName=self.table, Item=item)

    def webhook_endpoints(self) -> list[WebhookEndpoint]:
        listed = self._query(
            IndexName=LISTING,
            KeyConditionExpression=f"{LISTING_PK} = :all",
            ExpressionAttributeValues=attributes(**{":all": EVERY_WEBHOOK_ENDPOINT}),
        )
        found = self._get_many([{PK: item[PK], SK: item[SK]} for item in listed])
        endpoints = [_endpoint_from(item) for item in found]
        return sorted(endpoints, key=lambda e: (e.created_at, e.endpoint_id))

    def remove_webhook_endpoint(self, endpoint_id: str) -> bool:
        # The record first: a crash part-way leaves deliveries that go nowhere (the
        # courier drops them) rather than an endpoint with half its partition.
        with self._driver():
            gone = self.client.delete_item(
                TableName=self.table, Key=_endpoint_key(endpoint_id), ReturnValues="ALL_OLD"
            )
        items = self._query(
            KeyConditionExpression="pk = :pk",
            ExpressionAttributeValues=attributes(**{":pk": webhook_key(endpoint_id)}),
            ProjectionExpression="pk, sk",
        )
        for item in list(items):
            with self._driver():
                self.client.delete_item(TableName=self.table, Key=key(item[PK]["S"], item[SK]["S"]))
        return "Attributes" in gone

    def webhook_failed(self, endpoint_id: str) -> int:
        with self._driver():
            try:
                found = self.client.update_item(
                    TableName=self.table,
                    Key=_endpoint_key(endpoint_id),
                    UpdateExpression="ADD failures :one",
                    ConditionExpression="attribute_exists(pk)",
                    ExpressionAttributeValues=attributes(**{":one": 1}),
                    ReturnValues="UPDATED_NEW",
                )
            except self.client.exceptions.ConditionalCheckFailedException:
                return 0
        return number(found["Attributes"], "failures")

    def webhook_delivered(self, endpoint_id: str) -> None:
        gone = self.client.exceptions.ConditionalCheckFailedException
        with self._driver(), suppress(gone):  # none failed, or removed meanwhile
            self.client.update_item(
                TableName=self.table,
                Key=_endpoint_key(endpoint_id),
                UpdateExpression="SET failures = :none",
                ConditionExpression="failures > :none",
                ExpressionAttributeValues=attributes(**{":none": 0}),
            )

    def set_webhook_state(
        self, endpoint_id: str, state: EndpointState, at: datetime, note: str = ""
    ) -> bool:
        given: dict[str, str | int]
        if state is EndpointState.DISABLED:
            expression = "SET #state = :state, disabled_at = :at, note = :note"
            given = {":state": state.value, ":at": sort_time(at), ":note": note}
        else:  # enabled again, it starts afresh, as a new endpoint would
            expression = "SET #state = :state, failures = :none, note = :blank REMOVE disabled_at"
            given = {":state": state.value, ":none": 0, ":blank": ""}
        values = attributes(**given)
        with self._driver():
            try:
                self.client.update_item(
                    TableName=self.table,
                    Key=_endpoint_key(endpoint_id),
                    UpdateExpression=expression,
                    ConditionExpression="attribute_exists(pk) AND #state <> :state",
                    ExpressionAttributeNames={"#state": "state"},
                    ExpressionAttributeValues=values,
                )
            except self.client.exceptions.ConditionalCheckFailedException:
                return False
        return True

    def rotate_webhook_secret(self, endpoint_id: str, secret: str, previous_until: int) -> bool:
        values: dict[str, str | int] = {":secret": secret, ":until": previous_until}
        with self._driver():
            try:
                self.client.update_item(
                    TableName=self.table,
                    Key=_endpoint_key(endpoint_id),
                    UpdateExpression=(
                        "SET previous_secret = secret, previous_until = :until, secret = :secret"
                    ),
                    ConditionExpression="attribute_exists(pk)",
                    ExpressionAttributeValues=attributes(**values),
                )
            except self.client.exceptions.ConditionalCheckFailedException:
                return False
        return True

    # -- deliveries owed ------------------------------------------------------

    def owe_webhooks(self, owed: list[OwedWebhook]) -> None:
        gone = self.client.exceptions.ConditionalCheckFailedException
        for delivery in owed:
            with self._driver(), suppress(gone):  # owed already: once is enough
                self.client.put_item(
                    TableName=self.table,
                    Item=owed_webhook_item(delivery),
                    ConditionExpression="attribute_not_exists(pk)",
                )

    def owed_webhooks_due(self, now: int, limit: int) -> list[OwedWebhook]:
        return [_owed_from(item) for item in self._due_items(EVERY_OWED_WEBHOOK, now, limit)]

    def _owed_webhooks_about(self, customer_id: str) -> Iterator[Read]:
        """The deliveries owed, due or not, whose event names this customer (erasure: there
        are few, since they go within seconds unless a receiver is down)."""
        for item in self._due_items(EVERY_OWED_WEBHOOK, LATEST_DUE, 1_000_000):
            if json.loads(text(item, "body"))["data"].get("customer_id") == customer_id:
                yield item

    def take_owed_webhooks(self, owed: list[OwedWebhook], until: int) -> list[OwedWebhook]:
        return [delivery for delivery in owed if self._take(delivery, until)]

    def _take(self, owed: OwedWebhook, until: int) -> bool:
        listed = owed_webhook_listing(owed, until)
        return self._take_due(owed_webhook_key(owed), owed.due, until, listed)

    def finish_owed_webhook(
        self,
        owed: OwedWebhook,
        attempt: WebhookAttempt | None,
        keep_until: int,
        due_again: int | None = None,
    ) -> None:
        writes: list[dict[str, Any]] = []
        if due_again is None:
            writes.append({"Delete": {"TableName": self.table, "Key": owed_webhook_key(owed)}})
        else:
            values: dict[str, str | int] = {
                ":due": due_again,
                ":one": 1,
                ":listed": owed_webhook_listing(owed, due_again),
            }
            update = {
                "TableName": self.table,
                "Key": owed_webhook_key(owed),
                "UpdateExpression": f"SET due = :due, {LISTING_SK} = :listed ADD attempts :one",
                "ExpressionAttributeValues": attributes(**values),
            }
            writes.append({"Update": update})
        if attempt is not None:
            writes.append(
                {"Put": {"TableName": self.table, "Item": _log_item(attempt, keep_until)}}
            )
        with self._driver():  # one write: the delivery's state and its log line together
            self.client.transact_write_items(TransactItems=writes)  # type: ignore[arg-type]

    # -- the log --------------------------------------------------------------

    def log_webhook_attempt(self, attempt: WebhookAttempt, keep_until: int) -> None:
        with self._driver():
            self.client.put_item(TableName=self.table, Item=_log_item(attempt, keep_until))

    def webhook_attempts(self, endpoint_id: str, now: int, limit: int) -> list[WebhookAttempt]:
        items = self._query(
            KeyConditionExpression="pk = :pk AND begins_with(sk, :log)",
            ExpressionAttributeValues=attributes(
                **{":pk": webhook_key(endpoint_id), ":log": WEBHOOK_ATTEMPT}
            ),
            ScanIndexForward=False,
            ConsistentRead=True,
        )
        # Time to live deletes within a day or two of `until`: those past it are not shown.
        kept = (item for item in items if number(item, EXPIRES) > now)
        return [_attempt_from(item) for item in itertools.islice(kept, limit)]


def _log_item(attempt: WebhookAttempt, keep_until: int) -> Item:
    at = sort_time(attempt.at)
    sort = f"{WEBHOOK_ATTEMPT}{at}#{attempt.message_id}#{attempt.attempt:04d}"
    return {
        **key(webhook_key(attempt.endpoint_id), sort),
        **attributes(
            endpoint_id=attempt.endpoint_id,
            at=at,
            message_id=attempt.message_id,
            event_type=attempt.event_type,
            attempt=attempt.attempt,
            outcome=attempt.outcome.value,
            status=attempt.status,
            detail=attempt.detail,
            **{EXPIRES: keep_until},  # the table's time to live deletes it
        ),
    }


def _endpoint_key(endpoint_id: str) -> Item:
    return key(webhook_key(endpoint_id), WEBHOOK_ENDPOINT)


def _time(value: str) -> datetime:
    return datetime.strptime(value, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=UTC)


def _endpoint_from(item: Read) -> WebhookEndpoint:
    disabled_at = maybe(item, "disabled_at")
    return WebhookEndpoint(
        endpoint_id=text(item, "endpoint_id"),
        url=text(item, "url"),
        events=tuple(json.loads(text(item, "events"))),
        secret=text(item, "secret"),
        created_at=_time(text(item, "created_at")),
        disable_after=number(item, "disable_after"),
        state=EndpointState(text(item, "state")),
        failures=number(item, "failures"),
        disabled_at=_time(disabled_at) if disabled_at else None,
        note=maybe(item, "note") or "",
        previous_secret=maybe(item, "previous_secret") or "",
        previous_until=number(item, "previous_until") if "previous_until" in item else 0,
    )


def _owed_from(item: Read) -> OwedWebhook:
    return OwedWebhook(
        text(item, "endpoint_id"),
        text(item, "message_id"),
        text(item, "event_type"),
        text(item, "body"),
        number(item, "due"),
        number(item, "attempts"),
    )


def _attempt_from(item: Read) -> WebhookAttempt:
    status = item.get("status")
    return WebhookAttempt(
        text(item, "endpoint_id"),
        _time(text(item, "at")),
        text(item, "message_id"),
        text(item, "event_type"),
        number(item, "attempt"),
        Outcome(text(item, "outcome")),
        int(status["N"]) if status is not None else None,
        maybe(item, "detail") or "",
    )
