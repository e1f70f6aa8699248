"""Campaigns and send records in the DynamoDB table (`SendStore`), mixed into `DynamoStore`.

| item              | pk                  | sk                | gsi1pk / gsi1sk             |
|-------------------|---------------------|-------------------|-----------------------------|
| campaign          | `CAMPAIGN#<slug>`   | `CAMPAIGN`        | `CAMPAIGNS` / created, slug |
| send record       | `CAMPAIGN#<slug>#<n>` | `SEND#<customer>` | `SENDS#<slug>#<n>` / lease |
| web version       | `CAMPAIGN#<slug>`   | `WEB#<locale>`    |                             |
| message's campaign | `MESSAGE#<id>`     | `CLAIM`           |                             |
| the pace          | `LIMIT#pace:<key>`  | `LIMIT`           |                             |

A campaign's records are spread over `SHARDS` partitions, the shard a hash
of the customer's id: a partition takes about 1 000 writes a second, so a
large audience is written, claimed and settled at the table's throughput
rather than one partition's. A campaign keeps its shard count on its item
(`shards`, set when its first records are added); one without it was
written before sharding, all in `CAMPAIGN#<slug>` (shard 0 of 1, read
as such).

A record waiting to be sent (pending, or claimed under a lease) is in the
sparse index under `SENDS#<slug>#<shard>`, sorted by when its lease ends (0
for pending), and leaves it once settled: a claim queries only what is
left, shard after shard from one picked at random, so workers start apart.
The index is eventually consistent, so the claim itself is a conditional
update of each record (still waiting, lease over): two workers never both
win one record. A record held out of the send (`held_out`) is put outside
the index: nothing ever claims it.

Requests: starting puts the audience's records 100 to a transaction
(records already there, from a start interrupted half way, are left as
they are) and counts them with two queries per shard (all, and those held
out); claiming a batch of N
costs an index query per shard looked at (per page) and N conditional
updates; settling it one transaction of the N conditional updates and the
campaign's counters (per 99 records; a transaction's writes cost twice a
plain write's, the price of counters that never fall behind their records
when a worker is stopped half way), and for each message sent two small
puts before it (our Message-ID and the provider's, for bounce reports).
Sending re-reads each person's consent (one query) and reads each customer
and history (a get and a query).
"""

from __future__ import annotations

import hashlib
import random
from collections.abc import Callable, Iterable, Iterator
from contextlib import AbstractContextManager, suppress
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from ...audience.consent import ConsentRecord, ConsentStatus, current_status
from ...loyalty.history import History
from ...records.customers import Customer
from ..base import StoreError, UnknownCustomer
from ..sends import Campaign, CampaignState, Claimed, SendStatus, Settled
from .items import Item, Read, attributes, maybe, maybe_moment, text, time_text
from .table import CLAIM, EVERY_CUSTOMER, LIMIT, LISTING, limit_key
from .writes import cancellation_codes, each_condition

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient

CAMPAIGN = "CAMPAIGN"
EVERY_CAMPAIGN = "CAMPAIGNS"
SEND = "SEND#"
WEB = "WEB#"
WAITING = (SendStatus.PENDING.value, SendStatus.CLAIMED.value)
PUTS_PER_TRANSACTION = 100  # DynamoDB's limit
# Partitions a new campaign's send records are spread over: 16 take about
# 16 000 writes a second, past any small business's audience and SES quota.
SHARDS = 16
PUT_ROUNDS = 4  # transactions tried for one chunk before putting one by one
# Records settled in one transaction with the campaign's counters (DynamoDB takes 100 writes).
SETTLED_PER_TRANSACTION = 99
_COUNTED = {SendStatus.SENT: "sent", SendStatus.SKIPPED: "skipped", SendStatus.FAILED: "failed"}
assert EVERY_CAMPAIGN != EVERY_CUSTOMER


RecordOf = Callable[["Shards", str, str], Item]


def campaign_key(slug: str) -> str:
    return f"CAMPAIGN#{slug}"


@dataclass(frozen=True)
class Shards:
    """Where one campaign's send records live: `count` partitions (1: unsharded)."""

    slug: str
    count: int

    def of(self, customer_id: str) -> int:
        if self.count == 1:
            return 0
        digest = hashlib.blake2b(customer_id.encode(), digest_size=4).digest()
        return int.from_bytes(digest, "big") % self.count

    def partition(self, shard: int) -> str:
        base = campaign_key(self.slug)
        return base if self.count == 1 else f"{base}#{shard}"

    def waiting(self, shard: int) -> str:
        """The index partition of the shard's records waiting to be sent."""
        base = f"SENDS#{self.slug}"
        return base if self.count == 1 else f"{base}#{shard}"

    def record_key(self, customer_id: str) -> Item:
        return _key(self.partition(self.of(customer_id)), SEND + customer_id)

    def from_a_random_one(self) -> list[int]:
        first = random.randrange(self.count)
        return [(first + n) % self.count for n in range(self.count)]


def pending_record(shards: Shards, customer_id: str, locale: str) -> Item:
    """A record to send, in the index of those waiting."""
    return {
        **shards.record_key(customer_id),
        **attributes(
            customer_id=customer_id,
            locale=locale,
            status=SendStatus.PENDING.value,
            gsi1pk=shards.waiting(shards.of(customer_id)),
            gsi1sk=_lease(0),
            lease_until=0,
            attempts=0,
        ),
    }


def held_out_record(shards: Shards, customer_id: str, locale: str) -> Item:
    """A record kept from the send: outside the index of those waiting, so never claimed."""
    return {
        **shards.record_key(customer_id),
        **attributes(
            customer_id=customer_id, locale=locale, status=SendStatus.HELD_OUT.value, attempts=0
        ),
    }


def _key(pk: str, sk: str) -> Item:
    return {"pk": {"S": pk}, "sk": {"S": sk}}


def _lease(moment: float) -> str:
    """Seconds as fixed-width text, so the index sorts leases in time order."""
    return f"{moment:020.6f}"


def _count(item: Read, name: str) -> int:
    value = item.get(name)
    return int(value["N"]) if value is not None else 0


class DynamoSends:
    client: DynamoDBClient
    table: str

    def _get(self, item_key: Item) -> Read | None:
        raise NotImplementedError

    def _query(self, **arguments: Any) -> Iterator[Read]:
        raise NotImplementedError

    def _driver(self) -> AbstractContextManager[None]:
        raise NotImplementedError

    def customer(self, customer_id: str) -> Customer | None:
        raise NotImplementedError

    def history(self, customer_id: str) -> History:
        raise NotImplementedError

    def consents(self, customer_id: str) -> list[ConsentRecord]:
        raise NotImplementedError

    # -- campaigns ------------------------------------------------------------

    def campaign(self, slug: str) -> Campaign | None:
        found = self._get(_key(campaign_key(slug), CAMPAIGN))
        return campaign_from(found) if found else None

    def campaigns(self) -> list[Campaign]:
        listed = self._query(
            IndexName=LISTING,
            KeyConditionExpression="gsi1pk = :all",
            ExpressionAttributeValues={":all": {"S": EVERY_CAMPAIGN}},
        )
        found = (self.campaign(text(item, "pk").removeprefix("CAMPAIGN#")) for item in listed)
        return [campaign for campaign in found if campaign is not None]

    def move_campaign(
        self,
        slug: str,
        to: CampaignState,
        at: datetime,
        reason: str = "",
        *,
        only_from: Iterable[CampaignState],
    ) -> bool:
        allowed = sorted(state.value for state in only_from)
        values: Item = {f":from{n}": {"S": state} for n, state in enumerate(allowed)}
        condition = f"#state IN ({', '.join(values)})"
        if CampaignState.DRAFT.value in allowed:
            condition = f"attribute_not_exists(pk) OR {condition}"
        moment = time_text(at) or ""
        values |= attributes(
            **{
                ":to": to.value,
                ":reason": reason,
                ":at": moment,
                ":all": EVERY_CAMPAIGN,
                ":listed": f"{moment}#{slug}",
            }
        )
        update = (
            "SET #state = :to, reason = :reason, created_at = if_not_exists(created_at, :at),"
            " gsi1pk = :all, gsi1sk = if_not_exists(gsi1sk, :listed)"
        )
        if to in (CampaignState.FINISHED, CampaignState.CANCELLED):
            update += ", finished_at = :at"
        with self._driver():
            try:
                self.client.update_item(
                    TableName=self.table,
                    Key=_key(campaign_key(slug), CAMPAIGN),
                    UpdateExpression=update,
                    ConditionExpression=condition,
                    ExpressionAttributeNames={"#state": "state"},
                    ExpressionAttributeValues=values,
                )
            except self.client.exceptions.ConditionalCheckFailedException:
                return False
        return True

    def add_sends(self, slug: str, people: list[tuple[str, str]], *, held_out: bool = False) -> int:
        # A transaction may name an item once: a person in two segments is one record.
        first: dict[str, str] = {}
        for customer_id, locale in people:
            first.setdefault(customer_id, locale)
        unique = list(first.items())
        shards = self._shards(slug, spread_new=True)
        record = held_out_record if held_out else pending_record
        return sum(
            self._add_send_records(shards, unique[first : first + PUTS_PER_TRANSACTION], record)
            for first in range(0, len(unique), PUTS_PER_TRANSACTION)
        )

    def _shards(self, slug: str, *, spread_new: bool = False) -> Shards:
        """The campaign's shards; `spread_new` gives a campaign that has none yet `SHARDS`."""
        if spread_new:
            with self._driver():
                try:
                    answer = self.client.update_item(
                        TableName=self.table,
                        Key=_key(campaign_key(slug), CAMPAIGN),
                        UpdateExpression="SET shards = if_not_exists(shards, :shards)",
                        ConditionExpression="attribute_exists(pk)",
                        ExpressionAttributeValues={":shards": {"N": str(SHARDS)}},
                        ReturnValues="ALL_NEW",
                    )
                except self.client.exceptions.ConditionalCheckFailedException:
                    raise StoreError(f"no campaign {slug!r}: move it to draft first") from None
            return Shards(slug, _count(answer["Attributes"], "shards"))
        found = self._get(_key(campaign_key(slug), CAMPAIGN))
        return Shards(slug, (_count(found, "shards") if found else 0) or 1)

    def _add_send_records(
        self, shards: Shards, people: list[tuple[str, str]], record: RecordOf
    ) -> int:
        """Up to 100 new records in one request; records already there are left alone.

        A cancelled transaction says which conditions failed: those people
        have their record already, and the others are put again without them.
        """
        return len(
            each_condition(
                people, lambda chunk: self._put_new_records(shards, chunk, record), PUT_ROUNDS
            )
        )

    def _put_new_records(
        self, shards: Shards, people: list[tuple[str, str]], record: RecordOf
    ) -> list[str] | None:
        """None if every record was put; else each write's cancellation code."""
        puts: list[Any] = [
            {
                "Put": {
                    "TableName": self.table,
                    "Item": record(shards, customer_id, locale),
                    "ConditionExpression": "attribute_not_exists(pk)",
                }
            }
            for customer_id, locale in people
        ]
        with self._driver():
            try:
                self.client.transact_write_items(TransactItems=puts)
            except self.client.exceptions.TransactionCanceledException as cancelled:
                return cancellation_codes(cancelled)
        return None

    def start_sending(self, slug: str, at: datetime) -> Campaign:
        shards = self._shards(slug)
        records = sum(self._records_in(shards.partition(n)) for n in range(shards.count))
        held_out = sum(
            self._records_in(shards.partition(n), SendStatus.HELD_OUT) for n in range(shards.count)
        )
        # Under way already (the condition fails): left as it is.
        with self._driver(), suppress(self.client.exceptions.ConditionalCheckFailedException):
            self.client.update_item(
                TableName=self.table,
                Key=_key(campaign_key(slug), CAMPAIGN),
                UpdateExpression="SET #state = :sending, reason = :empty, audience = :n,"
                " held_out = :held, started_at = if_not_exists(started_at, :at)",
                ConditionExpression="#state IN (:draft, :scheduled)",
                ExpressionAttributeNames={"#state": "state"},
                ExpressionAttributeValues={
                    **attributes(
                        **{
                            ":sending": CampaignState.SENDING.value,
                            ":empty": "",
                            ":at": time_text(at),
                            ":draft": CampaignState.DRAFT.value,
                            ":scheduled": CampaignState.SCHEDULED.value,
                        }
                    ),
                    ":n": {"N": str(records - held_out)},
                    ":held": {"N": str(held_out)},
                },
            )
        return self._finish_if_done(slug, at)

    def _records_in(self, partition: str, status: SendStatus | None = None) -> int:
        """The send records in one partition (in `status`, if given)."""
        arguments: dict[str, Any] = {
            "TableName": self.table,
            "KeyConditionExpression": "pk = :pk AND begins_with(sk, :send)",
            "ExpressionAttributeValues": attributes(**{":pk": partition, ":send": SEND}),
            "Select": "COUNT",
            "ConsistentRead": True,
        }
        if status is not None:
            arguments["FilterExpression"] = "#status = :status"
            arguments["ExpressionAttributeNames"] = {"#status": "status"}
            arguments["ExpressionAttributeValues"][":status"] = {"S": status.value}
        counted = 0
        while True:
            with self._driver():
                page = self.client.query(**arguments)
            counted += page["Count"]
            if "LastEvaluatedKey" not in page:
                return counted
            arguments["ExclusiveStartKey"] = page["LastEvaluatedKey"]

    # -- send records ---------------------------------------------------------

    def claim_sends(
        self, slug: str, owner: str, size: int, now: float, lease_until: float
    ) -> list[Claimed]:
        claimed: list[Claimed] = []
        shards = self._shards(slug)
        waiting = (
            item
            for shard in shards.from_a_random_one()
            for item in self._query(
                IndexName=LISTING,
                KeyConditionExpression="gsi1pk = :sends AND gsi1sk < :now",
                ExpressionAttributeValues=attributes(
                    **{":sends": shards.waiting(shard), ":now": _lease(now)}
                ),
            )
        )
        for item in waiting:
            if len(claimed) >= size:
                break
            with self._driver():
                try:
                    answer = self.client.update_item(
                        TableName=self.table,
                        Key=_key(text(item, "pk"), text(item, "sk")),
                        UpdateExpression="SET #status = :claimed, lease_owner = :owner,"
                        " lease_until = :until, gsi1sk = :lease ADD attempts :one",
                        ConditionExpression="#status IN (:pending, :claimed)"
                        " AND lease_until < :now",
                        ExpressionAttributeNames={"#status": "status"},
                        ExpressionAttributeValues={
                            **attributes(
                                **{
                                    ":claimed": SendStatus.CLAIMED.value,
                                    ":pending": SendStatus.PENDING.value,
                                    ":owner": owner,
                                    ":lease": _lease(lease_until),
                                }
                            ),
                            ":one": {"N": "1"},
                            ":until": {"N": repr(lease_until)},
                            ":now": {"N": repr(now)},
                        },
                        ReturnValues="ALL_NEW",
                    )
                except self.client.exceptions.ConditionalCheckFailedException:
                    continue  # another worker won it
            record = answer["Attributes"]
            claimed.append(
                Claimed(
                    text(record, "customer_id"), text(record, "locale"), _count(record, "attempts")
                )
            )
        return claimed

    def consent_status(self, customer_id: str) -> ConsentStatus | None:
        return current_status(self.consents(customer_id))

    def sending_to(self, customer_ids: list[str]) -> dict[str, tuple[Customer, History]]:
        found: dict[str, tuple[Customer, History]] = {}
        for customer_id in customer_ids:
            customer = self.customer(customer_id)
            if customer is None:
                continue
            try:
                found[customer_id] = (customer, self.history(customer_id))
            except UnknownCustomer:
                continue
        return found

    def settle_sends(self, slug: str, owner: str, settled: list[Settled]) -> Campaign:
        shards = self._shards(slug)
        # Which campaign sent a message, for its bounce reports: kept first, so a
        # worker stopped after settling has not lost it (an extra one is harmless).
        for outcome in settled:
            if outcome.status in _COUNTED:
                for message in filter(None, (outcome.message_id, outcome.provider_id)):
                    self._remember_message(message, slug)
        latest: datetime | None = None
        for first in range(0, len(settled), SETTLED_PER_TRANSACTION):
            chunk = settled[first : first + SETTLED_PER_TRANSACTION]
            for outcome in self._settle_together(shards, slug, owner, chunk):
                if outcome.status in _COUNTED:
                    latest = max(filter(None, (latest, outcome.at)), default=None)
        return self._finish_if_done(slug, latest)

    def _settle_together(
        self, shards: Shards, slug: str, owner: str, outcomes: list[Settled]
    ) -> list[Settled]:
        """Settle the records and move the campaign's counters in one transaction, so a
        worker stopped half way leaves both as they were. Records this worker no longer
        holds (its lease ran out and another took them) are left out and the rest settled
        again; returns the outcomes recorded."""
        return each_condition(
            outcomes, lambda chunk: self._settle_in_one(shards, slug, owner, chunk), PUT_ROUNDS
        )

    def _settle_in_one(
        self, shards: Shards, slug: str, owner: str, outcomes: list[Settled]
    ) -> list[str] | None:
        """None if every record was settled; else each write's cancellation code."""
        writes: list[Any] = [
            {"Update": self._settle_update(shards, owner, outcome)} for outcome in outcomes
        ]
        counts = {"sent": 0, "skipped": 0, "failed": 0}
        for outcome in outcomes:
            if outcome.status in _COUNTED:
                counts[_COUNTED[outcome.status]] += 1
        if any(counts.values()):
            writes.append(
                {
                    "Update": {
                        "TableName": self.table,
                        "Key": _key(campaign_key(slug), CAMPAIGN),
                        "UpdateExpression": "ADD sent :sent, skipped :skipped, failed :failed",
                        "ExpressionAttributeValues": {
                            f":{name}": {"N": str(count)} for name, count in counts.items()
                        },
                    }
                }
            )
        with self._driver():
            try:
                self.client.transact_write_items(TransactItems=writes)
            except self.client.exceptions.TransactionCanceledException as cancelled:
                return cancellation_codes(cancelled)
        return None

    def _settle_update(self, shards: Shards, owner: str, outcome: Settled) -> dict[str, Any]:
        """The conditional update settling one record: still claimed, and by `owner`."""
        values = attributes(
            **{
                ":status": outcome.status.value,
                ":reason": outcome.reason,
                ":claimed": SendStatus.CLAIMED.value,
                ":owner": owner,
                ":zero": 0,
            }
        )
        update = "SET #status = :status, reason = :reason, lease_until = :zero"
        fields = {
            "message_id": outcome.message_id,
            "provider_id": outcome.provider_id,
            "sent_at": time_text(outcome.at),
        }
        for name, value in fields.items():
            if value is not None:
                update += f", {name} = :{name}"
                values[f":{name}"] = {"S": value}
        if outcome.status is SendStatus.PENDING:
            update += ", gsi1sk = :waiting REMOVE lease_owner"  # waits again, for anyone
            values[":waiting"] = {"S": _lease(0)}
        else:
            update += " REMOVE gsi1pk, gsi1sk"  # settled: out of the waiting index
        return {
            "TableName": self.table,
            "Key": shards.record_key(outcome.customer_id),
            "UpdateExpression": update,
            "ConditionExpression": "#status = :claimed AND lease_owner = :owner",
            "ExpressionAttributeNames": {"#status": "status"},
            "ExpressionAttributeValues": values,
        }

    def _remember_message(self, message_id: str, slug: str) -> None:
        with self._driver():
            self.client.put_item(
                TableName=self.table,
                Item={**_key(f"MESSAGE#{message_id}", CLAIM), **attributes(campaign=slug)},
            )

    def _finish_if_done(self, slug: str, at: datetime | None) -> Campaign:
        campaign = self.campaign(slug)
        assert campaign is not None
        if campaign.state is CampaignState.SENDING and campaign.settled >= campaign.audience:
            self.move_campaign(
                slug,
                CampaignState.FINISHED,
                at or datetime.now(UTC),
                only_from={CampaignState.SENDING},
            )
            campaign = self.campaign(slug)
            assert campaign is not None
        return campaign

    def claims_outstanding(self, slug: str) -> float | None:
        shards = self._shards(slug)
        latest = [
            lease
            for n in range(shards.count)
            if (lease := self._latest_lease(shards.waiting(n))) is not None
        ]
        return max(latest, default=None)

    def _latest_lease(self, waiting: str) -> float | None:
        with self._driver():
            page = self.client.query(
                TableName=self.table,
                IndexName=LISTING,
                KeyConditionExpression="gsi1pk = :sends",
                ExpressionAttributeValues=attributes(**{":sends": waiting}),
                ScanIndexForward=False,
                Limit=1,
            )
        items = page["Items"]
        return float(text(items[0], "gsi1sk")) if items else None

    # -- the pace -------------------------------------------------------------

    def reserve_pace(self, key: str, count: int, spacing: float, now: float) -> float:
        item_key = _key(limit_key(f"pace:{key}"), LIMIT)
        while True:
            found = self._get(item_key)
            before = float(found["next_at"]["N"]) if found else None
            first = max(before or now, now)
            condition = "attribute_not_exists(pk)" if found is None else "next_at = :before"
            values: Item = {":next": {"N": repr(first + count * spacing)}}
            if before is not None:
                values[":before"] = found["next_at"] if found else {"N": "0"}
            with self._driver():
                try:
                    self.client.update_item(
                        TableName=self.table,
                        Key=item_key,
                        UpdateExpression="SET next_at = :next",
                        ConditionExpression=condition,
                        ExpressionAttributeValues=values,
                    )
                except self.client.exceptions.ConditionalCheckFailedException:
                    continue  # another worker reserved meanwhile: read again
            return first

    # -- mail reports and the archive -----------------------------------------

    def campaign_of_message(self, message_id: str) -> str | None:
        found = self._get(_key(f"MESSAGE#{message_id}", CLAIM)) if message_id else None
        return text(found, "campaign") if found else None

    def count_mail_event(self, message_id: str, bounce: bool) -> str | None:
        slug = self.campaign_of_message(message_id)
        if slug is not None:
            with self._driver():
                self.client.update_item(
                    TableName=self.table,
                    Key=_key(campaign_key(slug), CAMPAIGN),
                    UpdateExpression=f"ADD {'bounced' if bounce else 'complained'} :one",
                    ExpressionAttributeValues=attributes(**{":one": 1}),
                )
        return slug

    def keep_web_version(self, slug: str, locale: str, subject: str, html: str) -> None:
        with self._driver():
            self.client.put_item(
                TableName=self.table,
                Item={
                    **_key(campaign_key(slug), WEB + locale),
                    **attributes(subject=subject, html=html),
                },
            )

    def web_version(self, slug: str, locale: str) -> tuple[str, str] | None:
        found = self._get(_key(campaign_key(slug), WEB + locale))
        return (text(found, "subject"), text(found, "html")) if found else None


def campaign_from(item: Read) -> Campaign:
    return Campaign(
        slug=text(item, "pk").removeprefix("CAMPAIGN#"),
        state=CampaignState(text(item, "state")),
        reason=maybe(item, "reason") or "",
        audience=_count(item, "audience"),
        held_out=_count(item, "held_out"),
        sent=_count(item, "sent"),
        skipped=_count(item, "skipped"),
        failed=_count(item, "failed"),
        bounced=_count(item, "bounced"),
        complained=_count(item, "complained"),
        created_at=maybe_moment(item, "created_at"),
        started_at=maybe_moment(item, "started_at"),
        finished_at=maybe_moment(item, "finished_at"),
    )
