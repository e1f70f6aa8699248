"""Automatic-email records in the DynamoDB table.

Each record lives in its customer's partition (`CUSTOMER#<id>` /
`AUTOMATION#<automation>#<occasion>`), beside the profile but outside the
history query (`AUTOMATION#` sorts before `LOYALTY#`). A record marked sent
joins the listing index under `AUTOMATION_SENT#<automation>`, sorted by the
time it went, so counting one kind in a period is one COUNT query.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import AbstractContextManager, suppress
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from ..automation_sends import AUTOMATIONS, AutomationKey, AutomationSend, EmailStatus
from .dynamodb_items import Item, Read, attributes, maybe, number, text
from .dynamodb_table import (
    AUTOMATION,
    LISTING,
    LISTING_PK,
    LISTING_SK,
    automation_sent_key,
    customer_key,
    sort_time,
)
from .dynamodb_writes import key

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient

_SENDING = EmailStatus.SENDING.value


class DynamoAutomationLog:
    """Mixed into `DynamoStore`, whose client and driver-error translation it uses."""

    client: DynamoDBClient
    table: str

    def _driver(self) -> AbstractContextManager[None]:
        raise NotImplementedError

    def _partition_items(self, customer_id: str, prefix: str) -> Iterator[Read]:
        raise NotImplementedError

    def claim_automation(self, automation_key: AutomationKey, now: int, until: int) -> bool:
        with self._driver():
            try:
                self.client.put_item(
                    TableName=self.table,
                    Item={
                        **_item_key(automation_key),
                        **attributes(
                            customer_id=automation_key.customer_id,
                            automation=automation_key.automation,
                            occasion=automation_key.occasion,
                            status=_SENDING,
                            claimed_until=until,
                        ),
                    },
                    # A claim still "sending" past its time belongs to a sender
                    # that stopped: it is taken over. Sent and failed are final.
                    ConditionExpression=(
                        "attribute_not_exists(pk) OR (#status = :sending AND claimed_until <= :now)"
                    ),
                    ExpressionAttributeNames={"#status": "status"},
                    ExpressionAttributeValues={
                        ":sending": {"S": _SENDING},
                        ":now": {"N": str(now)},
                    },
                )
            except self.client.exceptions.ConditionalCheckFailedException:
                return False
        return True

    def finish_automation(
        self, automation_key: AutomationKey, status: EmailStatus, at: datetime
    ) -> None:
        moment = sort_time(at)
        values: dict[str, str | int | None] = {":status": status.value, ":at": moment}
        expression = "SET #status = :status, #at = :at"
        if status is EmailStatus.SENT:
            expression += f", {LISTING_PK} = :listed, {LISTING_SK} = :order"
            values[":listed"] = automation_sent_key(automation_key.automation)
            values[":order"] = f"{moment}#{automation_key.customer_id}#{automation_key.occasion}"
        with self._driver():
            self.client.update_item(
                TableName=self.table,
                Key=_item_key(automation_key),
                UpdateExpression=expression,
                ExpressionAttributeNames={"#status": "status", "#at": "at"},
                ExpressionAttributeValues=attributes(**values),
            )

    def release_automation(self, automation_key: AutomationKey) -> None:
        # Sent or refused meanwhile, or released already: nothing to give up.
        gone = self.client.exceptions.ConditionalCheckFailedException
        with self._driver(), suppress(gone):
            self.client.delete_item(
                TableName=self.table,
                Key=_item_key(automation_key),
                ConditionExpression="#status = :sending",
                ExpressionAttributeNames={"#status": "status"},
                ExpressionAttributeValues=attributes(**{":sending": _SENDING}),
            )

    def automation_sends(self, customer_id: str) -> list[AutomationSend]:
        return [_send_from(item) for item in self._partition_items(customer_id, AUTOMATION)]

    def automation_counts(self, start: datetime, end: datetime) -> dict[str, int]:
        counts = {kind: self._count_sent(kind, start, end) for kind in AUTOMATIONS}
        return {kind: count for kind, count in sorted(counts.items()) if count}

    def _count_sent(self, kind: str, start: datetime, end: datetime) -> int:
        # "#" sorts before every digit, so `<end time>#` is before anything sent at `end`.
        arguments: dict[str, Any] = {
            "TableName": self.table,
            "IndexName": LISTING,
            "KeyConditionExpression": (
                f"{LISTING_PK} = :kind AND {LISTING_SK} BETWEEN :from AND :to"
            ),
            "ExpressionAttributeValues": attributes(
                **{
                    ":kind": automation_sent_key(kind),
                    ":from": sort_time(start),
                    ":to": sort_time(end) + "#",
                }
            ),
            "Select": "COUNT",
        }
        total = 0
        while True:
            with self._driver():
                page = self.client.query(**arguments)
            total += int(page["Count"])
            last = page.get("LastEvaluatedKey")
            if not last:
                return total
            arguments["ExclusiveStartKey"] = last


def _item_key(automation_key: AutomationKey) -> Item:
    return key(
        customer_key(automation_key.customer_id),
        f"{AUTOMATION}{automation_key.automation}#{automation_key.occasion}",
    )


def _send_from(item: Read) -> AutomationSend:
    at = maybe(item, "at")
    return AutomationSend(
        AutomationKey(text(item, "customer_id"), text(item, "automation"), text(item, "occasion")),
        EmailStatus(text(item, "status")),
        number(item, "claimed_until"),
        datetime.strptime(at, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=UTC) if at else None,
    )
