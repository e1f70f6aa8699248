"""Automatic-email records in the DynamoDB table.

Each record lives in its customer's partition (`CUSTOMER#<id>` /
`AUTOMATION#<automation>#<occasion>`), beside the profile but outside the
history query (`AUTOMATION#` sorts before `LOYALTY#`). A record marked sent
joins the listing index under `AUTOMATION_SENT#<automation>`, sorted by the
time it went, so counting one kind in a period is one COUNT query.

An owed email (`EMAIL_OWED#<automation>#<occasion>`, put by the commit that
owes it) is listed in the index under `EMAILS_OWED`, sorted by when it is
due: the courier queries what is due, then reads each item itself, since the
index lags the table a little and projects keys only.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Iterator, Sequence
from contextlib import AbstractContextManager, suppress
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from ...records.automation_sends import Automation, AutomationKey, AutomationSend, EmailStatus
from ...records.owed_emails import OwedEmail
from ..automation_log import Keys, Marks
from .items import (
    Item,
    Read,
    attributes,
    due_text,
    maybe,
    number,
    owed_item,
    owed_key,
    owed_listing,
    text,
)
from .table import (
    AUTOMATION,
    EVERY_OWED_EMAIL,
    LISTING,
    LISTING_PK,
    LISTING_SK,
    PK,
    SK,
    automation_sent_key,
    customer_key,
    sort_time,
)
from .writes import cancellation_codes, each_condition, key

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient

_SENDING = EmailStatus.SENDING.value
WRITES_PER_TRANSACTION = 100  # TransactWriteItems' limit
CLAIM_ROUNDS = 3  # transactions cancelled by other writers before claiming one by one


class DynamoAutomationLog:
    """Mixed into `DynamoStore`, whose client and driver-error translation it uses."""

    client: DynamoDBClient
    table: str

    def _driver(self) -> AbstractContextManager[None]:
        raise NotImplementedError

    def _partition_items(self, customer_id: str, prefix: str) -> Iterator[Read]:
        raise NotImplementedError

    def _query(self, **arguments: Any) -> Iterator[Read]:
        raise NotImplementedError

    def _get(self, item_key: Item) -> Read | None:
        raise NotImplementedError

    def claim_automation(self, automation_key: AutomationKey, now: int, until: int) -> bool:
        return self.claim_automations([automation_key], now, until)[0]

    def claim_automations(self, keys: Sequence[AutomationKey], now: int, until: int) -> list[bool]:
        taken: dict[AutomationKey, bool] = {}
        for first in range(0, len(keys), WRITES_PER_TRANSACTION):
            taken |= self._claim_batch(
                list(keys[first : first + WRITES_PER_TRANSACTION]), now, until
            )
        return [taken[automation_key] for automation_key in keys]

    def _claim_batch(
        self, keys: list[AutomationKey], now: int, until: int
    ) -> dict[AutomationKey, bool]:
        """Up to 100 claims in one transaction. A cancelled one says which conditions
        failed: those occasions are taken, and the others are claimed again without them."""
        claimed = set(
            each_condition(keys, lambda chunk: self._put_claims(chunk, now, until), CLAIM_ROUNDS)
        )
        return {automation_key: automation_key in claimed for automation_key in keys}

    def _put_claims(self, keys: list[AutomationKey], now: int, until: int) -> list[str] | None:
        """None if every claim was put; else each write's cancellation code."""
        puts: list[Any] = [
            {
                "Put": {
                    "TableName": self.table,
                    "Item": {
                        **_item_key(automation_key),
                        **attributes(
                            customer_id=automation_key.customer_id,
                            automation=automation_key.automation.value,
                            occasion=automation_key.occasion,
                            status=_SENDING,
                            claimed_until=until,
                        ),
                    },
                    # A claim still "sending" past its time belongs to a sender
                    # that stopped: it is taken over. Sent and failed are final.
                    "ConditionExpression": (
                        "attribute_not_exists(pk) OR (#status = :sending AND claimed_until <= :now)"
                    ),
                    "ExpressionAttributeNames": {"#status": "status"},
                    "ExpressionAttributeValues": {
                        ":sending": {"S": _SENDING},
                        ":now": {"N": str(now)},
                    },
                }
            }
            for automation_key in keys
        ]
        with self._driver():
            try:
                if len(puts) == 1:  # a single claim: a plain conditional put costs half
                    self.client.put_item(**puts[0]["Put"])
                else:
                    self.client.transact_write_items(TransactItems=puts)
            except self.client.exceptions.ConditionalCheckFailedException:
                return ["ConditionalCheckFailed"]
            except self.client.exceptions.TransactionCanceledException as cancelled:
                return cancellation_codes(cancelled)
        return None

    def finish_automation(
        self, automation_key: AutomationKey, status: EmailStatus, at: datetime
    ) -> None:
        self.finish_automations([(automation_key, status)], at)

    def finish_automations(
        self, finished: Sequence[tuple[AutomationKey, EmailStatus]], at: datetime
    ) -> None:
        updates: list[Any] = [
            {"Update": _finish_update(self.table, automation_key, status, at)}
            for automation_key, status in finished
        ]
        for first in range(0, len(updates), WRITES_PER_TRANSACTION):
            batch = updates[first : first + WRITES_PER_TRANSACTION]
            with self._driver():
                if len(batch) == 1:
                    self.client.update_item(**batch[0]["Update"])
                else:
                    self.client.transact_write_items(TransactItems=batch)

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
        return [
            automation_send_from(item) for item in self._partition_items(customer_id, AUTOMATION)
        ]

    def automation_counts(self, start: datetime, end: datetime) -> dict[Automation, int]:
        counts = {kind: self._count_sent(kind, start, end) for kind in Automation}
        return {kind: count for kind, count in sorted(counts.items()) if count}

    def _count_sent(self, kind: Automation, start: datetime, end: datetime) -> int:
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

    # -- owed emails ---------------------------------------------------------

    def owe_email(self, owed: OwedEmail) -> None:
        gone = self.client.exceptions.ConditionalCheckFailedException
        with self._driver(), suppress(gone):  # owed already: once is enough
            self.client.put_item(
                TableName=self.table,
                Item=owed_item(owed),
                ConditionExpression="attribute_not_exists(pk)",
            )

    def owed_emails_due(self, now: int, limit: int) -> list[OwedEmail]:
        return [_owed_from(item) for item in self._due_items(EVERY_OWED_EMAIL, now, limit)]

    def _due_items(self, listing: str, now: int, limit: int) -> list[Read]:
        """Up to `limit` items listed under `listing` by when they are due, due at `now`."""
        listed = self._query(
            IndexName=LISTING,
            KeyConditionExpression=f"{LISTING_PK} = :owed AND {LISTING_SK} < :after",
            ExpressionAttributeValues=attributes(**{":owed": listing, ":after": due_text(now + 1)}),
        )
        found = []
        # Listed, but possibly taken or settled since: the item itself says.
        for listing_item in itertools.islice(listed, limit):
            item = self._get({PK: listing_item[PK], SK: listing_item[SK]})
            if item is not None and number(item, "due") <= now:
                found.append(item)
        return found

    def take_owed_email(self, automation_key: AutomationKey, due: int, until: int) -> bool:
        listed = owed_listing(automation_key, until)
        return self._take_due(owed_key(automation_key), due, until, listed)

    def _take_due(self, item_key: Item, due: int, until: int, listed: str) -> bool:
        """Take an owed item (an email, a webhook delivery) by moving its due time on to
        `until`, listed anew as `listed`, on condition that it is still due at `due`."""
        values: dict[str, str | int] = {":until": until, ":due": due, ":listed": listed}
        with self._driver():
            try:
                self.client.update_item(
                    TableName=self.table,
                    Key=item_key,
                    UpdateExpression=f"SET due = :until, {LISTING_SK} = :listed",
                    ConditionExpression="due = :due",
                    ExpressionAttributeValues=attributes(**values),
                )
            except self.client.exceptions.ConditionalCheckFailedException:
                return False
        return True

    def take_owed_emails(self, owed: Sequence[OwedEmail], until: int) -> list[OwedEmail]:
        # A conditional update each: a transaction would fail whole on one taken elsewhere.
        return [each for each in owed if self.take_owed_email(each.key, each.due, until)]

    def postpone_owed_email(self, automation_key: AutomationKey, due: int, attempts: int) -> None:
        values: dict[str, str | int] = {
            ":due": due,
            ":attempts": attempts,
            ":listed": owed_listing(automation_key, due),
        }
        gone = self.client.exceptions.ConditionalCheckFailedException
        with self._driver(), suppress(gone):  # settled meanwhile: nothing is owed
            self.client.update_item(
                TableName=self.table,
                Key=owed_key(automation_key),
                UpdateExpression=f"SET due = :due, attempts = :attempts, {LISTING_SK} = :listed",
                ConditionExpression="attribute_exists(pk)",
                ExpressionAttributeValues=attributes(**values),
            )

    def settle_owed_email(self, automation_key: AutomationKey) -> None:
        with self._driver():
            self.client.delete_item(TableName=self.table, Key=owed_key(automation_key))

    def finish_owed_emails(self, finished: Marks, settled: Keys, at: datetime) -> None:
        # Marked first: an email settled but not marked could be claimed and sent again.
        self.finish_automations(finished, at)
        for automation_key in settled:
            self.settle_owed_email(automation_key)


def _owed_from(item: Read) -> OwedEmail:
    return OwedEmail(
        _key_from(item),
        number(item, "due"),
        json.loads(text(item, "details")),
        number(item, "attempts"),
    )


def _key_from(item: Read) -> AutomationKey:
    return AutomationKey(
        text(item, "customer_id"), Automation(text(item, "automation")), text(item, "occasion")
    )


def _item_key(automation_key: AutomationKey) -> Item:
    return key(
        customer_key(automation_key.customer_id),
        f"{AUTOMATION}{automation_key.automation}#{automation_key.occasion}",
    )


def automation_send_from(item: Read) -> AutomationSend:
    at = maybe(item, "at")
    return AutomationSend(
        _key_from(item),
        EmailStatus(text(item, "status")),
        number(item, "claimed_until"),
        datetime.strptime(at, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=UTC) if at else None,
    )


def _finish_update(
    table: str, automation_key: AutomationKey, status: EmailStatus, at: datetime
) -> dict[str, Any]:
    moment = sort_time(at)
    values: dict[str, str | int | None] = {":status": status.value, ":at": moment}
    expression = "SET #status = :status, #at = :at"
    if status is EmailStatus.SENT:
        expression += f", {LISTING_PK} = :listed, {LISTING_SK} = :order"
        values[":listed"] = automation_sent_key(automation_key.automation)
        values[":order"] = f"{moment}#{automation_key.customer_id}#{automation_key.occasion}"
    return {
        "TableName": table,
        "Key": _item_key(automation_key),
        "UpdateExpression": expression,
        "ExpressionAttributeNames": {"#status": "status", "#at": "at"},
        "ExpressionAttributeValues": attributes(**values),
    }
